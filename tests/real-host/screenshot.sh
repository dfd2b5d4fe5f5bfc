#!/bin/bash
# tests/real-host/screenshot.sh — show Gatehouse's tray icon and menu in a REAL
# StatusNotifierItem host, headless, and save screenshots.
#
#   tests/real-host/screenshot.sh [--no-demo] [--out DIR] [--builddir DIR] [--keep]
#
# The host is waybar 0.9.17's tray module (a real org.kde.StatusNotifierWatcher + host, with
# libdbusmenu-gtk3 for the menu) under headless sway (wlroots headless backend, pixman
# renderer); grim captures the output. Debian 12 packages sway, waybar and grim are installed
# when missing (as root, or through sudo).
#
# sway refuses to run as root, so when started as root the script creates the unprivileged
# user gh-tray-test and runs the session as that user (runuser … dbus-run-session …). Started
# as an ordinary user it runs the session as that user. Everything runs in a throw-away
# directory: a copy of the built binaries, the icons and the compiled settings schema, a
# private HOME/XDG_* tree, a private XDG_RUNTIME_DIR (mode 700) and a private session bus.
#
# By default it first signs in to a "demo" session against the Identity Center simulator
# (build/tests/sim/gatehouse-simulator) with an unlocked gnome-keyring on the private bus and
# the stand-in browser (tests/fixtures/browser/gh-test-browser), so the icon shows "signed in" and the
# menu lists accounts and roles. --no-demo skips that (the icon shows "signed out").
#
# Results (default DIR: data/screenshots):
#   DIR/tray-waybar.png          the bar with the Gatehouse icon
#   DIR/tray-menu.png            the same with the tray menu open (right click on the icon)
#   DIR/tray-waybar.log          waybar's log (-l debug): the protocol checker
#   DIR/tray-gatehouse.log       the tray service's output, when it printed anything
# The script fails (exit 1) when waybar's log reports a problem with the item: property
# errors, an icon name it cannot find with no pixmap, libdbusmenu warnings/criticals (e.g. a
# missing GetGroupProperties or a bad signature), or when the item never registers.
# shellcheck disable=SC2001 # sed indents multi-line log excerpts
set -euo pipefail

SELF=$(readlink -f -- "${BASH_SOURCE[0]}")
HERE=$(dirname -- "$SELF")
REPO=$(cd -- "$HERE/../.." && pwd -P)
TEST_USER=gh-tray-test
PACKAGES=(sway waybar grim gcc libc6-dev pkg-config libwayland-dev gnome-keyring libsecret-tools dbus dbus-bin libglib2.0-bin curl)

OUT_DIR="$REPO/data/screenshots"
BUILDDIR="$REPO/build"
DEMO=1
KEEP=0

say() { printf '==> %s\n' "$*" >&2; }
die() {
    printf 'screenshot.sh: error: %s\n' "$*" >&2
    exit 1
}

while (($#)); do
    case $1 in
        --no-demo) DEMO=0 ;;
        --out) OUT_DIR=$(readlink -m -- "$2") && shift ;;
        --builddir) BUILDDIR=$(readlink -m -- "$2") && shift ;;
        --keep) KEEP=1 ;;
        -h | --help)
            sed -n '2,/^# shellcheck/p' "$SELF" | sed '$d; s/^# \{0,1\}//'
            exit 0
            ;;
        *) die "unknown argument '$1' (see --help)" ;;
    esac
    shift
done

# ----------------------------------------------------------------------------------------------
# packages and build (same approach as build-aux/dev)

as_root() {
    if [[ $(id -u) -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "need root to run '$*' (no sudo found)"
    fi
}

package_installed() {
    [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true) == "install ok installed" ]]
}

