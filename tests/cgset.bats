#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# cgset: control groups on whichever layout this host has — pure cgroup v2
# (cgroup2 alone at /sys/fs/cgroup, as in tests/vm's bare mode), hybrid (v1
# controllers, v2 for membership, as on this machine) or pure v1 — plus a
# cgroup2 mount of our own (pure v2 code paths) and a directory tree laid
# out like cgroup2 (v2 controller files).  Generic tests assert the v2 files
# on v2 and the v1 ones on v1 and hybrid (cg_layout, cg_file); tests about
# one layout skip on the others, naming it.  Every group is named with
# cu_name.
load helpers/common

CG=/sys/fs/cgroup
UNIFIED=$CG/unified

setup() {
	cu_setup
	cu_require_root
	cu_require_tool cgset
	unset CGSET_PARENT CGSET_MOUNTINFO
	N=$(cu_name g)
	case $BATS_TEST_DESCRIPTION in
	systemd:*)
		systemd_host || skip "not a systemd host (needs /run/systemd/system and a pure cgroup v2 hierarchy systemd manages)"
		return 0 ;;
	stop:*)
		return 0 ;;
	esac
	LAYOUT=$(cg_layout)
	# the v2 hierarchy: $CG on pure v2, $UNIFIED on hybrid, none on v1
	case $LAYOUT in
	v2) V2=$CG ;;
	hybrid) V2=$UNIFIED ;;
	v1) V2= ;;
	*) skip "no cgroup hierarchy at $CG" ;;
	esac
	if systemd_host; then
		skip "systemd host: cgset puts groups in cgset.scope (the systemd: tests cover it)"
	fi
	if [ "$LAYOUT" = v2 ]; then
		local c
		for c in cpu memory pids; do
			grep -qw "$c" "$CG/cgroup.subtree_control" ||
				skip "cgroup v2 without $c in $CG/cgroup.subtree_control"
		done
	else
		[ -d "$CG/cpu" ] || skip "no v1 cpu hierarchy at $CG/cpu"
	fi
	cg_track "$N"
}

# v1, v2 or hybrid: how this host mounts its control groups.
cg_layout() {
	if [ "$(stat -fc %T "$CG" 2>/dev/null)" = cgroup2fs ]; then
		echo v2
	elif [ "$(stat -fc %T "$UNIFIED" 2>/dev/null)" = cgroup2fs ]; then
		echo hybrid
	elif [ -n "$(ls -d "$CG"/*/tasks 2>/dev/null)" ]; then
		echo v1
	fi
}

# Skip a test about the v1 controllers (v1 or hybrid layouts) on pure v2.
need_v1() {
	[ "$LAYOUT" != v2 ] || skip "needs cgroup v1 controllers (this host: cgroup v2 only)"
}

# Skip a test about the hybrid layout (v1 controllers, cgroup2 beside).
need_hybrid() {
	[ "$LAYOUT" = hybrid ] || skip "needs the hybrid layout, v1 controllers and $UNIFIED (this host: cgroup $LAYOUT only)"
}

# cg_file GROUP CONTROLLER KEY: the file of GROUP that holds KEY of
# CONTROLLER on this host's layout.  KEY is a v2 file name (cpu.max,
# memory.max, memory.swap.max, pids.max, cgroup.procs, cgroup.events...);
# on v1 and hybrid it becomes the v1 file of that controller's hierarchy
# (cpu.cfs_quota_us, memory.limit_in_bytes, memory.memsw.limit_in_bytes).
cg_file() {
	local g=$1 c=$2 k=$3
	if [ "$LAYOUT" = v2 ]; then
		echo "$CG/$g/$k"
		return
	fi
	case $k in
	cpu.max) k=cpu.cfs_quota_us ;;
	memory.max) k=memory.limit_in_bytes ;;
	memory.swap.max) k=memory.memsw.limit_in_bytes ;;
	esac
	echo "$CG/$c/$g/$k"
}

# cg_is GROUP CONTROLLER KEY V2VALUE V1VALUE: the file of cg_file holds
# V2VALUE on v2, V1VALUE on v1 and hybrid.
cg_is() {
	local f want got
	f=$(cg_file "$1" "$2" "$3")
	if [ "$LAYOUT" = v2 ]; then want=$4; else want=$5; fi
	got=$(cat "$f") || return 1
	[ "$got" = "$want" ] || { echo "$f: '$got', expected '$want'"; return 1; }
}

# Process PID is in group NAME: the v2 line, and for every v1 controller
# named after NAME on v1 and hybrid hosts, that hierarchy's line too.
cg_has_pid_in() {
	local pid=$1 g=$2 c
	shift 2
	if [ "$LAYOUT" != v1 ]; then
		grep -qx "0::/$g" "/proc/$pid/cgroup" || { echo "$pid: not in 0::/$g"; return 1; }
	fi
	[ "$LAYOUT" != v2 ] || return 0
	for c in "$@"; do
		grep -qE "^[0-9]+:([^:]*,)?$c(,[^:]*)?:/$g\$" "/proc/$pid/cgroup" ||
			{ echo "$pid: not in $c:/$g"; return 1; }
	done
}

# Booted with systemd, whose cgroup2 hierarchy is mounted at $CG.
systemd_host() {
	[ -d /run/systemd/system ] && [ "$(stat -fc %T "$CG")" = cgroup2fs ] &&
		[ -d "$CG/init.scope" ]
}

# The v2 hierarchy: $CG on a pure v2 host, else $UNIFIED.
v2_mount() {
	if [ "$(stat -fc %T "$CG")" = cgroup2fs ]; then echo "$CG"; else echo "$UNIFIED"; fi
}

# The running kernel is version MAJOR.MINOR or newer.
kernel_at_least() {
	local major minor
	IFS=. read -r major minor _ <<< "$(uname -r)"
	[ "$major" -gt "$1" ] || { [ "$major" -eq "$1" ] && [ "${minor%%[!0-9]*}" -ge "$2" ]; }
}

# held_to_20_percent USEC MS: a group that ran a busy loop for 2 s got
# 0.3 s of CPU or more, and at most 20 ms in each 100 ms period of the MS
# it was measured over (the 2 s, and the start of the programs: up to
# 0.5 s more under emulation), plus one period.
held_to_20_percent() {
	[ "$1" -ge 300000 ] || { echo "too little CPU: $1 us"; return 1; }
	[ "$1" -le $(( $2 * 200 + 20000 )) ] || { echo "more than 20 %: $1 us in $2 ms"; return 1; }
}

# Wait up to 5 s until directory $1 is gone.
wait_gone() {
	for _ in $(seq 50); do [ -e "$1" ] || return 0; sleep 0.1; done
	return 1
}

# cgset.scope must not run already: its groups would be another user's.
require_no_unit() {
	if systemctl -q is-active cgset.scope; then
		skip "cgset.scope runs already (groups of another user)"
	fi
	cu_on_teardown "systemctl stop cgset.scope 2>/dev/null"
}

