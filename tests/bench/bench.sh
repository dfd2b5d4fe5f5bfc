#!/bin/bash
# tests/bench/bench.sh — Gatehouse's benchmarks against the Identity Center simulator.
#
# Run it through `build-aux/dev bench` (a private bus, keyring, HOME and stand-in browser), or
# some sections only: `build-aux/dev env tests/bench/bench.sh hot parse` (sections: discovery,
# hot, parse, tray, search, window; default all).
# Prints figures; asserts nothing: targets are judged by reading them.
set -euo pipefail

REPO=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)
BUILD=${GH_BUILDDIR:-$REPO/build}
GH="$BUILD/src/gatehouse"
SIM="$BUILD/tests/sim/gatehouse-simulator"
PY=${GH_PYTHON:-python3}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-bench.XXXXXX")
SIM_PID=
SECTIONS=" ${*:-discovery hot parse tray search window} "
wanted() { [[ $SECTIONS == *" $1 "* ]]; }

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

# sign_in NAME — `gatehouse login NAME` with the stand-in browser; what it prints (the sign-in
# URL among it) stays out of the bench's output
sign_in() {
    "$GH" login "$1" >/dev/null 2>&1 || { echo "bench: gatehouse login $1 failed" >&2; exit 1; }
}

# The baseline for the hot paths: gatehouse built from another commit, by default the merge-base
# of HEAD with ce4484b (the commit before the hot-path work), GH_BENCH_BASE to choose; built once
# into $BUILD/bench-baseline/COMMIT from `git archive` (the work tree is not touched).
RUNS=${GH_BENCH_RUNS:-20}
TIMING="$REPO/tests/bench/timing.py"
BASE_COMMIT=$(git -C "$REPO" rev-parse --verify "${GH_BENCH_BASE:-$(git -C "$REPO" merge-base HEAD ce4484b)}^{commit}")
BASE_DESC="$(git -C "$REPO" log -1 --format='%h “%s”' "$BASE_COMMIT")"
BASE_DIR="$BUILD/bench-baseline/$BASE_COMMIT"
BASE_GH="$BASE_DIR/build/src/gatehouse"
if [[ ! -x $BASE_GH ]]; then
    echo "Building the baseline gatehouse ($BASE_DESC) in ${BASE_DIR#"$REPO"/} …"
    rm -rf "$BASE_DIR"
    mkdir -p "$BASE_DIR/src"
    git -C "$REPO" archive "$BASE_COMMIT" | tar -x -C "$BASE_DIR/src"
    meson setup "$BASE_DIR/build" "$BASE_DIR/src" >"$BASE_DIR/setup.log" 2>&1 &&
        ninja -C "$BASE_DIR/build" src/gatehouse >"$BASE_DIR/build.log" 2>&1 ||
        { echo "bench: the baseline did not build (see $BASE_DIR/*.log)" >&2; exit 1; }
fi

"$SIM" --accounts 1000 --roles-per-account 3 --page-size 100 --latency-ms 20 \
    --url-file "$WORK/url" >"$WORK/sim.log" 2>&1 &
SIM_PID=$!
for _ in $(seq 100); do [[ -s $WORK/url ]] && break; sleep 0.05; done
URL=$(<"$WORK/url")
export AWS_ENDPOINT_URL_SSO_OIDC=$URL AWS_ENDPOINT_URL_SSO=$URL AWS_ENDPOINT_URL_SIGNIN=$URL

"$GH" session add bench --start-url "$URL/start" --region us-east-1 >/dev/null
sign_in bench
echo "Simulator: 1000 accounts × 3 roles, 20 ms latency per request, page size 100"
echo

bench_discovery() {
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
}

# ---------------------------------------------------------------------------------------------
# The goals of issue 11 are collected as they are measured and printed again as one table at
# the end (the README's Performance section is that table): figure, goal, baseline, ratio.
SUMMARY="$WORK/summary"
: >"$SUMMARY"

