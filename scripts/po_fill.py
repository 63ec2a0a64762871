"""Fill empty msgstr entries of a .po file from a {msgid: msgstr} JSON file.

Usage: python scripts/po_fill.py locale/de/LC_MESSAGES/django.po translations.json
Plural entries take a list [singular, plural]. Existing translations are kept.
A message with a context (pgettext) is keyed "context\u0004msgid", gettext's own notation.
"""

import json
import re
import sys


def main(po_path: str, json_path: str) -> None:
    with open(json_path, encoding="utf-8") as fh:
        table = json.load(fh)
    with open(po_path, encoding="utf-8") as fh:
        text = fh.read()
    blocks = text.split("\n\n")
    filled = 0
    for i, block in enumerate(blocks):
        m = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        if not m:
            continue
        msgid = "".join(json.loads(part) for part in re.findall(r'"(?:[^"\\]|\\.)*"', m.group(1)))
        c = re.search(r'^msgctxt ((?:".*"\n?)+)', block, re.M)
        if c:
            context = "".join(json.loads(p) for p in re.findall(r'"(?:[^"\\]|\\.)*"', c.group(1)))
            msgid = f"{context}\u0004{msgid}"
        if msgid not in table:
            continue
        value = table[msgid]
        # Replace the whole msgstr (it may span several lines, or hold a fuzzy guess
        # from msgmerge) with the table's translation, and drop the fuzzy flag.
        if isinstance(value, list):
            for n, v in enumerate(value):
                block, k = re.subn(
                    rf'^msgstr\[{n}\] (?:".*"\n?)+',
                    lambda _m, v=v, n=n: f"msgstr[{n}] {json.dumps(v, ensure_ascii=False)}\n",
                    block,
                    flags=re.M,
                )
                filled += k
        else:
            block, k = re.subn(
                r'^msgstr (?:".*"\n?)+',
                lambda _m, value=value: f"msgstr {json.dumps(value, ensure_ascii=False)}\n",
                block,
                flags=re.M,
            )
            filled += k
        block = block.rstrip("\n")
        block = re.sub(r"^#, fuzzy\n", "", block, flags=re.M)
        block = re.sub(r"^#, fuzzy, ", "#, ", block, flags=re.M)
        block = re.sub(r"^#\| .*\n?", "", block, flags=re.M)
        blocks[i] = block
    with open(po_path, "w", encoding="utf-8") as fh:
        fh.write("\n\n".join(blocks))
    print(f"filled {filled} entries")


if __name__ == "__main__":
    main(*sys.argv[1:3])
