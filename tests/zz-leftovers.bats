#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
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

# Processes of this run: under tests/run every process the suites started
# inherits CU_RUN_ID; those of this very suite (BATS_ROOT_PID) and our
# ancestors are not leftovers.  Alone: processes naming a test object.
# (A test that wants a process to outlive it on purpose must not exist.)
cu_leftover_pids() {
	local e pid env cmd anc=" " p=$$
	if [ -z "${CU_RUN_ID:-}" ]; then
		# shellcheck disable=SC2009 # pgrep cannot exclude our own grep
		ps -eo pid=,args= | grep -E "$(cu_leftover_re)[0-9]" | grep -vE 'grep|bats|ps -eo'
		return 0
	fi
	while [ "$p" -gt 1 ]; do
		anc+="$p "
		p=$(awk '/^PPid:/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 1)
	done
	for e in /proc/[0-9]*/environ; do
		pid=${e#/proc/}
		pid=${pid%/environ}
		[[ "$anc" == *" $pid "* ]] && continue
		env=$( { tr '\0' '\n' < "$e"; } 2>/dev/null) || continue
		grep -qx "CU_RUN_ID=$CU_RUN_ID" <<< "$env" || continue
		grep -qx "BATS_ROOT_PID=$BATS_ROOT_PID" <<< "$env" && continue
		cmd=$( { tr '\0' ' ' < "/proc/$pid/cmdline"; } 2>/dev/null)
		# this suite's own formatter subshells (forked before the export)
		[[ "$cmd" == *"/bats-core/bats "*"zz-leftovers.bats"* ]] && continue
		echo "$pid $cmd"
	done
	return 0
}

@test "no process started by the tests is left" {
	run cu_leftover_pids
	assert_output ''
}

@test "no nftables table made by the tests is left" {
	command -v nft >/dev/null || skip "nft not installed"
	run bash -c "nft list tables 2>/dev/null | grep -E '$(cu_leftover_re)'"
	assert_output ''
}

@test "no address lease made by the tests is left" {
	run bash -c "ls -A /run/container-utils/leases 2>/dev/null | grep -E '$(cu_leftover_re)'"
	assert_output ''
}
