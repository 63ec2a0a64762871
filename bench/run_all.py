"""Run every benchmark script in bench/ (each builds its own data and prints figures).

Usage: python bench/run_all.py [name ...]   (names without .py; default: all)
"""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(names: list[str]) -> int:
    scripts = sorted(
        p
        for p in HERE.glob("*.py")
        if p.name not in ("run_all.py", "__init__.py") and not p.name.startswith("_")
    )
    if names:
        scripts = [p for p in scripts if p.stem in names]
    failed = 0
    for script in scripts:
        print(f"\n===== {script.stem} =====", flush=True)
        failed += subprocess.call([sys.executable, str(script)], cwd=HERE.parent) != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
