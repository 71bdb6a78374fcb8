#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# --dry-run of cgset and unionmount (issue 19): each command that changes
# the system prints its plan on stdout, changes nothing and makes no
# privileged call (tests/helpers/dryrun.bash), works as any user, and
# shows the same calls in the same order as --explain shows for the real
# run of the same command.
load helpers/common
load helpers/dryrun

setup() {
	cu_dryrun_setup
}

teardown() {
	cu_teardown_unions
}

# The test's group in every hierarchy, removed at teardown.
cg_track() {
	local d
	for d in /sys/fs/cgroup /sys/fs/cgroup/*; do
		[ -d "$d" ] && cu_track_cgroup "$d/$1"
	done
}

# cg_steps: a plan or a narration (stdin) as its calls (cu_dryrun_calls),
# the PIDs of run's default group name and of a process normalised.
cg_steps() {
	cu_dryrun_calls | sed -E 's/cgset-run-[0-9]+/cgset-run-PID/g; s/← "[0-9]+"/← "N"/'
}

# cg_same_plan PLAN NARRATION: the same steps, or the difference.
cg_same_plan() {
	cu_dryrun_same_calls cg_steps "$1" "$2"
}

@test "cgset create --dry-run: the mkdirs and limit writes with their privilege, nothing made" {
	local n
	n=$(cu_name c)
	cg_track "$n"
	cu_dryrun_no_change -- cgset create --dry-run "$n" --cpu 20% --memory 64M --pids 10
	cu_dryrun_in_order "$output" "mkdir(\"" "/$n\", 0755)  (needs write access to the file)" \
		"pids.max ← \"10\"  (needs write access to the file)  [at most 10 processes]"
	[[ "$output" == *"memory limit 64 MiB"* ]]
	[[ "$output" == *"cpu"*"20"* ]]
	# nothing on stderr, no group
	run --separate-stderr cgset create --dry-run "$n" --pids 10
	[ "$status" -eq 0 ] && [ -z "$stderr" ]
	run cgset show "$n"
	[ "$status" -eq 1 ]
}

@test "cgset create, set, freeze, thaw, kill, delete: the plan is what --explain narrates for the real run" {
	local n plan cmd
	n=$(cu_name t)
	cg_track "$n"
	for cmd in "create $n --cpu 20% --memory 64M --pids 10" "set $n --cpu 30% --pids 20" \
		"set -r pids.max=30 $n" "freeze $n" "thaw $n" "kill $n" "delete $n"; do
		# shellcheck disable=SC2086 # the command line is split on purpose
		cu_dryrun_no_change -- cgset ${cmd%% *} --dry-run ${cmd#* }
		plan=$output
		# shellcheck disable=SC2086
		run --separate-stderr cgset ${cmd%% *} --explain ${cmd#* }
		[ "$status" -eq 0 ] || fail "cgset $cmd: $stderr"
		cg_same_plan "$plan" "$stderr"
	done
	[ ! -d "/sys/fs/cgroup/pids/$n" ] && [ ! -d "/sys/fs/cgroup/unified/$n" ] &&
		[ ! -d "/sys/fs/cgroup/$n" ]
}

@test "cgset freeze, kill, delete, add --dry-run leave a running group's processes alone" {
	local n pid
	n=$(cu_name k)
	cg_track "$n"
	cgset create "$n" --pids 10
	cgset run --name "$n" -- sleep 600 &
	pid=$!
	cu_track_pid "$pid"
	for _ in $(seq 50); do
		[ "$(cgset list "$n" -o PROCS --noheadings 2>/dev/null | tr -d ' ')" = 1 ] && break
		sleep 0.1
	done
	cu_dryrun_no_change -- cgset freeze --dry-run "$n"
	[[ "$output" == *"freeze ← \"1\"  (needs write access to the file)  [freeze the processes]"* ||
	   "$output" == *"freezer.state ← \"FROZEN\"  (needs"* ]]
	cu_dryrun_no_change -- cgset kill --dry-run "$n"
	[[ "$output" == *"cgroup.kill ← \"1\"  (needs write access"* || "$output" == *"kill("*", SIGKILL)"* ]]
	cu_dryrun_no_change -- cgset delete --dry-run --recursive "$n"
	[[ "$output" == *"rmdir(\""*"/$n\")  (needs write access"* ]]
	cu_dryrun_no_change -- cgset add --dry-run "$n" "$$"
	[[ "$output" == *"cgroup.procs ← \"$$\"  (needs write access"* ]]
	# the program still runs
	kill -0 "$pid"
	cgset kill "$n"
	wait "$pid" || true
	cgset delete "$n"
}

@test "cgset kill --dry-run of a group without cgroup.kill (v1): each kill(2) planned with CAP_KILL, none sent" {
	local n pid plan
	n=$(cu_name v)
	[ -d /sys/fs/cgroup/freezer ] && [ -d /sys/fs/cgroup/pids ] ||
		skip "no v1 freezer and pids hierarchies"
	cg_track "$n"
	mkdir "/sys/fs/cgroup/pids/$n" "/sys/fs/cgroup/freezer/$n"
	sleep 600 &
	pid=$!
	cu_track_pid "$pid"
	echo "$pid" > "/sys/fs/cgroup/pids/$n/cgroup.procs"
	echo "$pid" > "/sys/fs/cgroup/freezer/$n/cgroup.procs"
	cu_dryrun_no_change -- cgset kill --dry-run "$n"
	plan=$output
	cu_dryrun_in_order "$plan" "freezer.state ← \"FROZEN\"  (needs write access" \
		"kill($pid, SIGKILL)  (needs CAP_KILL, or the same user as the process)  [kill -KILL $pid]" \
		"freezer.state ← \"THAWED\"  (needs write access"
	kill -0 "$pid"
	run --separate-stderr cgset kill --explain "$n"
	[ "$status" -eq 0 ] || fail "$stderr"
	cg_same_plan "$plan" "$stderr"
	local st=0
	wait "$pid" || st=$?
	[ "$st" -eq 137 ]
}

@test "cgset run --dry-run: the group, the child born in it, its execve, the cleanup; no child made" {
	local n plan
	n=$(cu_name r)
	cg_track "$n"
	cu_dryrun_no_change -- cgset run --dry-run --name "$n" --pids 10 -- sh -c 'echo ran; exit 3'
	plan=$output
	run ! grep -qx ran <<< "$plan"
	cu_dryrun_in_order "$plan" "mkdir(\"" "pids.max ← \"10\"" "execve(\"sh\", [\"sh\", \"-c\", \"echo ran; exit 3\"])  (needs no privilege)" \
		"rmdir(\""
	# on a host with a v2 hierarchy: born in the group
	if grep -q ' - cgroup2 ' /proc/self/mountinfo; then
		cu_dryrun_in_order "$plan" "mkdir(\"" "clone3(" "CLONE_INTO_CGROUP)  (needs" "execve("
	fi
	# the strace harness saw no process made
	run ! grep -qE '^[0-9]+ +(clone3?|fork|vfork)\(' "$CU_DRYRUN_TRACE"
	# the real run narrates the same (the vfork child's lines come before
	# its parent's clone3 line there: compared without it)
	run --separate-stderr cgset run --explain --name "$n" --pids 10 -- true
	[ "$status" -eq 0 ] || fail "$stderr"
	cg_same_plan "$(grep -v 'clone3(\|execve(' <<< "$plan")" "$(grep -v 'clone3(' <<< "$stderr")"
	[[ "$stderr" != *clone3* ]] || [[ "$plan" == *clone3* ]]
	# --keep: no cleanup in the plan
	cu_dryrun_no_change -- cgset run --dry-run --keep --name "$n" --pids 10 -- true
	[[ "$output" != *rmdir* ]]
}

@test "cgset --dry-run as an unprivileged user: exit 0 and the same plan as root's" {
	local n cmd root
	n=$(cu_name u)
	cg_track "$n"
	cg_track "${n}x"
	cg_track "${n}y"
	cu_open_to_user "$CU_BUILDDIR"
	cgset create "$n" --pids 10
	for cmd in "create ${n}x --cpu 20% --pids 10" "set $n --pids 20" "freeze $n" \
		"kill $n" "delete $n" "run --name ${n}y --pids 5 -- true"; do
		# shellcheck disable=SC2086 # the command line is split on purpose
		run cgset ${cmd%% *} --dry-run ${cmd#* }
		[ "$status" -eq 0 ] || fail "root: cgset $cmd: $output"
		root=$output
		# shellcheck disable=SC2086
		cu_dryrun_as_user "$CU_BUILDDIR/cgset" ${cmd%% *} --dry-run ${cmd#* }
		[ "$status" -eq 0 ] || fail "user: cgset $cmd: $output"
		[ "$output" = "$root" ] || fail "cgset $cmd: the user's plan differs:
$(diff <(echo "$root") <(echo "$output"))"
		[[ "$output" == *"(needs write access to the file)"* ]]
	done
	# and the user really may not do it
	run cu_as_user "$CU_BUILDDIR/cgset" set "$n" --pids 20
	[ "$status" -eq 1 ]
	cgset delete "$n"
}

@test "cgset --dry-run: bad input fails with the same message and status as without" {
	local n args
	n=$(cu_name b)
	cg_track "$n"
	cg_track "${n}x"
	cgset create "$n" --pids 10
	for args in "create ${n}x --cpu 20x" "create $n --pids 10" "set $n" "set ${n}none --pids 5" \
		"delete ${n}none" "run --cpu 5" "run --bogus -- true" "create ../x --pids 1" \
		"freeze a b" "kill --name x $n"; do
		# shellcheck disable=SC2086 # the command line is split on purpose
		run --separate-stderr cgset $args
		local want_status=$status want=$stderr
		[ "$want_status" -ne 0 ] || fail "cgset $args succeeded"
		# shellcheck disable=SC2086
		run --separate-stderr cgset ${args%% *} --dry-run ${args#* }
		[ "$status" -eq "$want_status" ] || fail "cgset $args --dry-run: status $status, want $want_status"
		[ "$stderr" = "$want" ] || fail "cgset $args --dry-run: \"$stderr\", want \"$want\""
		[ -z "$output" ] || fail "cgset $args --dry-run printed a plan: $output"
	done
	cgset delete "$n"
}

@test "cgset show and list --dry-run: read-only, the same output as without" {
	local n
	n=$(cu_name s)
	cg_track "$n"
	cgset create "$n" --pids 10
	run cgset show "$n" -o FIELD,VALUE
	local want=$output
	cu_dryrun_no_change -- cgset show --dry-run "$n" -o FIELD,VALUE
	[ "$output" = "$want" ]
	run cgset list "$n"
	want=$output
	cu_dryrun_no_change -- cgset list --dry-run "$n"
	[ "$output" = "$want" ]
	cgset delete "$n"
}

@test "cgset --copy-from --dry-run: each value copied is a planned write, none made" {
	local a b
	a=$(cu_name a)
	b=$(cu_name b)
	cg_track "$a"
	cg_track "$b"
	cgset create "$a" --pids 17
	cgset create "$b" --pids 99
	cu_dryrun_no_change -- cgset --dry-run --copy-from "$a" "$b"
	[[ "$output" == *"/$b/pids.max ← \"17\"  (needs write access"* ]]
	cgset delete "$a"
	cgset delete "$b"
}

# --- unionmount -------------------------------------------------------------

um_require() {
	grep -qw overlay /proc/filesystems || skip "kernel has no overlayfs"
	mkdir -p "$D/l1/d" "$D/l2" "$D/up" "$D/m"
	echo one > "$D/l1/d/f"
	echo two > "$D/l2/g"
}

# um_steps: cg_steps for unionmount, its bookkeeping notes (--explain)
# counted as steps, file descriptors, mount IDs and loop devices normalised.
um_steps() {
	sed -E 's/ ▸ # (write \/run|unlink\(|rm -r |extract )/ ▸ \1/' | cg_steps |
		sed -E 's/\((-?[0-9]+), /(<fd>, /; s/NULL, -?[0-9]+\)/NULL, <fd>)/;
			s/(container-utils\/unionmount\/)[0-9]+/\1<mount ID>/;
			s/\/dev\/loop[0-9]+/\/dev\/loopN/g'
}

um_same_plan() {
	cu_dryrun_same_calls um_steps "$1" "$2"
}

@test "unionmount mount and umount --dry-run: the work dir, the new mount API, the record; nothing mounted or written" {
	local plan
	um_require
	cu_dryrun_no_change "$D/m" -- unionmount --dry-run mount -l "$D/l1" -l "$D/l2" --upper "$D/up" "$D/m"
	plan=$output
	cu_dryrun_in_order "$plan" "write /run/container-utils/unionmount/pending-" "(needs write access to the file)" \
		"mkdir(\"$D/up.work\", 0700)  (needs write access to the file)" \
		"fsopen(\"overlay\", FSOPEN_CLOEXEC)  (needs CAP_SYS_ADMIN" \
		"\"lowerdir+\"" "\"upperdir\", \"$D/up\"" "FSCONFIG_CMD_CREATE" "fsmount(" \
		"move_mount(" "\"$D/m\", MOVE_MOUNT_F_EMPTY_PATH)  (needs CAP_SYS_ADMIN" \
		"write /run/container-utils/unionmount/<mount ID> ← target $D/m work $D/up.work  (needs write access" \
		"unlink(\"/run/container-utils/unionmount/pending-"
	[ ! -e "$D/up.work" ]
	run ! mountpoint -q "$D/m"
	# the real run narrates the same steps
	run --separate-stderr unionmount --explain mount -l "$D/l1" -l "$D/l2" --upper "$D/up" "$D/m"
	[ "$status" -eq 0 ] || fail "$stderr"
	um_same_plan "$plan" "$stderr"
	# umount: planned, and the union, its work dir and its record stay
	cu_dryrun_no_change "$D/m" -- unionmount --dry-run umount "$D/m"
	plan=$output
	cu_dryrun_in_order "$plan" "umount2(\"$D/m\", UMOUNT_NOFOLLOW)  (needs CAP_SYS_ADMIN" \
		"rm -r $D/up.work  (needs write access" "unlink(\"/run/container-utils/unionmount/"
	mountpoint -q "$D/m"
	[ -d "$D/up.work" ]
	[ "$(cat "$D/m/d/f")" = one ]
	run --separate-stderr unionmount --explain umount "$D/m"
	[ "$status" -eq 0 ] || fail "$stderr"
	um_same_plan "$plan" "$stderr"
	run ! mountpoint -q "$D/m"
}

@test "unionmount --dry-run with an image layer: the loop ioctls with /dev/loopN, no device attached" {
	local plan
	um_require
	command -v mksquashfs >/dev/null || skip "no mksquashfs"
	mksquashfs "$D/l1" "$D/img.sqfs" -quiet -noappend >/dev/null
	cu_dryrun_no_change "$D/m" -- unionmount --dry-run mount -l "$D/img.sqfs" -l "$D/l2" --upper "$D/up" "$D/m"
	plan=$output
	cu_dryrun_in_order "$plan" "LOOP_CTL_GET_FREE)  (needs CAP_SYS_ADMIN" "[losetup --find: a free loop device]" \
		"LOOP_CONFIGURE, {fd=" "info.lo_flags=LO_FLAGS_READ_ONLY|LO_FLAGS_AUTOCLEAR})  (needs CAP_SYS_ADMIN" "[losetup --read-only /dev/loopN $D/img.sqfs]" \
		"fsopen(\"squashfs\", " "\"source\", \"/dev/loopN\"" "fsopen(\"overlay\", " "move_mount("
	# nothing attached to the image
	[ -z "$(losetup -j "$D/img.sqfs")" ]
	# the real run: the same steps, and its loop ioctls are what strace saw
	CU_EXPLAIN=1 strace -f -qq -s 4096 -e signal=none -e trace=ioctl,fsopen,fsconfig,fsmount,move_mount,mkdir,open,openat,write \
		-o "$D/real.trace" unionmount mount -l "$D/img.sqfs" -l "$D/l2" --upper "$D/up" "$D/m" 2> "$D/real.err"
	run python3 "$BATS_TEST_DIRNAME/helpers/explain-compare.py" "$D/real.trace"
	[ "$status" -eq 0 ] || fail "narration and strace disagree: $output"
	grep -q 'ioctl(.*LOOP_CTL_GET_FREE) → [0-9]' "$D/real.err"
	grep -q 'LOOP_CONFIGURE.* → 0' "$D/real.err"
	um_same_plan "$plan" "$(cat "$D/real.err")"
	unionmount umount "$D/m"
}

@test "unionmount apply and commit --dry-run: one line per layer, no file written" {
	local plan
	um_require
	mkdir -p "$D/t/etc"
	echo x > "$D/t/etc/a"
	touch "$D/t/.wh.gone" "$D/t/etc/.wh..wh..opq"
	tar -C "$D/t" -cf "$D/layer.tar" .
	cu_dryrun_no_change -- unionmount --dry-run apply "$D/layer.tar" "$D/out"
	[[ "$output" == *"extract $D/layer.tar into $D/out  (needs write access to the file)  [5 entries, 2 whiteouts and opaque markers converted to overlay's own]"* ]] ||
		fail "$output"
	[ ! -e "$D/out" ]
	plan=$output
	run --separate-stderr unionmount --explain apply "$D/layer.tar" "$D/out"
	[ "$status" -eq 0 ] || fail "$stderr"
	um_same_plan "$plan" "$stderr"
	[ -e "$D/out/etc/a" ]
	cu_dryrun_no_change -- unionmount --dry-run commit -o "$D/c.tar" "$D/l1"
	[[ "$output" == *"write $D/c.tar ← tar of $D/l1  (needs write access to the file)"* ]] || fail "$output"
	[ ! -e "$D/c.tar" ]
}

@test "unionmount --dry-run as an unprivileged user: exit 0, the same plan as root's" {
	local cmd root
	um_require
	cu_open_to_user "$CU_BUILDDIR"
	cu_open_to_user "$D/l1/d"
	chmod -R a+rX "$D"
	tar -C "$D/l1" -cf "$D/layer.tar" .
	for cmd in "mount -l $D/l1 -l $D/l2 --upper $D/up $D/m" "mount -l $D/l1 $D/m" \
		"apply $D/layer.tar $D/out" "commit -o $D/c.tar $D/l1"; do
		# shellcheck disable=SC2086 # the command line is split on purpose
		run unionmount --dry-run $cmd
		[ "$status" -eq 0 ] || fail "root: $cmd: $output"
		root=$output
		# shellcheck disable=SC2086
		cu_dryrun_as_user "$CU_BUILDDIR/unionmount" --dry-run $cmd
		[ "$status" -eq 0 ] || fail "user: $cmd: $output"
		[ "$output" = "$root" ] || fail "$cmd: the user's plan differs:
$(diff <(echo "$root") <(echo "$output"))"
	done
	# and the user really may not mount
	run cu_as_user "$CU_BUILDDIR/unionmount" mount -l "$D/l1" -l "$D/l2" "$D/m"
	[ "$status" -eq 1 ]
}

@test "unionmount --dry-run: bad input fails as without; list and diff simply run" {
	local args want want_status
	um_require
	for args in "mount -l $D/none $D/m" "mount -l $D/l1 --upper $D/up $D/nodir" "umount $D/m" \
		"apply $D/none.tar $D/out" "commit -o $D/c.bogus $D/l1" "mount $D/m" "bogus a b"; do
		# shellcheck disable=SC2086 # the command line is split on purpose
		run --separate-stderr unionmount $args
		want_status=$status want=$stderr
		[ "$want_status" -ne 0 ] || fail "unionmount $args succeeded"
		# shellcheck disable=SC2086
		run --separate-stderr unionmount --dry-run $args
		[ "$status" -eq "$want_status" ] || fail "$args --dry-run: status $status, want $want_status"
		[ "$stderr" = "$want" ] || fail "$args --dry-run: \"$stderr\", want \"$want\""
	done
	unionmount mount -l "$D/l1" --upper "$D/up" "$D/m"
	echo new > "$D/m/new"
	run unionmount list
	want=$output
	cu_dryrun_no_change "$D/m" -- unionmount --dry-run list
	[ "$output" = "$want" ]
	run unionmount diff "$D/m"
	want=$output
	cu_dryrun_no_change "$D/m" -- unionmount --dry-run diff "$D/m"
	[ "$output" = "$want" ]
	unionmount umount "$D/m"
}

# Runs in the kernel matrix's 6.1 systemd guest (tests/vm/matrix); skipped
# elsewhere, with the reason.
@test "systemd: cgset create and run --dry-run plan the transient scope over D-Bus; no unit, no group made" {
	[ -d /run/systemd/system ] && [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ] ||
		skip "not a systemd host (needs /run/systemd/system and a pure cgroup v2 hierarchy)"
	! systemctl -q is-active cgset.scope || skip "cgset.scope runs already (groups of another user)"
	local n
	n=$(cu_name s)
	cg_track "$n"
	cu_on_teardown "systemctl stop cgset.scope 2>/dev/null"
	cu_dryrun_no_change -- cgset create --dry-run "$n" --cpu 20%
	[[ "$output" == *"StartTransientUnit(\"cgset.scope\""* ]]
	cu_dryrun_in_order "$output" "<cgset.scope>" "/$n\", 0755)" "cpu.max"
	run ! systemctl -q is-active cgset.scope
	cu_dryrun_no_change -- cgset run --dry-run --name "$n" --cpu 20% -- true
	[[ "$output" == *"StartTransientUnit("* ]]
	cu_dryrun_in_order "$output" "clone3(" "execve(\"true\""
	run ! systemctl -q is-active cgset.scope
	[ -z "$(find /sys/fs/cgroup -name "*$(cu_id)*" 2>/dev/null)" ]
}
