#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The default confinement of nsrun --root (issue 15, item 3): a root program
# in the container of examples/container.sh cannot write /proc/sys, trigger
# sysrq, mount, read a host block device through mknod, load a module, mount
# a cgroup v1 hierarchy (CVE-2022-0492), or use keyctl, bpf, perf_event_open
# or unshare(CLONE_NEWUSER).  Every probe is also run with --privileged, where
# it must work again: that shows each test can fail.
#
# The probes (tests/attack/confine-probe.c) are harmless when they work: they
# open for writing without writing, mount a tmpfs and unmount it, read a loop
# device this test made, hand the module loader eight zero bytes.
load helpers/common

setup_file() {
	[ "$(id -u)" -eq 0 ] || return 0
	local r=$BATS_FILE_TMPDIR/rootfs
	cu_busybox_rootfs "$r" sh cat grep mount ls mknod env
	cc -static -O2 -Wall -o "$r/bin/probe" "$BATS_TEST_DIRNAME/attack/confine-probe.c" \
		2> "$BATS_FILE_TMPDIR/cc.err" || true
}

setup() {
	cu_setup
	cu_require_root
	cu_require_tool nsrun
	R=$BATS_FILE_TMPDIR/rootfs
	[ -x "$R/bin/probe" ] || skip "cannot build a static probe: $(head -1 "$BATS_FILE_TMPDIR/cc.err")"
}

# ctr [OPTION...] -- PROGRAM...: the container of examples/container.sh (its
# nsrun part; the cgroup and the network add nothing to the confinement).
ctr() {
	local opts=()
	while [ "$1" != -- ]; do opts+=("$1"); shift; done
	shift
	nsrun "${opts[@]}" --pid --mount --uts --ipc --net --hostname "$(cu_name)" \
		--root "$R" --mount-proc --mount-dev --mount-sys -- "$@"
}

# probe_both PROBE ARGS...: blocked by default, allowed with --privileged.
probe_both() {
	run --separate-stderr ctr -- /bin/probe "$@"
	assert_success
	assert_output --regexp '^blocked: '
	run --separate-stderr nsrun --privileged --pid --mount --uts --ipc --net \
		--root "$R" --mount-proc --mount-dev --mount-sys -- /bin/probe "$@"
	assert_failure 1
	assert_output --regexp '^allowed'
}

