#!/bin/sh
# check-installed-translations.sh MESON BUILD_DIR LL... — `meson install --destdir` puts each
# language's catalogue where gettext looks for it, share/locale/LL/LC_MESSAGES/gatehouse.mo, as
# the build compiled it.
set -eu

meson=$1
build=$2
shift 2
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT

"$meson" install -C "$build" --no-rebuild --destdir "$dest" >/dev/null

status=0
for lang in "$@"; do
    built="$build/po/$lang/LC_MESSAGES/gatehouse.mo"
    installed=$(find "$dest" -path "*/share/locale/$lang/LC_MESSAGES/gatehouse.mo" | head -n 1)
    if [ -z "$installed" ]; then
        echo "missing: share/locale/$lang/LC_MESSAGES/gatehouse.mo"
        status=1
    elif ! cmp -s "$built" "$installed"; then
        echo "${installed#$dest} is not the catalogue the build compiled ($built)"
        status=1
    else
        echo "installed: ${installed#$dest}"
    fi
done
exit $status
