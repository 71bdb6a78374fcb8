#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Feature probes of nsrun and nsenter2 on older kernels, on this one: a
# seccomp filter (tests/helpers/nosys.c) makes one system call fail as a
# kernel without it would (ENOSYS for a missing call, EINVAL for an unknown
# flag), and the tool takes its fallback or says in one line which feature
# is missing and which kernel has it.  tests/vm/README.md has the table of
# probes; tests/vm/matrix runs these on 6.1 as well.
load helpers/common

setup_file() {
	[ "$(id -u)" -eq 0 ] || return 0
	cu_busybox_rootfs "$BATS_FILE_TMPDIR/rootfs" sh cat awk grep touch hostname
	cc -O2 -Wall -o "$BATS_FILE_TMPDIR/nosys" "$BATS_TEST_DIRNAME/helpers/nosys.c" -lseccomp \
		2> "$BATS_FILE_TMPDIR/cc.err" || true
}

setup() {
	cu_setup
	cu_require_root
	R=$BATS_FILE_TMPDIR/rootfs
	NOSYS=$BATS_FILE_TMPDIR/nosys
	[ -x "$NOSYS" ] || skip "cannot build tests/helpers/nosys.c: $(head -1 "$BATS_FILE_TMPDIR/cc.err")"
}

# A target for nsenter2: its own UTS, network and mount namespaces, hostname
# $1; TARGET is the PID of its sleep.
target() {
	unshare --uts --net --mount sh -c "hostname $1; exec sleep 100" < /dev/null > /dev/null 2>&1 3>&- &
	TARGET=$!
	disown "$TARGET"
	cu_track_pid "$TARGET"
	for _ in $(seq 100); do
		[ "$(readlink "/proc/$TARGET/ns/uts")" != "$(readlink /proc/self/ns/uts)" ] &&
			[ "$(cat "/proc/$TARGET/comm")" = sleep ] && return 0
		sleep 0.05
	done
	fail "the target did not start"
}

# The mount options of the mounts at /proc and /sys and below, in a container.
mounts_in_container() {
	"$@" nsrun --pid --mount --uts --net --root "$R" --mount-proc --mount-dev --mount-sys -- \
		sh -c 'awk "\$5 ~ /^\/(proc|sys)(\/|\$)/ { split(\$6, o, \",\"); print \$5, o[1] }" /proc/self/mountinfo'
}

@test "probe: without clone3 (before 5.3) nsrun starts its child with clone(2), nsenter2 forks" {
	cu_require_tool nsrun
	cu_require_tool nsenter2
	run --separate-stderr "$NOSYS" clone3 -- nsrun --pid --fork --mount-proc -- sh -c 'echo "$$"; cat /proc/1/comm'
	assert_success
	assert_output $'1\nsh'
	[ -z "$stderr" ]
	target "$(cu_name)"
	run --separate-stderr "$NOSYS" clone3 -- nsenter2 -t "$TARGET" --uts --net --pid -- hostname
	assert_success
	assert_output "$(cu_name)"
	[ -z "$stderr" ]
}

@test "probe: without mount_setattr (before 5.12) the default confinement binds and remounts: the paths are read-only, /proc itself is not" {
	cu_require_tool nsrun
	run --separate-stderr mounts_in_container
	assert_success
	native=$output
	assert_line '/proc rw'
	assert_line '/proc/sys ro'
	assert_line '/sys ro'
	run --separate-stderr mounts_in_container "$NOSYS" mount_setattr --
	assert_success
	echo "$output"
	# the same mounts with the same read-only flags as with mount_setattr
	[ "$output" = "$native" ]
	run --separate-stderr "$NOSYS" mount_setattr -- nsrun --pid --mount --root "$R" --mount-proc -- \
		sh -c 'touch /proc/self/comm && echo comm-ok; echo x > /proc/sys/kernel/hostname || echo sys-ro'
	assert_output $'comm-ok\nsys-ro'
}