# Register NAME in every hierarchy for teardown (before making it).
cg_track() {
	local d
	if [ "$LAYOUT" = v2 ]; then
		cu_track_cgroup "$CG/$1"
		return
	fi
	for d in "$CG"/*/; do
		cu_track_cgroup "$d$1"
	done
}

# The directories of group NAME, one a line.
cg_dirs() {
	if [ "$LAYOUT" = v2 ]; then
		ls -d "$CG/$1" 2>/dev/null
	else
		ls -d "$CG"/*/"$1" 2>/dev/null
	fi
}

# CPU time of group NAME in µs: cpu.stat of the v2 hierarchy, cpuacct on v1.
usage_usec() {
	if [ -n "$V2" ]; then
		awk '$1 == "usage_usec" { print $2 }' "$V2/$1/cpu.stat"
	else
		echo $(( $(cat "$CG/cpuacct/$1/cpuacct.usage") / 1000 ))
	fi
}

# Point cgset at a cgroup2 mount of our own (the same unified hierarchy,
# seen through a mount only this test has): pure v2 mode.
own_cgroup2() {
	CG2=$BATS_TEST_TMPDIR/cg2
	mkdir -p "$CG2"
	cu_track_mount "$CG2"
	mount -t cgroup2 none "$CG2"
	printf '99 1 0:99 / %s rw,relatime - cgroup2 none rw\n' "$CG2" > "$BATS_TEST_TMPDIR/mountinfo"
	cu_track_cgroup "$CG2/$N"
	export CGSET_MOUNTINFO=$BATS_TEST_TMPDIR/mountinfo
}

# Only the real v1 hierarchies of this host: pure v1 mode.
v1_only() {
	grep ' - cgroup ' /proc/self/mountinfo > "$BATS_TEST_TMPDIR/mountinfo"
	export CGSET_MOUNTINFO=$BATS_TEST_TMPDIR/mountinfo
}

# A directory tree laid out like a cgroup2 root with cpu, memory, pids, io.
fake_cgroup2() {
	FAKE=$BATS_TEST_TMPDIR/fake
	mkdir -p "$FAKE"
	echo "cpuset cpu io memory hugetlb pids" > "$FAKE/cgroup.controllers"
	: > "$FAKE/cgroup.subtree_control"
	printf '99 1 0:99 / %s rw,relatime - cgroup2 none rw\n' "$FAKE" > "$BATS_TEST_TMPDIR/mountinfo"
	export CGSET_MOUNTINFO=$BATS_TEST_TMPDIR/mountinfo
}

# --- S10 -------------------------------------------------------------------

@test "S10: run --cpu 20% holds a busy loop to 0.4 s of CPU in 2 s" {
	t0=$(date +%s%N)
	run -124 cgset run --keep --name "$N" --cpu 20% -- timeout 2 sh -c 'while :; do :; done'
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	cg_is "$N" cpu cpu.max "20000 100000" 20000
	[ "$LAYOUT" = v2 ] || [ "$(cat "$CG/cpu/$N/cpu.cfs_period_us")" = 100000 ]
	u=$(usage_usec "$N")
	echo "usage_usec=$u in $ms ms"
	held_to_20_percent "$u" "$ms"
	run cgset show "$N"
	assert_line --regexp '^cpu\.max\.quota +20000$'
	assert_line --regexp '^cpu\.max\.period +100000$'
	assert_line --regexp '^cpu\.nr_throttled +[1-9][0-9]*$'
}

@test "S10: create --cpu 20% then add PID: the loop gets 20%" {
	cgset create "$N" --cpu 20%
	sh -c 'while :; do :; done' &
	pid=$!
	cu_track_pid "$pid"
	t0=$(date +%s%N)
	cgset add "$N" "$pid"
	cg_has_pid_in "$pid" "$N" cpu
	sleep 2
	u=$(usage_usec "$N")
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	kill "$pid"
	echo "usage_usec=$u in $ms ms"
	held_to_20_percent "$u" "$ms"
}

@test "S10: libcgroup's form 'cgset -r cpu.cfs_quota_us=20000 NAME' works unchanged" {
	cgset create "$N"
	# on v2, the same form with the v2 file
	if [ "$LAYOUT" = v2 ]; then
		run cgset -r cpu.max="20000 100000" "$N"
	else
		run cgset -r cpu.cfs_quota_us=20000 -r cpu.cfs_period_us=100000 "$N"
	fi
	assert_success
	cg_is "$N" cpu cpu.max "20000 100000" 20000
	t0=$(date +%s%N)
	run -124 cgset run --name "$N" -- timeout 2 sh -c 'while :; do :; done'
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	u=$(usage_usec "$N")
	echo "usage_usec=$u in $ms ms"
	held_to_20_percent "$u" "$ms"
	# run used an existing group: it stays
	[ -n "$(cg_dirs "$N")" ]
}

@test "S10: -r on a group made by libcgroup's cgcreate, --rule, several names" {
	need_v1
	command -v cgcreate >/dev/null || skip "cgroup-tools not installed"
	M=$(cu_name h)
	cg_track "$M"
	cgcreate -g "cpu:/$N" -g "cpu:/$M"
	run cgset --rule cpu.shares=512 -r cpu.cfs_quota_us=50000 "$N" "$M"
	assert_success
	[ "$(cat "$CG/cpu/$N/cpu.shares")" = 512 ]
	[ "$(cat "$CG/cpu/$M/cpu.cfs_quota_us")" = 50000 ]
	run cgset -r cpu.max="20000 100000" "$N"
	assert_failure 1
	assert_output --partial "cpu.max"
	assert_output --partial "cgroup v1 controller on this host"
}

@test "S10: --memory 32M and a 64 MiB allocation end OOM-killed; show reports it" {
	run -137 cgset run --keep --name "$N" --memory 32M -- dd if=/dev/zero of=/dev/null bs=64M count=1
	cg_is "$N" memory memory.max 33554432 33554432
	run cgset show "$N"
	assert_success
	assert_line --regexp '^memory\.max +33554432$'
	assert_line --regexp '^memory\.events\.oom_kill +[1-9][0-9]*$'
	run cgset show --json "$N"
	assert_output --regexp '"memory\.events\.oom_kill": [1-9]'
}

@test "S10: --pids 5: the sixth task cannot be forked" {
	run cgset run --name "$N" --pids 5 -- sh -c 'for i in 1 2 3 4 5 6; do sleep 5 & echo "forked $i"; done'
	assert_failure
	assert_output --partial "forked 4"
	refute_output --partial "forked 5"
	assert_output --partial "fork"
	[ -z "$(cg_dirs "$N")" ]
}

# --- run ------------------------------------------------------------------

