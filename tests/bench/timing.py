#!/usr/bin/env python3
"""tests/bench/timing.py — medians of a command's wall time and peak memory, for bench.sh.

    timing.py run RUNS [--prepare SHELL-COMMAND] -- CMD... [--- CMD...]
        Runs CMD RUNS times (stdout discarded; SHELL-COMMAND, untimed, before each run) and
        prints "MEDIAN_MS MIN_MS MEDIAN_MAX_RSS_KB". Fails when a run fails. With several
        commands (separated by ---), their runs take turns and each gets a line: on a shared
        machine whose load changes, a baseline and the build under test see the same load.
    timing.py first-line RUNS -- CMD... [--- CMD...]
        The same, timed until CMD prints its first line (the URL a browser would get).

Each run is one fork and exec from here, timed with the monotonic clock. The peak memory is
measured in one more run, untimed, under GNU time (/usr/bin/time, Debian's "time"): a child
forked from here starts as a copy of this Python process, and the kernel counts that copy's
pages in the child's peak (ru_maxrss), a floor of some 10 MB. Without GNU time it is that
figure, floor included.
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

GNU_TIME = shutil.which("time", path="/usr/bin:/bin")


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


def peak_rss_kb(cmd, prepare):
    """The command's own peak RSS in KB, measured by GNU time (a small parent)"""
    if GNU_TIME is None:
        return None
    if prepare:
        subprocess.run(prepare, shell=True, check=True)
    with tempfile.NamedTemporaryFile("r") as out:
        subprocess.run([GNU_TIME, "-f", "%M", "-o", out.name] + cmd, stdout=subprocess.DEVNULL,
                       check=True)
        return int(out.read().split()[-1])


def main(argv):
    mode, runs, rest = argv[1], int(argv[2]), argv[3:]
    prepare = None
    if rest[:1] == ["--prepare"]:
        prepare, rest = rest[1], rest[2:]
    if rest[:1] != ["--"] or len(rest) < 2 or mode not in ("run", "first-line"):
        sys.exit(__doc__)
    cmds = [[]]
    for arg in rest[1:]:
        if arg == "---":
            cmds.append([])
        else:
            cmds[-1].append(arg)
    if any(not cmd for cmd in cmds):
        sys.exit(__doc__)
    times = [[] for _ in cmds]
    rss = [[] for _ in cmds]
    for _ in range(runs):
        for i, cmd in enumerate(cmds):
            if prepare:
                subprocess.run(prepare, shell=True, check=True)
            ms, kb = run_once(cmd, mode == "first-line")
            times[i].append(ms)
            rss[i].append(kb)
    for i, cmd in enumerate(cmds):
        peak = peak_rss_kb(cmd, prepare)
        print(f"{statistics.median(times[i]):.1f} {min(times[i]):.1f} "
              f"{peak if peak is not None else statistics.median(rss[i]):.0f}")


if __name__ == "__main__":
    main(sys.argv)
