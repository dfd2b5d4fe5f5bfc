#!/bin/sh
# check-installed-icons.sh MESON BUILD_DIR — `meson install --destdir` puts the app icon in
# share/icons/hicolor: the scalable SVG, the tray's status SVGs, and a PNG of every size that
# desktops without SVG support look up, each as large as its folder says.
set -eu

meson=$1
build=$2
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT

"$meson" install -C "$build" --no-rebuild --destdir "$dest" >/dev/null
icons=$(find "$dest" -type d -path '*/share/icons/hicolor' | head -n 1)
[ -n "$icons" ] || { echo "no share/icons/hicolor under $dest"; exit 1; }

# A PNG's IHDR chunk: width and height, big-endian, at bytes 16 and 20.
be32() {
    od -An -tu1 -j "$2" -N4 "$1" | awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }'
}

status=0
for size in 16 24 32 48 64 128 256; do
    png="$icons/${size}x${size}/apps/io.github.gatehouse.Gatehouse.png"
    if [ ! -f "$png" ]; then
        echo "missing: ${png#$dest}"
        status=1
        continue
    fi
    width=$(be32 "$png" 16)
    height=$(be32 "$png" 20)
    if [ "$width" != "$size" ] || [ "$height" != "$size" ]; then
        echo "${png#$dest}: ${width}x${height}, not ${size}x${size}"
        status=1
    fi
done
for svg in apps/io.github.gatehouse.Gatehouse status/gatehouse-signed-out \
           status/gatehouse-signed-in status/gatehouse-expiring status/gatehouse-error; do
    [ -f "$icons/scalable/$svg.svg" ] || { echo "missing: scalable/$svg.svg"; status=1; }
done
exit $status
