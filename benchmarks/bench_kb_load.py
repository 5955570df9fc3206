"""Knowledge-base load time: the whole packaged KB read, validated and cross-checked (uncached).

The baseline beside it is the same load with PyYAML's pure-Python parser, which the loader used
before switching to libyaml's parser (CSafeLoader); the ratio is baseline / current. Every CLI
command and the web app's first request pay this once per process.
"""

from __future__ import annotations

import platform
import statistics
import time
from collections.abc import Callable

import yaml

from hipcheck.knowledge import load as kb_load


def timings(fn: Callable[[], object], runs: int) -> list[float]:
    fn()  # warm-up: imports and pydantic schema build
    out: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000.0)
    return out


class _PurePythonLoader(yaml.SafeLoader):
    """The baseline: the same duplicate-key check on the pure-Python parser."""


_PurePythonLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    kb_load._construct_mapping,  # type: ignore[arg-type]
)


def load_once() -> object:
    return kb_load.load_knowledge_base(kb_load.default_root())


def main(runs: int = 5) -> None:
    print(f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}")
    print(f"libyaml available: {yaml.__with_libyaml__}")
    current = timings(load_once, runs)
    original = kb_load._UniqueKeyLoader
    kb_load._UniqueKeyLoader = _PurePythonLoader  # type: ignore[misc]
    try:
        baseline = timings(load_once, runs)
    finally:
        kb_load._UniqueKeyLoader = original  # type: ignore[misc]
    cur, base = statistics.median(current), statistics.median(baseline)
    print(f"{'full KB load (median of ' + str(runs) + ')':40s} {cur:9.1f} ms   baseline {base:9.1f} ms")
    print(f"{'ratio baseline / current':40s} {base / cur:9.1f}x")


if __name__ == "__main__":
    main()
