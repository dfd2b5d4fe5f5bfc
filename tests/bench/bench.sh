#!/bin/bash
# tests/bench/bench.sh — Gatehouse's benchmarks against the Identity Center simulator.
#
# Run it through `build-aux/dev bench` (a private bus, keyring, HOME and stand-in browser).
# Prints figures; asserts nothing: targets are judged by reading them.
set -euo pipefail

REPO=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)
BUILD=${GH_BUILDDIR:-$REPO/build}
GH="$BUILD/src/gatehouse"
SIM="$BUILD/tests/sim/gatehouse-simulator"
PY=${GH_PYTHON:-python3}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-bench.XXXXXX")
SIM_PID=

cleanup() {
    [[ -n $SIM_PID ]] && kill "$SIM_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

export HOME="$WORK/home" XDG_STATE_HOME="$WORK/state" XDG_CACHE_HOME="$WORK/cache"
mkdir -p "$HOME"

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# time_ms CMD... — wall time of one run, in ms; the command's stdout is discarded
time_ms() {
    local start end
    start=$(now_ms)
    "$@" >/dev/null
    end=$(now_ms)
    echo $((end - start))
}

# first_line_ms CMD... — ms until CMD prints its first line (the URL a browser would get)
first_line_ms() {
    "$PY" -c 'import subprocess, sys, time
start = time.monotonic()
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE)
p.stdout.readline()
print(int((time.monotonic() - start) * 1000))
p.wait()' "$@"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }'; }
percent() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b > 0 ? 100 * a / b : 0) }'; }
# per_second COUNT MS
per_second() { awk -v n="$1" -v ms="$2" 'BEGIN { printf "%.1f", (ms > 0 ? 1000 * n / ms : 0) }'; }

# portal_counts — the portal listing requests and throttled replies the simulator has seen
portal_counts() {
    curl -s "$URL/_sim/stats" | "$PY" -c 'import json, sys
stats = json.load(sys.stdin)
requests = stats["requests"]
print(requests.get("ListAccounts", 0) + requests.get("ListAccountRoles", 0), stats["throttled"])'
}

# The plot needs gnuplot (Debian: gnuplot-nox); installed when missing, skipped if that fails.
ensure_gnuplot() {
    command -v gnuplot >/dev/null 2>&1 && return 0
    local sudo=
    [[ $(id -u) -eq 0 ]] || sudo=sudo
    echo "  (installing gnuplot-nox for the plot)" >&2
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null &&
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
            gnuplot-nox >/dev/null && command -v gnuplot >/dev/null 2>&1
}

sim_set() { curl -s -X POST "$URL/_sim/set?$1" >/dev/null; }

"$SIM" --accounts 1000 --roles-per-account 3 --page-size 100 --latency-ms 20 \
    --url-file "$WORK/url" >"$WORK/sim.log" 2>&1 &
SIM_PID=$!
for _ in $(seq 100); do [[ -s $WORK/url ]] && break; sleep 0.05; done
URL=$(<"$WORK/url")
export AWS_ENDPOINT_URL_SSO_OIDC=$URL AWS_ENDPOINT_URL_SSO=$URL AWS_ENDPOINT_URL_SIGNIN=$URL

"$GH" session add bench --start-url "$URL/start" --region us-east-1 >/dev/null
"$GH" login bench >/dev/null
echo "Simulator: 1000 accounts × 3 roles, 20 ms latency per request, page size 100"
echo

LIMIT=20
echo "== Discovery: ListAccounts + ListAccountRoles for every account (1010 requests)"
gh_free=$(time_ms "$GH" roles bench --refresh --json)
boto_free=$(time_ms "$PY" "$REPO/tests/bench/botocore-list.py" bench "$URL")
printf '  no rate limit:  gatehouse %6d ms   botocore serial %6d ms   ratio %sx' \
    "$gh_free" "$boto_free" "$(ratio "$boto_free" "$gh_free")"
printf '   (target: <= 1500 ms, >= 15x)\n'

# Under a server limit: the time, the share of the limit used and the throttled replies,
# with the server's own counts; and the same for botocore, from a full server bucket again.
sim_set rate-limit=$LIMIT
read -r gh_ms gh_sent gh_throttled < <("$PY" "$REPO/tests/bench/discovery-rate.py" "$WORK/rate" \
    "$URL" "$GH" roles bench --refresh --json)
[[ -n ${gh_throttled:-} ]] || { echo "bench: the listing under the rate limit failed" >&2; exit 1; }
gh_rate=$(per_second $((gh_sent - gh_throttled)) "$gh_ms")
printf '  %d requests/s:  gatehouse %6d ms = %s accepted/s = %s %% of the limit' \
    "$LIMIT" "$gh_ms" "$gh_rate" "$(percent "$gh_rate" "$LIMIT")"
printf '   (target: >= 95 %%)\n'
printf '                  throttled %d of %d requests sent = %s %%   (target: <= 2 %%)\n' \
    "$gh_throttled" "$gh_sent" "$(percent "$gh_throttled" "$gh_sent")"
