#!/usr/bin/env bats
# Runs last: nothing any suite made may still be on the machine.
load helpers/common

@test "no named network namespace made by the tests is left" {
	run bash -c 'ls -A /run/netns 2>/dev/null | grep -E "^cu[0-9]{4}t"'
	assert_output ''
}

@test "no network link made by the tests is left" {
	run bash -c 'ip -o link show | awk -F": " "{print \$2}" | sed "s/@.*//" | grep -E "^cu[0-9]{4}t"'
	assert_output ''
}

@test "no mount made by the tests is left" {
	run bash -c 'grep -E "bats-run|/cu[0-9]{4}t" /proc/self/mountinfo'
	assert_output ''
}

@test "no cgroup made by the tests is left" {
	run bash -c 'find /sys/fs/cgroup -maxdepth 3 -type d -name "cu[0-9][0-9][0-9][0-9]t*" 2>/dev/null'
	assert_output ''
}

@test "no nftables table made by the tests is left" {
	command -v nft >/dev/null || skip "nft not installed"
	run bash -c 'nft list tables 2>/dev/null | grep -E "cu[0-9]{4}t"'
	assert_output ''
}
