#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# examples/workshop.sh: end to end without a terminal (every step's
# explanation, command, narrated kernel calls and result), on a terminal
# (it waits for Enter between steps), hung up while it waits (it cleans up),
# and its options.  Names start with $(cu_name w) (EXAMPLE_PREFIX).
load helpers/common

setup() {
	cu_setup
	W=$CU_TOPDIR/examples/workshop.sh
	P=$(cu_name w)
}

teardown() {
	cu_teardown
}

ws_require() {
	local t h
	cu_require_root
	for t in nsrun nsenter2 netns vethctl cgset unionmount; do
		cu_require_tool "$t"
	done
	[ -x /bin/busybox ] || skip "busybox-static is not installed"
	grep -qw overlay /proc/filesystems || skip "kernel has no overlayfs"
	cu_require_user
	cu_open_to_user "$CU_BUILDDIR"
	# what the script makes, should it fail to remove it
	cu_track_netns "${P}host"
	cu_track_netns "${P}c1"
	for h in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do
		cu_track_cgroup "${h}${P}cpu"
	done
}

# ws_left: whatever of the script's is still there, one line each.
ws_left() {
	ls -A /run/netns 2>/dev/null | grep "^$P" | sed 's/^/netns: /'
	ip -o link show | awk -F': ' -v p="$P" 'index($2, p) == 1 { print "link: " $2 }'
	find /sys/fs/cgroup -maxdepth 2 -name "$P*" | sed 's/^/cgroup: /'
	grep -F "/tmp/$P-" /proc/self/mountinfo | sed 's/^/mount: /'
	find /tmp -maxdepth 1 -name "$P-*" | sed 's/^/file: /'
	find /run/container-utils -name "$P*" 2>/dev/null | sed 's/^/record: /'
	pgrep -a -f -- "$P" | sed 's/^/process: /'
	return 0
}

# ws_wait_clean: wait up to 10 s for the script's teardown to end.
ws_wait_clean() {
	local i
	for ((i = 0; i < 100; i++)); do
		[ -z "$(ws_left)" ] && return 0
		sleep 0.1
	done
	return 1
}

# ws_said TEXT: the output has TEXT (fixed string).
ws_said() {
	grep -qF -- "$1" <<< "$output" || fail "no \"$1\" in the workshop's output:
$output"
}

@test "workshop: --help, --list, and a bad --step changing nothing" {
	run --separate-stderr bash "$W" --help
	assert_success
	[[ $output == "Usage: workshop.sh [--step N] [--list] [--help]"* ]]
	run --separate-stderr bash "$W" --list
	assert_success
	[ "${#lines[@]}" -eq 8 ]
	[[ ${lines[0]} == "1  namespaces  "* ]]
	[[ ${lines[7]} == "8  volumes     "* ]]
	for s in 0 9 x ''; do
		run --separate-stderr bash "$W" --step "$s"
		assert_failure 1
		assert_equal "$stderr" "workshop.sh: invalid step '$s': give 1 to 8 (see --list)"
		assert_output ''
	done
	run --separate-stderr bash "$W" --bogus
	assert_failure 1
	assert_equal "$stderr" "workshop.sh: unknown option '--bogus' (see --help)"
}

