# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Shared setup for every bats suite: the built tools first in PATH, unique
# names per test, and a teardown that removes everything a test registered,
# even when the test failed.  Load with: load helpers/common
#
# Naming rule for the whole suite: every kernel object a test makes is named
# with "$CU_ID" (netns, links, cgroups) or lives under $BATS_TEST_TMPDIR
# (mounts), so tests/zz-leftovers.bats can find anything left behind.

bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

CU_TOPDIR=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
CU_BUILDDIR=${CU_BUILDDIR:-$CU_TOPDIR}
PATH="$CU_BUILDDIR:$PATH"
export CU_TOPDIR CU_BUILDDIR PATH
# Messages are checked in English.
export LC_ALL=C.UTF-8 LANGUAGE=

# Sanitizer builds: report, but never let LSan's ptrace-based leak check
# fail inside a PID namespace where it cannot work.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# A short unique prefix: "cu" + 4 digits of the suite's pid + test number,
# short enough to leave room in IFNAMSIZ (15 bytes) for a suffix.  tests/run
# sets CU_RUN_ID (4 digits of its own pid) for all its suites, so that
# zz-leftovers.bats looks only at what this run made.
cu_id() {
	printf 'cu%04dt%s' "$(( 10#${CU_RUN_ID:-${BATS_ROOT_PID:-$$}} % 10000 ))" "${BATS_TEST_NUMBER:-0}"
}

# The pattern (ERE) of the mount points a run may leave: its bats run
# directories (under tests/run's own TMPDIR) and its object names.
cu_leftover_mount_re() {
	if [ -n "${CU_RUN_ID:-}" ] && [ -n "${TMPDIR:-}" ]; then
		printf '%s/bats-run|/%s' "$TMPDIR" "$(cu_leftover_re)"
	else
		printf 'bats-run|/%s' "$(cu_leftover_re)"
	fi
}

# The pattern (ERE) every object name of this run starts with.
cu_leftover_re() {
	if [ -n "${CU_RUN_ID:-}" ]; then
		printf 'cu%04dt' "$(( 10#$CU_RUN_ID % 10000 ))"
	else
		printf 'cu[0-9]{4}t'
	fi
}

# cu_name SUFFIX: a unique object name for this test ("cu1234t5a").
cu_name() {
	printf '%s%s' "$(cu_id)" "${1:-}"
}

_cu_cleanup_file() {
	printf '%s/cu-cleanup' "$BATS_TEST_TMPDIR"
}

# Register an undo step; steps run in reverse order at teardown.
cu_on_teardown() {
	printf '%s\n' "$*" >> "$(_cu_cleanup_file)"
}

cu_track_netns()  { cu_on_teardown "_cu_del_netns $1"; }
cu_track_link()   { cu_on_teardown "_cu_del_link $1"; }
cu_track_mount()  { cu_on_teardown "_cu_umount $1"; }
cu_track_cgroup() { cu_on_teardown "_cu_del_cgroup $1"; }
cu_track_pid()    { cu_on_teardown "_cu_kill_pid $1"; }

_cu_del_netns() {
	[ -e "/run/netns/$1" ] || return 0
	local pid ns
	# A name bound to the host's own namespace (a test that attached a
	# host process by mistake) lists every process of the machine as its
	# "pids": kill only in a namespace that is neither ours nor init's.
	ns=$(stat -L -c %d:%i "/run/netns/$1" 2>/dev/null)
	if [ -n "$ns" ] && [ "$ns" != "$(stat -L -c %d:%i /proc/self/ns/net 2>/dev/null)" ] &&
		[ "$ns" != "$(stat -L -c %d:%i /proc/1/ns/net 2>/dev/null)" ]; then
		for pid in $(ip netns pids "$1" 2>/dev/null); do
			kill -KILL "$pid" 2>/dev/null
		done
	fi
	ip netns delete "$1" 2>/dev/null || { umount -l "/run/netns/$1"; rm -f "/run/netns/$1"; }
}

_cu_del_link() {
	ip link show "$1" >/dev/null 2>&1 && ip link delete "$1" 2>/dev/null
	return 0
}

_cu_umount() {
	while mountpoint -q "$1" 2>/dev/null; do
		umount -l "$1" 2>/dev/null || break
	done
	return 0
}

