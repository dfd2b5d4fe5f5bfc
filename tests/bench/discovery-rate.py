#!/usr/bin/env python3
"""Run one listing against the simulator and record how its rate went, for the bench figures
and the plot in docs/architecture.md ("Discovery rate control").

Usage: discovery-rate.py DATA_PREFIX SIM_URL CMD...

Runs CMD with G_MESSAGES_DEBUG=gh-rate-limiter and samples the simulator's GET /_sim/stats
every 100 ms meanwhile. Writes, with times in seconds from the start of CMD:
  DATA_PREFIX.bins    per half second: time, accepted requests/s, throttled replies/s
  DATA_PREFIX.rate    the client's pacing rate (requests/s) from its debug lines
  DATA_PREFIX.events  the pacing rate set by each congestion event
Prints one line: elapsed ms, portal requests sent, throttled replies.
"""
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.request

PORTAL_OPERATIONS = ("ListAccounts", "ListAccountRoles")
BIN_S = 0.5
# "gh-rate-limiter-DEBUG: 12:00:00.000: 7158.239: throttled: rate 46.80/s, ..." (the second
# time is the monotonic clock, as Python's time.monotonic()).
RATE_LINE = re.compile(r"gh-rate-limiter-DEBUG: .*?(\d+\.\d+): (throttled: )?rate ([\d.]+)/s")


def stats(url):
    with urllib.request.urlopen(url + "/_sim/stats") as reply:
        data = json.load(reply)
    sent = sum(data["requests"].get(op, 0) for op in PORTAL_OPERATIONS)
    return sent, data["throttled"]


def main():
    prefix, url, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
    env = dict(os.environ, G_MESSAGES_DEBUG="gh-rate-limiter")
    samples = []
    lines = []

    sent0, throttled0 = stats(url)
    start = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, errors="replace")
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout))
    reader.start()
    while proc.poll() is None:
        sent, throttled = stats(url)
        samples.append((time.monotonic() - start, sent - sent0, throttled - throttled0))
        time.sleep(0.1)
    elapsed = time.monotonic() - start
    reader.join()
    sent, throttled = stats(url)
    samples.append((elapsed, sent - sent0, throttled - throttled0))
    if proc.returncode != 0:
        sys.stderr.write("".join(lines[-20:]))
        sys.exit(f"{cmd[0]} failed with status {proc.returncode}")

    with open(prefix + ".bins", "w") as bins:
        last = (0.0, 0, 0)
        for i, sample in enumerate(samples):
            span = sample[0] - last[0]
            if span < BIN_S and i < len(samples) - 1 or span <= 0:
                continue
            accepted = (sample[1] - sample[2]) - (last[1] - last[2])
            bins.write(f"{(last[0] + sample[0]) / 2:.3f}\t{accepted / span:.2f}\t"
                       f"{(sample[2] - last[2]) / span:.2f}\n")
            last = sample

    with open(prefix + ".rate", "w") as rate, open(prefix + ".events", "w") as events:
        for line in lines:
            match = RATE_LINE.search(line)
            if match:
                t = float(match.group(1)) - start
                rate.write(f"{t:.3f}\t{match.group(3)}\n")
                if match.group(2):
                    events.write(f"{t:.3f}\t{match.group(3)}\n")

    print(f"{int(elapsed * 1000)} {sent - sent0} {throttled - throttled0}")


if __name__ == "__main__":
    main()
