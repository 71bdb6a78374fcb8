#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# nsrun: every option checked in kernel state (namespace inodes, id maps,
# mountinfo, hostname, capabilities), the scenarios S1-S6, S14, S15, exit
# statuses, signals, --init, persisting, errors and rollback.
load helpers/common

setup() {
	cu_setup
	cu_require_root
	cu_require_tool nsrun
	T=$BATS_TEST_TMPDIR
}

# The inode of one of our namespaces, e.g. "net:[4026531840]".
host_ns() { readlink "/proc/self/ns/$1"; }

# A busybox root filesystem in $1 (owned by $2 when given).
mk_rootfs() {
	local r=$1 a
	mkdir -p "$r/bin" "$r/etc" "$r/proc" "$r/tmp" "$r/mnt"
	cp /bin/busybox "$r/bin/busybox"
	for a in $(/bin/busybox --list); do
		[ "$a" = busybox ] || ln -s busybox "$r/bin/$a"
	done
	printf 'NAME="cu busybox"\nID=cu-busybox\n' > "$r/etc/os-release"
	if [ -n "${2:-}" ]; then chown -R "$2:$2" "$r"; fi
}

# Hex CapEff/CapBnd/CapAmb of a command's own process.
capfield() { awk -v f="$1:" '$1 == f { print $2 }'; }

# Add a /etc/subuid and /etc/subgid entry for the test user if it has none.
ensure_subids() {
	local f
	for f in /etc/subuid /etc/subgid; do
		if ! grep -q "^$CU_USER:" "$f" 2>/dev/null; then
			cu_on_teardown "sed -i '/^$CU_USER:300000:65536\$/d' $f"
			echo "$CU_USER:300000:65536" >> "$f"
		fi
	done
}

# --- S1: PID namespace ------------------------------------------------------

@test "S1: --pid --mount-proc: ps shows only PID 1" {
	run -0 nsrun --pid --mount-proc ps -eo pid,comm
	assert_equal "${#lines[@]}" 2
	assert_line --index 1 --regexp '^ +1 ps$'
	run -0 nsrun --pid --mount-proc sh -c 'echo $$'
	assert_output 1
}

@test "S1: --pid forks by itself; without --mount-proc the host's /proc shows" {
	run -0 nsrun --pid sh -c 'echo $$; readlink /proc/self/ns/pid; ls /proc | grep -c "^[0-9]"'
	assert_line --index 0 1
	[ "${lines[1]}" != "$(host_ns pid)" ]
	[ "${lines[2]}" -gt 3 ]
}

# --- one option, one namespace ------------------------------------------------

@test "each namespace option makes exactly that namespace new" {
	local opt ns t
	for opt in mount:mnt uts:uts ipc:ipc net:net pid:pid user:user cgroup:cgroup time:time; do
		run -0 nsrun "--${opt%%:*}" sh -c 'for t in mnt uts ipc net pid user cgroup time; do echo "$t $(readlink /proc/self/ns/$t)"; done'
		for t in mnt uts ipc net pid user cgroup time; do
			ns=$(printf '%s\n' "${lines[@]}" | awk -v t="$t" '$1 == t { print $2 }')
			if [ "$t" = "${opt#*:}" ]; then
				[ "$ns" != "$(host_ns "$t")" ] || fail "--${opt%%:*}: $t is not new"
			else
				[ "$ns" = "$(host_ns "$t")" ] || fail "--${opt%%:*}: $t changed too"
			fi
		done
	done
}