@test "run: limits are in place before the program starts, every hierarchy joined" {
	run cgset run --name "$N" --memory 48M --pids 50 --cpus 1.5 -- \
		sh -c "cat $(cg_file "$N" memory memory.max) $(cg_file "$N" cpu cpu.max) $(cg_file "$N" pids pids.max); cat /proc/self/cgroup"
	assert_success
	assert_line --index 0 50331648
	if [ "$LAYOUT" = v2 ]; then
		assert_line --index 1 "150000 100000"
	else
		assert_line --index 1 150000
		assert_line --regexp "^[0-9]+:memory:/$N\$"
		assert_line --regexp "^[0-9]+:pids:/$N\$"
		assert_line --regexp "^[0-9]+:cpu(,cpuacct)?:/$N\$"
	fi
	assert_line --index 2 50
	[ "$LAYOUT" = v1 ] || assert_line "0::/$N"
	[ -z "$(cg_dirs "$N")" ]
}

@test "run: the program's exit status, 125 for cgset's own failures, 126/127, 128+N" {
	run -7 cgset run --name "$N" -- sh -c 'exit 7'
	run -127 cgset run --name "$N" -- /no/such/program
	run -126 cgset run --name "$N" -- /dev/null
	run -143 cgset run --name "$N" -- sh -c 'kill -TERM $$'
	run --separate-stderr -125 cgset run --bogus -- true
	run --separate-stderr -125 cgset run --name "$N" --cpu 0.5% -- true
	assert_equal "${#stderr_lines[@]}" 1
	[[ "$stderr" == *"below 1 ms"* ]]
	run --separate-stderr -125 cgset run --name "$N"
	[ -z "$(cg_dirs "$N")" ]
	# the child cannot join a hierarchy: the program never starts (an
	# empty v2 cpuset.cpus is the parent's: v1 only)
	[ "$LAYOUT" != v2 ] || return 0
	run --separate-stderr -125 cgset run --name "$N" -r 'cpuset.cpus= ' -- echo ran
	[[ "$stderr" == *"its cpuset is empty"* ]]
	assert_output ""
	[ -z "$(cg_dirs "$N")" ]
}

@test "run: the group is killed, waited for and removed; --keep keeps it" {
	run cgset run --name "$N" -- sh -c 'sleep 300 & echo $!'
	assert_success
	pid=$output
	sleep 0.2
	! kill -0 "$pid" 2>/dev/null
	[ -z "$(cg_dirs "$N")" ]
	run cgset run --keep --name "$N" --pids 9 -- true
	assert_success
	[ -d "$(dirname "$(cg_file "$N" pids pids.max)")" ]
	[ -z "$V2" ] || [ -d "$V2/$N" ]
}

@test "run: TERM sent to cgset reaches the program; the group is still removed" {
	cgset run --name "$N" -- sleep 300 &
	pid=$!
	cu_track_pid "$pid"
	# the v2 group; on pure v1, a hierarchy every group joins
	if [ -n "$V2" ]; then procs=$V2/$N/cgroup.procs; else procs=$CG/freezer/$N/cgroup.procs; fi
	for _ in $(seq 50); do [ -n "$(cat "$procs" 2>/dev/null)" ] && break; sleep 0.1; done
	[ -n "$(cat "$procs")" ]
	kill -TERM "$pid"
	rc=0
	wait "$pid" || rc=$?
	echo "status=$rc"
	[ "$rc" -eq 143 ]
	[ -z "$(cg_dirs "$N")" ]
}

@test "run: clone3 places the child in the v2 group; after cgroup.kill it falls back to fork" {
	cgset create "$N"
	# 6.18 SIGKILLs a CLONE_INTO_CGROUP child of a group once killed
	cgset kill "$N"
	run cgset run --name "$N" -- cat /proc/self/cgroup
	assert_success
	assert_line "0::/$N"
	command -v strace >/dev/null || return 0
	M=$(cu_name f)
	cg_track "$M"
	run strace -f -e trace=clone3 cgset run --name "$M" -- true
	assert_success
	assert_output --partial "CLONE_INTO_CGROUP"
	# the child only joins v1 (if any) and execs: it shares cgset's memory until then
	cu_asan_build cgset && return 0
	assert_output --regexp 'clone3\(\{flags=CLONE_VM\|CLONE_PIDFD\|CLONE_VFORK\|CLONE_INTO_CGROUP'
	# and what fails in it still comes back as one line and its status
	run --separate-stderr -127 cgset run --name "$M" -- no-such-program-xyz
	assert_equal "$stderr" "cgset: cannot execute no-such-program-xyz: No such file or directory"
}

@test "run: each v1 hierarchy joined by the child's own thread (tasks), none through cgroup.procs" {
	# a cgroup.procs write waits for an RCU grace period (~10 ms here); a
	# single-threaded child moving itself through tasks does not
	need_v1
	command -v strace >/dev/null || skip "strace is not installed"
	run strace -f -o "$BATS_TEST_TMPDIR/st" -e trace=openat \
		cgset run --name "$N" --cpu 50% --memory 64M --pids 9 -- cat /proc/self/cgroup
	assert_success
	assert_line --regexp "^[0-9]+:cpu:/$N\$"
	assert_line --regexp "^[0-9]+:memory:/$N\$"
	assert_line --regexp "^[0-9]+:pids:/$N\$"
	assert_line "0::/$N"
	for h in cpu memory pids; do
		grep -q "\"$CG/$h/$N/tasks\", O_WRONLY" "$BATS_TEST_TMPDIR/st" || fail "$h: no tasks write"
	done
	! grep "cgroup.procs\", O_WRONLY" "$BATS_TEST_TMPDIR/st"
	[ -z "$(cg_dirs "$N")" ]
}

# --- state ----------------------------------------------------------------

@test "freeze waits until frozen; thaw; kill empties the group; delete" {
	cgset create "$N"
	sleep 300 &
	p1=$!
	cu_track_pid "$p1"
	cgset add "$N" "$p1"
	cgset freeze "$N"
	grep -qx 'frozen 1' "$V2/$N/cgroup.events"
	run cgset show "$N"
	assert_line --regexp '^frozen +1$'
	cgset thaw "$N"
	grep -qx 'frozen 0' "$V2/$N/cgroup.events"
	cgset kill "$N"
	[ -z "$(cat "$V2/$N/cgroup.procs")" ]
	! kill -0 "$p1" 2>/dev/null
	[ -d "$V2/$N" ]
	cgset delete "$N"
	[ -z "$(cg_dirs "$N")" ]
}

