#!/bin/bash
# tests/real-host/session.sh — the part of screenshot.sh that runs as the unprivileged test user
# inside a private D-Bus session bus (dbus-run-session). Do not run it by hand: screenshot.sh
# prepares WORK (a copy of the binaries, icons, schemas and configs) and the environment.
#
#   session.sh WORK
#
# Steps: optional demo sign-in (simulator + keyring + stand-in browser) → headless sway with
# waybar (a real StatusNotifierWatcher + host) → `gatehouse --background` → wait for the item
# to register → grim screenshot of the bar → right-click the icon through sway's virtual seat
# cursor → grim screenshot with the dbusmenu open. Results land in WORK/out.
set -euo pipefail

WORK=$1
OUT="$WORK/out"
BIN="$WORK/bin"
CONF="$WORK/conf"
mkdir -p "$OUT"

WIDTH=${GH_SHOT_WIDTH:-800}
HEIGHT=${GH_SHOT_HEIGHT:-200}
SCALE=${GH_SHOT_SCALE:-1}
DEMO=${GH_SHOT_DEMO:-1}

say() { printf '  -> %s\n' "$*" >&2; }
die() {
    printf 'session.sh: error: %s\n' "$*" >&2
    exit 1
}

PIDS=()
KEYRING_PID=
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    [[ -z $KEYRING_PID ]] || kill "$KEYRING_PID" 2>/dev/null || true
    for pid in "${PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
}
trap cleanup EXIT

# wait_for SECONDS DESCRIPTION CMD...: polls CMD every 0.1 s.
wait_for() {
    local secs=$1 what=$2 i
    shift 2
    for ((i = 0; i < secs * 10; i++)); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    die "timed out after ${secs}s waiting for $what"
}

bus_has_name() {
    gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
        --method org.freedesktop.DBus.NameHasOwner "$1" | grep -q true
}

registered_items() {
    gdbus call --session --dest org.kde.StatusNotifierWatcher \
        --object-path /StatusNotifierWatcher --method org.freedesktop.DBus.Properties.Get \
        org.kde.StatusNotifierWatcher RegisteredStatusNotifierItems 2>/dev/null
}

item_registered() {
    # An item registered by a unique name: [':1.7/StatusNotifierItem'] or similar.
    registered_items | grep -q "'"
}

# ----------------------------------------------------------------------------------------------
# demo sign-in (optional): gives the icon its "signed in" state and the menu real content

