#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# User namespace (S2): root inside, nobody outside.
# The articles: unshare --user (nobody); unshare --user --map-root-user (root).
# Run as root, it drops to uid 4242 first; run as a user, it stays that user.
EX_ANY_USER=1
# shellcheck source=examples/lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

as_user() {
	if [ "$(id -u)" -eq 0 ]; then
		setpriv --reuid=4242 --regid=4242 --clear-groups -- "$@"
	else
		"$@"
	fi
}

run as_user id -u
# Nothing is mapped yet: the kernel shows the overflow uid, "nobody".
run as_user nsrun --user id -u
# The user's own uid mapped to 0: id says root...
run as_user nsrun --user --map-root-user id
# ...yet only inside: the host's root-only files stay closed.
run as_user nsrun --user --map-root-user cat /etc/shadow ||
	echo "-> refused: root in the namespace is not root on the host"