# goal_row LABEL NOW GOAL BASELINE UNIT: one row of the table; GOAL is a number or "—"
goal_row() {
    local met="—" goal="—"
    if [[ $3 != "—" ]]; then
        met=$(awk -v n="$2" -v g="$3" 'BEGIN { print (n <= g ? "yes" : "no") }')
        goal="≤ $3 $5"
    fi
    printf '| %s | %s %s | %s | %s %s | %s | %s |\n' "$1" "$2" "$5" "$goal" "$4" "$5" \
        "$(awk -v a="$4" -v b="$2" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else print "—" }')" \
        "$met" >>"$SUMMARY"
}

# The hot paths of the CLI. Each figure is the median of $RUNS runs (tests/bench/timing.py: one
# fork and exec each, wall time, and the child's own peak RSS), printed next to the same
# command built from the baseline commit, whose runs take turns with these, and the ratio
# baseline / now.

# figure LABEL GOAL-MS [--prepare SHELL-COMMAND] -- ARGS...: "$GH ARGS" and "$BASE_GH ARGS"
figure() {
    local label=$1 goal=$2 prepare=() base_ms base_rss now_ms now_rss
    shift 2
    if [[ $1 == --prepare ]]; then
        prepare=(--prepare "$2")
        shift 2
    fi
    shift
    { read -r base_ms _ base_rss; read -r now_ms _ now_rss; } < <("$PY" "$TIMING" run "$RUNS" \
        "${prepare[@]}" -- "$BASE_GH" "$@" --- "$GH" "$@")
    [[ -n ${base_ms:-} && -n ${now_ms:-} ]] || { echo "bench: $label failed" >&2; exit 1; }
    printf '  %-40s %7.1f ms  baseline %7.1f ms  %5sx   (goal: %s)\n' "$label" "$now_ms" \
        "$base_ms" "$(ratio "$base_ms" "$now_ms")" \
        "$([[ $goal == "—" ]] && echo "—" || echo "<= $goal ms")"
    [[ $goal == "—" ]] || goal_row "$label" "$now_ms" "$goal" "$base_ms" ms
}

bench_hot() {
    echo "== Hot paths: $RUNS runs each, median; baseline: gatehouse built from $BASE_DESC"
    echo "   (ratio = baseline / now; the baseline is cached in ${BASE_DIR#"$REPO"/})"
    sim_set latency-ms=0
    # The 3000 roles in the role cache (listed now when the discovery section did not run)
    wanted discovery || "$GH" roles bench --refresh --json >/dev/null

    local profile=ReadOnly-100000000001
    cp "$HOME/.aws/config" "$WORK/config-0"
    figure "sync, 3000 profiles, first time" 50 \
        --prepare "cp '$WORK/config-0' '$HOME/.aws/config'" -- sync bench
    local before after profiles
    before=$(stat -c '%i %Y.%y' "$HOME/.aws/config")
    figure "sync, 3000 profiles, nothing changes" 30 -- sync bench
    after=$(stat -c '%i %Y.%y' "$HOME/.aws/config")
    profiles=$(grep -c '^\[profile ' "$HOME/.aws/config")
    printf '  (%d profiles; an unchanged file is %s)\n' "$profiles" \
        "$([[ $before == "$after" ]] && echo "not rewritten (same inode and mtime)" || echo "REWRITTEN")"

    # Cached role credentials: one run of each build first, so both find them
    "$GH" credentials --profile "$profile" >/dev/null
    "$BASE_GH" credentials --profile "$profile" >/dev/null
    figure "credentials --format process, 3000" 15 -- \
        credentials --profile "$profile" --format process
    local ss_ms
    read -r ss_ms _ _ < <(GATEHOUSE_KERNEL_KEYRING=0 "$PY" "$TIMING" run "$RUNS" -- \
        "$GH" credentials --profile "$profile" --format process)
    printf '  %-40s %7.1f ms  (the same, from the Secret Service: GATEHOUSE_KERNEL_KEYRING=0)\n' \
        "" "$ss_ms"
    {
        sed -n '/^\[sso-session bench\]/,/^$/p' "$WORK/config-0"
        printf '\n[profile %s]\nsso_session = bench\nsso_account_id = 100000000001\n' "$profile"
        printf 'sso_role_name = ReadOnly\nregion = us-east-1\n'
    } >"$WORK/config-1"
    AWS_CONFIG_FILE=$WORK/config-1 figure "credentials --format process, 1 profile" "—" -- \
        credentials --profile "$profile" --format process
    figure "status, 3000 profiles" 15 -- status

    # The console: the time until the URL is out, less the one round trip (30 ms of simulated
    # latency) that cached credentials need (getSigninToken).
    sim_set latency-ms=30
    local console=(console --session bench --account 100000000001 --role ReadOnly --print-url)
    local base_ms now_ms base_own now_own
    "$GH" "${console[@]}" >/dev/null
    "$BASE_GH" "${console[@]}" >/dev/null
    { read -r base_ms _ _; read -r now_ms _ _; } < <("$PY" "$TIMING" first-line "$RUNS" -- \
        "$BASE_GH" "${console[@]}" --- "$GH" "${console[@]}")
    base_own=$(awk -v t="$base_ms" 'BEGIN { printf "%.1f", t - 30 }')
    now_own=$(awk -v t="$now_ms" 'BEGIN { printf "%.1f", t - 30 }')
    printf '  %-40s %7.1f ms  baseline %7.1f ms  %5sx   (goal: <= 10 ms)\n' \
        "console --print-url, own time" "$now_own" "$base_own" "$(ratio "$base_own" "$now_own")"
    printf '  %-40s (URL out after %.1f ms, baseline %.1f ms, with a 30 ms round trip)\n' "" \
        "$now_ms" "$base_ms"
    goal_row "console --print-url, own time" "$now_own" 10 "$base_own" ms
    sim_set latency-ms=0
    figure "process start: --version (the floor)" "—" -- --version
    echo
}