ensure_packages() {
    command -v dpkg-query >/dev/null 2>&1 || die "this script expects a Debian-based system"
    local missing=() p
    for p in "${PACKAGES[@]}"; do
        package_installed "$p" || missing+=("$p")
    done
    if ((${#missing[@]})); then
        say "Installing Debian packages: ${missing[*]}"
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
            "${missing[@]}"
    fi
}

build() {
    if [[ ! -f $BUILDDIR/build.ninja ]]; then
        meson setup "$BUILDDIR" "$REPO"
    fi
    meson compile -C "$BUILDDIR" >&2
    local f
    for f in src/gatehouse tests/sim/gatehouse-simulator data/gschemas.compiled; do
        [[ -e $BUILDDIR/$f ]] || die "$BUILDDIR/$f was not built"
    done
}

# ----------------------------------------------------------------------------------------------
# the throw-away tree the test user works in

WORK=
cleanup() {
    if [[ -n $WORK ]]; then
        if ((KEEP)); then
            say "Kept $WORK"
        else
            rm -rf -- "$WORK"
        fi
    fi
}
trap cleanup EXIT

prepare_work() {
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-real-host.XXXXXX")
    mkdir -p "$WORK"/{bin,conf,icons,schemas,out,home,config,data,cache,state,runtime}
    # Copies, so the test user needs no access to the checkout.
    cp "$BUILDDIR/src/gatehouse" "$BUILDDIR/tests/sim/gatehouse-simulator" \
        "$REPO/tests/fixtures/browser/gh-test-browser" "$REPO/tests/fixtures/browser/gh-test-browser.desktop.in" \
        "$WORK/bin/"
    # The scripted pointer that opens the menu (see gh-pointer.c).
    # shellcheck disable=SC2046
    gcc -O2 -Wall -o "$WORK/bin/gh-pointer" "$HERE/gh-pointer.c" \
        $(pkg-config --cflags --libs wayland-client) || die "cannot build gh-pointer"
    cp -r "$REPO/data/icons/." "$WORK/icons/"
    cp "$BUILDDIR/data/gschemas.compiled" "$WORK/schemas/"
    cp "$HERE/sway.config.in" "$HERE/waybar.json" "$HERE/waybar.css" "$HERE/session.sh" \
        "$WORK/conf/"
    chmod 0755 "$WORK"
    chmod 0700 "$WORK/runtime"
}

run_session() {
    local runner=()
    if [[ $(id -u) -eq 0 ]]; then
        if ! id -u "$TEST_USER" >/dev/null 2>&1; then
            say "Creating the unprivileged user $TEST_USER (sway does not run as root)"
            useradd -m -s /bin/bash "$TEST_USER"
        fi
        chown -R "$TEST_USER:" "$WORK"
        runner=(runuser -u "$TEST_USER" --)
    fi
    # A clean environment: nothing from the caller's desktop, AWS or D-Bus settings.
    local env=(
        env -i
        PATH=/usr/local/bin:/usr/bin:/bin
        HOME="$WORK/home" USER="$TEST_USER" LOGNAME="$TEST_USER" SHELL=/bin/bash
        LANG=C.UTF-8 LC_ALL=C.UTF-8
        XDG_CONFIG_HOME="$WORK/config" XDG_DATA_HOME="$WORK/data" XDG_CACHE_HOME="$WORK/cache"
        XDG_STATE_HOME="$WORK/state" XDG_RUNTIME_DIR="$WORK/runtime"
        XDG_CONFIG_DIRS=/etc/xdg XDG_DATA_DIRS=/usr/local/share:/usr/share
        GSETTINGS_BACKEND=memory GIO_USE_VFS=local NO_AT_BRIDGE=1
        GH_SHOT_DEMO="$DEMO"
    )
    [[ -n ${GH_SHOT_WIDTH:-} ]] && env+=(GH_SHOT_WIDTH="$GH_SHOT_WIDTH")
    [[ -n ${GH_SHOT_HEIGHT:-} ]] && env+=(GH_SHOT_HEIGHT="$GH_SHOT_HEIGHT")
    [[ -n ${GH_SHOT_SCALE:-} ]] && env+=(GH_SHOT_SCALE="$GH_SHOT_SCALE")
    [[ -n ${G_MESSAGES_DEBUG:-} ]] && env+=(G_MESSAGES_DEBUG="$G_MESSAGES_DEBUG")
    if [[ $(id -u) -ne 0 ]]; then
        env+=(USER="$(id -un)" LOGNAME="$(id -un)")
    fi
    # When not root, `env` runs as us: ${runner[@]} is empty.
    "${runner[@]}" "${env[@]}" timeout 300 dbus-run-session -- \
        bash "$WORK/conf/session.sh" "$WORK"
}

# ----------------------------------------------------------------------------------------------
# waybar's log as a protocol checker

# Prints the lines of waybar's log that report a problem with our item or its menu (fatal).
item_problems() {
    grep -E \
        -e "\[(warning|error|critical)\] Item '[^']*': " \
        -e "Could not find an icon named" \
        -e "No icon name or pixmap given" \
        -e "Failed to set tray item property" \
        -e "Failed to update properties" \
        -e "Failed to create DBus Proxy" \
        -e "Invalid Status Notifier Item" \
        -e "LIBDBUSMENU[-A-Z]*-(WARNING|CRITICAL)" \
        -e "(GLib-GIO|Gtk|GLib-GObject|GLib)-CRITICAL" \
        "$1" || true
}

# Lines worth a look that do not fail the run: GTK could not load our themed icon from
# IconThemePath and waybar fell back to IconPixmap.
item_warnings() {
    grep -E -e "Gtk-WARNING.*Could not find the icon 'gatehouse" \
        -e "Gtk-WARNING.*Could not find the icon 'io\.github\.gatehouse" "$1" || true
}

# ----------------------------------------------------------------------------------------------

main() {
    ensure_packages
    build
    prepare_work
    mkdir -p "$OUT_DIR"

    say "Running the host and the tray service (work directory $WORK)"
    local rc=0
    run_session || rc=$?

    local out="$WORK/out" f
    # waybar's log and the service's output (when it printed anything) go next to the screenshots.
    for f in waybar.log gatehouse.log; do
        rm -f "$OUT_DIR/tray-$f"
        if [[ -s $out/$f ]]; then
            cp "$out/$f" "$OUT_DIR/tray-$f"
        fi
    done
    if ((rc != 0)); then
        for f in sway.log demo.log gatehouse.log waybar.log; do
            [[ -s $out/$f ]] || continue
            say "--- $f (last lines) ---"
            tail -n 20 "$out/$f" >&2
        done
        die "the session failed (exit $rc)"
    fi

    [[ -s $out/tray-waybar.png ]] || die "no screenshot was taken"
    cp "$out/tray-waybar.png" "$OUT_DIR/tray-waybar.png"
    say "Screenshot: ${OUT_DIR#"$REPO"/}/tray-waybar.png"
    if [[ -s $out/tray-menu.png ]]; then
        cp "$out/tray-menu.png" "$OUT_DIR/tray-menu.png"
        say "Menu screenshot: ${OUT_DIR#"$REPO"/}/tray-menu.png"
    fi

    local problems warnings
    warnings=$(item_warnings "$out/waybar.log")
    if [[ -n $warnings ]]; then
        say "Note: waybar fell back to the item's IconPixmap (themed icon not found in IconThemePath):"
        sed "s/^/    /" <<<"$warnings" >&2
    fi
    problems=$(item_problems "$out/waybar.log")
    if [[ -n $problems ]]; then
        say "waybar reports problems with the item (log: ${OUT_DIR#"$REPO"/}/tray-waybar.log):"
        sed "s/^/    /" <<<"$problems" >&2
        exit 1
    fi
    say "waybar's log shows no problems with the item"
}

main