start_keyring() {
    local keyrings="$XDG_DATA_HOME/keyrings" out
    mkdir -p "$keyrings"
    chmod 0700 "$keyrings"
    printf 'login' >"$keyrings/default"
    out=$(printf '%s' gatehouse-screenshot |
        gnome-keyring-daemon --unlock --components=secrets --daemonize) ||
        die "gnome-keyring-daemon failed to start"
    while IFS='=' read -r var value; do
        [[ $var == GNOME_KEYRING_CONTROL ]] && export GNOME_KEYRING_CONTROL="$value"
    done <<<"$out"
    wait_for 10 "the keyring on the session bus" bus_has_name org.freedesktop.secrets
    out=$(gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
        --method org.freedesktop.DBus.GetConnectionUnixProcessID org.freedesktop.secrets)
    [[ $out =~ \(uint32\ ([0-9]+), ]] && KEYRING_PID=${BASH_REMATCH[1]}
    local login=/org/freedesktop/secrets/collection/login alias
    alias=$(gdbus call --session --dest org.freedesktop.secrets \
        --object-path /org/freedesktop/secrets \
        --method org.freedesktop.Secret.Service.ReadAlias default)
    if [[ $alias != *"'$login'"* ]]; then
        gdbus call --session --dest org.freedesktop.secrets --object-path /org/freedesktop/secrets \
            --method org.freedesktop.Secret.Service.SetAlias default "$login" >/dev/null
    fi
}

register_browser() {
    local apps="$XDG_DATA_HOME/applications" template
    mkdir -p "$apps" "$XDG_CONFIG_HOME"
    template=$(<"$BIN/gh-test-browser.desktop.in")
    printf '%s\n' "${template//@BROWSER@/\"$BIN/gh-test-browser\"}" >"$apps/gh-test-browser.desktop"
    cat >"$XDG_CONFIG_HOME/mimeapps.list" <<EOF
[Default Applications]
x-scheme-handler/http=gh-test-browser.desktop
x-scheme-handler/https=gh-test-browser.desktop
EOF
    LC_ALL=C gio mime x-scheme-handler/https | grep -q 'gh-test-browser.desktop' ||
        die "GIO does not pick the stand-in browser"
}

demo_sign_in() {
    say "Demo sign-in: simulator, keyring, stand-in browser"
    "$BIN/gatehouse-simulator" --url-file "$WORK/simulator-url" >"$OUT/simulator.log" 2>&1 &
    PIDS+=($!)
    wait_for 30 "the simulator's URL" test -s "$WORK/simulator-url"
    local url
    url=$(head -n 1 "$WORK/simulator-url" | tr -d '[:space:]')
    url=${url%/}
    export AWS_ENDPOINT_URL_SSO_OIDC=$url AWS_ENDPOINT_URL_SSO=$url AWS_ENDPOINT_URL_SIGNIN=$url
    export GH_TEST_BROWSER_LOG="$OUT/browser.log"
    start_keyring
    register_browser
    "$BIN/gatehouse" session add demo --start-url "$url/start" --region us-east-1 \
        >>"$OUT/demo.log" 2>&1 || die "session add failed (see $OUT/demo.log)"
    timeout 60 "$BIN/gatehouse" login demo >>"$OUT/demo.log" 2>&1 ||
        die "login failed (see $OUT/demo.log)"
    # Discover the simulator's accounts and roles, so the menu lists them.
    timeout 60 "$BIN/gatehouse" roles demo >>"$OUT/demo.log" 2>&1 || say "roles failed (menu without roles)"
    "$BIN/gatehouse" status >>"$OUT/demo.log" 2>&1 || true
}

# ----------------------------------------------------------------------------------------------
# host: headless sway + waybar

start_host() {
    say "Starting headless sway ${WIDTH}x${HEIGHT} with waybar's tray"
    sed -e "s|@WIDTH@|$WIDTH|g" -e "s|@HEIGHT@|$HEIGHT|g" -e "s|@SCALE@|$SCALE|g" \
        -e "s|@WAYBAR_CONFIG@|$CONF/waybar.json|g" -e "s|@WAYBAR_STYLE@|$CONF/waybar.css|g" \
        -e "s|@WAYBAR_LOG@|$OUT/waybar.log|g" "$CONF/sway.config.in" >"$WORK/sway.config"
    export WLR_BACKENDS=headless WLR_LIBINPUT_NO_DEVICES=1 WLR_RENDERER=pixman
    unset WAYLAND_DISPLAY DISPLAY SWAYSOCK
    sway -c "$WORK/sway.config" >"$OUT/sway.log" 2>&1 &
    PIDS+=($!)
    wait_for 20 "sway's Wayland socket" compgen -G "$XDG_RUNTIME_DIR/wayland-*"
    local sock
    sock=$(compgen -G "$XDG_RUNTIME_DIR/wayland-*" | grep -v '\.lock$' | head -n 1)
    export WAYLAND_DISPLAY=${sock##*/}
    wait_for 20 "sway's IPC socket" compgen -G "$XDG_RUNTIME_DIR/sway-ipc.*.sock"
    SWAYSOCK=$(compgen -G "$XDG_RUNTIME_DIR/sway-ipc.*.sock" | head -n 1)
    export SWAYSOCK
    wait_for 30 "waybar's StatusNotifierWatcher" bus_has_name org.kde.StatusNotifierWatcher
    say "Host up: WAYLAND_DISPLAY=$WAYLAND_DISPLAY, watcher on the bus"
}

start_gatehouse() {
    say "Starting the tray service: gatehouse --background"
    local t0 t1
    t0=$(date +%s%N)
    GATEHOUSE_ICON_THEME_PATH="$WORK/icons" GSETTINGS_SCHEMA_DIR="$WORK/schemas" \
        G_MESSAGES_DEBUG=${G_MESSAGES_DEBUG:-} \
        "$BIN/gatehouse" --background >"$OUT/gatehouse.log" 2>&1 &
    GATEHOUSE_PID=$!
    PIDS+=("$GATEHOUSE_PID")
    wait_for 30 "the Gatehouse item to register with waybar's watcher" item_registered
    t1=$(date +%s%N)
    say "Item registered after $(((t1 - t0) / 1000000)) ms: $(registered_items)"
}

# ----------------------------------------------------------------------------------------------
# screenshots

# Where is the tray icon? The bar is at the top, the tray right-aligned with 12 px padding and
# 24 px icons: the last icon's centre is about 12 + 12 px from the right edge, 16 px down.
shoot() {
    local file=$1
    grim "$file" || die "grim failed"
    say "Saved $file"
}

open_menu() {
    local w=$((WIDTH / SCALE)) h=$((HEIGHT / SCALE))
    local x=$((w - 12 - 12)) y=16
    # The headless backend has no input devices, so the seat has no pointer and clients bind no
    # wl_pointer: `swaymsg seat … cursor press` reaches nobody. gh-pointer adds a virtual
    # pointer to the seat (wlr-virtual-pointer-unstable-v1) and keeps it while we take the
    # screenshot; the pauses let waybar bind its wl_pointer and draw the menu.
    say "Right-clicking the tray icon at ($x,$y) with a virtual pointer"
    printf '%s\n' "sleep 700" "move $x $y $w $h" "sleep 300" "press 273" "sleep 80" \
        "release 273" "sleep 5000" "move 5 $((h - 5)) $w $h" "sleep 200" |
        "$BIN/gh-pointer" >>"$OUT/pointer.log" 2>&1 &
    POINTER_PID=$!
    PIDS+=("$POINTER_PID")
    sleep 3
}

# ----------------------------------------------------------------------------------------------

if ((DEMO)); then
    demo_sign_in
fi
start_host
start_gatehouse

# Let waybar fetch the properties and draw the icon; it logs each property it sets.
sleep 3
shoot "$OUT/tray-waybar.png"

POINTER_PID=
open_menu
shoot "$OUT/tray-menu.png"
wait "$POINTER_PID" || say "gh-pointer failed (see $OUT/pointer.log)"

# One more look at the service and the host before stopping them.
sleep 1
kill -0 "$GATEHOUSE_PID" 2>/dev/null || die "the tray service exited (see $OUT/gatehouse.log)"
say "Done"
