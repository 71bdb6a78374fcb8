# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the example scripts: find the tools, print each step as the
# articles do ("$ command"), build a busybox root filesystem, and run the
# registered undo steps when the script ends, however it ends.
#
# Tools are taken from $CU_BUILDDIR, else the tree this script is in (../),
# else $PATH.  Object names start with $EXAMPLE_PREFIX (default "ex"), so
# the test suite can run the examples under its own unique names.

set -euo pipefail
P=${EXAMPLE_PREFIX:-ex}

ex_find_tools() {
	local here d
	here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
	for d in "${CU_BUILDDIR:-}" "$here"; do
		if [ -n "$d" ] && [ -x "$d/nsrun" ]; then
			PATH="$d:$PATH"
			break
		fi
	done
	# Debian's cgroup-tools has a cgset of its own: make sure it is ours.
	if ! ex_have_tools && [ -z "${CU_BUILDDIR:-}" ] && [ -f "$here/configure.ac" ]; then
		ex_build "$here"
		PATH="$here:$PATH"
	fi
	ex_have_tools || ex_die "container-utils tools not found (build them, or set CU_BUILDDIR)"
	[ -n "${EX_ANY_USER:-}" ] || [ "$(id -u)" -eq 0 ] || ex_die "must be run as root"
}

ex_have_tools() {
	cgset --version 2>/dev/null | grep -q container-utils
}

# ex_build TOPDIR: on a fresh machine, install what the tree needs and build
# it (the README's quick start is this script's first run).
ex_build() {
	local log=/tmp/container-utils-build.log
	[ "$(id -u)" -eq 0 ] ||
		ex_die "container-utils is not built in $1 (run as root to build it, or set CU_BUILDDIR)"
	echo "${0##*/}: first run: installing what container-utils needs and building it in $1 (log: $log)" >&2
	if ! (cd "$1" && bash .ci/deps && { [ -x configure ] || ./autogen.sh; } &&
		{ [ -f Makefile ] || ./configure; } && make -j"$(nproc)") > "$log" 2>&1; then
		tail -20 "$log" >&2
		ex_die "building container-utils failed (see $log)"
	fi
}

ex_die() {
	printf '%s: %s\n' "${0##*/}" "$*" >&2
	exit 1
}

# run CMD...: show the command as a shell prompt line, then run it.
run() {
	local a line='$'
	for a in "$@"; do
		case $a in
		''|*[[:space:]\"\$\;\|\&\>\<\*\(]*) line+=" '$a'" ;;
		*) line+=" $a" ;;
		esac
	done
	printf '%s\n' "$line"
	"$@"
}

# Undo steps, run in reverse order at exit (also after Ctrl-C or an error).
_ex_undo=()
on_exit() { _ex_undo+=("$*"); }
_ex_cleanup() {
	local i
	trap - EXIT
	trap "" INT TERM HUP	# a second Ctrl-C must not cut the teardown short
	for ((i = ${#_ex_undo[@]} - 1; i >= 0; i--)); do
		eval "${_ex_undo[i]}" >/dev/null 2>&1 || true
	done
}
trap _ex_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# busybox_rootfs DIR: a minimal root filesystem from Debian's busybox-static.
busybox_rootfs() {
	dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'ok installed' ||
		apt-get install -y -q busybox-static >/dev/null
	mkdir -p "$1"/bin "$1"/dev "$1"/etc "$1"/proc "$1"/root "$1"/sys "$1"/tmp
	cp /bin/busybox "$1/bin/busybox"
	chroot "$1" /bin/busybox --install -s /bin
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$1/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' > "$1/etc/group"
	printf 'NAME="BusyBox"\nID=busybox\nPRETTY_NAME="BusyBox (container-utils example)"\n' > "$1/etc/os-release"
}

# A scratch directory removed at exit.
ex_tmpdir() {
	EX_TMP=$(mktemp -d "/tmp/${P}-${0##*/}.XXXXXX")
	on_exit rm -rf "$EX_TMP"
}

ex_find_tools
