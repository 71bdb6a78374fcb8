#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# --dry-run of nsrun and nsenter2 (issue 19): each plan changes nothing
# (tests/helpers/dryrun.bash: a snapshot before and after, strace for any
# call that changes the system), shows its steps in order with their
# privileges, is the same sequence --explain narrates for the real run, is
# printed to an unprivileged user too, and bad input fails as without it.
load helpers/common
load helpers/dryrun

setup() {
	cu_dryrun_setup
}

teardown() {
	cu_teardown
}

# dr_calls: a plan or a narration (stdin) as its calls (cu_dryrun_calls),
# numbers (PIDs, fds, the placeholders PID and <fd>) as N, an anonymous
# volume's name as its template; the clone3 line first (the parent narrates
# it when clone3 returns, after a CLONE_VFORK child has made its own
# steps); and the plan's execve, which a real run cannot narrate (a
# successful execve never returns), left out.
dr_calls() {
	cu_dryrun_calls | sed -E \
		-e 's/nsrun-volume\.[A-Za-z0-9]{6}/nsrun-volume.XXXXXX/g' \
		-e 's/<fd>|\bPID\b|-?\b[0-9]+\b/N/g' |
		grep -v '^execve(' |
		awk '/^clone3\(/ { print; next } { rest[n++] = $0 }
		     END { for (i = 0; i < n; i++) print rest[i] }'
}

# dr_agree TOOL ARGS...: the plan of TOOL --dry-run ARGS is the narration of
# the real run of TOOL --explain ARGS, call for call.
dr_agree() {
	local tool=$1 plan
	shift
	run --separate-stderr "$tool" --dry-run "$@"
	[ "$status" -eq 0 ] || fail "the dry run failed ($status): $stderr"
	plan=$output
	run --separate-stderr "$tool" --explain "$@"
	[ "$status" -eq 0 ] || fail "the real run failed ($status): $stderr"
	cu_dryrun_same_calls dr_calls "$plan" "$stderr"
}

# dr_has TEXT...: the plan in $output has lines holding each TEXT, in order.
dr_has() {
	cu_dryrun_in_order "$output" "$@"
}

mk_root() {
	cu_busybox_rootfs "$1" sh true cat
}

@test "nsrun --dry-run --pid --mount-proc --fork: the plan, nothing made" {
	cu_require_tool nsrun
	cu_dryrun_no_change -- nsrun --dry-run --pid --mount-proc --fork -- true
	dr_has "nsrun ▸ clone3(CLONE_NEWPID|CLONE_NEWNS" \
		"(needs CAP_SYS_ADMIN, or none for a new user namespace alone)" \
		'mount("none", "/", NULL, MS_REC|MS_PRIVATE, NULL)  (needs CAP_SYS_ADMIN in the user namespace owning the mount namespace)' \
		'mount("proc", "/proc", "proc", MS_NOSUID|MS_NODEV|MS_NOEXEC, NULL)' \
		'execve("true", ["true"])  (needs no privilege)'
}

@test "nsrun --dry-run --user --map-root-user --net --hostname -S -G -w: maps, lo, hostname, identity, in order" {
	cu_require_tool nsrun
	cu_dryrun_no_change -- nsrun --dry-run --user --map-root-user --net \
		--hostname "$(cu_name h)" -S 0 -G 0 -w / -- true
	dr_has 'unshare(CLONE_NEWUSER|CLONE_NEWNET|CLONE_NEWUTS)' \
		'write /proc/self/uid_map ← "0 0 1\n"  (needs CAP_SETUID/CAP_SETGID' \
		'write /proc/self/setgroups ← "deny"' \
		'write /proc/self/gid_map ← "0 0 1\n"' \
		'ioctl(' 'SIOCSIFFLAGS' \
		"sethostname(\"$(cu_name h)\"" \
		'chdir("/")' 'setgroups(0, NULL)' 'setgid(0)' 'setuid(0)' \
		'execve("true"'
}

