#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# nsrun against unshare(1), nsenter2 against nsenter(1): the same option on
# both, the same observable result (namespace links equal or not to ours,
# id maps, working directory, exit status, refusal of bad input).  Where the
# man pages' COMPATIBILITY sections say we differ on purpose, the test
# shows both sides of the difference.
load helpers/common

setup() {
	cu_setup
	cu_require_root
	cu_require_tool nsrun
	cu_require_tool nsenter2
	command -v unshare >/dev/null && command -v nsenter >/dev/null ||
		skip "util-linux unshare and nsenter are not installed"
}

# same A... -- B...: both exit with the same status and print the same.
same() {
	local a=() s1 o1
	while [ "$1" != -- ]; do a+=("$1"); shift; done
	shift
	run --separate-stderr "${a[@]}"
	s1=$status o1=$output
	run --separate-stderr "$@"
	[ "$status" -eq "$s1" ] ||
		fail "status: ${a[*]} -> $s1, $* -> $status ($stderr)"
	[ "$output" = "$o1" ] ||
		fail "output: ${a[*]} -> '$o1', $* -> '$output'"
}

# fails_naming VALUE CMD...: a failure below 128, nothing on stdout, one
# line on stderr that names VALUE.
fails_naming() {
	local v=$1
	shift
	run --separate-stderr "$@"
	[ "$status" -ne 0 ] && [ "$status" -lt 128 ] || fail "$* -> status $status"
	assert_output ''
	[[ $stderr == *"$v"* ]] || fail "$* does not name $v: $stderr"
}

ns_of() { readlink "/proc/$1/ns/$2"; }

# target UNSHARE-ARGS...: TARGET, a sleep in new namespaces made by unshare.
target() {
	local holder
	unshare "$@" </dev/null >/dev/null 2>&1 3>&- &
	holder=$!
	disown "$holder"
	cu_track_pid "$holder"
	for _ in $(seq 100); do
		if TARGET=$(cu_find_sleep "$holder"); then
			cu_track_pid "$TARGET"
			return 0
		fi
		sleep 0.05
	done
	fail "the target did not start: unshare $*"
}

mk_rootfs() {
	cu_busybox_rootfs "$1" sh cat pwd readlink ls
	echo "root of $1" > "$1/etc/marker"
}

# ---- nsrun and unshare ----

