#!/usr/bin/env python3
"""tests/bench/timing.py — medians of a command's wall time and peak memory, for bench.sh.

    timing.py run RUNS [--prepare SHELL-COMMAND] -- CMD...
        Runs CMD RUNS times (stdout discarded; SHELL-COMMAND, untimed, before each run) and
        prints "MEDIAN_MS MIN_MS MEDIAN_MAX_RSS_KB". Fails when a run fails.
    timing.py first-line RUNS -- CMD...
        The same, timed until CMD prints its first line (the URL a browser would get).

Each run is one fork and exec from here, timed with the monotonic clock; the peak memory is the
child's own (wait4's ru_maxrss), so nothing of this script's is counted.
"""
import os
import statistics
import subprocess
import sys
import time


def run_once(cmd, first_line):
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE if first_line else subprocess.DEVNULL)
    if first_line:
        line = proc.stdout.readline()
        elapsed = time.monotonic() - start
        proc.stdout.read()
        if not line:
            sys.exit(f"timing.py: {cmd[0]} printed nothing")
    _, status, usage = os.wait4(proc.pid, 0)
    if not first_line:
        elapsed = time.monotonic() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"timing.py: {' '.join(cmd)} failed with {proc.returncode}")
    return elapsed * 1000, usage.ru_maxrss


def main(argv):
    mode, runs, rest = argv[1], int(argv[2]), argv[3:]
    prepare = None
    if rest[:1] == ["--prepare"]:
        prepare, rest = rest[1], rest[2:]
    if rest[:1] != ["--"] or len(rest) < 2 or mode not in ("run", "first-line"):
        sys.exit(__doc__)
    cmd = rest[1:]
    times, rss = [], []
    for _ in range(runs):
        if prepare:
            subprocess.run(prepare, shell=True, check=True)
        ms, kb = run_once(cmd, mode == "first-line")
        times.append(ms)
        rss.append(kb)
    print(f"{statistics.median(times):.1f} {min(times):.1f} {statistics.median(rss):.0f}")


if __name__ == "__main__":
    main(sys.argv)
