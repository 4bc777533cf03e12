"""Run every bench/bench_*.py (``make bench``), in sorted order, each in its own process.

``bench/run.py reminders matching`` runs only the benchmarks whose file name holds one of those words.

Each benchmark prints its figures as ``bench: <name> <value> <unit> target <op> <value> <ok|FAIL>``
(see bench/common.py). The run fails when a benchmark prints a line containing " FAIL", exits
non-zero, or runs longer than TIMEOUT seconds.
"""

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
BASE_DIR = BENCH_DIR.parent
TIMEOUT = 600  # seconds per benchmark


def run_one(script: Path) -> list[str]:
    """Run one benchmark, streaming its output; return its problems (empty when it passed)."""
    problems = []
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, str(script)],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
        start_new_session=True,
    )
    timed_out = threading.Event()

    def kill() -> None:
        timed_out.set()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)

    timer = threading.Timer(TIMEOUT, kill)
    timer.start()
    try:
        assert process.stdout is not None
        for line in process.stdout:
            print(line, end="", flush=True)
            if " FAIL" in line:
                problems.append(f"{script.name}: {line.strip()}")
        returncode = process.wait()
    finally:
        timer.cancel()
        if process.poll() is None:
            kill()
            process.wait()
    if timed_out.is_set():
        problems.append(f"{script.name}: killed after {TIMEOUT} s")
    elif returncode != 0 and not problems:
        problems.append(f"{script.name}: exited with {returncode}")
    return problems


def main() -> int:
    scripts = sorted(BENCH_DIR.glob("bench_*.py"))
    if wanted := sys.argv[1:]:
        scripts = [script for script in scripts if any(word in script.stem for word in wanted)]
    if not scripts:
        print(f"== no bench/bench_*.py found{' for ' + ', '.join(wanted) if wanted else ''}", flush=True)
        return 1
    problems = []
    began = time.monotonic()
    for script in scripts:
        print(f"== {script.relative_to(BASE_DIR)}", flush=True)
        problems += run_one(script)
    print(f"== {len(scripts)} benchmark(s) in {time.monotonic() - began:.0f} s", flush=True)
    if problems:
        print("== FAILED:", flush=True)
        for problem in problems:
            print(f"  {problem}", flush=True)
        return 1
    print("== all targets met", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