sim_set rate-limit=$LIMIT
read -r sent0 throttled0 < <(portal_counts)
if boto_ms=$(time_ms "$PY" "$REPO/tests/bench/botocore-list.py" bench "$URL" 2>"$WORK/boto.err"); then
    read -r sent1 throttled1 < <(portal_counts)
    boto_sent=$((sent1 - sent0)) boto_throttled=$((throttled1 - throttled0))
    boto_rate=$(per_second $((boto_sent - boto_throttled)) "$boto_ms")
    printf '                  botocore serial %6d ms = %s accepted/s = %s %% of the limit, ' \
        "$boto_ms" "$boto_rate" "$(percent "$boto_rate" "$LIMIT")"
    printf 'throttled %d of %d = %s %%; ratio %sx\n' "$boto_throttled" "$boto_sent" \
        "$(percent "$boto_throttled" "$boto_sent")" "$(ratio "$boto_ms" "$gh_ms")"
else
    printf '                  botocore serial failed (%s)\n' "$(tail -1 "$WORK/boto.err")"
fi
echo "  (the server's bucket starts full: $LIMIT requests at once, then $LIMIT/s)"
sim_set rate-limit=0
PLOT=$BUILD/discovery-rate.png
if ensure_gnuplot; then
    gnuplot -e "data='$WORK/rate'; out='$PLOT'; limit=$LIMIT" \
        -e "title='gatehouse roles: 1000 accounts, 1010 requests, server limit $LIMIT/s'" \
        "$REPO/tests/bench/discovery-rate.gp"
    echo "  plot of rate and throttled replies over time: $PLOT"
fi
echo

echo "== gatehouse credentials --format process (cached role credentials, 20 runs)"
"$GH" credentials --session bench --account 100000000001 --role ReadOnly >/dev/null
total=0 best=999999
for _ in $(seq 20); do
    t=$(time_ms "$GH" credentials --session bench --account 100000000001 --role ReadOnly --format process)
    total=$((total + t)); ((t < best)) && best=$t
done
py_start=$(time_ms "$PY" -c 'import botocore.session; botocore.session.get_session().get_credentials')
printf '  gatehouse: mean %d ms, best %d ms (target < 50 ms)\n' $((total / 20)) "$best"
printf '  for scale: python + import botocore alone takes %d ms\n' "$py_start"
echo

echo "== gatehouse sync of 3000 profiles"
first=$(time_ms "$GH" sync bench)
second=$(time_ms "$GH" sync bench)
profiles=$(grep -c '^\[profile ' "$HOME/.aws/config")
printf '  first sync: %d ms (%d profiles written); second (no change): %d ms\n' \
    "$first" "$profiles" "$second"
echo

echo "== gatehouse console: time until the sign-in URL is ready for the browser (30 ms latency)"
sim_set latency-ms=30
"$GH" console --session bench --account 100000000001 --role ReadOnly --print-url >/dev/null
total=0 best=999999
for _ in $(seq 10); do
    t=$(first_line_ms "$GH" console --session bench --account 100000000001 --role ReadOnly --print-url)
    total=$((total + t)); ((t < best)) && best=$t
done
printf '  cached role credentials (1 round trip):  mean %d ms, best %d ms → own time ≈ %d ms\n' \
    $((total / 10)) "$best" $((best - 30))
printf '  (own time includes starting the process: %d ms for gatehouse --version)\n' \
    "$(time_ms "$GH" --version)"
total=0 best=999999
for _ in $(seq 10); do
    t=$(first_line_ms "$GH" console --session bench --account 100000000001 --role ReadOnly --print-url --refresh)
    total=$((total + t)); ((t < best)) && best=$t
done
printf '  new role credentials (2 round trips):    mean %d ms, best %d ms → own time ≈ %d ms\n' \
    $((total / 10)) "$best" $((best - 60))
echo

echo "== Tray service (three sign-ins; then one of them lists 1000 accounts × 3 roles)"
# Start small: one account each, so the 3000 roles arrive while the service runs.
sim_set latency-ms=0
sim_set accounts=1
rm -f "$XDG_CACHE_HOME"/gatehouse/roles-*.json
for extra in bench-b bench-c; do
    "$GH" session add "$extra" --start-url "$URL/start" --region us-east-1 >/dev/null
    "$GH" login "$extra" >/dev/null
done
GSETTINGS_SCHEMA_DIR="$BUILD/data" /usr/bin/python3 "$REPO/tests/bench/tray-watcher.py" "$GH" \
    "$URL" bench

echo
echo "== Desktop search: one query over 15000 cached roles (GNOME Shell, KRunner; target 5 ms)"
"$BUILD/tests/bench-role-search"
echo

# The window's own section (tests/bench/bench-window.c): a HOME of its own with one sign-in of
# 5000 accounts × 3 roles in its role cache, an Xvfb display of its own, the real tray service
# spawning the real gatehouse-window.
echo "== Window (15,000 roles: 5000 accounts × 3; Xvfb, cairo renderer)"
WINDOW_HOME="$WORK/window"
mkdir -p "$WINDOW_HOME/home" "$WINDOW_HOME/run"
chmod 700 "$WINDOW_HOME/run"
HOME="$WINDOW_HOME/home" XDG_STATE_HOME="$WINDOW_HOME/state" XDG_CACHE_HOME="$WINDOW_HOME/cache" \
XDG_CONFIG_HOME="$WINDOW_HOME/config" XDG_RUNTIME_DIR="$WINDOW_HOME/run" \
GSETTINGS_SCHEMA_DIR="$BUILD/data" GSETTINGS_BACKEND=memory \
    "$BUILD/tests/bench-window" "$GH" "$BUILD/src/window/gatehouse-window"