@test "delete: child groups need --recursive; busy groups are refused after retries" {
	cgset create "$N" --memory 64M
	cgset create "$N/a"
	cgset create "$N/a/b" --pids 3
	run cgset list "$N"
	assert_line --regexp "^$N "
	assert_line --regexp '^  └─b '
	run cgset delete "$N"
	assert_failure 1
	assert_output --partial "child groups (use --recursive)"
	[ -d "$V2/$N/a/b" ]
	sleep 300 &
	pid=$!
	cu_track_pid "$pid"
	cgset add "$N/a" "$pid"
	run cgset delete --recursive "$N"
	assert_failure 1
	assert_output --partial "processes are still in it"
	kill "$pid"
	wait "$pid" || true
	cgset delete --recursive "$N"
	[ -z "$(cg_dirs "$N")" ]
}

@test "delete: a leaf group is one rmdir per hierarchy; one with processes is refused, nothing removed" {
	command -v strace >/dev/null || skip "strace is not installed"
	cgset create "$N" --cpu 20% --memory 32M
	sleep 300 &
	pid=$!
	cu_track_pid "$pid"
	cgset add "$N" "$pid"
	run cgset delete "$N"
	assert_failure 1
	assert_output --partial "processes are still in it"
	# unified, cpu and memory on hybrid; the one group on v2
	dirs=$(cg_dirs "$N" | wc -l)
	case $LAYOUT in v2) [ "$dirs" -eq 1 ] ;; hybrid) [ "$dirs" -eq 3 ] ;; v1) [ "$dirs" -ge 2 ] ;; esac
	kill "$pid"
	wait "$pid" || true
	run strace -o "$BATS_TEST_TMPDIR/st" -e trace=getdents64,rmdir cgset delete "$N"
	assert_success
	[ -z "$(cg_dirs "$N")" ]
	[ "$(grep -c '^rmdir(.* = 0$' "$BATS_TEST_TMPDIR/st")" -eq "$dirs" ]
	! grep -q getdents64 "$BATS_TEST_TMPDIR/st"
}

# --- names and rollback ------------------------------------------------------

@test "bad names are refused with one line, and nothing is created" {
	for name in "" "/" "../$N" "$N/../../etc" "$N//x" "$N/./x" "$N/" "."; do
		run --separate-stderr cgset create "$name" --cpu 20%
		[ "$status" -eq 1 ] || fail "'$name': status $status"
		[ "${#stderr_lines[@]}" -eq 1 ] || fail "'$name': $stderr"
		[[ "$stderr" == "cgset: invalid cgroup name: '$name'"* ]] || fail "'$name': $stderr"
	done
	run --separate-stderr -125 cgset run --name "../$N" -- true
	run find /sys/fs -maxdepth 4 -name "$(cu_id)*"
	assert_output ""
}

@test "a failed create leaves no directory in any hierarchy" {
	# the kernel refuses the last write, after every mkdir
	run --separate-stderr cgset create "$N" --cpu 20% --memory 32M --pids 5 -r cpu.no_such_file=1
	assert_failure 1
	[[ "$stderr" == *"no such interface file: cpu.no_such_file"* ]]
	[ -z "$(cg_dirs "$N")" ]
	run --separate-stderr cgset create "$N" --memory 32M --cpuset 4095
	assert_failure 1
	[[ "$stderr" == *"cpuset refused"* ]]
	[ -z "$(cg_dirs "$N")" ]
	# an existing directory in one hierarchy: the others are rolled back
	[ "$LAYOUT" != v2 ] || return 0
	mkdir "$CG/pids/$N"
	run cgset create "$N" --cpu 20% --pids 5
	assert_failure 1
	[ ! -d "$CG/cpu/$N" ] && [ -d "$CG/pids/$N" ]
	[ -z "$V2" ] || [ ! -d "$V2/$N" ]
	rmdir "$CG/pids/$N"
}

@test "create refuses an existing group; set on a missing group says so" {
	cgset create "$N"
	run cgset create "$N" --cpu 20%
	assert_failure 1
	assert_output --partial "cgroup already exists: $N"
	if [ "$LAYOUT" = v2 ]; then
		[ "$(cat "$CG/$N/cpu.max")" = "max 100000" ]
	else
		[ ! -d "$CG/cpu/$N" ]
	fi
	M=$(cu_name m)
	run cgset set "$M" --cpu 20%
	assert_failure 1
	assert_output --partial "no such cgroup: $M"
	[ -z "$(cg_dirs "$M")" ]
}

@test "set adds a hierarchy to a running group and moves its processes there" {
	cgset create "$N"
	sleep 300 &
	pid=$!
	cu_track_pid "$pid"
	cgset add "$N" "$pid"
	# on v2 there is no hierarchy to add: the limits land in the group
	cgset set "$N" --memory 100M --memory-swap 0
	cg_has_pid_in "$pid" "$N" memory
	cg_is "$N" memory memory.max 104857600 104857600
	if [ -e "$(cg_file "$N" memory memory.swap.max)" ]; then
		cg_is "$N" memory memory.swap.max 0 104857600
	fi
}

# --- kernel errors explained ------------------------------------------------------

@test "errors explain the kernel: memory below usage, quota below 1 ms, empty cpuset" {
	cgset create "$N" --memory 64M --cpu 20%
	sh -c 'sleep 0.5; x=$(head -c 8M /dev/zero | tr "\000" a); echo ready; sleep 300' > "$BATS_TEST_TMPDIR/out" &
	pid=$!
	cu_track_pid "$pid"
	cgset add "$N" "$pid"
	# the shell's 8 MiB string is charged where it is made: after the move
	for _ in $(seq 50); do grep -q ready "$BATS_TEST_TMPDIR/out" && break; sleep 0.1; done
	run cgset set "$N" --cpu 50% --memory 64K
	assert_failure 1
	assert_output --partial "memory limit below current usage: 65536 for $N"
	# set is all or nothing too: the CPU quota written first was put back
	cg_is "$N" cpu cpu.max "20000 100000" 20000
	cg_is "$N" memory memory.max 67108864 67108864
	run cgset set "$N" --cpu 0.5%
	assert_failure 1
	assert_output --partial "CPU quota below 1 ms"
	if [ "$LAYOUT" = v2 ]; then
		run cgset set "$N" -r cpu.max="500 100000"
	else
		run cgset set "$N" -r cpu.cfs_quota_us=500
	fi
	assert_failure 1
	assert_output --partial "CPU quota refused"
	# an empty v2 cpuset.cpus is the parent's: the rest is v1 only
	[ "$LAYOUT" != v2 ] || return 0
	M=$(cu_name c)
	cg_track "$M"
	cgset create "$M" --cpuset 0 --cpu 50%
	echo > "$CG/cpuset/$M/cpuset.cpus"
	run cgset add "$M" "$pid"
	assert_failure 1
	assert_output --partial "its cpuset is empty"
	# all or nothing: the move into cpu (before cpuset) was undone
	run grep ":cpu:/$M\$" /proc/$pid/cgroup
	assert_failure
}

# --- pure cgroup v1: this host's v1 hierarchies alone ----------------------------