bench_parse() {
    echo "== Parsing ~/.aws/config: time and peak memory as the file grows ($RUNS runs each)"
    echo "   (the 3000 synced profiles, then hand-written profiles of another sign-in)"
    wanted hot || { "$GH" roles bench --json >/dev/null && "$GH" sync bench >/dev/null; }
    local mb cmd base_ms base_rss now_ms now_rss
    for mb in 1 10 50; do
        "$PY" "$REPO/tests/bench/big-config.py" "$HOME/.aws/config" "$WORK/config-$mb" "$mb"
        for cmd in "session list" "sync bench"; do
            { read -r base_ms _ base_rss; read -r now_ms _ now_rss; } < <(
                AWS_CONFIG_FILE=$WORK/config-$mb "$PY" "$TIMING" run "$RUNS" -- \
                    "$BASE_GH" $cmd --- "$GH" $cmd)
            base_rss=$(awk -v k="$base_rss" 'BEGIN { printf "%.0f", k / 1024 }')
            now_rss=$(awk -v k="$now_rss" 'BEGIN { printf "%.0f", k / 1024 }')
            printf '  %2d MB %-12s %7.1f ms %5s MB RSS  baseline %7.1f ms %5s MB  %5sx time, %5sx memory\n' \
                "$mb" "$cmd" "$now_ms" "$now_rss" "$base_ms" "$base_rss" \
                "$(ratio "$base_ms" "$now_ms")" "$(ratio "$base_rss" "$now_rss")"
            if [[ $cmd == "session list" ]]; then
                goal_row "parse a $mb MB config (session list)" "$now_ms" "—" "$base_ms" ms
                goal_row "parse a $mb MB config (session list), peak RSS" "$now_rss" "—" \
                    "$base_rss" MB
            fi
        done
        rm -f "$WORK/config-$mb"
    done
    echo "  (linear: time and memory grow with the file as 1 : 10 : 50)"
    echo
}