@test "workshop: end to end without a terminal, every step narrated, nothing left" {
	ws_require
	run env EXAMPLE_PREFIX="$P" bash "$W" < /dev/null
	echo "$output"
	assert_success
	for n in 1 2 3 4 5 6 7 8; do
		ws_said "=== Step $n of 8: "
	done
	# no pause without a terminal
	refute_output --partial '[Enter'
	# 1: UTS, IPC, mount
	ws_said "$ nsrun --explain --uts --ipc --mount --hostname ${P}box hostname"
	ws_said 'unshare(CLONE_NEWNS|CLONE_NEWUTS|CLONE_NEWIPC) → 0'
	ws_said "sethostname(\"${P}box\""
	assert_line "${P}box"
	# 2: PID 1
	ws_said 'clone3(CLONE_NEWPID|CLONE_NEWNS'
	assert_line --regexp '^ +1 ps$'
	# 3: the uid map of uid 4242
	ws_said 'write /proc/self/uid_map ← "0 4242 1\n"'
	assert_line 'uid=0(root) gid=0(root) groups=0(root)'
	# 4: netns, veth, bridge, NAT, and the namespace reaches the bridge
	ws_said "RTM_NEWLINK(NLM_F_CREATE|NLM_F_EXCL) \"${P}br0\" bridge → 0"
	ws_said 'veth ⇄ "eth0"'
	ws_said 'RTM_NEWROUTE(NLM_F_CREATE|NLM_F_EXCL) default via 10.200.0.1 → 0'
	ws_said 'masq { 10.200.0.0/24 }'
	ws_said '1 packets transmitted, 1 received'
	# 5: 20 % of a CPU, v1 or v2; the loop gets at most 0.5 s of 2 s (less on a busy machine)
	assert_output --regexp "write /sys/fs/cgroup/[^ ]*${P}cpu/(cpu\.cfs_quota_us ← \"20000\"|cpu\.max ← \"20000 100000\")"
	assert_line --regexp '^0m0\.[1-5][0-9]*s 0m0\.[0-9]+s$'
	# 6: overlay made (new mount API, or the option string), a whiteout
	assert_output --regexp 'fsconfig\(.*"lowerdir\+?"|mount\("overlay", .*"overlay"'
	assert_line --regexp '^c--------- .* 0, 0 .* b$'
	assert_line 'D /b'
	# 7: setns into the running container
	ws_said 'nsenter2 ▸ setns('
	assert_line "${P}c1"
	# 8: the volume: pivot_root, and the file on the host
	ws_said 'pivot_root(".", ".") → 0'
	assert_line 'written in the container'
	run ws_left
	assert_output ''
}

@test "workshop: on a terminal it waits for Enter between steps" {
	ws_require
	PTY_RUN_ENTER='[Enter: next step]' run -0 env EXAMPLE_PREFIX="$P" TERM=xterm \
		python3 "$BATS_TEST_DIRNAME/pty-run.py" bash "$W" --step 6
	echo "$output"
	# steps 6, 7, 8: two pauses, each before the next step's heading
	assert_equal "$(grep -c '\[Enter: next step\]' <<< "$output")" 2
	assert_output --regexp $'\\[Enter: next step\\][^\n]*\r?\n(\r?\n)*=== Step 7 of 8'
	assert_output --partial '=== Step 8 of 8'
	refute_output --partial '=== Step 5 of 8'
	# the narration is in colour on a terminal
	assert_output --partial $'\e['
	ws_wait_clean || fail "left behind: $(ws_left)"
}

@test "workshop: in a Chinese locale the steps are explained in Chinese" {
	ws_require
	run -0 env EXAMPLE_PREFIX="$P" LANGUAGE=zh_CN LC_ALL=zh_CN.UTF-8 bash "$W" --step 7 < /dev/null
	echo "$output"
	assert_line '=== 第 7 步（共 8 步）：进入正在运行的容器（setns） ==='
	assert_line --partial '“docker exec”在正在运行的容器的命名空间里运行一个新程序。'
	assert_line '=== 第 8 步（共 8 步）：卷：把宿主机目录绑定挂载到容器的根里 ==='
	assert_line '结束：正在删除本次演示创建的所有对象。'
	refute_output --partial '=== Step'
	refute_output --partial 'runs a new program in the namespaces'
	assert_line "${P}c1"
	run ws_left
	assert_output ''
}

@test "workshop: hung up while it waits, it removes what it made" {
	ws_require
	local py
	EXAMPLE_PREFIX=$P TERM=xterm python3 "$BATS_TEST_DIRNAME/pty-run.py" \
		bash "$W" --step 4 > "$BATS_TEST_TMPDIR/out" 2>&1 3>&- &
	py=$!
	cu_track_pid "$py"
	# step 4 done: its namespaces are there while it waits for Enter
	local i
	for ((i = 0; i < 100; i++)); do
		ip netns exec "${P}host" ip -o link show "${P}br0" >/dev/null 2>&1 && break
		sleep 0.1
	done
	ip netns exec "${P}host" ip -o link show "${P}br0"
	sleep 0.5
	[ -e "/run/netns/${P}c1" ]
	kill -TERM "$py"
	wait "$py" || true
	ws_wait_clean || fail "left behind: $(ws_left)
$(cat "$BATS_TEST_TMPDIR/out")"
}