@test "v1 (the host's v1 hierarchies alone): fork path, freezer, freeze-kill-thaw, cpuacct" {
	need_v1
	v1_only
	run -124 cgset run --keep --name "$N" --cpu 20% -- timeout 2 sh -c 'while :; do :; done'
	[ -d "$CG/freezer/$N" ] && [ -d "$CG/cpuacct/$N" ] && [ ! -d "$UNIFIED/$N" ]
	u=$(( $(cat "$CG/cpuacct/$N/cpuacct.usage") / 1000 ))
	echo "usage_usec=$u"
	[ "$u" -ge 300000 ] && [ "$u" -le 500000 ]
	run cgset show "$N"
	assert_line --regexp '^mode +v1$'
	assert_line --regexp '^cpu\.usage_usec +[1-9][0-9]*$'
	sleep 300 &
	pid=$!
	cu_track_pid "$pid"
	cgset add "$N" "$pid"
	grep -q ":freezer:/$N\$" /proc/$pid/cgroup
	cgset freeze "$N"
	[ "$(cat "$CG/freezer/$N/freezer.state")" = FROZEN ]
	cgset thaw "$N"
	[ "$(cat "$CG/freezer/$N/freezer.state")" = THAWED ]
	cgset kill "$N"
	! kill -0 "$pid" 2>/dev/null
	[ "$(cat "$CG/freezer/$N/freezer.state")" = THAWED ]
	cgset delete "$N"
	run cgset run --name "$N" --pids 10 -- sh -c 'sleep 300 & cat /proc/self/cgroup'
	assert_success
	assert_line --regexp "^[0-9]+:pids:/$N\$"
	assert_line "0::/"
	[ -z "$(cg_dirs "$N")" ]
}

# --- pure cgroup v2 on a cgroup2 mount of our own -----------------------------

@test "v2 (own cgroup2 mount): create, run through clone3, show, freeze, kill, delete" {
	own_cgroup2
	cgset create "$N"
	[ -d "$CG2/$N" ] && [ ! -d "$CG/cpu/$N" ]
	run cgset show "$N"
	assert_line --regexp '^mode +v2$'
	run cgset run --keep --name "$N" -- cat /proc/self/cgroup
	assert_line "0::/$N"
	refute_output --regexp ":cpu:/$N"
	sleep 300 &
	pid=$!
	cu_track_pid "$pid"
	cgset add "$N" "$pid"
	grep -qx "$pid" "$CG2/$N/cgroup.procs"
	cgset freeze "$N"
	grep -qx 'frozen 1' "$CG2/$N/cgroup.events"
	cgset thaw "$N"
	cgset kill "$N"
	grep -qx 'populated 0' "$CG2/$N/cgroup.events"
	run cgset show --json "$N"
	assert_output --regexp '"cpu\.usage_usec": [0-9]+'
	run cgset run --name "$N" -- true
	assert_success
	cgset delete "$N"
	[ ! -d "$CG2/$N" ]
}

@test "v2 (own cgroup2 mount): a controller bound to v1 names the parent and the reason" {
	need_hybrid
	own_cgroup2
	run --separate-stderr cgset create "$N" --cpu 20%
	assert_failure 1
	[[ "$stderr" == "cgset: cannot enable controller cpu in $CG2: it is bound to cgroup v1 (hierarchy "*" in /proc/cgroups)"* ]]
	[ ! -d "$CG2/$N" ]
	run --separate-stderr -125 cgset run --name "$N" --memory 32M -- true
	[[ "$stderr" == *"cannot enable controller memory in $CG2"* ]]
	[ ! -d "$CG2/$N" ]
}

@test "v2 hugetlb (the controller this host gives v2; all of them on pure v2): enabled top-down, rolled back on failure" {
	[ -n "$V2" ] || skip "needs cgroup v2 (this host: cgroup v1 only)"
	grep -qw hugetlb "$V2/cgroup.controllers" || skip "no hugetlb controller in cgroup v2"
	orig=$(cat "$V2/cgroup.subtree_control")
	case " $orig " in *" hugetlb "*) had=1 ;; *) had=0 ;; esac
	# restore the root after the group is gone: register, then track again
	[ "$had" = 1 ] || cu_on_teardown "echo -hugetlb > $V2/cgroup.subtree_control"
	cg_track "$N"
	run cgset create "$N" -r hugetlb.2MB.max=0 -r hugetlb.2MB.no_such_file=1
	assert_failure 1
	[ ! -d "$V2/$N" ]
	[ "$(cat "$V2/cgroup.subtree_control")" = "$orig" ]
	cgset create "$N" -r hugetlb.2MB.max=2097152
	grep -qw hugetlb "$V2/cgroup.subtree_control"
	[ "$(cat "$V2/$N/hugetlb.2MB.max")" = 2097152 ]
	cgset create "$N/leaf" -r hugetlb.2MB.max=0
	grep -qw hugetlb "$V2/$N/cgroup.subtree_control"
	# the no-internal-processes rule: a group with a child using hugetlb
	run cgset run --name "$N" -- true
	assert_failure 125
	assert_output --partial "no-internal-processes rule"
	cgset delete --recursive "$N"
}

@test "v2 files (a tree laid out like cgroup2): every limit in v2 syntax, subtree_control" {
	fake_cgroup2
	run cgset create "$N" --cpus 1.5 --cpu-weight 200 --cpuset 0-1 --memory 32M \
		--memory-swap 0 --pids 5 --io-read-bps 8:0:1M --io-write-bps 8:16:max --io-weight 50
	assert_success
	[ "$(cat "$FAKE/cgroup.subtree_control")" = "+cpuset +cpu +memory +pids +io" ]
	[ "$(cat "$FAKE/$N/cpu.max")" = "150000 100000" ]
	[ "$(cat "$FAKE/$N/cpu.weight")" = 200 ]
	[ "$(cat "$FAKE/$N/cpuset.cpus")" = 0-1 ]
	[ "$(cat "$FAKE/$N/memory.max")" = 33554432 ]
	[ "$(cat "$FAKE/$N/memory.swap.max")" = 0 ]
	[ "$(cat "$FAKE/$N/pids.max")" = 5 ]
	[ "$(cat "$FAKE/$N/io.weight")" = "default 50" ]
	run cgset set "$N" --io-write-bps 8:16:max
	[ "$(cat "$FAKE/$N/io.max")" = "8:16 wbps=max" ]
	run cgset -r cpu.max="20000 100000" "$N"
	assert_success
	[ "$(cat "$FAKE/$N/cpu.max")" = "20000 100000" ]
	cgset set "$N" --cpu max --memory max --pids max
	[ "$(cat "$FAKE/$N/cpu.max")" = "max 100000" ]
	[ "$(cat "$FAKE/$N/memory.max")" = max ]
	run cgset show "$N"
	assert_line --regexp '^cpu\.max\.quota +max$'
	assert_line --regexp '^cpu\.max\.period +100000$'
	cgset delete "$N"
	[ ! -d "$FAKE/$N" ]
}