# The tray service of each build in turn, as a panel sees it (tests/bench/tray-watcher.py):
# PSS after start with three sign-ins, with 100, 1000 and 5000 accounts × 3 roles in the role
# cache, and wake-ups in an idle minute.
bench_tray() {
    echo "== Tray service: three sign-ins, then one of them with 100, 1000 and 5000 accounts × 3 roles"
    sim_set latency-ms=0
    local extra build bin
    for extra in bench-b bench-c; do
        "$GH" session list | grep -q "^$extra\b" && continue
        "$GH" session add "$extra" --start-url "$URL/start" --region us-east-1 >/dev/null
        sign_in "$extra"
    done
    for build in baseline now; do
        bin=$GH
        [[ $build == now ]] || bin=$BASE_GH
        # Start small: one account each, so the roles arrive while the service runs
        sim_set accounts=1
        rm -f "$XDG_CACHE_HOME"/gatehouse/roles-*.json
        echo "  $build:"
        # The baseline build has no compiled schema of its own; this one's is a superset
        GSETTINGS_SCHEMA_DIR="$BUILD/data" /usr/bin/python3 \
            "$REPO/tests/bench/tray-watcher.py" "$bin" "$URL" bench "$WORK/tray-$build" |
            sed 's/^/  /'
    done
    sim_set accounts=1000
    # tray-watcher.py wrote "KEY VALUE" lines
    local key goal unit label now base
    while read -r key goal unit label; do
        now=$(awk -v k="$key" '$1 == k { print $2 }' "$WORK/tray-now")
        base=$(awk -v k="$key" '$1 == k { print $2 }' "$WORK/tray-baseline")
        [[ -n $now && -n $base ]] && goal_row "$label" "$now" "$goal" "$base" "$unit"
    done <<'ROWS'
pss-start 5 MB tray PSS after start, 3 sign-ins
pss-100 — MB tray PSS, 100 accounts × 3 roles cached
pss-1000 — MB tray PSS, 1000 accounts × 3 roles cached
pss-5000 8 MB tray PSS, 5000 accounts × 3 roles cached
idle-start 5 MB tray PSS as on an idle machine, after start
idle-5000 8 MB tray PSS as on an idle machine, 5000 accounts × 3 roles cached
private-start — MB tray private memory (USS) after start
private-5000 — MB tray private memory (USS), 5000 accounts × 3 roles cached
rss-start — MB tray RSS after start
rss-5000 — MB tray RSS, 5000 accounts × 3 roles cached
dirty-start — MB tray memory of its own (private dirty) after start
dirty-5000 — MB tray memory of its own (private dirty), 5000 accounts × 3 roles cached
wakeups 0 /min tray wake-ups per idle minute
ROWS
    echo "  (PSS and USS move with what else runs: a library page other processes map too counts"
    echo "  a share in PSS and not at all in USS, so both are lower on a busy desktop or machine."
    echo "  RSS is what PSS would be if nothing else mapped them; private dirty memory (heap,"
    echo "  stacks, relocated library data) is the process's own whatever else runs. PSS as on"
    echo "  an idle machine shares pages only with this bench's own processes (needs root).)"
    echo
}

bench_search() {
    echo "== Desktop search: one query over 15000 cached roles (GNOME Shell, KRunner; target 5 ms)"
    "$BUILD/tests/bench-role-search"
    echo
}

# The window's own section (tests/bench/bench-window.c): a HOME of its own with one sign-in of
# 5000 accounts × 3 roles in its role cache, an Xvfb display of its own, the real tray service
# spawning the real gatehouse-window.
bench_window() {
    local home="$WORK/window"

    echo "== Window (15,000 roles: 5000 accounts × 3; Xvfb, cairo renderer)"
    mkdir -p "$home/home" "$home/run"
    chmod 700 "$home/run"
    HOME="$home/home" XDG_STATE_HOME="$home/state" XDG_CACHE_HOME="$home/cache" \
    XDG_CONFIG_HOME="$home/config" XDG_RUNTIME_DIR="$home/run" \
    GSETTINGS_SCHEMA_DIR="$BUILD/data" GSETTINGS_BACKEND=memory \
        "$BUILD/tests/bench-window" "$GH" "$BUILD/src/window/gatehouse-window"
    echo
}

for section in discovery hot parse tray search window; do
    if wanted "$section"; then
        "bench_$section"
    fi
done

echo "== Summary (the goals of issue 11; ratio = baseline / now)"
echo "| figure | now | goal | baseline | ratio | met |"
echo "|---|---|---|---|---|---|"
cat "$SUMMARY"
