#!/bin/bash
# tests/real-host/window-screenshots.sh — PNGs of the window for the README and the AppStream
# metainfo, light and dark.
#
#   tests/real-host/window-screenshots.sh [--out DIR] [--builddir DIR]
#
# Builds, then runs build/tests/window-screenshots: like the window's tests it brings up a
# private HOME, session bus, keyring and Xvfb display, signs in to the Identity Center
# simulator, gives the sign-in a role cache with realistic account names and renders the
# window through its own renderer (no window manager, so no shadows). Results (default DIR:
# data/screenshots): window-{roles,search,sign-ins,preferences}-{light,dark}.png.
set -euo pipefail

REPO=$(cd -- "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/../.." && pwd -P)
OUT="$REPO/data/screenshots"
BUILDDIR="$REPO/build"

while [[ $# -gt 0 ]]; do
    case $1 in
        --out) OUT=$(readlink -f -- "$2"); shift 2 ;;
        --builddir) BUILDDIR=$(readlink -f -- "$2"); shift 2 ;;
        *) echo "usage: $0 [--out DIR] [--builddir DIR]" >&2; exit 2 ;;
    esac
done

ninja -C "$BUILDDIR" tests/window-screenshots >/dev/null
mkdir -p "$OUT"
GH_SCREENSHOT_DIR=$OUT \
GSETTINGS_SCHEMA_DIR="$BUILDDIR/data" GSETTINGS_BACKEND=keyfile GIO_USE_PROXY_RESOLVER=dummy \
    "$BUILDDIR/tests/window-screenshots"
ls -1 "$OUT"/window-*.png