@test "unshare: -m -u -i -n -p -C -T -U each give a namespace of its own, as nsrun's" {
	local opt type other
	for opt in m:mnt u:uts i:ipc n:net p:pid C:cgroup T:time U:user; do
		type=${opt#*:}
		# a new inode each time: each compared with ours
		run -0 unshare -f "-${opt%%:*}" readlink "/proc/self/ns/$type"
		[ "$output" != "$(ns_of self "$type")" ] || fail "unshare -${opt%%:*}: same $type"
		run -0 nsrun -f "-${opt%%:*}" readlink "/proc/self/ns/$type"
		[ "$output" != "$(ns_of self "$type")" ] || fail "nsrun -${opt%%:*}: same $type"
		# and another type stays ours, in both
		other=net
		[ "$type" = net ] && other=uts
		same unshare -f "-${opt%%:*}" readlink "/proc/self/ns/$other" -- \
		     nsrun -f "-${opt%%:*}" readlink "/proc/self/ns/$other"
		assert_equal "$output" "$(ns_of self "$other")"
	done
}

@test "unshare: -r, -c, --map-user, --map-group: the same id maps and ids" {
	cu_require_user
	local opts
	# (not -r --setgroups=deny: unshare 2.38 writes "deny" twice and fails)
	for opts in "-r" "-c" "--map-user=7 --map-group=8" "-U --setgroups=deny"; do
		# shellcheck disable=SC2086
		same cu_as_user unshare $opts sh -c 'cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups; id -u; id -g' -- \
		     cu_as_user nsrun $opts sh -c 'cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups; id -u; id -g'
	done
}

@test "unshare: --map-users, --map-groups (unshare's OUTER,INNER,COUNT): the same maps" {
	# through newuidmap(1) and newgidmap(1): the test user's sub-ids
	local f start
	cu_require_user
	for f in /etc/subuid /etc/subgid; do
		if ! grep -q "^$CU_USER:" "$f" 2>/dev/null; then
			cu_on_teardown "sed -i '/^$CU_USER:300000:65536\$/d' $f"
			echo "$CU_USER:300000:65536" >> "$f"
		fi
	done
	start=$(awk -F: -v u="$CU_USER" '$1 == u { print $2; exit }' /etc/subuid)
	same cu_as_user unshare --map-users="$start,0,1000" --map-groups="$start,0,1000" cat /proc/self/uid_map /proc/self/gid_map -- \
	     cu_as_user nsrun --map-users="$start,0,1000" --map-groups="$start,0,1000" cat /proc/self/uid_map /proc/self/gid_map
	assert_line --regexp "^ +0 +$start +1000\$"
}

@test "unshare: -f, exit status and death by signal passed on alike" {
	same unshare -f sh -c 'exit 7' -- nsrun -f sh -c 'exit 7'
	same unshare -f sh -c 'kill -TERM $$' -- nsrun -f sh -c 'kill -TERM $$'
	same unshare -p -f sh -c 'exit 3' -- nsrun -p sh -c 'exit 3'
	run -127 unshare no-such-program-cu
	run -127 nsrun no-such-program-cu
}

@test "unshare: -w, -S, -G, -R: the same directory and ids" {
	same unshare -w /usr pwd -- nsrun -w /usr pwd
	same unshare -S 4242 -G 4243 sh -c 'id -u; id -g' -- nsrun -S 4242 -G 4243 sh -c 'id -u; id -g'
	mk_rootfs "$BATS_TEST_TMPDIR/r"
	same unshare -R "$BATS_TEST_TMPDIR/r" /bin/cat /etc/marker -- \
	     nsrun --privileged -R "$BATS_TEST_TMPDIR/r" /bin/cat /etc/marker
}

@test "unshare: --mount-proc implies --mount only; with --pid the program is PID 1" {
	# without --pid: a new mount namespace, our PID namespace, the host's processes
	same unshare --mount-proc sh -c 'readlink /proc/self/ns/pid; test -d /proc/1 && echo has-1' -- \
	     nsrun --mount-proc sh -c 'readlink /proc/self/ns/pid; test -d /proc/1 && echo has-1'
	run -0 nsrun --mount-proc readlink /proc/self/ns/mnt
	[ "$output" != "$(ns_of self mnt)" ]
	# with --pid (and unshare's --fork): the procfs is the new namespace's
	same unshare -p -f --mount-proc sh -c 'echo $$; cut -d" " -f1,4 /proc/self/stat' -- \
	     nsrun -p --mount-proc sh -c 'echo $$; cut -d" " -f1,4 /proc/self/stat'
	# a new user namespace cannot mount /proc for our PID namespace: both
	# fail, nsrun says to add --pid
	cu_require_user
	run cu_as_user unshare -r --mount-proc true
	assert_failure
	run --separate-stderr -125 cu_as_user nsrun -r --mount-proc true
	[[ $stderr == *"add --pid"* ]] || fail "no hint: $stderr"
}

@test "unshare: --propagation, --keep-caps, --monotonic/--boottime: the same state" {
	same unshare -m --propagation slave findmnt -no PROPAGATION / -- \
	     nsrun -m --propagation slave findmnt -no PROPAGATION /
	same unshare -m --propagation unchanged findmnt -no PROPAGATION / -- \
	     nsrun -m --propagation unchanged findmnt -no PROPAGATION /
	cu_require_user
	same cu_as_user unshare -r --keep-caps grep -E '^Cap(Eff|Amb)' /proc/self/status -- \
	     cu_as_user nsrun -r --keep-caps grep -E '^Cap(Eff|Amb)' /proc/self/status
	[ -e /proc/self/timens_offsets ] || skip "no time namespaces"
	same unshare -T -f --monotonic 100 --boottime 200 cat /proc/self/timens_offsets -- \
	     nsrun -T --monotonic 100 --boottime 200 cat /proc/self/timens_offsets
}

@test "unshare: bad input is refused by both, naming the value" {
	fails_naming bogus-mode unshare -m --propagation bogus-mode true
	fails_naming bogus-mode nsrun -m --propagation bogus-mode true
	fails_naming 'x1' unshare --map-user=x1 true
	fails_naming 'x1' nsrun --map-user=x1 true
	fails_naming 'zz' unshare -T --monotonic zz true
	fails_naming 'zz' nsrun -T --monotonic zz true
	# the statuses: unshare's own failure is 1, a chainloader's is 125
	run -125 nsrun --propagation bogus-mode true
	run -1 unshare --propagation bogus-mode true
}

@test "unshare differs on purpose: --net=FILE on a namespace file is refused" {
	local f=$BATS_TEST_TMPDIR/netfile mounts
	touch "$f"
	cu_track_mount "$f"
	run -0 unshare --net="$f" true
	# unshare stacks a second namespace on a file that holds one...
	run -0 unshare --net="$f" true
	assert_equal "$(grep -c " $f " /proc/self/mountinfo)" 2
	umount "$f"
	# ...nsrun refuses, says what to use instead, and mounts nothing
	mounts=$(grep -c " $f " /proc/self/mountinfo)
	run --separate-stderr -125 nsrun --net="$f" true
	assert_equal "$stderr" "nsrun: --net=$f: $f already holds a namespace (to run in it: nsenter2 --net=$f, or netns exec NAME for /run/netns/NAME)"
	assert_equal "$(grep -c " $f " /proc/self/mountinfo)" "$mounts"
	# every type: --uts=FILE on a file that holds a namespace, too
	run -0 nsrun --uts="$BATS_TEST_TMPDIR/utsfile" true
	cu_track_mount "$BATS_TEST_TMPDIR/utsfile"
	run --separate-stderr -125 nsrun --uts="$BATS_TEST_TMPDIR/utsfile" true
	[[ $stderr == *"nsenter2 --uts=$BATS_TEST_TMPDIR/utsfile"* ]] || fail "$stderr"
	# and the hint works: nsenter2 --net=FILE enters it
	run -0 nsenter2 --net="$f" readlink /proc/self/ns/net
	assert_equal "$output" "net:[$(stat -Lc %i "$f")]"
}

@test "unshare differs on purpose: --root without a program runs the root's /bin/sh" {
	local r=$BATS_TEST_TMPDIR/r
	mk_rootfs "$r"
	# unshare runs $SHELL, a path of the host, inside the root
	run -127 env SHELL=/bin/bash unshare -R "$r" </dev/null
	assert_failure 127
	# nsrun runs the root's /bin/sh
	run --separate-stderr -0 env SHELL=/bin/bash nsrun -R "$r" <<<'cat /etc/marker'
	assert_output "root of $r"
	# and says so when the root has none
	rm "$r/bin/sh"
	run --separate-stderr -127 nsrun -R "$r" </dev/null
	assert_equal "$stderr" "nsrun: $r has no /bin/sh to run: name the program (nsrun --root $r -- PROGRAM)"
}

# ---- nsenter2 and nsenter ----

@test "nsenter: -t with -m -u -i -n -p -C -T, and -a: the target's namespaces" {
	target -m -u -i -n -p -C -T -f sleep 300
	local opt type
	for opt in m:mnt u:uts i:ipc n:net p:pid C:cgroup T:time; do
		type=${opt#*:}
		same nsenter -t "$TARGET" "-${opt%%:*}" readlink "/proc/self/ns/$type" -- \
		     nsenter2 -t "$TARGET" "-${opt%%:*}" readlink "/proc/self/ns/$type"
		assert_equal "$output" "$(ns_of "$TARGET" "$type")"
	done
	same nsenter -a -t "$TARGET" sh -c 'for t in mnt uts ipc net pid cgroup time; do readlink /proc/self/ns/$t; done' -- \
	     nsenter2 -a -t "$TARGET" sh -c 'for t in mnt uts ipc net pid cgroup time; do readlink /proc/self/ns/$t; done'
	# a namespace given as a file
	same nsenter --net="/proc/$TARGET/ns/net" readlink /proc/self/ns/net -- \
	     nsenter2 --net="/proc/$TARGET/ns/net" readlink /proc/self/ns/net
}

@test "nsenter: no namespace option runs the program here" {
	same nsenter sh -c 'readlink /proc/self/ns/net; exit 3' -- \
	     nsenter2 sh -c 'readlink /proc/self/ns/net; exit 3'
	assert_failure 3
	target -n sleep 300
	same nsenter -t "$TARGET" readlink /proc/self/ns/net -- \
	     nsenter2 -t "$TARGET" readlink /proc/self/ns/net
	assert_equal "$output" "$(ns_of self net)"
}

@test "nsenter: -U with -S/-G and --preserve-credentials: the same ids" {
	target -U -r -f sleep 300
	same nsenter -t "$TARGET" -U sh -c 'id -u; id -g' -- nsenter2 -t "$TARGET" -U sh -c 'id -u; id -g'
	assert_output "0
0"
	same nsenter -t "$TARGET" -U -S 0 -G 0 sh -c 'id -u; id -g' -- \
	     nsenter2 -t "$TARGET" -U -S 0 -G 0 sh -c 'id -u; id -g'
	same nsenter -t "$TARGET" -U --preserve-credentials sh -c 'id -u; id -g' -- \
	     nsenter2 -t "$TARGET" -U --preserve-credentials sh -c 'id -u; id -g'
	nsenter --help | grep -q -- --keep-caps || skip "this nsenter has no --keep-caps"
	same nsenter -t "$TARGET" -U --keep-caps grep -E '^CapAmb' /proc/self/status -- \
	     nsenter2 -t "$TARGET" -U --keep-caps grep -E '^CapAmb' /proc/self/status
}

@test "nsenter: -w, -W, -r -w: the same working directory" {
	target -m -f sh -c 'cd /usr/share && exec sleep 300'
	same nsenter -t "$TARGET" -w pwd -- nsenter2 -t "$TARGET" -w pwd
	assert_output /usr/share
	same nsenter -t "$TARGET" -m -W /etc pwd -- nsenter2 -t "$TARGET" -m -W /etc pwd
	assert_output /etc
	same nsenter -t "$TARGET" -r -w pwd -- nsenter2 -t "$TARGET" -r -w pwd
	same nsenter -t "$TARGET" -m -W /no/such/dir-cu pwd -- nsenter2 -t "$TARGET" -m -W /no/such/dir-cu pwd || true
	run -125 nsenter2 -t "$TARGET" -m -W /no/such/dir-cu pwd
}

@test "nsenter: -F, -Z and signals: the same" {
	target -p -f sleep 300
	# -F: no fork, so the program stays in our PID namespace
	same nsenter -t "$TARGET" -p -F readlink /proc/self/ns/pid -- \
	     nsenter2 -t "$TARGET" -p -F readlink /proc/self/ns/pid
	assert_equal "$output" "$(ns_of self pid)"
	same nsenter -t "$TARGET" -p sh -c 'kill -TERM $$' -- nsenter2 -t "$TARGET" -p sh -c 'kill -TERM $$'
	assert_failure 143
	# -Z without SELinux: nothing, with or without a target
	if [ -d /sys/fs/selinux ] && [ -e /sys/fs/selinux/enforce ]; then
		skip "SELinux is on: --follow-context changes the context here"
	fi
	same nsenter -Z true -- nsenter2 -Z true
	same nsenter -Z -t "$TARGET" -p readlink /proc/self/ns/pid -- nsenter2 -Z -t "$TARGET" -p readlink /proc/self/ns/pid
	assert_equal "$output" "$(ns_of "$TARGET" pid)"
}

@test "nsenter: bad input is refused by both, naming the value" {
	fails_naming abc nsenter -t abc true
	fails_naming abc nsenter2 -t abc true
	fails_naming /no/such/file-cu nsenter --net=/no/such/file-cu true
	fails_naming /no/such/file-cu nsenter2 --net=/no/such/file-cu true
	run -125 nsenter2 -t abc true
}

@test "nsenter differs on purpose: -r without -w makes the new root the working directory" {
	target -m -f sleep 300
	cd /usr
	run -0 nsenter -t "$TARGET" -r pwd
	assert_output /usr
	run -0 nsenter2 -t "$TARGET" -r pwd
	assert_output /
	# --wd with --wdns: both refuse
	run -1 nsenter -t "$TARGET" -w -W /etc pwd
	run --separate-stderr -125 nsenter2 -t "$TARGET" -w -W /etc pwd
	assert_equal "$stderr" "nsenter2: --wd and --wdns both set the working directory (give one)"
}