# --- listings and usage -------------------------------------------------------

@test "hierarchies: the kernel's answer for /sys/fs/cgroup (no mountinfo), as mountinfo lists them; a tmpfs over cgroup2 hides it" {
	cgset create "$N" --cpu 20% --memory 32M
	a=$(cgset show "$N" | grep -E '^(mode|controllers) ')
	b=$(CGSET_MOUNTINFO=/proc/self/mountinfo cgset show "$N" | grep -E '^(mode|controllers) ')
	echo "$a"
	[ "$a" = "$b" ]
	[[ "$a" =~ mode\ +$LAYOUT ]]
	# listmount and statmount (6.8) answer; older kernels read mountinfo
	if command -v strace >/dev/null && kernel_at_least 6 8; then
		run strace -e trace=openat cgset show "$N"
		assert_success
		refute_output --partial /proc/self/mountinfo
	fi
	# crun's wrapper on a hybrid host: cgroup2 hidden, v1 alone
	[ "$LAYOUT" = hybrid ] || return 0
	run unshare --mount --propagation private sh -c \
		"mount -t tmpfs -o size=4k cu-hide $UNIFIED && cgset show $N"
	assert_success
	assert_line --regexp '^mode +v1$'
	assert_line --regexp '^controllers +cpu memory$'
}

@test "list: a tree with --json, --raw, --noheadings, --output" {
	cgset create "$N" --pids 10
	cgset create "$N/web"
	run cgset list -o NAME,PATHS "$N"
	assert_success
	assert_line --index 0 --regexp '^NAME +PATHS'
	run cgset list --json "$N"
	assert_output --partial "\"name\": \"$N\""
	assert_output --partial '"children": ['
	run cgset list --raw --noheadings -o NAME "$N"
	assert_line --index 0 "$N"
	run cgset list -o NOSUCH
	assert_failure 1
}

@test "bad options and values: one line naming the value" {
	run --separate-stderr cgset create "$N" --memory 12Q
	assert_failure 1
	[[ "$stderr" == *"invalid --memory value"*"12Q"* ]]
	run --separate-stderr cgset create "$N" --io-read-bps /dev/null:1M
	assert_failure 1
	[[ "$stderr" == *"not a block device"* ]]
	run --separate-stderr cgset create "$N" -r nodot=1
	assert_failure 1
	run --separate-stderr cgset frobnicate "$N"
	assert_failure 1
	run --separate-stderr cgset create "$N" --keep
	assert_failure 1
	[ -z "$(cg_dirs "$N")" ]
}

@test "add: a bad PID is refused in netns's wording, and no PID of the list moves" {
	cgset create "$N"
	sleep 100 &
	pid=$!
	cu_track_pid "$pid"
	before=$(cat "/proc/$pid/cgroup")
	for bad in 0 abc 2147483648 4294967296; do
		run --separate-stderr cgset add "$N" "$pid" "$bad"
		assert_failure 1
		assert_output ''
		assert_equal "$stderr" "cgset: invalid PID: '$bad' (give a process ID)"
		assert_equal "$(cat "/proc/$pid/cgroup")" "$before"
	done
	cgset add "$N" "$pid"
	cg_has_pid_in "$pid" "$N"
	kill "$pid"
}

# --- systemd hosts: groups in a delegated unit (run in tests/vm) ------------

@test "systemd: create makes the group in cgset.scope (Delegate=yes), cpu enabled down the path, delete stops the unit" {
	require_no_unit
	cgset create "$N" --cpu 20%
	U=$(systemctl show -P ControlGroup cgset.scope)
	echo "unit group: $U"
	[ "$(systemctl show -P Delegate cgset.scope)" = yes ]
	[[ "$U" == /*/cgset.scope ]]
	[ -d "$CG$U/$N" ]
	[ ! -e "$CG/$N" ]
	[ "$(cat "$CG$U/$N/cpu.max")" = "20000 100000" ]
	# cpu is in subtree_control of every group from the root to the unit
	d=$CG
	for c in $(tr / ' ' <<< "$U"); do
		grep -qw cpu "$d/cgroup.subtree_control"
		d=$d/$c
	done
	grep -qw cpu "$d/cgroup.subtree_control"
	# the keeper holds the unit from its own leaf; list does not show it
	[ -n "$(cat "$CG$U/.keeper/cgroup.procs")" ]
	[ -z "$(cat "$CG$U/cgroup.procs")" ]
	run cgset list
	assert_line --regexp "^$N "
	refute_output --partial .keeper
	run cgset run --name "$N" -- cat /proc/self/cgroup
	assert_output "0::$U/$N"
	run cgset show "$N"
	assert_line --regexp '^cpu\.max\.quota +20000$'
	assert_line --regexp '^cpu\.max\.period +100000$'
	cgset delete "$N"
	wait_gone "$CG$U"
	! systemctl -q is-active cgset.scope || false
}

@test "systemd: run's program lives in run's own delegated scope, with cgset in its leaf; nothing left after the run, nothing at the root" {
	run cgset run --cpu 20% -- sh -c 'g=$(cut -d: -f3 /proc/self/cgroup); echo "$g"; cat "/sys/fs/cgroup$g/cpu.max"; systemctl show -P Delegate "$(basename "$(dirname "$g")")"; cut -d: -f3 "/proc/$PPID/cgroup"'
	assert_success
	echo "$output"
	[[ "${lines[0]}" =~ ^/.*/cgset-run-([0-9]+)\.scope/cgset-run-([0-9]+)$ ]]
	[ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ]
	[ "${lines[1]}" = "20000 100000" ]
	[ "${lines[2]}" = yes ]
	[ "${lines[3]}" = "$(dirname "${lines[0]}")/.keeper" ]
	wait_gone "$CG$(dirname "${lines[0]}")"
	[ -z "$(compgen -G "$CG/cgset-run-*")" ]
	# a name of cgset.scope's that does not exist: run's own scope too
	run cgset run --name "$N" -- cat /proc/self/cgroup
	assert_output --regexp "^0::/.*/cgset-run-[0-9]+\.scope/$N\$"
}

@test "systemd: --no-systemd makes the group at the root, as without systemd" {
	cu_track_cgroup "$CG/$N"
	cgset create --no-systemd "$N" --pids 7
	[ "$(cat "$CG/$N/pids.max")" = 7 ]
	run cgset show --no-systemd "$N"
	assert_success
	run --separate-stderr cgset show "$N"
	assert_failure 1
	cgset delete --no-systemd "$N"
	[ ! -e "$CG/$N" ]
}

