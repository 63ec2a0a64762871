"""Write the Schemathesis config for one user of scripts/schemathesis.sh.

Random ids answer 404 and a fuzzed board header 400/403, so most operations would never
run their bodies. This pins, per operation, the path `{id}` to a row the user can see
(the first row of the matching list endpoint; DELETE takes the last, so the other
operations keep theirs), and the token revocation to a decoy token (revoking the run's
own token would turn the rest of the run into 401/429). Funding operations get more
examples (issue 11, point 10). Usage:

    schemathesis_config.py BASE_URL TOKEN BOARD_ID DECOY_TOKEN_ID OUT.toml
"""

from __future__ import annotations

import json
import os
import sys
import urllib.request

MAX_EXAMPLES = int(os.environ.get("ST_MAX_EXAMPLES", "10"))
FUNDING_EXAMPLES = int(os.environ.get("ST_FUNDING_EXAMPLES", "25"))
TOKENS_PATH = "/api/v1/auth/tokens/{id}/"


def get_json(url: str, token: str, board: str):
    if not url.startswith("http://127.0.0.1:"):
        raise SystemExit(f"loopback only: {url}")
    request = urllib.request.Request(  # noqa: S310 - checked above: loopback http
        url,
        headers={
            "Authorization": f"Token {token}",
            "X-Paktwerk-Board": board,
            "Accept": "application/json",
        },
    )
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - loopback
        return json.load(response)


def visible_ids(base: str, list_path: str, token: str, board: str) -> list[int]:
    try:
        data = get_json(f"{base}{list_path}?page_size=200", token, board)
    except Exception:  # noqa: BLE001 - no list or not allowed: leave the id to the fuzzer
        return []
    rows = data.get("results", data) if isinstance(data, dict) else data
    return [row["id"] for row in rows if isinstance(row, dict) and isinstance(row.get("id"), int)]


def pinned_ids(base: str, schema: dict, token: str, board: str, decoy: int) -> dict:
    """{(method, path): id} for every operation with an `{id}` in its path."""
    cache: dict[str, list[int]] = {}
    out = {}
    for path, item in schema["paths"].items():
        if "{id}" not in path:
            continue
        prefix = path.split("{id}", 1)[0]
        if prefix not in cache:
            cache[prefix] = (
                visible_ids(base, prefix, token, board) if prefix in schema["paths"] else []
            )
        ids = cache[prefix]
        for method in item:
            if method.upper() not in ("GET", "PUT", "PATCH", "POST", "DELETE"):
                continue
            if path == TOKENS_PATH:
                out[(method, path)] = decoy
            elif ids:
                out[(method, path)] = ids[-1] if method == "delete" else ids[0]
    return out


def toml(pins: dict) -> str:
    lines = [
        "[generation]",
        f"max-examples = {MAX_EXAMPLES}",
        "",
        "[[operations]]",
        'include-path-regex = "^/api/v1/funding/"',
        f"generation = {{ max-examples = {FUNDING_EXAMPLES} }}",
    ]
    for (method, path), pk in sorted(pins.items()):
        lines += [
            "",
            "[[operations]]",
            f'include-path = "{path}"',
            f'include-method = "{method.upper()}"',
            f'parameters = {{ "path.id" = {pk} }}',
        ]
    return "\n".join(lines) + "\n"


def main(base: str, token: str, board: str, decoy: str, out: str) -> None:
    schema = get_json(f"{base}/api/schema/?format=json", token, board)
    pins = pinned_ids(base, schema, token, board, int(decoy))
    with open(out, "w", encoding="utf-8") as fh:
        fh.write(toml(pins))
    print(f"{len(pins)} operations pinned to visible rows")


if __name__ == "__main__":
    main(*sys.argv[1:6])