@test "nsrun --dry-run --root with volumes, --mount-dev, confinement: the whole sequence, nothing made in the root" {
	cu_require_tool nsrun
	mk_root "$D/root"
	mkdir "$D/vol"
	cu_dryrun_no_change -- nsrun --dry-run --pid --mount-proc --root "$D/root" \
		-v "$D/vol:/mnt/v:ro" -v /anon --tmpfs /run --mount-dev \
		--hostname "$(cu_name h)" --cap-drop net_raw -- /bin/true
	dr_has '/nsrun-volume.XXXXXX", 0700)  (needs write access to the file)' 'clone3(CLONE_NEWPID|CLONE_NEWNS|CLONE_NEWUTS' \
		'sethostname(' 'mount("none", "/", NULL, MS_REC|MS_PRIVATE, NULL)' \
		'open_tree(' 'OPEN_TREE_CLONE' 'move_mount(' \
		'mkdirat(' '"v", 0755)  (needs write access to the file)' \
		"open_tree(AT_FDCWD, \"$D/vol\"" 'mount_setattr(<fd>' 'MOUNT_ATTR_RDONLY' \
		'mount("tmpfs"' '"mode=1777"' \
		'mount("tmpfs"' '"mode=755"' '"null"' '"devpts"' \
		'mount("proc"' \
		'"size=4k,nr_inodes=1,mode=555"' \
		'pivot_root(".", ".")' 'umount2(".", MNT_DETACH)' \
		'seccomp(SECCOMP_SET_MODE_FILTER' 'prctl(PR_CAPBSET_DROP, CAP_NET_RAW)' \
		'capset(' 'execve("/bin/true"'
	# the root is as it was: no mount point made in it
	[ ! -e "$D/root/mnt" ] && [ ! -e "$D/root/run" ] && [ ! -e "$D/root/anon" ]
	[ -z "$(ls -A "$D/root/dev")" ]
}

@test "nsrun --dry-run --pidfile --net=FILE --time offsets: the parent's steps with the PID placeholder" {
	cu_require_tool nsrun
	: > "$D/netfile"
	# were the plan to bind the namespace after all
	cu_on_teardown "umount -l '$D/netfile' 2>/dev/null || true"
	cu_dryrun_no_change -- nsrun --dry-run --pid --time --monotonic 100 \
		--pidfile "$D/pf" --net="$D/netfile" --mount --propagation slave -- true
	dr_has 'clone3(CLONE_NEWPID|CLONE_NEWNS|CLONE_NEWNET' \
		'unshare(CLONE_NEWTIME)' \
		'write /proc/self/timens_offsets ← "monotonic 100 0\n"' \
		'setns(' 'CLONE_NEWTIME)' \
		"write $D/pf ← \"PID\\n\"" \
		'mount("/proc/PID/ns/net", "/proc/self/fd/' \
		'mount("none", "/", NULL, MS_REC|MS_SLAVE, NULL)'
	[ ! -e "$D/pf" ]
	[ ! -s "$D/netfile" ]
}

@test "nsrun --dry-run --map-users: newuidmap shown with the PID placeholder, not run" {
	cu_require_tool nsrun
	command -v newuidmap >/dev/null || skip "newuidmap is not installed"
	cu_require_user
	cu_open_to_user "$D"
	chmod a+rx "$D"
	cu_dryrun_as_user nsrun --dry-run --user --map-users 0:100000:65536 \
		--map-groups 0:100000:65536 -- true
	[ "$status" -eq 0 ] || fail "$output"
	dr_has 'clone3(CLONE_NEWUSER' 'newuidmap PID 0 100000 65536' \
		'newgidmap PID 0 100000 65536' 'execve("true"'
}

@test "nsrun: the plan is the sequence --explain narrates for the real run" {
	cu_require_tool nsrun
	mk_root "$D/root"
	mkdir "$D/vol"
	dr_agree nsrun --pid --mount-proc --fork -- true
	dr_agree nsrun --user --map-root-user --net --hostname "$(cu_name h)" -S 0 -G 0 -w / -- true
	dr_agree nsrun --pid --time --monotonic 100 --pidfile "$D/pf" --propagation slave -- true
	# mount points made in the root by the real run: the plan first
	dr_agree nsrun --pid --mount-proc --root "$D/root" -v "$D/vol:/mnt/v:ro" \
		-v /anon --tmpfs /run --mount-dev --cap-drop net_raw -- /bin/true
	dr_agree nsrun --user --map-root-user --cap-drop net_raw,sys_chroot -- true
}

@test "nsrun --dry-run as an unprivileged user: the same plan, exit 0" {
	cu_require_tool nsrun
	local root_plan
	mk_root "$D/root"
	cu_open_to_user "$D"
	chmod -R a+rX "$D"
	for args in "--pid --mount-proc --fork -- true" \
		"--user --map-root-user --net --hostname h -w / -- true" \
		"--pid --mount-proc --root $D/root -- /bin/true"; do
		# shellcheck disable=SC2086 # the arguments are split on purpose
		run --separate-stderr nsrun --dry-run $args
		[ "$status" -eq 0 ] || fail "$args as root: $stderr"
		root_plan=$(dr_calls <<< "$output")
		# shellcheck disable=SC2086
		cu_dryrun_as_user nsrun --dry-run $args
		[ "$status" -eq 0 ] || fail "$args as the user: $output"
		[ "$(dr_calls <<< "$output")" = "$root_plan" ] || fail "$args: the user's plan differs:
$(diff <(echo "$root_plan") <(dr_calls <<< "$output"))"
	done
}