@test "systemd: a cgset.scope without Delegate=yes is refused with one line naming the unit; nothing is made" {
	require_no_unit
	systemd-run --scope --unit=cgset.scope sleep 60 >/dev/null 2>&1 &
	cu_track_pid $!
	for _ in $(seq 50); do systemctl -q is-active cgset.scope && break; sleep 0.1; done
	U=$(systemctl show -P ControlGroup cgset.scope)
	[ -n "$U" ]
	run --separate-stderr cgset create "$N" --cpu 20%
	assert_failure 1
	[ "$stderr" = "cgset: unit cgset.scope is not delegated (Delegate=no): cgset did not make it (stop it, or use --parent)" ]
	[ ! -e "$CG$U/$N" ]
	[ ! -e "$CG/$N" ]
}

@test "systemd: an unprivileged user's groups live in the user manager's delegated scopes" {
	[ -n "${CGSET_TEST_USER:-}" ] || skip "not set: CGSET_TEST_USER, a user whose user@UID.service runs (loginctl enable-linger USER)"
	uid=$(id -u "$CGSET_TEST_USER")
	systemctl -q is-active "user@$uid.service" || skip "user@$uid.service is not running"
	as_user() { runuser -u "$CGSET_TEST_USER" -- env XDG_RUNTIME_DIR="/run/user/$uid" "$@"; }
	run as_user "$CU_BUILDDIR/cgset" run --cpu 20% -- sh -c 'g=$(cut -d: -f3 /proc/self/cgroup); echo "$g"; cat "/sys/fs/cgroup$g/cpu.max"'
	assert_success
	[[ "${lines[0]}" =~ ^/user\.slice/user-$uid\.slice/user@$uid\.service/.*/cgset-run-[0-9]+\.scope/cgset-run-[0-9]+$ ]]
	[ "${lines[1]}" = "20000 100000" ]
	if as_user systemctl --user -q is-active cgset.scope; then
		skip "the user's cgset.scope runs already"
	fi
	cu_on_teardown "as_user systemctl --user stop cgset.scope 2>/dev/null"
	as_user "$CU_BUILDDIR/cgset" create "$N" --memory 64M
	[ "$(as_user systemctl --user show -P Delegate cgset.scope)" = yes ]
	U=$(as_user systemctl --user show -P ControlGroup cgset.scope)
	[[ "$U" == /user.slice/user-$uid.slice/user@$uid.service/* ]]
	[ "$(cat "$CG$U/$N/memory.max")" = 67108864 ]
	as_user "$CU_BUILDDIR/cgset" delete "$N"
	wait_gone "$CG$U"
}

@test "systemd: an unprivileged user without a user manager's D-Bus is refused with one line; no unit, no group" {
	[ -n "${CGSET_TEST_USER:-}" ] || skip "not set: CGSET_TEST_USER, a user whose user@UID.service runs (loginctl enable-linger USER)"
	uid=$(id -u "$CGSET_TEST_USER")
	systemctl -q is-active "user@$uid.service" || skip "user@$uid.service is not running"
	as_user() { runuser -u "$CGSET_TEST_USER" -- env -u DBUS_SESSION_BUS_ADDRESS XDG_RUNTIME_DIR=/nonexistent "$@"; }
	run --separate-stderr as_user "$CU_BUILDDIR/cgset" create "$N" --memory 64M
	echo "$stderr"
	assert_failure 1
	[ "$stderr" = "cgset: cannot connect to your systemd user manager's D-Bus (log in with a systemd user session, or use --parent or --no-systemd): No such file or directory" ]
	run --separate-stderr as_user "$CU_BUILDDIR/cgset" run --cpu 20% -- true
	assert_failure 125
	[[ "$stderr" == "cgset: cannot connect to your systemd user manager's D-Bus "* ]]
	[ "${#stderr_lines[@]}" -eq 1 ]
	# no scope asked for, no group made anywhere
	[ -z "$(find "$CG" -type d \( -name "$N" -o -name 'cgset*' \) -print)" ]
}

# --- any host ------------------------------------------------------------------

@test "stop: TERM to run of a program that ignores it: after --stop-timeout the group is killed and removed, no process left" {
	V2=$(v2_mount)
	cgset run --stop-timeout 2 --name "$N" -- sh -c 'trap "" TERM HUP INT; cut -d: -f3 /proc/self/cgroup | tail -1 > "$0/g"; sleep 300 & echo $! > "$0/bg"; while :; do wait; done' "$BATS_TEST_TMPDIR" 3>&- &
	pid=$!
	cu_track_pid "$pid"
	for _ in $(seq 50); do [ -s "$BATS_TEST_TMPDIR/bg" ] && break; sleep 0.1; done
	g=$(cat "$BATS_TEST_TMPDIR/g")
	bg=$(cat "$BATS_TEST_TMPDIR/bg")
	echo "group $g, background $bg"
	[ -d "$V2$g" ]
	cu_track_cgroup "$V2$g"
	start=$(date +%s%N)
	kill -TERM "$pid"
	for _ in $(seq 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	! kill -0 "$pid" 2>/dev/null || false	# ended within 20 s
	rc=0
	wait "$pid" || rc=$?
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	echo "status=$rc after $ms ms"
	[ "$rc" -eq 137 ]
	# the program ignored TERM: it lived the 2 s of grace, then SIGKILL
	[ "$ms" -ge 1900 ]
	[ "$ms" -lt 15000 ]
	# gone, or a zombie its new parent has not reaped yet
	st=$(awk '{ print $3 }' "/proc/$bg/stat" 2>/dev/null || true)
	echo "background state: ${st:-gone}"
	[ -z "$st" ] || [ "$st" = Z ]
	wait_gone "$V2$g"
}

@test "stop: --stop-timeout is documented, checked and only for run" {
	run cgset --help
	assert_output --partial "--stop-timeout <secs>"
	assert_output --partial "(default 10)"
	run --separate-stderr cgset run --stop-timeout 2x -- true
	assert_failure 125
	[[ "$stderr" == *"invalid --stop-timeout value"*"2x"* ]]
	run --separate-stderr cgset create "$N" --stop-timeout 3
	assert_failure 1
	[ "$stderr" = "cgset: --stop-timeout is an option of 'run', not of 'create'" ]
}

@test "parent: --parent and CGSET_PARENT name groups below another group in every hierarchy; a missing parent is one line" {
	P=$(cu_name p)
	cg_track "$P"
	cg_track "$P/$N"
	cgset create "$P" --cpu 50%
	cgset create --parent "$P" "$N" --cpu 20%
	cg_is "$P/$N" cpu cpu.max "20000 100000" 20000
	[ -z "$V2" ] || [ -d "$V2/$P/$N" ]
	[ -z "$(cg_dirs "$N")" ]
	run env CGSET_PARENT="$P" cgset show "$N"
	assert_line --regexp '^cpu\.max\.quota +20000$'
	assert_line --regexp '^cpu\.max\.period +100000$'
	run cgset list --parent "$P"
	assert_line --regexp "^$N +"
	refute_line --regexp "^$P"
	run cgset run --parent "$P" --name "$N" -- cat /proc/self/cgroup
	assert_line "0::/$P/$N"
	# --parent wins over the environment
	CGSET_PARENT=/nope cgset delete --parent "/$P" "$N"
	[ -z "$(cg_dirs "$P/$N")" ]
	[ -n "$(cg_dirs "$P")" ]
	run --separate-stderr cgset create --parent "$P/missing" "$N"
	assert_failure 1
	[[ "$stderr" == "cgset: parent group does not exist: $P/missing (no directory ${V2:-$CG/*}/$P/missing: create it, or name another with --parent)" ]]
	run --separate-stderr cgset create --parent "$P/../x" "$N"
	assert_failure 1
	[[ "$stderr" == *"'.' and '..' components are not allowed"* ]]
	# the parent exists in v2 only: the cpu hierarchy says so, nothing made
	[ "$LAYOUT" = hybrid ] || return 0
	mkdir "$V2/$P/only2"
	cg_track "$P/only2/$N"
	run --separate-stderr cgset create --parent "$P/only2" "$N" --cpu 10%
	assert_failure 1
	[[ "$stderr" == "cgset: parent group does not exist: $P/only2 in $CG/cpu "* ]]
	[ ! -e "$V2/$P/only2/$N" ]
	rmdir "$V2/$P/only2"
}

@test "run: an OOM kill at --memory is said on stderr, and the status stays the program's (137)" {
	# dd's one 64 MiB buffer cannot fit in 16M without swap: the kernel kills it
	run --separate-stderr cgset run --name "$N" --memory 16M --memory-swap 0 -- \
		dd if=/dev/zero of=/dev/null bs=64M count=1
	[ "$status" -eq 137 ]
	[[ "$stderr" == *"cgset: out of memory: the kernel killed 1 process of group $N at its memory limit of 16M (raise --memory)"* ]]
	[ -z "$(cg_dirs "$N")" ]
	# within the limit: nothing said
	run --separate-stderr cgset run --name "$N" --memory 64M --memory-swap 0 -- \
		dd if=/dev/zero of=/dev/null bs=1M count=1 status=none
	assert_success
	[ -z "$stderr" ]
}

@test "run: forks refused at --pids are said on stderr, and the status stays the program's" {
	run --separate-stderr cgset run --name "$N" --pids 5 -- \
		sh -c 'for i in 1 2 3 4 5 6 7 8; do (sleep 0.5 &) 2>/dev/null; done; exit 7'
	[ "$status" -eq 7 ]
	[[ "$stderr" == *"cgset: group $N reached its limit of 5 processes: the kernel refused "*" fork"*" (raise --pids)"* ]]
	run --separate-stderr cgset run --name "$N" --pids 50 -- sh -c 'exit 7'
	[ "$status" -eq 7 ]
	[ -z "$stderr" ]
}

@test "--cpu without a unit is refused with --cpu N% and --cpus N; --cpus is a number of CPUs" {
	run --separate-stderr cgset run --name "$N" --cpu 20 -- true
	[ "$status" -eq 125 ]
	[ "$stderr" = "cgset: invalid --cpu value: '20' has no unit (use --cpu 20% for 20% of one CPU, or --cpus 20 for 20 CPUs)" ]
	run --separate-stderr cgset create "$N" --cpu 1.5
	assert_failure 1
	[[ "$stderr" == *"use --cpu 1.5% for 1.5% of one CPU, or --cpus 1.5 for 1.5 CPUs"* ]]
	[ -z "$(cg_dirs "$N")" ]
	run --separate-stderr cgset create "$N" --cpus 20%
	assert_failure 1
	[[ "$stderr" == *"use --cpu 20% for a share of one CPU"* ]]
	[ -z "$(cg_dirs "$N")" ]
	cgset create "$N" --cpus 0.2
	cg_is "$N" cpu cpu.max "20000 100000" 20000
	cgset set "$N" --cpu 150%
	cg_is "$N" cpu cpu.max "150000 100000" 150000
	cgset delete "$N"
}

@test "list --hierarchies: mode, every cgroup mount with its controllers, --json" {
	local m want got
	run cgset list --hierarchies
	assert_success
	assert_line --index 0 --regexp '^HIERARCHY +VERSION +MOUNT +CONTROLLERS +MODE$'
	want=$(findmnt -rn -t cgroup,cgroup2 -o TARGET | grep "^$CG" | sort)
	got=$(cgset list --hierarchies --noheadings --raw -o MOUNT | sort)
	[ "$want" = "$got" ]
	# every line carries the mode cgset show reports
	cgset create "$N" --pids 10
	m=$(cgset show --noheadings --raw -o VALUE "$N" | sed -n 2p)
	[ -n "$m" ]
	[ -z "$(cgset list --hierarchies --noheadings --raw -o MODE | grep -vx "$m")" ]
	if [ -n "$V2" ]; then
		run cgset list --hierarchies --noheadings --raw -o HIERARCHY,VERSION,MOUNT
		assert_line "v2 2 $V2"
	fi
	if [ "$LAYOUT" != v2 ]; then
		run cgset list --hierarchies --noheadings --raw -o HIERARCHY,MOUNT,CONTROLLERS
		assert_line "pids $CG/pids pids"
	fi
	run cgset list --hierarchies --json
	assert_output --partial '"hierarchies": ['
	assert_output --regexp '"version": [12],'
	run --separate-stderr cgset list --hierarchies "$N"
	assert_failure 1
	run --separate-stderr cgset show --hierarchies "$N"
	assert_failure 1
	[ "$stderr" = "cgset: --hierarchies is an option of 'list', not of 'show'" ]
	cgset delete "$N"
}

@test "permission errors of a non-root user name the command to run instead" {
	cu_require_user
	run --separate-stderr cu_as_user cgset create "$N" --pids 10
	assert_failure 1
	[[ "$stderr" == *": Permission denied (run as root: sudo cgset create $N --pids 10)" ]]
	[ -z "$(cg_dirs "$N")" ]
	run --separate-stderr cu_as_user cgset run --name "$N" --memory 32M -- true
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"(run as root: sudo cgset run --name $N --memory 32M -- true)" ]]
	# an argument a shell would split or expand comes back quoted
	run --separate-stderr cu_as_user cgset run --name "$N" --pids 5 -- sh -c "echo it's \$HOME"
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"(run as root: sudo cgset run --name $N --pids 5 -- sh -c 'echo it'\''s \$HOME')" ]]
	# a control byte never reaches the terminal raw: $'...' with \xNN
	run --separate-stderr cu_as_user cgset run --name "$N" --pids 5 -- printf $'\e]0;x\a'
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"(run as root: sudo cgset run --name $N --pids 5 -- printf \$'\\x1b]0;x\\x07')" ]]
	[[ "$stderr" != *$'\e'* ]]
}