# The bits of a capability mask from /proc/self/status (hex) we look for.
has_cap() { (( (16#$1 >> $2) & 1 )); }

@test "confine: no CAP_SYS_ADMIN, CAP_SYS_MODULE, CAP_SYS_RAWIO, CAP_MKNOD; Seccomp: 2 (--privileged: all, and no filter)" {
	local eff bnd c
	run --separate-stderr ctr -- /bin/cat /proc/self/status
	assert_success
	assert_line --regexp $'^Seccomp:\t2$'
	eff=$(printf '%s\n' "$output" | awk '$1 == "CapEff:" { print $2 }')
	bnd=$(printf '%s\n' "$output" | awk '$1 == "CapBnd:" { print $2 }')
	# 21 SYS_ADMIN, 16 SYS_MODULE, 17 SYS_RAWIO, 27 MKNOD, 12 NET_ADMIN, 19 SYS_PTRACE
	for c in 21 16 17 27 12 19; do
		! has_cap "$eff" "$c" || fail "capability $c is in CapEff $eff"
		! has_cap "$bnd" "$c" || fail "capability $c is in CapBnd $bnd"
	done
	# Docker's: CHOWN (0), SETUID (7), NET_BIND_SERVICE (10), SYS_CHROOT (18)
	for c in 0 7 10 18; do
		has_cap "$eff" "$c" || fail "capability $c is missing from CapEff $eff"
	done
	run --separate-stderr nsrun --privileged --pid --mount --root "$R" --mount-proc /bin/cat /proc/self/status
	assert_line --regexp $'^Seccomp:\t0$'
	eff=$(printf '%s\n' "$output" | awk '$1 == "CapEff:" { print $2 }')
	has_cap "$eff" 21 || fail "--privileged: no CAP_SYS_ADMIN in $eff"
}

@test "confine: /proc/sys/kernel/core_pattern cannot be opened for writing (never written)" {
	[ -e /proc/sys/kernel/core_pattern ] || skip "no core_pattern"
	probe_both write-open /proc/sys/kernel/core_pattern
	run --separate-stderr ctr -- /bin/probe write-open /proc/sys/kernel/core_pattern
	assert_output 'blocked: EROFS'
}

@test "confine: /proc/irq is read-only: default_smp_affinity cannot be opened for writing (never written)" {
	[ -e /proc/irq/default_smp_affinity ] || skip "no /proc/irq/default_smp_affinity"
	probe_both write-open /proc/irq/default_smp_affinity
}

@test "confine: /proc/sysrq-trigger cannot be opened for writing (never written)" {
	[ -e /proc/sysrq-trigger ] || skip "this kernel has no /proc/sysrq-trigger (CONFIG_MAGIC_SYSRQ)"
	probe_both write-open /proc/sysrq-trigger
}

@test "confine: /proc/kcore, /proc/keys, /proc/timer_list, /sys/firmware are masked; /sys is read-only" {
	run --separate-stderr ctr -- /bin/sh -c 'cat /proc/keys /proc/timer_list | wc -c; ls -A /sys/firmware | wc -l; grep " /sys " /proc/self/mountinfo'
	assert_success
	assert_line --index 0 0
	assert_line --index 1 0
	assert_line --index 2 --regexp ' /sys ro,'
	run --separate-stderr nsrun --privileged --pid --mount --root "$R" --mount-proc \
		/bin/sh -c 'cat /proc/timer_list | wc -c'
	refute_output 0
}

@test "confine: mounting a tmpfs is refused" {
	probe_both mount /mnt/probe
}

@test "confine: CVE-2022-0492: a cgroup v1 hierarchy cannot be mounted (release_agent never written)" {
	local ctrl
	ctrl=$(awk '!/^#/ && $2 != 0 && $4 == 1 { print $1; exit }' /proc/cgroups)
	[ -n "$ctrl" ] || skip "no cgroup v1 controller on this host"
	probe_both cgroup1 /mnt/cg "$ctrl"
}

@test "confine: a block device node made with mknod cannot reach a host loop device" {
	local img=$BATS_TEST_TMPDIR/disk.img dev mark
	mark="cu-confine-$(cu_name)"
	printf '%s' "$mark" > "$img"
	truncate -s 1M "$img"
	dev=$(losetup --find --show --read-only "$img") || skip "no loop device"
	cu_on_teardown "losetup -d $dev"
	# the node goes in the container's /dev: a /tmp on tmpfs is nodev on
	# many hosts, and there even --privileged could not open it
	probe_both blockdev "$(printf '%d' "0x$(stat -c %t "$dev")")" \
		"$(printf '%d' "0x$(stat -c %T "$dev")")" /dev/blk "$mark"
	# the nodes --mount-dev gives still work: nsrun makes them before the drop
	run --separate-stderr ctr -- /bin/sh -c 'echo x > /dev/null && head -c 4 /dev/zero | wc -c'
	assert_success
	assert_output 4
}

@test "confine: init_module and finit_module are refused" {
	probe_both module
}

@test "confine: seccomp refuses keyctl, bpf, perf_event_open and unshare(CLONE_NEWUSER)" {
	local p
	for p in keyctl bpf perf userns; do
		probe_both "$p"
	done
	# not a capability: without the filter (same capabilities) keyctl and
	# unshare(CLONE_NEWUSER) work again
	for p in keyctl userns; do
		run --separate-stderr ctr --security-opt seccomp=unconfined -- /bin/probe "$p"
		assert_failure 1
		assert_output --regexp '^allowed'
	done
}

@test "confine: --unmask and --security-opt systempaths=unconfined undo the paths only" {
	run --separate-stderr ctr --unmask /proc/sys -- /bin/probe write-open /proc/sys/kernel/core_pattern
	assert_failure 1
	assert_output allowed
	run --separate-stderr ctr --security-opt systempaths=unconfined -- /bin/sh -c \
		'cat /proc/timer_list | wc -c; grep Seccomp: /proc/self/status'
	refute_line --index 0 0
	assert_line --index 1 --regexp $'Seccomp:\t2'
}

@test "confine: --cap-add sys_admin keeps it and lets the filter allow mount" {
	run --separate-stderr ctr --cap-add sys_admin -- /bin/probe mount /mnt/probe
	assert_failure 1
	assert_output 'allowed: tmpfs'
}

@test "confine: also inside a user namespace (--user --map-root-user)" {
	run --separate-stderr nsrun --user --map-root-user --pid --mount --root "$R" --mount-proc \
		/bin/sh -c 'grep Seccomp: /proc/self/status; /bin/probe mount /mnt/probe'
	assert_line --index 0 --regexp $'Seccomp:\t2'
	assert_line --index 1 --regexp '^blocked: '
}

@test "confine: examples/container.sh: Seccomp: 2, no CAP_SYS_ADMIN, no /proc/sys write, no mount (--privileged: all)" {
	local demo=$CU_TOPDIR/examples/container.sh eff
	run --separate-stderr bash "$demo" --name "$(cu_name)" --no-net --image "$R" \
		--exec 'grep -E "^(Seccomp|CapEff):" /proc/self/status; /bin/probe write-open /proc/sys/kernel/core_pattern; /bin/probe mount /mnt/p' < /dev/null
	assert_line --index 0 --regexp $'^CapEff:\t'
	eff=${lines[0]#*:}
	! has_cap "${eff//[[:space:]]/}" 21 || fail "CAP_SYS_ADMIN in $eff"
	assert_line --index 1 --regexp $'^Seccomp:\t2$'
	assert_line --index 2 'blocked: EROFS'
	assert_line --index 3 --regexp '^blocked: '
	run --separate-stderr bash "$demo" --privileged --name "$(cu_name)" --no-net --image "$R" \
		--exec '/bin/probe mount /mnt/p' < /dev/null
	assert_output 'allowed: tmpfs'
}

@test "confine: a filter cache file others may write is not used" {
	local dir=/run/container-utils/seccomp f
	# the filter of --cap-add sys_admin allows unshare; put it where the
	# default's cache is, writable by others: the default must not use it
	run --separate-stderr ctr --cap-add sys_admin -- /bin/sh -c :
	assert_success
	run --separate-stderr ctr -- /bin/sh -c :
	assert_success
	# the newest of each (an older build's table has another hash)
	f=$(ls -t "$dir"/00000000a00425fb-*.bpf | head -1)
	[ -f "$f" ] || fail "no cache of the default filter in $dir"
	cp "$(ls -t "$dir"/00000000a02425fb-*.bpf | head -1)" "$f"
	chmod 0646 "$f"
	run --separate-stderr ctr -- /bin/probe userns
	assert_success
	assert_output 'blocked: EPERM'
	# and it was replaced by a good one
	run stat -c %a "$f"
	assert_output 600
}

@test "confine: a root whose /proc is a symbolic link is refused, and nothing is left" {
	local r=$BATS_TEST_TMPDIR/root
	cp -a "$R" "$r"
	rmdir "$r/proc"
	mkdir "$r/elsewhere"
	ln -s /elsewhere "$r/proc"
	TMPDIR=$BATS_TEST_TMPDIR run --separate-stderr nsrun --pid --mount-proc -v /anon \
		--root "$r" /bin/cat /proc/timer_list
	assert_failure 125
	assert_equal "$stderr" "nsrun: cannot mask /proc/asound: Too many levels of symbolic links"
	run compgen -G "$BATS_TEST_TMPDIR/nsrun-volume.*"
	assert_failure
}

@test "confine: without --root nsrun confines nothing (as unshare)" {
	run --separate-stderr nsrun --pid --mount-proc grep -E '^(Seccomp|CapBnd):' /proc/self/status
	assert_success
	assert_line --regexp $'^Seccomp:\t0$'
	refute_line --regexp $'^CapBnd:\t00000000a00425fb$'
}

@test "confine: bad --security-opt and --unmask values: one line, exit 125, nothing run" {
	run --separate-stderr nsrun --security-opt seccomp=foo --root "$R" /bin/true
	assert_failure 125
	assert_equal "$stderr" "nsrun: invalid --security-opt argument: seccomp=foo (use seccomp=unconfined, systempaths=unconfined or no-new-privileges)"
	run --separate-stderr nsrun --unmask /etc --root "$R" /bin/true
	assert_failure 125
	assert_equal "${#stderr_lines[@]}" 1
	assert_equal "$stderr" "nsrun: invalid --unmask argument: /etc (use a masked or read-only path such as /proc/sys or /proc/kcore, /sys, or ALL)"
}
