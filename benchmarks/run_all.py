"""Run every benchmarks/bench_*.py, each in its own process, and fail if any fails.

Usage: python benchmarks/run_all.py [name ...]   e.g. ``run_all.py geodesy`` runs bench_geodesy.py.

Separate processes keep one benchmark's imports, caches and peak memory out of
the next one's figures.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
SRC_DIR = BENCH_DIR.parent / "src"


def _select(names: list[str]) -> list[Path]:
    available = sorted(BENCH_DIR.glob("bench_*.py"))
    if not names:
        return available
    by_name = {path.stem.removeprefix("bench_"): path for path in available}
    unknown = [
        name for name in names if name.removeprefix("bench_").removesuffix(".py") not in by_name
    ]
    if unknown:
        raise SystemExit(
            f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(by_name)}"
        )
    return [by_name[name.removeprefix("bench_").removesuffix(".py")] for name in names]


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    paths = [str(SRC_DIR), str(BENCH_DIR)]
    if env.get("PYTHONPATH"):
        paths.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(paths)
    # Benchmarks that touch Qt must run headless, on CI and on a developer's desktop alike.
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def main(argv: list[str]) -> int:
    scripts = _select(argv)
    env = _environment()
    failed = []
    for script in scripts:
        print(f"== {script.name}", flush=True)
        # Output is inherited, so it streams line by line as the benchmark prints.
        result = subprocess.run(
            [sys.executable, str(script)], env=env, cwd=BENCH_DIR.parent, check=False
        )
        if result.returncode != 0:
            print(f"!! {script.name} failed with exit code {result.returncode}", flush=True)
            failed.append(script.name)
    if failed:
        print(
            f"{len(failed)} of {len(scripts)} benchmark(s) failed: {', '.join(failed)}", flush=True
        )
        return 1
    print(f"all {len(scripts)} benchmark(s) passed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
