"""Run the benchmarks (`make bench`, or `make bench BENCH=typing_run`).

Each benchmark is a standalone script in this folder that prints its measurements and records them
in bench/results/. Targets are checked here and reported, never asserted inside the test suite.
"""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    wanted = set(sys.argv[1:])
    scripts = sorted(p for p in HERE.glob("*.py") if p.name != "run.py" and not p.name.startswith("_"))
    if wanted:
        scripts = [p for p in scripts if p.stem in wanted]
        if not scripts:
            print(f"no benchmark named {', '.join(sorted(wanted))}; have: "
                  f"{', '.join(p.stem for p in HERE.glob('*.py') if p.name != 'run.py')}")
            return 2
    failed = []
    for script in scripts:
        print(f"== {script.stem}", flush=True)
        t0 = time.monotonic()
        rc = subprocess.call([sys.executable, str(script)], cwd=HERE.parent)
        print(f"== {script.stem}: exit {rc} after {time.monotonic() - t0:.1f}s", flush=True)
        if rc != 0:
            failed.append(script.stem)
    if failed:
        print(f"benchmarks that failed or missed their targets: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