@test "nsrun --dry-run: bad input fails as without it (message, status 125), nothing made" {
	cu_require_tool nsrun
	local args want
	for args in "--root $D/nothere -- /bin/true" \
		"--pid -v $D/nosrc:/mnt -- true" \
		"--monotonic 5 -- true" \
		"-v relative -- true" \
		"--no-pivot -- true" \
		"--bogus-option -- true"; do
		# shellcheck disable=SC2086 # the arguments are split on purpose
		run --separate-stderr nsrun $args
		want="$status:$stderr"
		[ "$status" -ne 0 ] || fail "$args succeeded without --dry-run"
		# shellcheck disable=SC2086
		run --separate-stderr nsrun --dry-run $args
		[ "$status:$stderr" = "$want" ] || fail "$args: '$status:$stderr', without --dry-run '$want'"
	done
	[ ! -e "$D/nothere" ] && [ ! -e "$D/nosrc" ]
}

@test "nsenter2 --dry-run --target: the opens and setns in order, nothing entered" {
	cu_require_tool nsenter2
	cu_require_tool nsrun
	local target
	nsrun --pid --mount --uts --ipc --net --fork -- sleep 60 &
	cu_track_pid $!
	for _ in $(seq 50); do
		target=$(cu_find_sleep $!) && [ -n "$target" ] && break
		sleep 0.1
	done
	[ -n "$target" ] || fail "no target"
	cu_track_pid "$target"
	cu_dryrun_no_change -- nsenter2 --dry-run -t "$target" -m -u -n -p -r -w -- true
	dr_has "setns(" "CLONE_NEWNS" "(needs CAP_SYS_ADMIN in the user namespace owning the target namespace)" \
		'chroot(".")' 'execve("true", ["true"])'
	# the fork into the PID namespace: a clone3 where spawn_vm is (not under ASan)
	[[ "$output" == *'clone3(CLONE_VM|CLONE_VFORK)'* ]] || cu_asan_build nsenter2 ||
		fail "no clone3 in the plan: $output"
	dr_agree nsenter2 -t "$target" -m -u -n -p -- true
	dr_agree nsenter2 -t "$target" -m -u -r -- true
	dr_agree nsenter2 -t "$target" -m -W / -- true
	# as a user: the privileged reads of /proc/PID/root and cwd shown, not made
	cu_dryrun_as_user nsenter2 --dry-run -t "$target" -m -u -r -w -- true
	[ "$status" -eq 0 ] || fail "$output"
	dr_has "open(\"/proc/$target/root\", O_PATH|O_DIRECTORY)" \
		"open(\"/proc/$target/cwd\", O_PATH|O_DIRECTORY)" 'setns(' 'chroot(".")' 'execve("true"'
	# a namespace file it may not open: the open shown, the setns after it
	cu_dryrun_as_user nsenter2 --dry-run -m"/proc/$target/ns/mnt" -- true
	[ "$status" -eq 0 ] || fail "$output"
	dr_has "openat(AT_FDCWD, \"/proc/$target/ns/mnt\", O_RDONLY|O_CLOEXEC)" \
		'setns(<fd>, CLONE_NEWNS)' 'execve("true"'
	# --all: which namespaces differ is a privileged read too
	cu_dryrun_as_user nsenter2 --dry-run -t "$target" -a -- true
	[ "$status" -eq 0 ] || fail "$output"
	dr_has "# which namespaces of process $target differ from ours" \
		'setns(' 'CLONE_NEWPID|CLONE_NEWNS|CLONE_NEWNET|CLONE_NEWUTS' 'execve("true"'
}

@test "nsenter2 --dry-run: bad input fails as without it" {
	cu_require_tool nsenter2
	local args want
	for args in "-t 999999999 -m -- true" "-m$D/nofile -- true" "--bogus -- true" "-N $(cu_name nosuch) -- true"; do
		# shellcheck disable=SC2086 # the arguments are split on purpose
		run --separate-stderr nsenter2 $args
		want="$status:$stderr"
		[ "$status" -ne 0 ] || fail "$args succeeded without --dry-run"
		# shellcheck disable=SC2086
		run --separate-stderr nsenter2 --dry-run $args
		[ "$status:$stderr" = "$want" ] || fail "$args: '$status:$stderr', without --dry-run '$want'"
	done
}