# A cgroup directory path (any hierarchy): kill what is inside, then rmdir
# children first.
_cu_del_cgroup() {
	[ -d "$1" ] || return 0
	local d pid
	[ -e "$1/cgroup.kill" ] && echo 1 > "$1/cgroup.kill" 2>/dev/null
	while read -r d; do
		while read -r pid; do
			kill -KILL "$pid" 2>/dev/null
		done 2>/dev/null < "$d/cgroup.procs"
	done < <(find "$1" -depth -type d 2>/dev/null)
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		find "$1" -depth -type d -exec rmdir {} + 2>/dev/null
		[ -d "$1" ] || return 0
		sleep 0.1
	done
	return 0
}

_cu_kill_pid() {
	kill -KILL "$1" 2>/dev/null
	return 0
}

cu_setup() {
	: > "$(_cu_cleanup_file)"
}

cu_teardown() {
	local f step
	f=$(_cu_cleanup_file)
	[ -f "$f" ] || return 0
	while read -r step; do
		[ -n "$step" ] && eval "$step"
	done < <(tac "$f")
	: > "$f"
	return 0
}

setup() { cu_setup; }
teardown() { cu_teardown; }

# Skip with the name of the missing feature.
cu_require_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root"
}

cu_require_tool() {
	[ -x "$CU_BUILDDIR/$1" ] || skip "$1 is not built"
}

# Is TOOL built with AddressSanitizer (the CI's second round)?
cu_asan_build() {
	ldd "$CU_BUILDDIR/$1" 2>/dev/null | grep -q libasan
}

# An unprivileged user for the user-namespace tests (created once per suite).
CU_USER=cu-tester
CU_UID=4242
cu_require_user() {
	if ! id "$CU_USER" >/dev/null 2>&1; then
		# another suite may be creating it at the same moment
		useradd --uid "$CU_UID" --user-group --no-create-home \
			--shell /bin/sh "$CU_USER" 2>/dev/null ||
			id "$CU_USER" >/dev/null 2>&1 ||
			skip "cannot create user $CU_USER"
	fi
}

# Run a command as the unprivileged test user.
cu_as_user() {
	setpriv --reuid="$CU_UID" --regid="$CU_UID" --clear-groups -- "$@"
}

# Run a command with every fd above 2 closed (what bats itself holds open
# included), as a caller with only stdin, stdout and stderr would.
cu_only012() {
	(
		for fd in /proc/"$BASHPID"/fd/*; do
			fd=${fd##*/}
			[ "$fd" -gt 2 ] 2>/dev/null && eval "exec $fd>&-"
		done
		exec "$@"
	)
}

# cu_mkns SUFFIX: a tracked network namespace named $(cu_name SUFFIX).
cu_mkns() {
	local n
	n=$(cu_name "$1")
	cu_track_netns "$n"
	ip netns add "$n"
}

# cu_open_to_user DIR: let the unprivileged user reach DIR (bats makes its
# directories 0700): a+x on DIR and each parent up to / or /tmp.
cu_open_to_user() {
	local d=$1
	while [ "$d" != / ] && [ "$d" != /tmp ]; do
		chmod a+x "$d"
		d=$(dirname "$d")
	done
}

# cu_teardown_unions: unmount the test's unions through unionmount first
# (it removes its records and work dirs), then the shared teardown.
cu_teardown_unions() {
	local t
	while read -r t; do
		[[ "$t" == "$BATS_TEST_TMPDIR"/* ]] && unionmount umount "$t" 2>/dev/null
	done < <(findmnt -rn -o TARGET | tac)
	cu_teardown
}

# The first process named "sleep" among PID and its descendants.
cu_find_sleep() {
	local p todo=("$1") kids
	while [ "${#todo[@]}" -gt 0 ]; do
		p=${todo[0]}
		todo=("${todo[@]:1}")
		if [ "$(cat "/proc/$p/comm" 2>/dev/null)" = sleep ]; then
			echo "$p"
			return 0
		fi
		mapfile -t kids < <(pgrep -P "$p")
		todo+=("${kids[@]}")
	done
	return 1
}

# cu_busybox_rootfs DIR APPLET...: a minimal root file system in DIR --
# busybox-static with the given applets linked to it, and the usual mount
# points -- for nsrun --root and the like.
cu_busybox_rootfs() {
	local r=$1 a
	shift
	mkdir -p "$r/bin" "$r/etc" "$r/proc" "$r/sys" "$r/dev" "$r/tmp" "$r/mnt"
	cp /bin/busybox "$r/bin/busybox"
	for a in "$@"; do ln -s busybox "$r/bin/$a"; done
}