@test "short options -m -u -i -n -p -U -C -T" {
	local o t
	for o in m:mnt u:uts i:ipc n:net p:pid U:user C:cgroup T:time; do
		t=${o#*:}
		run -0 nsrun "-${o%%:*}" readlink "/proc/self/ns/$t"
		[ "$output" != "$(host_ns "$t")" ] || fail "-${o%%:*}: $t not new"
	done
}

@test "--all: mount, uts, ipc, net, pid, cgroup new; user kept for root" {
	local t
	run -0 nsrun --all sh -c 'for t in mnt uts ipc net pid cgroup user; do readlink /proc/self/ns/$t; done'
	for t in mnt uts ipc net pid cgroup; do
		[[ " ${lines[*]} " != *" $(host_ns $t) "* ]] || fail "$t not new"
	done
	assert_line --index 6 "$(host_ns user)"
}

@test "--all as an unprivileged user adds a user namespace mapped to root" {
	cu_require_user
	run -0 cu_as_user nsrun --all sh -c 'id -u; readlink /proc/self/ns/user; readlink /proc/self/ns/net'
	assert_line --index 0 0
	[ "${lines[1]}" != "$(host_ns user)" ]
	[ "${lines[2]}" != "$(host_ns net)" ]
}

@test "--net: loopback is up" {
	run -0 nsrun --net ip -o link show lo
	assert_output --regexp '<LOOPBACK,UP,LOWER_UP>'
	run -0 nsrun --net ping -c1 -W1 127.0.0.1
}

# --- S2 and the id maps ------------------------------------------------------

@test "S2: --user alone gives the overflow uid; --map-root-user gives 0 but no host power" {
	cu_require_user
	run -0 cu_as_user nsrun --user id -u
	assert_output 65534
	run -0 cu_as_user nsrun --user --map-root-user id -u
	assert_output 0
	run cu_as_user nsrun --user --map-root-user sh -c 'echo x >> /etc/passwd'
	[ "$status" -ne 0 ]
	assert_output --partial 'Permission denied'
	run -0 cu_as_user nsrun -r cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups
	assert_equal "$(echo "${lines[0]}" | xargs)" "0 $CU_UID 1"
	assert_equal "$(echo "${lines[1]}" | xargs)" "0 $CU_UID 1"
	assert_line --index 2 deny
}

@test "-r, -c, --map-user, --map-group write the single-id maps" {
	run -0 nsrun -r sh -c 'cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups | xargs'
	assert_output '0 0 1 0 0 1 deny'
	cu_require_user
	run -0 cu_as_user nsrun -c sh -c 'id -u; cat /proc/self/uid_map | xargs'
	assert_line --index 0 "$CU_UID"
	assert_line --index 1 "$CU_UID $CU_UID 1"
	run -0 cu_as_user nsrun --map-user 1000 --map-group 2000 sh -c 'id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map | xargs'
	assert_line --index 0 1000
	assert_line --index 1 2000
	assert_line --index 2 "1000 $CU_UID 1 2000 $CU_UID 1"
	# names are looked up in the host's passwd and group files
	run -0 cu_as_user nsrun --map-user daemon --map-group daemon sh -c 'id -u; id -g'
	assert_output "$(printf '%s\n%s' "$(id -u daemon)" "$(id -g daemon)")"
}

@test "--map-users/--map-groups: INNER:OUTER:COUNT and the old OUTER,INNER,COUNT" {
	run -0 nsrun --map-users 0:100000:65536 --map-groups 0:200000:1000 sh -c 'cat /proc/self/uid_map /proc/self/gid_map | xargs'
	assert_output '0 100000 65536 0 200000 1000'
	run -0 nsrun --map-users 100000,0,65536 --map-groups 200000,0,1000 sh -c 'cat /proc/self/uid_map /proc/self/gid_map | xargs'
	assert_output '0 100000 65536 0 200000 1000'
	run -0 nsrun -r --map-users 1:100000:10 --map-users 11:300000:5 sh -c 'cat /proc/self/uid_map | xargs'
	assert_output '1 100000 10 11 300000 5 0 0 1'
}

@test "--map-auto: the user's /etc/subuid range through newuidmap" {
	cu_require_user
	command -v newuidmap >/dev/null || skip "newuidmap (uidmap) not installed"
	ensure_subids
	local start count
	IFS=: read -r _ start count < <(grep "^$CU_USER:" /etc/subuid | head -1)
	run -0 cu_as_user nsrun --map-auto sh -c 'cat /proc/self/uid_map | xargs'
	assert_output "0 $start $count"
	IFS=: read -r _ start count < <(grep "^$CU_USER:" /etc/subgid | head -1)
	run -0 cu_as_user nsrun -r --map-auto sh -c 'id -u; cat /proc/self/gid_map | xargs'
	assert_line --index 0 0
	assert_line --index 1 "0 $CU_UID 1 1 $start $count"
	run -0 cu_as_user nsrun --map-users auto --map-groups auto -- sh -c 'cat /proc/self/uid_map | wc -l'
	assert_output 1
}

@test "--map-auto without a /etc/subuid entry names the file and the user" {
	! grep -qE '^(root|0):' /etc/subuid || skip "root has a /etc/subuid entry"
	run --separate-stderr -125 nsrun --map-auto true
	assert_equal "${#stderr_lines[@]}" 1
	[[ "$stderr" == *"no range for user root in /etc/subuid"* ]] || fail "$stderr"
}

@test "--setgroups allow|deny is written before the gid map" {
	run -0 nsrun --map-groups 0:0:1 --map-users 0:0:1 --setgroups deny cat /proc/self/setgroups
	assert_output deny
	run -0 nsrun --map-groups 0:0:1 --map-users 0:0:1 --setgroups allow cat /proc/self/setgroups
	assert_output allow
	run --separate-stderr -125 nsrun -r --setgroups allow true
	[[ "$stderr" == *"--setgroups allow"* ]]
}

# --- S3, S4 ------------------------------------------------------------------

@test "S3: --uts --hostname: own hostname, the host's unchanged" {
	local before
	before=$(hostname)
	run -0 nsrun --uts --hostname box hostname
	assert_output box
	run -0 nsrun --hostname box2 sh -c 'hostname; readlink /proc/self/ns/uts'
	assert_line --index 0 box2
	[ "${lines[1]}" != "$(host_ns uts)" ]
	assert_equal "$(hostname)" "$before"
}

@test "S4: --ipc: a host message queue is not seen inside" {
	local id
	id=$(ipcmk -Q | awk '{ print $NF }')
	cu_on_teardown "ipcrm -q $id"
	run -0 ipcs -q
	assert_output --partial " $id "
	run -0 nsrun --ipc ipcs -q
	refute_output --partial " $id "
}

# --- S5: a different root ------------------------------------------------------

@test "S5: --root: the rootfs's files, its top dirs, and its mounts stay inside" {
	mk_rootfs "$T/rootfs"
	run -0 nsrun --mount --pid --mount-proc --root "$T/rootfs" /bin/cat /etc/os-release
	assert_line --index 0 'NAME="cu busybox"'
	run -0 nsrun --mount --pid --mount-proc --root "$T/rootfs" ls /
	assert_output "$(printf 'bin\netc\nmnt\nproc\ntmp')"
	# mounting inside takes the privilege --root's confinement drops
	run -0 nsrun --privileged -R "$T/rootfs" --mount-proc sh -c 'mount -t tmpfs none /mnt && grep -c " /mnt " /proc/self/mountinfo'
	assert_output 1
	run grep -F "$T/rootfs" /proc/self/mountinfo
	assert_failure
}

@test "--root pivots with the old root detached (no host path inside)" {
	mk_rootfs "$T/rootfs"
	run -0 nsrun -R "$T/rootfs" --mount-proc sh -c 'cat /proc/self/mountinfo'
	refute_output --regexp ' / /(work|usr|home)'
	assert_line --regexp "^[0-9]+ [0-9]+ [0-9:]+ $T/rootfs / "
	# the first line is the new root: nothing of the old one is left above it
	assert_equal "$(printf '%s\n' "${lines[@]}" | awk '$5 == "/"' | wc -l)" 1
}

@test "--wd: the program starts there (inside the new root)" {
	mk_rootfs "$T/rootfs"
	run -0 nsrun -R "$T/rootfs" -w /etc pwd
	assert_output /etc
	run -0 nsrun -R "$T/rootfs" pwd
	assert_output /
	run -0 nsrun -w /usr pwd
	assert_output /usr
}

# --- S6 ------------------------------------------------------------------------

@test "S6: an unprivileged container: -fpm --mount-proc -ui -R --map-root-user" {
	cu_require_user
	mk_rootfs "$T/urootfs" "$CU_UID"
	cu_open_to_user "$T"
	run -0 cu_as_user nsrun --fork --pid --mount-proc --mount --uts --ipc -R "$T/urootfs" --map-root-user sh -c 'id -u; ps -o pid,comm'
	assert_line --index 0 0
	assert_line --regexp '^ +1 +(sh|ps)'
	refute_line --regexp '^ +[3-9]'
}

# --- S14: volumes, tmpfs, /dev, /sys ---------------------------------------------

@test "S14: -v HOST:/test writes through; :ro refuses; nothing on the host's mount table" {
	mk_rootfs "$T/rootfs"
	mkdir "$T/host"
	run -0 nsrun --root "$T/rootfs" -v "$T/host:/test" sh -c 'echo hi > /test/f'
	assert_equal "$(cat "$T/host/f")" hi
	run nsrun --root "$T/rootfs" -v "$T/host:/test:ro" sh -c 'echo no > /test/g'
	[ "$status" -ne 0 ]
	assert_output --partial 'Read-only file system'
	[ ! -e "$T/host/g" ]
	run -0 nsrun --root "$T/rootfs" --mount-proc -v "$T/host:/test:ro" grep " /test " /proc/self/mountinfo
	assert_output --regexp ' /test ro,'
	run grep -F "$T" /proc/self/mountinfo
	assert_failure
}

@test "S14: -v /test: an empty writable anonymous volume, removed afterwards" {
	mk_rootfs "$T/rootfs"
	mkdir "$T/tmp"
	TMPDIR=$T/tmp run -0 nsrun --root "$T/rootfs" -v /test sh -c 'ls -A /test | wc -l; echo x > /test/f && cat /test/f'
	assert_line --index 0 0
	assert_line --index 1 x
	run ls -A "$T/tmp"
	assert_output ''
}

@test "volumes without --root go into the private mount namespace only" {
	mkdir "$T/a" "$T/b"
	echo data > "$T/a/f"
	run -0 nsrun -v "$T/a:$T/b" cat "$T/b/f"
	assert_output data
	[ ! -e "$T/b/f" ]
}

@test "a symlinked volume destination resolves inside the new root" {
	mk_rootfs "$T/rootfs"
	mkdir "$T/host" "$T/outside" "$T/rootfs/data"
	echo v > "$T/host/f"
	ln -s "$T/outside" "$T/rootfs/abs"		# absolute: means $ROOT$T/outside
	ln -s ../../../../../../data "$T/rootfs/rel"	# climbs above /: clamped to /data
	run -0 nsrun -R "$T/rootfs" -v "$T/host:/rel" cat /data/f
	assert_output v
	run nsrun -R "$T/rootfs" -v "$T/host:/abs/x" true
	run ls -A "$T/outside"
	assert_output ''
	run grep -F "$T" /proc/self/mountinfo
	assert_failure
}

@test "--tmpfs: a fresh tmpfs on the destination" {
	mk_rootfs "$T/rootfs"
	run -0 nsrun -R "$T/rootfs" --mount-proc --tmpfs /scratch sh -c 'grep " /scratch " /proc/self/mountinfo; touch /scratch/f'
	assert_output --regexp ' /scratch rw,nosuid,nodev.* - tmpfs '
}

@test "--mount-dev: null, zero, full, random, urandom, tty and a devpts" {
	mk_rootfs "$T/rootfs"
	run -0 nsrun -R "$T/rootfs" --mount-proc --mount-dev sh -c '
		for d in null zero full random urandom tty; do [ -c /dev/$d ] || echo "missing $d"; done
		echo x > /dev/null; head -c 4 /dev/zero | wc -c
		grep -E " /dev(/pts)? " /proc/self/mountinfo | awk "{ print \$5, \$(NF-2) }"
		readlink /dev/ptmx; ls /dev/pts'
	refute_output --partial missing
	assert_line 4
	assert_line '/dev tmpfs'
	assert_line '/dev/pts devpts'
	assert_line 'pts/ptmx'
	assert_line ptmx
}

@test "--mount-dev: root makes the nodes with mknod; in a user namespace they are the host's, bound" {
	mk_rootfs "$T/rootfs"
	local probe='for d in null zero full random urandom tty; do
		printf "%s %s " "$d" "$(stat -c %t:%T /dev/$d)"
		grep -c " /dev/$d " /proc/self/mountinfo || true
	done; stat -c %a /dev/null; umask'
	run -0 nsrun -R "$T/rootfs" --mount-proc --mount-dev sh -c "$probe"
	# the kernel's numbers (hex), and not one mount for them
	assert_output "null 1:3 0
zero 1:5 0
full 1:7 0
random 1:8 0
urandom 1:9 0
tty 5:0 0
666
$(umask)"
	# a user namespace may not mknod: each node is a bind of the host's
	run -0 nsrun -U -r -p -R "$T/rootfs" --mount-proc --mount-dev sh -c "$probe"
	assert_line "null 1:3 1"
	assert_line "tty 5:0 1"
}

@test "--mount-sys: sysfs, read-only" {
	mk_rootfs "$T/rootfs"
	run -0 nsrun -R "$T/rootfs" --net --mount-proc --mount-sys sh -c 'grep " /sys " /proc/self/mountinfo; ls /sys/class/net'
	assert_line --index 0 --regexp ' /sys ro,'
	assert_line lo
	run nsrun -R "$T/rootfs" --mount-sys sh -c 'echo x > /sys/kernel/uevent_helper'
	assert_failure
	assert_output --partial 'Read-only file system'
}

# --- mounts and propagation ---------------------------------------------------------

@test "--propagation: private by default; slave, shared, unchanged as asked" {
	mkdir "$T/shared"
	cu_track_mount "$T/shared"
	mount --bind "$T/shared" "$T/shared"
	mount --make-shared "$T/shared"
	local pat=" $T/shared "
	run -0 nsrun -m grep -F "$pat" /proc/self/mountinfo
	refute_output --regexp 'shared:|master:'
	run -0 nsrun -m --propagation slave grep -F "$pat" /proc/self/mountinfo
	assert_output --regexp ' master:[0-9]+ '
	run -0 nsrun -m --propagation shared grep -F "$pat" /proc/self/mountinfo
	assert_output --regexp ' shared:[0-9]+ '
	local host_group
	host_group=$(grep -F "$pat" /proc/self/mountinfo | grep -oE 'shared:[0-9]+')
	run -0 nsrun -m --propagation unchanged grep -F "$pat" /proc/self/mountinfo
	assert_output --partial "$host_group"
	# private: a mount inside does not reach the host's shared mount
	run -0 nsrun -m sh -c "mount -t tmpfs none '$T/shared' && echo in"
	run grep -c "$T/shared" /proc/self/mountinfo
	assert_output 1
}

@test "--mount-proc=DIR mounts a fresh procfs there" {
	mkdir "$T/p"
	run -0 nsrun --pid --mount-proc="$T/p" ls "$T/p"
	assert_equal "$(printf '%s\n' "${lines[@]}" | grep -c '^[0-9]')" 1
	run grep -F "$T/p" /proc/self/mountinfo
	assert_failure
	# a missing DIR is made; a symlink to a dir is followed
	run -0 nsrun --pid --mount-proc="$T/q/new" ls "$T/q/new"
	assert_equal "$(printf '%s\n' "${lines[@]}" | grep -c '^[0-9]')" 1
	ln -s p "$T/link"
	run -0 nsrun --pid --mount-proc="$T/link" sh -c "grep -c ' $T/p rw,.* - proc ' /proc/self/mountinfo"
	assert_output 1
}

@test "--root under shared propagation: pivot_root, and nothing reaches the host" {
	mkdir "$T/shared"
	cu_track_mount "$T/shared"
	mount --bind "$T/shared" "$T/shared"
	mount --make-shared "$T/shared"
	mk_rootfs "$T/shared/rootfs"
	local p r=$T/shared/rootfs
	for p in shared unchanged private slave; do
		run --separate-stderr -0 nsrun --privileged -R "$r" --mount-proc --propagation "$p" \
			sh -c 'mount -t tmpfs inside /mnt && cat /proc/self/mountinfo'
		[ -z "$stderr" ] || fail "$p: $stderr"
		# the old root is gone: one mount on /, and nothing of the host
		assert_equal "$(printf '%s\n' "${lines[@]}" | awk '$5 == "/"' | wc -l)" 1
		refute_output --regexp ' / /(work|usr|home)'
		run grep -F "$r" /proc/self/mountinfo
		assert_failure
	done
	run -0 nsrun -R "$r" --mount-proc --propagation shared grep -E '^[0-9]+ [0-9]+ [0-9:]+ [^ ]+ / ' /proc/self/mountinfo
	assert_output --regexp ' shared:[0-9]+ master:[0-9]+ '
	# slaves still see what the host mounts later
	mkfifo "$r/tmp/go"
	nsrun -R "$r" --mount-proc --propagation unchanged \
		sh -c 'read -r x < /tmp/go; grep -c " /mnt " /proc/self/mountinfo' > "$T/seen" &
	cu_track_pid $!
	exec 8> "$r/tmp/go"	# opens once the program reads: the root is set up
	cu_track_mount "$r/mnt"
	mount -t tmpfs host "$r/mnt"
	echo go >&8
	exec 8>&-
	wait
	assert_equal "$(cat "$T/seen")" 1
}

@test "--root / and --root .: pivot_root (a mount of its own on /), never a chroot" {
	run --separate-stderr -0 nsrun -R / --mount-proc sh -c 'echo in; grep -c " / / " /proc/self/mountinfo'
	assert_output "$(printf 'in\n1')"
	assert_equal "$stderr" ""
	mk_rootfs "$T/rootfs"
	cd "$T/rootfs"
	run --separate-stderr -0 nsrun -R . --mount-proc sh -c 'cat /etc/os-release; awk "\$5 == \"/\"" /proc/self/mountinfo | wc -l'
	assert_line --index 0 'NAME="cu busybox"'
	assert_line --index 2 1
	assert_equal "$stderr" ""
}

@test "--no-pivot: MS_MOVE and chroot into the new root; needs --root" {
	mk_rootfs "$T/rootfs"
	run --separate-stderr -0 nsrun -R "$T/rootfs" --no-pivot --mount-proc cat /etc/os-release
	assert_line --index 0 'NAME="cu busybox"'
	run --separate-stderr -125 nsrun --mount --no-pivot true
	assert_equal "$stderr" "nsrun: --no-pivot needs --root"
}

# --- S15: time ------------------------------------------------------------------

@test "S15: --time --boottime 86400 moves /proc/uptime by a day" {
	[ -e /proc/self/ns/time ] || skip "no time namespaces (CONFIG_TIME_NS)"
	local before after inside
	# the host's clock read before and after: nsrun may take seconds (qemu)
	before=$(cut -d. -f1 /proc/uptime)
	run -0 nsrun --time --boottime 86400 cat /proc/uptime
	inside=${output%%.*}
	after=$(cut -d. -f1 /proc/uptime)
	[ $((inside - 86400)) -ge "$before" ] && [ $((inside - 86400)) -le $((after + 1)) ] ||
		fail "$inside is not 86400 more than $before..$after"
	# the program itself is in the new namespace (6.1 moves no one in at exec)
	run -0 nsrun --time readlink /proc/self/ns/time
	[ "$output" != "$(readlink /proc/self/ns/time)" ] || fail "still in $output"
	run -0 nsrun -T --boottime 86400 --monotonic 3600 cat /proc/self/timens_offsets
	assert_line --regexp '^monotonic +3600 +0$'
	assert_line --regexp '^boottime +86400 +0$'
	run --separate-stderr -125 nsrun -T --monotonic -999999999 true
	[[ "$stderr" == *"no clock may go below zero"* ]] || fail "$stderr"
}

@test "S15: --monotonic moves CLOCK_MONOTONIC (a small C program)" {
	[ -e /proc/self/ns/time ] || skip "no time namespaces (CONFIG_TIME_NS)"
	command -v cc >/dev/null || skip "no C compiler for the probe"
	printf '#include <stdio.h>\n#include <time.h>\nint main(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);printf("%%lld\\n",(long long)t.tv_sec);return 0;}\n' > "$T/mono.c"
	cc -o "$T/mono" "$T/mono.c"
	local before after inside
	before=$("$T/mono")
	run -0 nsrun --time --monotonic 86400 "$T/mono"
	inside=$output
	after=$("$T/mono")
	[ $((inside - 86400)) -ge "$before" ] && [ $((inside - 86400)) -le $((after + 1)) ] ||
		fail "$inside is not 86400 more than $before..$after"
}

# --- identity and privileges ----------------------------------------------------------

@test "-S/--setuid and -G/--setgid" {
	run -0 nsrun -S 4242 -G 4343 sh -c 'id -u; id -g; id -G'
	assert_output "$(printf '4242\n4343\n4343')"
	run -0 nsrun --setuid 1 --setgid 1 id -u
	assert_output 1
}

@test "--cap-drop, --cap-add, --keep-caps in CapEff/CapBnd/CapAmb" {
	run -0 nsrun --cap-drop net_raw cat /proc/self/status
	local eff bnd
	eff=$(printf '%s\n' "${lines[@]}" | capfield CapEff)
	bnd=$(printf '%s\n' "${lines[@]}" | capfield CapBnd)
	(( (0x$eff & (1 << 13)) == 0 )) || fail "CapEff $eff keeps net_raw"
	(( (0x$bnd & (1 << 13)) == 0 )) || fail "CapBnd $bnd keeps net_raw"
	(( (0x$eff & (1 << 12)) != 0 )) || fail "CapEff $eff lost net_admin"
	run -0 nsrun --cap-drop all sh -c 'grep -E "^Cap(Eff|Bnd)" /proc/self/status'
	assert_output "$(printf 'CapEff:\t0000000000000000\nCapBnd:\t0000000000000000')"
	run -0 nsrun -S 4242 --cap-add CAP_NET_BIND_SERVICE sh -c 'grep -E "^Cap(Eff|Amb)" /proc/self/status'
	assert_output "$(printf 'CapEff:\t0000000000000400\nCapAmb:\t0000000000000400')"
	run -0 nsrun -S 4242 sh -c 'grep ^CapEff /proc/self/status'
	assert_output "$(printf 'CapEff:\t0000000000000000')"
	cu_require_user
	run -0 cu_as_user nsrun --user --keep-caps sh -c 'id -u; grep ^CapEff /proc/self/status'
	assert_line --index 0 65534
	assert_line --index 1 "$(printf 'CapEff:\t%016x' $(( (1 << ($(cat /proc/sys/kernel/cap_last_cap) + 1)) - 1 )))"
	run -0 cu_as_user nsrun --user sh -c 'grep ^CapEff /proc/self/status'
	assert_output "$(printf 'CapEff:\t0000000000000000')"
}

@test "--no-new-privs sets NoNewPrivs" {
	run -0 nsrun grep ^NoNewPrivs /proc/self/status
	assert_output "$(printf 'NoNewPrivs:\t0')"
	run -0 nsrun --no-new-privs grep ^NoNewPrivs /proc/self/status
	assert_output "$(printf 'NoNewPrivs:\t1')"
}

@test "--new-session: the program leads its own session" {
	run -0 nsrun --new-session sh -c 'echo $$; ps -o sid= -p $$'
	assert_equal "$(echo "${lines[1]}" | xargs)" "${lines[0]}"
	run -0 nsrun --fork sh -c 'echo $$; ps -o sid= -p $$'
	[ "$(echo "${lines[1]}" | xargs)" != "${lines[0]}" ]
}

# --- processes: pidfile, persisting, kill-child, signals, init ----------------------------

@test "--pidfile: the child's PID as we see it, removed when it ends" {
	nsrun --pid --uts --pidfile "$T/pid" sleep 5 &
	local ns=$!
	cu_track_pid "$ns"
	for _ in $(seq 50); do [ -s "$T/pid" ] && break; sleep 0.1; done
	local pid
	pid=$(cat "$T/pid")
	cu_track_pid "$pid"
	assert_equal "$(cat "/proc/$pid/comm")" sleep
	[ "$(readlink "/proc/$pid/ns/pid")" != "$(host_ns pid)" ]
	[ "$(readlink "/proc/$pid/ns/uts")" != "$(host_ns uts)" ]
	kill -TERM "$ns"
	wait "$ns" || true
	[ ! -e "$T/pid" ]
}

@test "--TYPE=FILE persists every namespace type; umount releases it" {
	local t f types="mount uts ipc net pid user cgroup time" args=()
	for t in $types; do
		touch "$T/$t"
		cu_track_mount "$T/$t"
		args+=("--$t=$T/$t")
	done
	run -0 nsrun "${args[@]}" --hostname kept true
	for t in $types; do
		run grep -F " $T/$t " /proc/self/mountinfo
		assert_success
		assert_output --partial 'nsfs'
	done
	run -0 nsenter --uts="$T/uts" hostname
	assert_output kept
	assert_equal "$(stat -L -c %i "$T/net")" "$(nsenter --net="$T/net" stat -L -c %i /proc/self/ns/net)"
	for t in $types; do umount "$T/$t"; done
	run grep -F "$T" /proc/self/mountinfo
	assert_failure
}

@test "--kill-child: the child dies with nsrun" {
	nsrun --kill-child --pid --pidfile "$T/pid" sleep 100 &
	local ns=$!
	cu_track_pid "$ns"
	for _ in $(seq 50); do [ -s "$T/pid" ] && break; sleep 0.1; done
	local pid
	pid=$(cat "$T/pid")
	cu_track_pid "$pid"
	kill -KILL "$ns"
	for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	run kill -0 "$pid"
	assert_failure
}

@test "--kill-child=TERM sends that signal" {
	nsrun --kill-child=TERM --pidfile "$T/pid" sh -c 'trap "echo got-term > '"$T"'/sig; exit 0" TERM; while :; do sleep 0.1; done' &
	local ns=$!
	cu_track_pid "$ns"
	for _ in $(seq 50); do [ -s "$T/pid" ] && break; sleep 0.1; done
	cu_track_pid "$(cat "$T/pid")"
	kill -KILL "$ns"
	for _ in $(seq 50); do [ -s "$T/sig" ] && break; sleep 0.1; done
	assert_equal "$(cat "$T/sig")" got-term
}

@test "the waiting parent forwards TERM; the program's code comes back" {
	nsrun --fork --pidfile "$T/pid" sh -c 'trap "exit 7" TERM; while :; do sleep 0.1; done' &
	local ns=$! st=0
	cu_track_pid "$ns"
	for _ in $(seq 50); do [ -s "$T/pid" ] && break; sleep 0.1; done
	cu_track_pid "$(cat "$T/pid")"
	sleep 0.2
	kill -TERM "$ns"
	wait "$ns" || st=$?
	assert_equal "$st" 7
}

@test "a program killed by signal N gives 128+N" {
	nsrun --fork --pidfile "$T/pid" sleep 100 &
	local ns=$! st=0
	cu_track_pid "$ns"
	for _ in $(seq 50); do [ -s "$T/pid" ] && break; sleep 0.1; done
	kill -USR1 "$ns"
	wait "$ns" || st=$?
	assert_equal "$st" $((128 + 10))
	run -137 nsrun --fork sh -c 'kill -KILL $$'
	run -143 nsrun -f sh -c 'kill -TERM $$'
	# PID 1 of a new PID namespace, killed from outside
	rm -f "$T/pid"
	nsrun --pid --pidfile "$T/pid" sleep 100 &
	ns=$! st=0
	cu_track_pid "$ns"
	for _ in $(seq 50); do [ -s "$T/pid" ] && break; sleep 0.1; done
	kill -KILL "$(cat "$T/pid")"
	wait "$ns" || st=$?
	assert_equal "$st" 137
}

@test "--init: PID 1 forwards TERM to the program and passes its status" {
	nsrun --pid --init --pidfile "$T/pid" sleep 100 &
	local ns=$! st=0
	cu_track_pid "$ns"
	for _ in $(seq 50); do [ -s "$T/pid" ] && break; sleep 0.1; done
	sleep 0.2
	kill -TERM "$ns"
	wait "$ns" || st=$?
	assert_equal "$st" 143
	run -3 nsrun --pid --init sh -c 'exit 3'
	run -0 nsrun --pid --init --mount-proc ps -o pid,comm
	assert_line --regexp '^ +1 nsrun$'
	assert_line --regexp '^ +2 ps$'
}

@test "--init reaps an orphaned zombie; without it the zombie stays" {
	local pid ns
	# the programs sleep long: a slow machine must not see them end first
	nsrun --pid --init --pidfile "$T/pid" sh -c '(sleep 0.3 &); exec sleep 60' &
	ns=$!
	cu_track_pid "$ns"
	for _ in $(seq 50); do [ -s "$T/pid" ] && break; sleep 0.1; done
	pid=$(cat "$T/pid")
	sleep 1.2
	run ps --ppid "$pid" -o stat=,comm=
	refute_output --partial Z
	kill -KILL "$ns"
	wait "$ns" || true
	rm -f "$T/pid"
	nsrun --pid --pidfile "$T/pid" sh -c '(sleep 0.3 &); exec sleep 60' &
	ns=$!
	cu_track_pid "$ns"
	for _ in $(seq 50); do [ -s "$T/pid" ] && break; sleep 0.1; done
	pid=$(cat "$T/pid")
	cu_track_pid "$pid"
	# the orphan ends after 0.3 s, later under emulation: wait for it
	for _ in $(seq 100); do
		ps --ppid "$pid" -o stat= | grep -q Z && break
		sleep 0.1
	done
	run ps --ppid "$pid" -o stat=
	assert_output --partial Z
}

# --- exit statuses, errors, rollback, fds --------------------------------------------------

@test "exit statuses: 0, the program's 3, 125, 126, 127" {
	run -0 nsrun true
	run -3 nsrun --uts sh -c 'exit 3'
	run -3 nsrun --pid sh -c 'exit 3'
	run -125 nsrun --bogus-option
	run --separate-stderr -127 nsrun --uts -- no-such-program-xyz
	[[ "$stderr" == "nsrun: cannot execute no-such-program-xyz: No such file or directory" ]] || fail "$stderr"
	echo data > "$T/noexec"
	run --separate-stderr -126 nsrun --pid -- "$T/noexec"
	[[ "$stderr" == *"cannot execute $T/noexec: Permission denied" ]] || fail "$stderr"
}

@test "strace: a child that only sets up and execs shares nsrun's memory; a handshake or --init forks" {
	command -v strace >/dev/null || skip "strace is not installed"
	cu_asan_build nsrun && skip "ASan builds always fork"
	local log="$BATS_TEST_TMPDIR/strace.log"
	run -0 strace -qq -o "$log" -e trace=clone,clone3 nsrun --user --map-root-user --fork --pid --net --mount true
	run grep -cE 'clone3\(\{flags=CLONE_VM\|CLONE_VFORK\|.*CLONE_NEWPID' "$log"
	assert_output 1
	# what the parent prints after a failed exec in that child still reaches
	# its stdout and stderr, and the parent exits cleanly with the code
	run --separate-stderr -127 nsrun --fork --pid -- no-such-program-xyz
	assert_equal "$stderr" "nsrun: cannot execute no-such-program-xyz: No such file or directory"
	# the parent acts while the child waits: a real fork
	run -0 strace -qq -o "$log" -e trace=clone,clone3 nsrun --fork --pid --pidfile "$T/pid" true
	run grep -c 'CLONE_VM' "$log"
	assert_output 0
	run -0 strace -qq -o "$log" -e trace=clone,clone3 nsrun --fork --pid --init true
	run grep -c 'CLONE_VFORK' "$log"
	assert_output 0
}

@test "a script without #! and 100000 arguments runs through /bin/sh from the shared-memory child" {
	# execvp copies argv onto the child's stack for /bin/sh: it has room
	printf 'echo $#\n' > "$T/noshebang"
	chmod +x "$T/noshebang"
	run -0 nsrun --fork --pid "$T/noshebang" $(printf 'a %.0s' $(seq 100000))
	assert_output 100000
	run -0 cgset run -- "$T/noshebang" $(printf 'a %.0s' $(seq 100000))
	assert_output 100000
}

@test "no program: \$SHELL, else /bin/sh" {
	SHELL=/bin/true run -0 nsrun --uts
	SHELL= run -0 nsrun --uts < /dev/null
}

@test "bad input: one line naming the value, status 125, nothing made" {
	local args
	while IFS='|' read -r args want; do
		# shellcheck disable=SC2086
		run --separate-stderr -125 nsrun --uts="$T/uts" $args true
		assert_equal "${#stderr_lines[@]}" 1
		[[ "$stderr" == *"$want"* ]] || fail "$args: $stderr"
		[ -z "$output" ] || fail "$args wrote to stdout"
		[ ! -e "$T/uts" ] || fail "$args made $T/uts"
	done <<-EOF
		--map-users 0:x:1|invalid --map-users argument: 0:x:1
		--map-groups 1:2|invalid --map-groups argument: 1:2
		--map-users 0:0:4294967296|0:0:4294967296
		--map-users -1:0:1|-1:0:1
		--propagation bogus|invalid --propagation argument: bogus (use private, slave, shared or unchanged)
		--setgroups maybe|invalid --setgroups argument: maybe
		--volume rel/dst|invalid --volume argument: rel/dst
		--tmpfs rel|invalid --tmpfs argument: rel
		--cap-drop bogus_cap|unknown capability 'bogus_cap'
		--kill-child=NOSIG|NOSIG
		--monotonic 5|add --time
		--time --boottime 1.5|invalid --boottime argument: 1.5
		--setuid -5|-5
		--setgroups deny|--setgroups needs a new user namespace (add --user)
		--map-user no-such-user-xyz|invalid --map-user argument: 'no-such-user-xyz'
	EOF
	run grep -F "$T" /proc/self/mountinfo
	assert_failure
}

@test "a failure inside the new namespaces: one line, 125, the anonymous volume removed" {
	mkdir "$T/tmp"
	TMPDIR=$T/tmp run --separate-stderr -125 nsrun --pid -v /anon -w /no-such-dir-xyz true
	assert_equal "$stderr" "nsrun: cannot change directory to /no-such-dir-xyz: No such file or directory"
	run ls -A "$T/tmp"
	assert_output ''
	run --separate-stderr -125 nsrun -U -r --pid -w /no-such-dir-xyz true
	assert_equal "$stderr" "nsrun: cannot change directory to /no-such-dir-xyz: No such file or directory"
}

@test "rollback: a missing volume source undoes the namespace file and the anonymous volume" {
	mk_rootfs "$T/rootfs"
	mkdir "$T/tmp"
	TMPDIR=$T/tmp run --separate-stderr -125 nsrun --uts="$T/uts" --pidfile "$T/pid" -R "$T/rootfs" -v /anon -v "$T/missing:/x" true
	assert_equal "${#stderr_lines[@]}" 1
	[[ "$stderr" == *"$T/missing: No such file or directory" ]] || fail "$stderr"
	[ ! -e "$T/uts" ]
	[ ! -e "$T/pid" ]
	run ls -A "$T/tmp"
	assert_output ''
	run grep -F "$T" /proc/self/mountinfo
	assert_failure
}

@test "unprivileged without --user: the error says what to add" {
	cu_require_user
	run --separate-stderr -125 cu_as_user nsrun --net true
	assert_equal "$stderr" "nsrun: cannot create network namespace: Operation not permitted (run as root, or add --user --map-root-user)"
	run --separate-stderr -125 cu_as_user nsrun --pid true
	[[ "$stderr" == *"cannot create PID namespace"*"add --user --map-root-user"* ]]
}

# The fds of a running program as "0 1 2 ..." (the pid from --pidfile $1,
# or its first child with --init).
program_fds() {
	local pid
	for _ in $(seq 50); do [ -s "$1" ] && break; sleep 0.1; done
	pid=$(cat "$1")
	cu_track_pid "$pid"
	[ "${2:-}" = init ] && pid=$(pgrep -P "$pid" | head -1)
	ls "/proc/$pid/fd" | sort -n | xargs
}

@test "user namespaces disabled: the error names the sysctl" {
	# user.max_user_namespaces is per user namespace: set it to 0 in our own
	run --separate-stderr -125 nsrun -U -r sh -c \
		'echo 0 > /proc/sys/user/max_user_namespaces && exec "$0" -U true' "$(command -v nsrun)"
	assert_equal "$stderr" "nsrun: cannot create user namespace: No space left on device (user namespaces are disabled: sysctl user.max_user_namespaces=0)"
}

@test "no fd of nsrun's own reaches the program" {
	local ns
	# with the fds bats hands down closed, only 0 1 2 may remain
	cu_only012 nsrun --uts --pidfile "$T/p1" sleep 2 &
	ns=$!
	cu_track_pid "$ns"
	sleep 0.3
	assert_equal "$(program_fds "$T/p1")" "0 1 2"
	touch "$T/net"
	cu_track_mount "$T/net"
	mk_rootfs "$T/rootfs"
	cu_only012 nsrun --pid --mount-proc --init --net="$T/net" -r -R "$T/rootfs" -v "$T:/v" \
		--kill-child --pidfile "$T/p2" sleep 2 &
	ns=$!
	cu_track_pid "$ns"
	sleep 0.5
	assert_equal "$(program_fds "$T/p2" init)" "0 1 2"
	cu_only012 nsrun --map-users 0:0:65536 --map-groups 0:0:65536 --mount-dev --pidfile "$T/p3" sleep 2 &
	ns=$!
	cu_track_pid "$ns"
	sleep 0.3
	assert_equal "$(program_fds "$T/p3")" "0 1 2"
}

@test "a descriptor the caller hands down stays for the program, as with env(1)" {
	run -0 cu_only012 bash -c 'exec 7</dev/null; exec nsrun --uts --pid ls /proc/self/fd'
	assert_output "0
1
2
3
7"
	run -0 cu_only012 bash -c 'exec 7</dev/null; exec nsrun --uts readlink /proc/self/fd/7'
	assert_output /dev/null
}

# --- issue 15, low items -----------------------------------------------------

@test "--mount-dev with --map-users that leaves the caller unmapped: made as the namespace's root" {
	run --separate-stderr -0 nsrun --map-users 0:300000:65536 --map-groups 0:300000:65536 \
		--mount-dev sh -c 'stat -c "%u %F" /dev/shm /dev/pts; ls /dev'
	assert_line --index 0 "0 directory"
	assert_line --partial null
	assert_equal "$stderr" ""
	# neither the caller's id nor 0 mapped: one line that says which to map
	run --separate-stderr nsrun --map-users 1:300000:65536 --map-groups 1:300000:65536 --mount-dev true
	assert_equal "$status" 125
	assert_equal "$stderr" "nsrun: cannot make the devices in /dev: Value too large for defined data type (neither your own id nor 0 is mapped in the user namespace: map one, e.g. --map-users 0:100000:65536)"
}

@test "-v SRC:/ is refused in one line, nothing made" {
	local d
	for d in / // /. /./ /..; do
		run --separate-stderr nsrun -m -v "$T:$d" true
		assert_equal "$status" 125
		assert_equal "$stderr" "nsrun: invalid --volume argument: $T:$d: the destination is / (use --root for the root, and a directory below / for a volume)"
	done
	run --separate-stderr -0 nsrun -m -v "$T:/.x" true
}

@test "relative --root and --volume sources resolve against the directory nsrun starts in" {
	mk_rootfs "$T/rootfs"
	mkdir "$T/src"
	echo here > "$T/src/f"
	cd "$T"
	run --separate-stderr -0 nsrun -R rootfs -v src:/mnt:ro -w /mnt cat f
	assert_output here
}
