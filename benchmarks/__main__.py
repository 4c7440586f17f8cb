"""Run every benchmark script (``python -m benchmarks [NAME ...]``), one process each.

Each ``benchmarks/bench_*.py`` prints its own table of timings, the ratios against the
baselines it measured in the same run, and PASS/FAIL against the goal of its issue.
Figures are recorded in ``benchmarks/RESULTS.md`` with the command that produced them.
"""

import subprocess
import sys
import time
from pathlib import Path


def main(argv=None) -> int:
    names = list(sys.argv[1:] if argv is None else argv)
    here = Path(__file__).resolve().parent
    scripts = sorted(here.glob("bench_*.py"))
    if names:
        scripts = [s for s in scripts if any(n in s.stem for n in names)]
        if not scripts:
            print(f"no benchmark matches {names}; available: "
                  f"{[s.stem for s in sorted(here.glob('bench_*.py'))]}", file=sys.stderr)
            return 2
    failed = []
    for script in scripts:
        print(f"\n===== {script.name}", flush=True)
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, str(script)], cwd=here.parent)
        print(f"===== {script.name}: exit {proc.returncode} in {time.perf_counter() - t0:.0f} s",
              flush=True)
        if proc.returncode:
            failed.append(script.name)
    if failed:
        print(f"\nbenchmarks with failures: {failed}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
