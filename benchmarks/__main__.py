"""Run every benchmark module present (benchmarks/bench_*.py), one after another."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main() -> int:
    here = Path(__file__).parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))
    if not names:
        print("no benchmark modules found", file=sys.stderr)
        return 1
    for name in names:
        module = importlib.import_module(f"benchmarks.{name}")
        print(f"== {name} ==", flush=True)
        module.main()
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
