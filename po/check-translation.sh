#!/bin/sh
# check-translation.sh PO SOURCE-ROOT [XGETTEXT-ARGS...]
#
# Fails unless PO translates every message of the sources as they are now: a template made
# from po/POTFILES.in (as gatehouse-pot makes it), merged with PO, must have no untranslated and
# no fuzzy message, and msgfmt --check must accept PO and the merge (format directives, plural
# forms, header). The tools are gettext's, from PATH. Prints msgfmt's statistics and, on
# failure, the messages left to translate.
set -eu

po=$1 root=$2
shift 2

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-po.XXXXXX")
trap 'rm -rf -- "$tmp"' EXIT

xgettext --package-name=gatehouse -D "$root" -f "$root/po/POTFILES.in" \
    -o "$tmp/gatehouse.pot" "$@"
msgmerge --quiet --no-wrap -o "$tmp/merged.po" "$po" "$tmp/gatehouse.pot"

msgfmt --check -o /dev/null "$po"
stats=$(msgfmt --check --statistics -o /dev/null "$tmp/merged.po" 2>&1)
echo "$(basename "$po") against the sources: $stats"

case $stats in
    *fuzzy* | *untranslated*)
        echo "Not translated yet (run gatehouse-pot and gatehouse-update-po, then translate):"
        # --only-fuzzy and --untranslated select the messages a translator still owes.
        msgattrib --no-obsolete --only-fuzzy "$tmp/merged.po"
        msgattrib --no-obsolete --untranslated "$tmp/merged.po"
        exit 1
        ;;
esac