@test "probe: without mount_setattr (before 5.12) a :ro volume is bound and remounted read-only" {
	cu_require_tool nsrun
	mkdir "$BATS_TEST_TMPDIR/src"
	echo hello > "$BATS_TEST_TMPDIR/src/f"
	run --separate-stderr "$NOSYS" mount_setattr -- nsrun --mount --root "$R" \
		-v "$BATS_TEST_TMPDIR/src:/mnt:ro" -- sh -c 'cat /mnt/f; touch /mnt/g || echo ro'
	assert_success
	assert_output $'hello\nro'
	[ ! -e "$BATS_TEST_TMPDIR/src/g" ]
}

@test "probe: without openat2 (before 5.6) --root says in one line that it needs 5.6; exit 125, nothing left" {
	cu_require_tool nsrun
	before=$(wc -l < /proc/self/mountinfo)
	run --separate-stderr "$NOSYS" openat2 -- nsrun --pid --mount --root "$R" --mount-proc -- true
	assert_failure 125
	echo "$stderr"
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" =~ ^nsrun:\ .*this\ kernel\ has\ no\ openat2\ .*Linux\ 5\.6\ or\ later ]]
	[ "$(wc -l < /proc/self/mountinfo)" -eq "$before" ]
}

@test "probe: without pidfd_open (before 5.3) nsenter2 says in one line that it needs 5.3; exit 125" {
	cu_require_tool nsenter2
	target "$(cu_name)"
	run --separate-stderr "$NOSYS" pidfd_open -- nsenter2 -t "$TARGET" --uts -- hostname
	assert_failure 125
	[ -z "$output" ]
	assert_equal "$stderr" "nsenter2: cannot open process $TARGET: this kernel has no pidfd_open (joining a process needs Linux 5.3 or later)"
}

@test "probe: setns(2) refusing a pidfd (before 5.8): nsenter2 joins through /proc/PID/ns files" {
	cu_require_tool nsenter2
	target "$(cu_name)"
	# CLONE_NEWNET | CLONE_NEWUTS: only the pidfd form passes both at once
	run --separate-stderr "$NOSYS" 'setns:EINVAL:1&0xffffffff=0x44000000' -- \
		nsenter2 -t "$TARGET" --uts --net -- sh -c 'hostname; readlink /proc/self/ns/net'
	assert_success
	assert_output "$(cu_name)
$(readlink "/proc/$TARGET/ns/net")"
	[ -z "$stderr" ]
}

@test "probe: memfd_create without MFD_EXEC (before 6.3): nsenter2's sealed copy is made without the flag, no warning" {
	cu_require_tool nsenter2
	command -v strace > /dev/null || skip "strace is not installed"
	target "$(cu_name)"
	# MFD_EXEC is 0x10
	run --separate-stderr strace -f -qq -e trace=memfd_create -o "$BATS_TEST_TMPDIR/trace" \
		"$NOSYS" 'memfd_create:EINVAL:1&0x10=0x10' -- nsenter2 -t "$TARGET" --mount --uts -- hostname
	cat "$BATS_TEST_TMPDIR/trace"
	assert_success
	assert_output "$(cu_name)"
	[ -z "$stderr" ]
	# the flag refused, then the same memfd without it (strace prints
	# MFD_EXEC as 0x10 where it does not know the name)
	grep -qE 'ALLOW_SEALING\|(MFD_EXEC|0x10)\) = -1 EINVAL' "$BATS_TEST_TMPDIR/trace"
	grep -qE 'MFD_CLOEXEC\|MFD_ALLOW_SEALING\) = [0-9]+$' "$BATS_TEST_TMPDIR/trace"
}

@test "probe: without time namespaces (before 5.6) nsrun --time says so in one line; exit 125" {
	cu_require_tool nsrun
	# CLONE_NEWTIME is 0x80, unknown to unshare(2) on such a kernel
	run --separate-stderr "$NOSYS" 'unshare:EINVAL:0&0x80=0x80' -- nsrun --time --boottime 100 -- true
	assert_failure 125
	assert_equal "$stderr" "nsrun: cannot create time namespace: this kernel has none (time namespaces need Linux 5.6 or later, CONFIG_TIME_NS)"
}
