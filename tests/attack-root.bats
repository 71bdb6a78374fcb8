#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Attacks on nsrun's root, volumes and stop, each by a hostile program that
# is root inside the container (issue 15): the classic chroot escape for
# every way of naming --root, a symlink race against the removal of an
# anonymous volume, a remount of a read-only bind, and a PID 1 that ignores
# SIGTERM.  The static helpers are tests/attack/root-*.c, built once here.
load helpers/common

setup_file() {
	local c
	for c in "$BATS_TEST_DIRNAME"/attack/root-*.c; do
		c=${c##*/}
		cc -static -O2 -Wall -o "$BATS_FILE_TMPDIR/${c%.c}" \
			"$BATS_TEST_DIRNAME/attack/$c" || return 1
	done
}

setup() {
	cu_setup
	cu_require_root
	cu_require_tool nsrun
	T=$BATS_TEST_TMPDIR
	H=$BATS_FILE_TMPDIR
	# where nsrun confines a --root container by default, the tests that
	# must see one protection alone (a nested nsrun, a remount) turn the
	# confinement off: it would block them before the protection is met
	PRIV=()
	if nsrun --help | grep -q -- '--privileged'; then PRIV=(--privileged); fi
}

# A root with nothing but the escape helper (in / and in /inner), a marker
# only the host has, and "self", a symlink to the root's own directory.
mk_escape_root() {
	mkdir -p "$T/r/inner" "$T/r/proc"
	cp "$H/root-chroot-escape" "$T/r/esc"
	cp "$H/root-chroot-escape" "$T/r/inner/esc"
	ln -s . "$T/r/self"
	echo "host marker $(cu_id)" > "$T/marker"
	chmod 0644 "$T/marker"
}

# escape_fails FORM [NSRUN-OPTION...]: from inside $T/r, run the escape in a
# container whose root is named FORM; it must not reach the host's marker.
escape_fails() {
	local form=$1
	shift
	run --separate-stderr bash -c 'cd "$1" && shift && exec "$@"' _ "$T/r" \
		"$@" nsrun --mount --pid --mount-proc -R "$form" /esc "$T/marker"
	[ "$status" -eq 1 ] || fail "-R $form: status $status, out '$output', err '$stderr'"
	[[ "$stderr" == *"$T/marker: No such file or directory"* ]] ||
		fail "-R $form: $stderr"
	refute_output --partial "host marker"
}

@test "root-1: the chroot escape stays inside for every way of naming --root" {
	mk_escape_root
	local form
	for form in . ./ ../r "../r/./" /proc/self/cwd self self/ "$T/r" "$T/r/inner/.."; do
		escape_fails "$form"
	done
	# the helper does escape where it should: from a plain chroot
	run --separate-stderr chroot "$T/r" /esc "$T/marker"
	assert_success
	assert_output "host marker $(cu_id)"
}

@test "root-1: the chroot escape stays inside for an unprivileged --user --map-root-user" {
	cu_require_user
	mk_escape_root
	cu_open_to_user "$T"
	chown -R "$CU_UID:$CU_UID" "$T/r"
	local form
	for form in . ./ ../r /proc/self/cwd self "$T/r"; do
		escape_fails "$form" setpriv --reuid="$CU_UID" --regid="$CU_UID" \
			--clear-groups -- env PATH="$PATH" nsrun --user --map-root-user
	done
}

@test "root-1: nested: cd /inner && nsrun -R . inside a container cannot reach the outer root" {
	mk_escape_root
	# the outer container's root is the host's /: the marker is in it
	run --separate-stderr nsrun "${PRIV[@]}" -R / --pid --mount-proc -- \
		sh -c 'cd "$1/inner" && exec nsrun --mount --pid --mount-proc -R . /esc "$2"' \
		_ "$T/r" "$T/marker"
	[ "$status" -eq 1 ] || fail "status $status, out '$output', err '$stderr'"
	[[ "$stderr" == *"No such file or directory"* ]] || fail "$stderr"
	refute_output --partial "host marker"
}

@test "root-1: --no-pivot is the explicit opt-in to MS_MOVE and chroot" {
	mk_escape_root
	run --separate-stderr nsrun --mount --pid --mount-proc -R "$T/r" --no-pivot \
		/inner/esc /proc/self/mountinfo
	# the walk up ends on the moved root; the host's root is still below it
	assert_success
	assert_line --index 0 --regexp "^[0-9]+ [0-9]+ [0-9:]+ $T/r / "
}

@test "root-1: in a chroot (no mount point as root) nsrun -R refuses in one line" {
	local c=$T/c l
	mk_escape_root
	mkdir -p "$c/usr" "$c/proc" "$c/r" "$c/b"
	for l in bin lib lib32 lib64 sbin; do
		if [ -L "/$l" ]; then ln -s "usr/$l" "$c/$l"; fi
	done
	run --separate-stderr unshare --mount --propagation private sh -c '
		mount --rbind /usr "$1/usr" && mount -t proc proc "$1/proc" &&
		mount --bind "$2" "$1/r" && mount --bind "$3" "$1/b" &&
		exec chroot "$1" /b/nsrun --mount -R /r /esc "$4"' _ \
		"$c" "$T/r" "$CU_BUILDDIR" "$T/marker"
	assert_equal "$status" 125
	assert_output ""
	assert_equal "$stderr" "nsrun: cannot change the propagation of /: Invalid argument (the root is no mount point: a chroot; run nsrun outside it, or bind its directory on itself first)"
}

# A busybox root in $T/r with the swap helper in it.
mk_busybox_root() {
	local r=$T/r a
	mkdir -p "$r/bin" "$r/proc" "$r/tmp" "$r/data" "$r/dev"
	: > "$r/dev/null"	# the stdin of sh's background jobs
	cp /bin/busybox "$r/bin/busybox"
	for a in $(/bin/busybox --list); do
		[ "$a" = busybox ] || ln -s busybox "$r/bin/$a"
	done
	cp "$H/root-swap" "$r/bin/swap"
}

# The container's program: four pairs of /data/dN (500 files each) and
# /data/sN (a symlink to the host directory $1), swapped by a detached
# process for 3 s after the program ends.
SWAP_PROG='for n in 1 2 3 4; do
	mkdir /data/d$n && i=0
	while [ $i -lt 500 ]; do : > /data/d$n/f$i; i=$((i + 1)); done
	ln -s "$1" /data/s$n
done
/bin/swap 3 /tmp/swap.pid /data/d1 /data/s1 /data/d2 /data/s2 /data/d3 /data/s3 /data/d4 /data/s4 &
while [ ! -s /tmp/swap.pid ]; do sleep 0.01; done'

# Host files that must survive: 500 in $T/host, named as those in /data/dN.
mk_host_files() {
	mkdir "$T/host"
	(cd "$T/host" && seq -f 'f%g' 0 499 | xargs touch)
	assert_equal "$(find "$T/host" -type f | wc -l)" 500
}

# After the run: the host files intact.  Without a PID namespace ($1 not
# --pid) the swapper's PID is ours: it is tracked and waited for (with one,
# it is a PID of that namespace, which ended with the program's).
check_host_files() {
	local pid
	pid=$(cat "$T/r/tmp/swap.pid")
	rm "$T/r/tmp/swap.pid"
	if [ "${1:-}" != --pid ]; then
		cu_track_pid "$pid"
		while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
	fi
	assert_equal "$(find "$T/host" -type f | wc -l)" 500
}

@test "root-2: a swap race cannot turn the removal of -v /data onto the host (no --pid: left, said)" {
	mk_busybox_root
	mk_host_files
	local round vol notes=()
	# a race: the removal by path lost host files in most runs; every
	# round checks the host first, what nsrun said after all rounds
	for round in 1 2 3; do
		rm -rf "$T/vols"
		mkdir "$T/vols"
		run --separate-stderr env TMPDIR="$T/vols" nsrun --mount -R "$T/r" \
			-v /data sh -c "$SWAP_PROG" _ "$T/host"
		assert_success
		check_host_files
		vol=$(find "$T/vols" -mindepth 1 -maxdepth 1)
		notes+=("$stderr|$vol")
	done
	for round in "${notes[@]}"; do
		vol=${round##*|}
		assert_equal "${round%|*}" "nsrun: note: left the anonymous volume $vol: a process of the container may still write it (add --pid to have it removed)"
	done
	# all of the volume is left: 4 x 500 files and the 4 links
	assert_equal "$(find "$vol" -type f | wc -l)" 2000
	assert_equal "$(find "$vol" -type l | wc -l)" 4
}

@test "root-2: with --pid the swapper is gone first and -v /data is removed, host files kept" {
	mk_busybox_root
	mk_host_files
	mkdir "$T/vols"
	run --separate-stderr env TMPDIR="$T/vols" nsrun --mount --pid -R "$T/r" -v /data \
		sh -c "$SWAP_PROG; sleep 0.5" _ "$T/host"
	assert_success
	assert_equal "$stderr" ""
	check_host_files --pid
	assert_equal "$(find "$T/vols" -mindepth 1 | wc -l)" 0
}

@test "root-2: the same race as an unprivileged user with --user --map-root-user" {
	cu_require_user
	mk_busybox_root
	mk_host_files
	mkdir "$T/vols"
	cu_open_to_user "$T"
	chown -R "$CU_UID:$CU_UID" "$T/r" "$T/vols" "$T/host"
	local p
	for p in "" --pid; do
		run --separate-stderr env TMPDIR="$T/vols" setpriv --reuid="$CU_UID" \
			--regid="$CU_UID" --clear-groups -- \
			nsrun --user --map-root-user --mount $p -R "$T/r" -v /data \
			sh -c "$SWAP_PROG; sleep 0.5" _ "$T/host"
		assert_success
		check_host_files "$p"
		rm -rf "$T/vols"/*
	done
}

# start_container ARGS...: nsrun ARGS in the background; NSRUN is its PID,
# KID its child's (the container's PID 1), once the program runs.
start_container() {
	local i
	nsrun "$@" &
	NSRUN=$!
	cu_track_pid "$NSRUN"
	for i in $(seq 100); do
		KID=$(cat "/proc/$NSRUN/task/$NSRUN/children" 2>/dev/null) || true
		KID=${KID%% *}
		if [ -n "$KID" ] && [ "$(readlink "/proc/$KID/exe")" != "$(readlink "/proc/$NSRUN/exe")" ]; then
			cu_track_pid "$KID"
			return 0
		fi
		sleep 0.05
	done
	fail "the container did not start"
}

# stop_container SIGNAL MIN MAX: send SIGNAL to nsrun; it must end with
# 137 (its PID 1 killed) between MIN and MAX seconds later, nothing left.
stop_container() {
	local start end st=0
	start=$(date +%s%N)
	kill "-$1" "$NSRUN"
	while kill -0 "$NSRUN" 2>/dev/null && [ -e "/proc/$NSRUN/task" ] &&
		! grep -q '^State:.*zombie' "/proc/$NSRUN/status" 2>/dev/null &&
		(( ($(date +%s%N) - start) / 1000000 < $3 * 1000 )); do
		sleep 0.05
	done
	end=$(date +%s%N)
	kill -0 "$NSRUN" 2>/dev/null && ! grep -q '^State:.*zombie' "/proc/$NSRUN/status" &&
		fail "nsrun still runs $3 s after SIG$1"
	wait "$NSRUN" || st=$?
	assert_equal "$st" 137
	(( (end - start) / 1000000 >= $2 * 1000 )) || fail "ended after $(( (end - start) / 1000000 )) ms, before $2 s"
	(( (end - start) / 1000000 < $3 * 1000 )) || fail "ended after $(( (end - start) / 1000000 )) ms, not before $3 s"
	run kill -0 "$KID"
	assert_failure
}

@test "root-4: SIGTERM, SIGINT, SIGHUP to nsrun --pid --kill-child end a PID 1 that has no handler, at once" {
	local sig
	for sig in TERM INT HUP; do
		start_container --pid --kill-child sleep 1000
		stop_container "$sig" 0 3
	done
}

@test "root-4: a PID 1 that traps SIGTERM is killed after --stop-timeout, with what it started" {
	local sleeper
	start_container --pid --mount-proc --stop-timeout 2 \
		sh -c 'trap "echo caught" TERM; sleep 1000 & while :; do sleep 0.1; done'
	local i
	for i in $(seq 40); do
		sleeper=$(pgrep -P "$KID" -f '^sleep 1000$') && break
		sleep 0.05
	done
	[ -n "$sleeper" ] || fail "no background sleep in the container"
	stop_container TERM 2 8
	run kill -0 "$sleeper"
	assert_failure
	# --kill-child: a PID 1 that ignores it is killed at once
	start_container --pid --kill-child sh -c 'trap "" TERM; while :; do sleep 0.1; done'
	stop_container TERM 0 2
}

@test "root-4: the default grace period is 10 seconds; --stop-timeout checks its value" {
	start_container --pid sleep 1000
	stop_container TERM 9 20
	run --separate-stderr nsrun --stop-timeout 5s true
	assert_equal "$status" 125
	assert_equal "$stderr" "nsrun: invalid --stop-timeout argument: 5s (use whole seconds from 0 to 86400, e.g. 10)"
}

# A root with the remount helper, /vol, /sys and /proc, and $T/src/f.
mk_remount_root() {
	mkdir -p "$T/r/vol" "$T/r/sys" "$T/r/proc" "$T/src"
	cp "$H/root-remount" "$T/r/remount"
	echo original > "$T/src/f"
}

@test "root-3: a :ro volume stays read-only for root of --user (MS_REMOUNT|MS_BIND refused)" {
	cu_require_user
	mk_remount_root
	cu_open_to_user "$T"
	chown -R "$CU_UID:$CU_UID" "$T/r" "$T/src"
	run --separate-stderr setpriv --reuid="$CU_UID" --regid="$CU_UID" --clear-groups -- \
		nsrun "${PRIV[@]}" --user --map-root-user --mount -R "$T/r" -v "$T/src:/vol:ro" \
		/remount /vol f
	assert_equal "$status" 1
	assert_line --index 0 "remount: Operation not permitted"
	assert_line --index 1 "open: Read-only file system"
	assert_equal "$(cat "$T/src/f")" original
	# the same as root with --user --map-root-user (the file is then ours)
	chown -R 0:0 "$T/r" "$T/src"
	run --separate-stderr nsrun "${PRIV[@]}" --user --map-root-user --mount --pid -R "$T/r" \
		-v "$T/src:/vol:ro" /remount /vol f
	assert_equal "$status" 1
	assert_line --index 0 "remount: Operation not permitted"
	assert_equal "$(cat "$T/src/f")" original
	# a :rw volume stays writable, and the maps are the ones asked for
	run --separate-stderr -0 nsrun "${PRIV[@]}" --user --map-root-user --mount -R "$T/r" \
		-v "$T/src:/vol" /remount /vol f
	assert_equal "$(tail -n 1 "$T/src/f")" "written from the container"
}

@test "root-3: the read-only /sys of --mount-sys stays read-only (a host cgroup's pids.max)" {
	local cg mnt
	if [ -d /sys/fs/cgroup/pids ] && grep -q ' /sys/fs/cgroup/pids ' /proc/self/mountinfo; then
		mnt=/sys/fs/cgroup/pids
	elif grep -qw pids /sys/fs/cgroup/cgroup.subtree_control 2>/dev/null; then
		mnt=/sys/fs/cgroup
	else
		skip "no pids controller to write"
	fi
	cg=$mnt/$(cu_name ro)
	mkdir "$cg"
	cu_track_cgroup "$cg"
	mk_remount_root
	run --separate-stderr nsrun "${PRIV[@]}" --user --map-root-user --mount --mount-sys -R "$T/r" \
		/remount "$mnt" "${cg##*/}/pids.max" 42
	assert_equal "$status" 1
	assert_line --index 0 "remount: Operation not permitted"
	assert_equal "$(cat "$cg/pids.max")" max
}

@test "root-4: a Ctrl-C from the terminal is only forwarded: an interactive program lives on" {
	# nsrun on a new terminal; ^C once the program is ready; it traps
	# SIGINT and must still print "alive" 2 s later, past --stop-timeout 1
	run -0 timeout 30 python3 -c '
import os, pty, select, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
out, sent, start = b"", False, time.time()
while time.time() - start < 20:
    if select.select([fd], [], [], 0.1)[0]:
        try:
            d = os.read(fd, 1024)
        except OSError:
            break
        if not d:
            break
        out += d
    if b"ready" in out and not sent:
        os.write(fd, b"\x03")
        sent = True
print(out.decode(errors="replace").replace("\r", ""))
print("status", os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
' nsrun --fork --stop-timeout 1 sh -c 'trap "echo caught" INT; echo ready; sleep 2; echo alive'
	assert_line --regexp 'caught$'
	assert_line alive
	assert_line "status 0"
}
