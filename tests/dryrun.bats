#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# --dry-run (issue 19): the harness that proves a plan changes nothing and
# needs no privilege.  The tools' own dry-run tests are in
# tests/dryrun-*.bats; here the harness itself is checked, so that a
# passing dry-run test means something.

load helpers/common
load helpers/dryrun

setup() {
	cu_setup
	cu_require_root
	command -v strace >/dev/null || skip "strace is not installed"
}

@test "harness: the checker flags each kind of change a plan must not make" {
	local ns d
	ns=$(cu_name n)
	d=$BATS_TEST_TMPDIR/d
	cu_track_netns "$ns"
	cu_track_mount "$d"
	# each of these changes the system: the checker must name it
	for cmd in "ip netns add $ns" "ip -n $ns link add $(cu_name x) type dummy" \
		"mkdir $d" "touch $BATS_TEST_TMPDIR/f" \
		"unshare --mount true" "mount -t tmpfs none $d" \
		"setpriv --bounding-set -all true"; do
		# shellcheck disable=SC2086 # the command line is split on purpose
		cu_dryrun $cmd
		run ! cu_dryrun_no_call
		[[ "$output" == *"changes the system:"* ]] || {
			echo "not flagged: $cmd"; return 1; }
	done
	umount "$d" 2>/dev/null || true
}

@test "harness: reading the kernel's state is not a change" {
	local cmd
	for cmd in "ip -j addr show" "ip route show" "ip netns list" "cat /proc/self/mountinfo" \
		"nft list ruleset" "ls -l /sys/fs/cgroup" "findmnt -J"; do
		# shellcheck disable=SC2086 # the command line is split on purpose
		cu_dryrun $cmd
		cu_dryrun_no_call || { echo "flagged: $cmd"; return 1; }
	done
}

@test "harness: the snapshot sees the test's objects change" {
	local ns before after
	ns=$(cu_name n)
	before=$(cu_dryrun_snapshot)
	cu_mkns n
	after=$(cu_dryrun_snapshot)
	[ "$before" != "$after" ]
	[[ "$after" == *"$ns"* ]]
	before=$after
	mkdir "$BATS_TEST_TMPDIR/x"
	after=$(cu_dryrun_snapshot)
	[ "$before" != "$after" ]
	# a link set up is a change (its carrier, which comes and goes, is not)
	ip -n "$ns" link add "$(cu_name d)" type veth peer name "$(cu_name e)"
	before=$(cu_dryrun_snapshot)
	ip -n "$ns" link set "$(cu_name d)" up
	after=$(cu_dryrun_snapshot)
	[ "$before" != "$after" ]
	# and a change that does happen fails cu_dryrun_no_change
	run ! cu_dryrun_no_change -- mkdir "$BATS_TEST_TMPDIR/y"
}
