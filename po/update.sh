#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Refresh the translations in one command: extract every message of the
# files in po/POTFILES.in into po/container-utils.pot (xgettext, with the
# keywords of po/Makevars), merge it into each po/LANG.po of po/LINGUAS
# (msgmerge), and check the result (msgfmt --check --statistics).
#   po/update.sh              extract and merge
#   po/update.sh --potfiles   first rewrite POTFILES.in: every bin/ and
#                             common/ file that calls _() or N_()
set -euo pipefail
po=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$po/.." && pwd)
cd "$top"

if [ "${1:-}" = --potfiles ]; then
	{
		echo "# SPDX-License-Identifier: GPL-2.0-or-later"
		echo "# Files with translatable messages (checked by tests/cli.bats)."
		# the same list tests/cli.bats expects
		grep -lE '\b_\("|N_\("' bin/*.c common/*.c common/*.h 2>/dev/null | sort
	} > po/POTFILES.in
fi

version=$(sed -n 's/^AC_INIT(\[[^]]*\], *\[\([^]]*\)\].*/\1/p' configure.ac)
bugs=$(sed -n 's/^AC_INIT(\[[^]]*\], *\[[^]]*\], *\[\([^]]*\)\].*/\1/p' configure.ac)
mapfile -t files < <(grep -v '^#' po/POTFILES.in | grep -v '^$')
xgettext --default-domain=container-utils --from-code=UTF-8 \
	--keyword=_ --keyword=N_ --keyword=P_:1,2 --add-comments=TRANSLATORS: \
	--package-name=container-utils --package-version="$version" \
	--msgid-bugs-address="$bugs" --no-wrap --sort-by-file \
	-o po/container-utils.pot "${files[@]}"

rc=0
while read -r lang; do
	case $lang in ''|'#'*) continue ;; esac
	if [ -f "po/$lang.po" ]; then
		msgmerge --quiet --update --backup=none --no-wrap --previous \
			"po/$lang.po" po/container-utils.pot
	else
		msginit --no-translator --no-wrap --locale="$lang.UTF-8" \
			-i po/container-utils.pot -o "po/$lang.po"
	fi
	echo "po/$lang.po:"
	msgfmt --check --statistics -o /dev/null "po/$lang.po" || rc=1
done < po/LINGUAS
exit "$rc"
