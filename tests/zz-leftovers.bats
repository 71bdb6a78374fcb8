#!/usr/bin/env bats
# Runs last: nothing any suite made may still be on the machine.  Under
# tests/run (CU_RUN_ID set) only the objects of this run count, so other
# runs on the same machine do not fail it; alone, every cuNNNNt name does.
load helpers/common

@test "no named network namespace made by the tests is left" {
	run bash -c "ls -A /run/netns 2>/dev/null | grep -E '^$(cu_leftover_re)'"
	assert_output ''
}

@test "no network link made by the tests is left" {
	run bash -c "ip -o link show | awk -F': ' '{print \$2}' | sed 's/@.*//' | grep -E '^$(cu_leftover_re)'"
	assert_output ''
}

@test "no mount made by the tests is left" {
	run bash -c "grep -E '$(cu_leftover_mount_re)' /proc/self/mountinfo"
	assert_output ''
}

@test "no cgroup made by the tests is left" {
	run bash -c "find /sys/fs/cgroup -maxdepth 4 -type d -regextype egrep -regex '.*/$(cu_leftover_re)[^/]*' 2>/dev/null"
	assert_output ''
}

@test "no process started by the tests is left" {
	# a test's processes carry its names in their command lines
	run bash -c "ps -eo pid=,args= | grep -E '$(cu_leftover_re)[0-9]' | grep -vE 'grep|bats|ps -eo'"
	assert_output ''
}

@test "no nftables table made by the tests is left" {
	command -v nft >/dev/null || skip "nft not installed"
	run bash -c "nft list tables 2>/dev/null | grep -E '$(cu_leftover_re)'"
	assert_output ''
}
