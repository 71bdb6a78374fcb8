#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The articles' walkthroughs (../shared/SCENARIOS.md S1-S15) redone with the
# built tools, checking what the articles show, and the busybox container
# demo (examples/container.sh) end to end.
load helpers/common

# A busybox root filesystem (Debian's busybox-static) in DIR.
sc_rootfs() {
	mkdir -p "$1"/bin "$1"/etc "$1"/proc "$1"/dev "$1"/tmp "$1"/root
	cp /bin/busybox "$1/bin/busybox"
	chroot "$1" /bin/busybox --install -s /bin
	printf 'root:x:0:0:root:/root:/bin/sh\n' > "$1/etc/passwd"
	printf 'NAME="cu-rootfs"\nID=curootfs\n' > "$1/etc/os-release"
}

# A directory the unprivileged test user can reach (BATS_TEST_TMPDIR is not).
sc_userdir() {
	local d
	d=/tmp/$(cu_name "$1")
	cu_on_teardown "rm -rf --one-file-system $d"
	mkdir -m 755 "$d"
	printf '%s' "$d"
}

# A /24 of this suite run and test, so parallel runs do not collide.
sc_net() {
	printf '10.%d.%d' "$(( 100 + ${BATS_ROOT_PID:-$$} % 100 ))" "$BATS_TEST_NUMBER"
}

# Wait up to 10 s for a condition.
sc_wait() {
	local _
	for _ in $(seq 100); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

# Track the cgroup NAME in every hierarchy for teardown.
sc_track_cgroup() {
	local h
	for h in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do
		cu_track_cgroup "${h}$1"
	done
}

sc_no_cgroup() {
	[ -z "$(find /sys/fs/cgroup -maxdepth 2 -type d -name "$1" 2>/dev/null)" ]
}

setup() {
	cu_setup
	cu_require_root
}

# --- S1 PID namespace ----------------------------------------------------

@test "S1: nsrun --pid --mount-proc: ps is PID 1 and alone" {
	cu_require_tool nsrun
	run --separate-stderr nsrun --pid --mount-proc ps -eo pid,comm
	assert_success
	assert_equal "${#lines[@]}" 2
	assert_line --index 0 --regexp '^ *PID +COMMAND$'
	assert_line --index 1 --regexp '^ *1 ps$'
}

@test "S1: nsrun --pid --mount-proc: the shell's \$\$ is 1" {
	cu_require_tool nsrun
	run --separate-stderr nsrun --pid --mount-proc sh -c 'echo $$'
	assert_success
	assert_output 1
}

@test "S1: without --mount-proc the host's /proc stays visible, and nsrun forks by itself" {
	cu_require_tool nsrun
	run --separate-stderr nsrun --pid sh -c 'echo $$; ps -p '"$$"' -o pid='
	assert_success
	assert_line --index 0 1
	assert_line --index 1 --regexp "^ *$$\$"
}

# --- S2 user namespace ---------------------------------------------------

@test "S2: nsrun --user: an unprivileged user is nobody (65534) inside" {
	cu_require_tool nsrun
	cu_require_user
	run --separate-stderr cu_as_user nsrun --user id -u
	assert_success
	assert_output 65534
}

@test "S2: nsrun --user --map-root-user: uid 0 inside, still no power over the host" {
	cu_require_tool nsrun
	cu_require_user
	local d
	d=$(sc_userdir s2)
	echo host > "$d/rootfile"
	chmod 644 "$d/rootfile"
	run --separate-stderr cu_as_user nsrun --user --map-root-user id -u
	assert_success
	assert_output 0
	run cu_as_user nsrun --user --map-root-user sh -c "echo x >> $d/rootfile"
	assert_failure
	assert_output --regexp 'Permission denied|Operation not permitted'
	assert_equal "$(cat "$d/rootfile")" host
}

# --- S3 UTS namespace ----------------------------------------------------

@test "S3: nsrun --uts --hostname box: own hostname, the host's unchanged" {
	cu_require_tool nsrun
	local before
	before=$(hostname)
	run --separate-stderr nsrun --uts --hostname box hostname
	assert_success
	assert_output box
	assert_equal "$(hostname)" "$before"
}

# --- S4 IPC namespace ----------------------------------------------------

@test "S4: a System V message queue of the host is not in nsrun --ipc" {
	cu_require_tool nsrun
	local id
	id=$(ipcmk -Q | awk '{print $NF}')
	cu_on_teardown "ipcrm -q $id"
	run ipcs -q
	assert_line --regexp "^0x[0-9a-f]+ +$id "
	run --separate-stderr nsrun --ipc ipcs -q
	assert_success
	refute_line --regexp "^0x[0-9a-f]+ +$id "
}

# --- S5 mount namespace and a different root -----------------------------

@test "S5: nsrun --root ROOTFS shows the rootfs's /etc/os-release and top directories" {
	cu_require_tool nsrun
	local r=$BATS_TEST_TMPDIR/rootfs
	sc_rootfs "$r"
	run --separate-stderr nsrun --mount --pid --mount-proc --root "$r" /bin/cat /etc/os-release
	assert_success
	assert_output "$(cat "$r/etc/os-release")"
	run --separate-stderr nsrun --mount --pid --mount-proc --root "$r" /bin/ls /
	assert_success
	assert_equal "$(echo $output | tr ' ' '\n' | sort | tr '\n' ' ')" \
		"$(ls "$r" | sort | tr '\n' ' ')"
}

@test "S5: a mount made inside does not appear in the host's mountinfo" {
	cu_require_tool nsrun
	local r=$BATS_TEST_TMPDIR/rootfs tag
	tag=$(cu_name m)
	sc_rootfs "$r"
	# the article mounts inside: that takes the privilege --root's
	# default confinement drops (nsrun(1), CONFINEMENT)
	run --separate-stderr nsrun --privileged --mount --pid --mount-proc --root "$r" /bin/sh -c \
		"mount -t tmpfs $tag /tmp && grep -c $tag /proc/self/mountinfo"
	assert_success
	assert_output 1
	run grep -c "$tag" /proc/self/mountinfo
	assert_output 0
}

# --- S6 the "relatively complete container", unprivileged ----------------

@test "S6: the article's unshare flags on nsrun as a normal user: uid 0, PID 1" {
	cu_require_tool nsrun
	cu_require_user
	local r
	r=$(sc_userdir s6)/rootfs
	sc_rootfs "$r"
	chown -R "$CU_UID:$CU_UID" "$r"
	cd "$r"
	run --separate-stderr cu_as_user nsrun --fork --pid --mount-proc --mount --uts --ipc --root . \
		--map-root-user /bin/sh -c 'id -u; ps -o pid,comm; true'
	assert_success
	assert_line --index 0 0
	assert_line --regexp '^ *1 +sh$'
}

# --- S7 named network namespaces and a veth pair -------------------------

@test "S7: netns add, vethctl add/addr/up, netns exec ping, netns delete" {
	cu_require_tool netns
	cu_require_tool vethctl
	local n0 n1 v0 v1
	n0=$(cu_name n0) n1=$(cu_name n1) v0=$(cu_name v0) v1=$(cu_name v1)
	cu_track_netns "$n0"; cu_track_netns "$n1"
	cu_track_link "$v0"; cu_track_link "$v1"
	run netns add "$n0" "$n1"
	assert_success
	run vethctl add "$v0" "$v1" --netns "$n0" --peer-netns "$n1"
	assert_success
	run ip -n "$n0" -o link show "$v0"
	assert_success
	run ip -n "$n1" -o link show "$v1"
	assert_success
	vethctl addr add "$v0" 10.1.1.1/24 --netns "$n0"
	vethctl addr add "$v1" 10.1.1.2/24 --netns "$n1"
	vethctl up "$v0" --netns "$n0"
	vethctl up "$v1" --netns "$n1"
	run netns exec "$n0" ping -c1 -W1 10.1.1.2
	assert_success
	assert_output --partial '1 received'
	run netns list
	assert_line --regexp "^$n0( |\$)"
	assert_line --regexp "^$n1( |\$)"
	run ip netns list
	assert_line --regexp "^$n0( |\$)"
	assert_line --regexp "^$n1( |\$)"
	run netns delete "$n0" "$n1"
	assert_success
	[ ! -e "/run/netns/$n0" ] && [ ! -e "/run/netns/$n1" ]
	run ip netns list
	refute_output --partial "$n0"
	run ip -o link show
	refute_output --partial "$v0"
	refute_output --partial "$v1"
}

# --- S8 three namespaces on a bridge -------------------------------------

@test "S8: three namespaces on a bridge, every pair pings, nothing left" {
	cu_require_tool netns
	cu_require_tool vethctl
	local br n a b ports
	br=$(cu_name br)
	cu_track_link "$br"
	for n in 1 2 3; do cu_track_netns "$(cu_name s$n)"; done
	run vethctl bridge add "$br"
	assert_success
	for n in 1 2 3; do
		netns add "$(cu_name s$n)"
		run vethctl connect "$(cu_name s$n)" --bridge "$br" --addr "10.0.1.$n/24"
		assert_success
	done
	ports=$(ls "/sys/class/net/$br/brif")
	assert_equal "$(echo "$ports" | wc -w)" 3
	for a in 1 2 3; do
		for b in 1 2 3; do
			[ "$a" = "$b" ] && continue
			run netns exec "$(cu_name s$a)" ping -c1 -W1 "10.0.1.$b"
			assert_success
		done
	done
	for n in 1 2 3; do
		run vethctl disconnect "$(cu_name s$n)"
		assert_success
		netns delete "$(cu_name s$n)"
	done
	assert_equal "$(ls -A "/sys/class/net/$br/brif")" ''
	for a in $ports; do
		[ ! -e "/sys/class/net/$a" ]
	done
	run vethctl bridge del "$br"
	assert_success
	[ ! -e "/sys/class/net/$br" ]
}

# --- S9 reaching "outside" through the host ------------------------------

@test "S9: vethctl connect --addr auto --nat: default route, masquerade, forwarding, host address as source" {
	cu_require_tool netns
	cu_require_tool vethctl
	command -v socat >/dev/null || skip "socat not installed"
	local ns out br h o net srv
	ns=$(cu_name n1) out=$(cu_name out) br=$(cu_name br)
	h=$(cu_name h) o=$(cu_name o) net=$(sc_net)
	# The outside's /30: 10.(200-249).TEST.0
	local x=10.$(( 200 + ${BATS_ROOT_PID:-$$} % 50 )).$BATS_TEST_NUMBER
	cu_track_netns "$ns"; cu_track_netns "$out"
	cu_track_link "$br"; cu_track_link "$h"
	cu_on_teardown "vethctl disconnect $ns"
	# The "outside": a netns with a server, on a veth of its own.
	netns add "$ns" "$out"
	vethctl add "$h" "$o" --peer-netns "$out"
	vethctl addr add "$h" "$x.1/30"
	vethctl addr add "$o" "$x.2/30" --netns "$out"
	vethctl up "$h"
	vethctl up "$o" --netns "$out"
	# The container's network, as the article builds it by hand.
	vethctl bridge add "$br" --addr "$net.1/24"
	run vethctl connect "$ns" --bridge "$br" --addr auto --nat
	assert_success
	run ip -n "$ns" -4 -o addr show
	assert_output --regexp "inet $net\.[0-9]+/24"
	run ip -n "$ns" route show default
	assert_output --partial "via $net.1"
	run nft list ruleset
	assert_output --partial masquerade
	assert_output --partial "$net.0/24"
	assert_equal "$(cat /proc/sys/net/ipv4/ip_forward)" 1
	netns exec "$out" socat "TCP-LISTEN:7777,bind=$x.2,reuseaddr" \
		SYSTEM:'echo $SOCAT_PEERADDR' 3>&- &
	srv=$!
	cu_track_pid "$srv"
	sc_wait netns exec "$out" sh -c 'ss -ltn | grep -q :7777'
	run netns exec "$ns" socat -T 5 -u "TCP:$x.2:7777" -
	assert_success
	assert_output "$x.1"
}

# --- S10 cgroup CPU, memory and pids limits ------------------------------

# The group's own CPU usage counter, in microseconds.
sc_cpu_usec() {
	local f
	for f in /sys/fs/cgroup/cpuacct/$1/cpuacct.usage \
		/sys/fs/cgroup/cpu,cpuacct/$1/cpuacct.usage; do
		[ -r "$f" ] && { echo $(( $(cat "$f") / 1000 )); return; }
	done
	for f in /sys/fs/cgroup/unified/$1/cpu.stat /sys/fs/cgroup/$1/cpu.stat; do
		[ -r "$f" ] && { awk '$1 == "usage_usec" {print $2}' "$f"; return; }
	done
	return 1
}

# sc_cpu_share NAME: CPU time the group got over 2 s of wall time (ms),
# scaled to the wall time measured (a slow machine sleeps longer than 2 s).
sc_cpu_share() {
	local u0 u1 t0 t1
	sleep 0.5
	t0=$(date +%s%N)
	u0=$(sc_cpu_usec "$1") || return 1
	sleep 2
	u1=$(sc_cpu_usec "$1") || return 1
	t1=$(date +%s%N)
	echo $(( (u1 - u0) * 2000000 / ((t1 - t0) / 1000) / 1000 ))
}

sc_has_proc() {
	local f
	# a v1 or hybrid hierarchy's group, or the group itself on pure v2
	for f in /sys/fs/cgroup/*/"$1"/cgroup.procs /sys/fs/cgroup/"$1"/cgroup.procs; do
		grep -q . "$f" 2>/dev/null && return 0
	done
	return 1
}

@test "S10: cgset run --cpu 20%: a busy loop gets 0.4 s of CPU in 2 s" {
	cu_require_tool cgset
	local g ms pid
	g=$(cu_name c)
	sc_track_cgroup "$g"
	cgset run --name "$g" --cpu 20% -- sh -c 'while :; do :; done' > "$BATS_TEST_TMPDIR/log" 2>&1 3>&- &
	pid=$!
	cu_track_pid "$pid"
	sc_wait sc_has_proc "$g" || { cat "$BATS_TEST_TMPDIR/log"; false; }
	ms=$(sc_cpu_share "$g")
	echo "CPU time in 2 s: $ms ms"
	[ "$ms" -ge 300 ] && [ "$ms" -le 500 ]
	# cgset run forwards the signal, and removes the group once the loop ends.
	kill -TERM "$pid"
	sc_wait sh -c "! kill -0 $pid 2>/dev/null"
	sc_no_cgroup "$g"
}

@test "S10: cgset create + libcgroup's -r form + cgset add: the loop held to 20 %" {
	cu_require_tool cgset
	local g ms loop
	g=$(cu_name c)
	sc_track_cgroup "$g"
	run cgset create "$g"
	assert_success
	if [ -e /sys/fs/cgroup/cpu/cpu.cfs_quota_us ]; then
		run cgset -r cpu.cfs_quota_us=20000 "$g"
		assert_success
		assert_equal "$(cat "/sys/fs/cgroup/cpu/$g/cpu.cfs_quota_us")" 20000
	else
		run cgset -r cpu.max="20000 100000" "$g"
		assert_success
	fi
	sh -c 'while :; do :; done' 3>&- &
	loop=$!
	cu_track_pid "$loop"
	run cgset add "$g" "$loop"
	assert_success
	ms=$(sc_cpu_share "$g")
	echo "CPU time in 2 s: $ms ms"
	[ "$ms" -ge 300 ] && [ "$ms" -le 500 ]
	kill -KILL "$loop"
	sc_wait sh -c "! kill -0 $loop 2>/dev/null"
	run cgset delete "$g"
	assert_success
	sc_no_cgroup "$g"
}

@test "S10: cgset run --memory 32M: allocating 64 MiB is OOM-killed and show reports it" {
	cu_require_tool cgset
	local g
	g=$(cu_name c)
	sc_track_cgroup "$g"
	run -137 cgset run --name "$g" --keep --memory 32M -- \
		dd if=/dev/zero of=/dev/null bs=64M count=1
	run cgset show "$g"
	assert_success
	assert_output --regexp '[Oo][Oo][Mm][^0-9]*[1-9]'
	run cgset delete "$g"
	assert_success
	sc_no_cgroup "$g"
}

@test "S10: cgset run --pids 5: the 6th fork fails" {
	cu_require_tool cgset
	local g
	g=$(cu_name c)
	sc_track_cgroup "$g"
	run cgset run --name "$g" --pids 5 -- \
		sh -c 'for i in 1 2 3 4 5 6; do sleep 30 & echo "started $i"; done' 3>&-
	assert_failure
	assert_line 'started 4'
	refute_line 'started 5'
	assert_output --regexp '[Ff]ork|Resource temporarily unavailable'
	sc_no_cgroup "$g"
}

# --- S11 union of two directories ----------------------------------------

sc_ab() {
	cd "$BATS_TEST_TMPDIR"
	mkdir A B C U
	echo a > A/a; echo "x from A" > A/x
	echo b > B/b; echo "x from B" > B/x
}

@test "S11: unionmount -l A:B C: a, b and A's x, read-only" {
	cu_require_tool unionmount
	sc_ab
	cu_track_mount "$BATS_TEST_TMPDIR/C"
	run unionmount -l A:B C
	assert_success
	run ls C
	assert_output "$(printf 'a\nb\nx')"
	assert_equal "$(cat C/x)" "x from A"
	run touch C/new
	assert_failure
	run unionmount umount C
	assert_success
	run ! mountpoint -q C
}

@test "S11: unionmount --upper U: writes go to U, deletes leave a whiteout, diff shows A and D" {
	cu_require_tool unionmount
	sc_ab
	cu_track_mount "$BATS_TEST_TMPDIR/C"
	run unionmount -l A:B --upper U C
	assert_success
	echo new > C/new
	rm C/b
	[ -f U/new ] && [ ! -e A/new ] && [ ! -e B/new ]
	assert_equal "$(cat B/b)" b
	assert_equal "$(stat -c '%F %t:%T' U/b)" "character special file 0:0"
	run unionmount diff U
	assert_success
	assert_line 'A /new'
	assert_line 'D /b'
	run unionmount umount C
	assert_success
}

# --- S12 image layers and the container layer ----------------------------

# Three changesets: L1 adds, L2 changes and deletes (.wh.), L3 makes /dir
# opaque and adds to it.
sc_layers() {
	mkdir -p s1/etc s1/dir s2/etc s2/dir s3/dir
	echo one > s1/etc/a; echo bee > s1/etc/b; echo x > s1/dir/x; echo y > s1/dir/y
	echo keep > s1/keep
	echo two > s2/etc/a; : > s2/etc/.wh.b; echo new2 > s2/new2; echo z2 > s2/dir/z
	: > s3/dir/.wh..wh..opq; echo z3 > s3/dir/z; echo w > s3/dir/w
	local n
	for n in 1 2 3; do
		tar -C "s$n" -cf "L$n.tar" .
		mkdir "L$n"
		unionmount apply "L$n.tar" "L$n"
	done
}

# Every path with its type and content: the tree as a user sees it.
sc_tree() {
	(cd "$1" && find . -mindepth 1 | sort | while read -r p; do
		if [ -f "$p" ]; then echo "$p f $(cat "$p")"; else echo "$p $(stat -c %F "$p")"; fi
	done)
}

@test "S12: three layer tarballs stacked give what the changesets say, in order" {
	cu_require_tool unionmount
	cd "$BATS_TEST_TMPDIR"
	sc_layers
	assert_equal "$(stat -c '%F %t:%T' L2/etc/b)" "character special file 0:0"
	mkdir U T
	cu_track_mount "$BATS_TEST_TMPDIR/T"
	run unionmount -l L3:L2:L1 --upper U T
	assert_success
	run sc_tree T
	assert_output "$(printf '%s\n' './dir directory' './dir/w f w' './dir/z f z3' \
		'./etc directory' './etc/a f two' './keep f keep' './new2 f new2')"
	run unionmount umount T
	assert_success
}

@test "S12: unionmount commit of the container layer reproduces the container exactly" {
	cu_require_tool unionmount
	cd "$BATS_TEST_TMPDIR"
	sc_layers
	mkdir U T L4 T2
	cu_track_mount "$BATS_TEST_TMPDIR/T"
	cu_track_mount "$BATS_TEST_TMPDIR/T2"
	unionmount -l L3:L2:L1 --upper U T
	echo hello > T/etc/greeting; rm T/etc/a; rm -r T/dir; mkdir T/dir; echo v > T/dir/v
	echo changed > T/keep
	run unionmount commit U -o c.tar
	assert_success
	run tar -tf c.tar
	assert_line --regexp '(^|/)etc/\.wh\.a$'
	run unionmount apply c.tar L4
	assert_success
	run unionmount -l L4:L3:L2:L1 T2
	assert_success
	assert_equal "$(sc_tree T2)" "$(sc_tree T)"
	unionmount umount T2
	unionmount umount T
}

# --- S13 docker exec -----------------------------------------------------

@test "S13: nsenter2 -t PID enters a container made by nsrun: hostname, PID 1, --list" {
	cu_require_tool nsrun
	cu_require_tool nsenter2
	local f=$BATS_TEST_TMPDIR/pid pid t ours theirs
	nsrun --pid --mount-proc --uts --hostname c1 --net --pidfile "$f" sleep 100 \
		>/dev/null 2>&1 3>&- &
	cu_track_pid "$!"
	sc_wait test -s "$f"
	pid=$(cat "$f")
	cu_track_pid "$pid"
	run --separate-stderr nsenter2 -t "$pid" --all hostname
	assert_success
	assert_output c1
	run --separate-stderr nsenter2 -t "$pid" --all ps -eo pid,comm
	assert_success
	assert_line --regexp '^ *1 sleep$'
	run --separate-stderr nsenter2 -t "$pid" --list --raw --noheadings --output TYPE,NS
	assert_success
	for t in pid uts net mnt ipc user cgroup; do
		ours=$(stat -L -c %i "/proc/self/ns/$t")
		theirs=$(stat -L -c %i "/proc/$pid/ns/$t")
		assert_line "$t $theirs"
		case $t in
		pid|uts|net|mnt) [ "$ours" != "$theirs" ] ;;
		*) [ "$ours" = "$theirs" ] ;;
		esac
	done
}

# --- S14 volumes ---------------------------------------------------------

@test "S14: nsrun -v HOSTDIR:/test binds the host directory; :ro refuses writes" {
	cu_require_tool nsrun
	local r=$BATS_TEST_TMPDIR/rootfs h=$BATS_TEST_TMPDIR/home
	sc_rootfs "$r"
	mkdir "$h"
	run --separate-stderr nsrun --root "$r" -v "$h:/test" sh -c 'echo hi > /test/f'
	assert_success
	assert_equal "$(cat "$h/f")" hi
	run nsrun --root "$r" -v "$h:/test:ro" sh -c 'echo no > /test/g'
	assert_failure
	assert_output --partial 'Read-only file system'
	[ ! -e "$h/g" ]
}

@test "S14: nsrun -v /test: an empty writable anonymous volume" {
	cu_require_tool nsrun
	local r=$BATS_TEST_TMPDIR/rootfs
	sc_rootfs "$r"
	run --separate-stderr nsrun --root "$r" -v /test sh -c 'ls -A /test | wc -l; echo x > /test/y && cat /test/y'
	assert_success
	assert_output "$(printf '0\nx')"
}

@test "S14: the host's mount table never shows the container's volumes" {
	cu_require_tool nsrun
	local r=$BATS_TEST_TMPDIR/rootfs h=$BATS_TEST_TMPDIR/home
	sc_rootfs "$r"
	mkdir "$h"
	local pid vols
	vols=$(ls -d "${TMPDIR:-/tmp}"/nsrun-volume.* 2>/dev/null | sort)
	nsrun --root "$r" -v "$h:/test" -v /anon sh -c 'touch /test/ready; sleep 30' \
		>/dev/null 2>&1 3>&- &
	pid=$!
	cu_track_pid "$pid"
	sc_wait test -e "$h/ready"
	run grep -F -e "$r" -e "$h" -e ' /test ' -e ' /anon ' /proc/self/mountinfo
	assert_output ''
	# SIGTERM is forwarded; nsrun then removes the anonymous volume of /anon
	kill -TERM "$pid"
	wait "$pid" || true
	assert_equal "$(ls -d "${TMPDIR:-/tmp}"/nsrun-volume.* 2>/dev/null | sort)" "$vols"
}

# --- S15 time namespace --------------------------------------------------

@test "S15: nsrun --time --boottime 86400: /proc/uptime one day larger" {
	cu_require_tool nsrun
	[ -e /proc/self/ns/time ] || skip "no time namespaces (CONFIG_TIME_NS)"
	local before after inside
	before=$(cut -d. -f1 /proc/uptime)
	run --separate-stderr nsrun --time --boottime 86400 cat /proc/uptime
	assert_success
	inside=${output%%.*}
	after=$(cut -d. -f1 /proc/uptime)	# seconds later under emulation
	[ $(( inside - 86400 )) -ge "$before" ] && [ $(( inside - 86400 )) -le $(( after + 1 )) ]
}

@test "S15: nsrun --time --monotonic 86400: CLOCK_MONOTONIC one day ahead" {
	cu_require_tool nsrun
	[ -e /proc/self/ns/time ] || skip "no time namespaces (CONFIG_TIME_NS)"
	local prog=$BATS_TEST_TMPDIR/mono before after inside
	printf '%s\n' '#include <stdio.h>' '#include <time.h>' \
		'int main(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t);' \
		'printf("%ld\n", (long)t.tv_sec); return 0; }' > "$prog.c"
	cc -o "$prog" "$prog.c" || skip "no C compiler"
	before=$("$prog")
	run --separate-stderr nsrun --time --monotonic 86400 "$prog"
	assert_success
	inside=$output
	after=$("$prog")
	[ $(( inside - 86400 )) -ge "$before" ] && [ $(( inside - 86400 )) -le $(( after + 1 )) ]
}

# --- the busybox container demo ------------------------------------------

# Everything the demo may make under the name N, registered for teardown,
# and the demo's environment: a bridge and subnet of this test.
sc_demo_setup() {
	local n=$1
	export CONTAINER_BRIDGE CONTAINER_SUBNET
	CONTAINER_BRIDGE=$(cu_name b) CONTAINER_SUBNET=$(sc_net).1/24
	cu_on_teardown "rm -rf --one-file-system /run/container-utils/containers/$n"
	cu_track_link "$CONTAINER_BRIDGE"
	cu_track_netns "$n"
	sc_track_cgroup "$n"
	cu_track_mount "/run/container-utils/containers/$n/rootfs"
}

# Nothing of container N is left: netns, links, mounts, cgroups, work dir.
sc_demo_gone() {
	local n=$1
	[ ! -e "/run/netns/$n" ] || { echo "netns $n left"; return 1; }
	[ ! -e "/sys/class/net/$CONTAINER_BRIDGE" ] || { echo "bridge left"; return 1; }
	! grep -q "/run/container-utils/containers/$n" /proc/self/mountinfo || { echo "mount left"; return 1; }
	sc_no_cgroup "$n" || { echo "cgroup $n left"; return 1; }
	[ ! -e "/run/container-utils/containers/$n" ] || { echo "work dir left"; return 1; }
}

# As sc_demo_gone, but the work dir holds the kept container layer alone.
sc_demo_gone_but_upper() {
	local n=$1
	[ "$(ls -A "/run/container-utils/containers/$n")" = upper ] || { echo "work dir: more than upper"; return 1; }
	rm -rf --one-file-system "/run/container-utils/containers/$n"
	sc_demo_gone "$n"
}

sc_demo_tools() {	# [TOOL...]: default all five the demo uses
	local t
	[ $# -gt 0 ] || set -- nsrun netns vethctl cgset unionmount
	for t in "$@"; do cu_require_tool "$t"; done
}

@test "demo: examples/container.sh runs sh as PID 1 with hostname, eth0, cgroup and uid 0, and leaves nothing" {
	sc_demo_tools
	local n
	n=$(cu_name d)
	sc_demo_setup "$n"
	run --separate-stderr bash "$CU_TOPDIR/examples/container.sh" --name "$n" < /dev/null
	assert_success
	assert_line --regexp '^ *1 +root +([0-9:]+ +)?/bin/sh'
	assert_line "$n"
	assert_output --regexp 'eth0'
	assert_output --regexp "inet $(sc_net | sed 's/\./\\./g')\.[0-9]+/24"
	assert_line --regexp "^[0-9]+:[a-z,=_]*(memory|cpu|pids)[a-z,]*:/$n\$"
	assert_line --regexp '^uid=0\(root\) gid=0\(root\)'
	sc_demo_gone "$n"
}

@test "demo: --no-net gives only loopback; --exec runs the command as PID 1" {
	sc_demo_tools nsrun cgset unionmount
	local n
	n=$(cu_name d)
	sc_demo_setup "$n"
	run --separate-stderr bash "$CU_TOPDIR/examples/container.sh" --name "$n" --no-net \
		--exec 'echo pid=$$; ls /sys/class/net 2>/dev/null || ip -o link | cut -d: -f2' < /dev/null
	assert_success
	assert_line 'pid=1'
	refute_output --partial eth0
	sc_demo_gone "$n"
}

# Run the demo with FILE bind-mounted over /etc/resolv.conf (in a mount
# namespace of its own): the host's resolver configuration as the demo sees it.
sc_demo_with_resolv() {
	local f=$1
	shift
	unshare --mount --propagation private -- bash -c \
		'mount --bind "$1" /etc/resolv.conf && shift && exec bash "$@"' \
		_ "$f" "$CU_TOPDIR/examples/container.sh" "$@" < /dev/null
}

@test "demo: Docker's init layer: /etc/hostname, /etc/hosts and /etc/resolv.conf made for the container, loopback nameservers left out, none in the container layer" {
	sc_demo_tools
	local n r=$BATS_TEST_TMPDIR/resolv.conf
	n=$(cu_name d)
	sc_demo_setup "$n"
	cu_on_teardown "rm -rf --one-file-system /run/container-utils/containers/$n"
	printf 'search example.org\nnameserver 127.0.0.53\nnameserver 192.0.2.53\nnameserver ::1\noptions edns0\n' > "$r"
	run --separate-stderr sc_demo_with_resolv "$r" --name "$n" --keep --exec \
		'for f in hostname hosts resolv.conf; do echo "== $f"; cat /etc/$f; done
		echo "== mounts"; grep -oE " /etc/(hostname|hosts|resolv.conf) " /proc/self/mountinfo
		echo changed >> /etc/hosts'
	assert_success
	# hostname: the container's name
	assert_equal "$(sed -n '/^== hostname/,/^== hosts/p' <<< "$output" | sed -n 2p)" "$n"
	# hosts: localhost, the IPv6 names, the container's address and name
	assert_line --regexp $'^127\.0\.0\.1\tlocalhost$'
	assert_line --regexp $'^::1\tlocalhost ip6-localhost ip6-loopback$'
	assert_line --regexp $'^ff02::2\tip6-allrouters$'
	assert_line --regexp "^$(sc_net | sed 's/\./\\./g')\.[0-9]+"$'\t'"$n\$"
	# resolv.conf: the host's, without 127.0.0.53 and ::1
	assert_equal "$(sed -n '/^== resolv.conf/,/^== mounts/p' <<< "$output" | sed '1d;$d')" \
		"$(printf 'search example.org\nnameserver 192.0.2.53\noptions edns0')"
	# each is a bind mount, as Docker's are
	assert_equal "$(sed -n '/^== mounts/,$p' <<< "$output" | sed 1d | sort | tr -d ' ' | tr '\n' ,)" \
		"/etc/hostname,/etc/hosts,/etc/resolv.conf,"
	# the container layer holds none of them: a write went to the file
	# made for the container, the init layer gave the mount points
	run find "/run/container-utils/containers/$n/upper" -path '*/etc/*'
	assert_output ''
	sc_demo_gone_but_upper "$n"
}

@test "demo: only loopback nameservers on the host: the container gets Docker's fallback, Google's" {
	sc_demo_tools nsrun cgset unionmount
	[ ! -e /run/systemd/resolve/resolv.conf ] || skip "systemd-resolved's servers are used instead"
	local n r=$BATS_TEST_TMPDIR/resolv.conf
	n=$(cu_name d)
	sc_demo_setup "$n"
	printf 'nameserver 127.0.0.53\noptions edns0 trust-ad\n' > "$r"
	run --separate-stderr sc_demo_with_resolv "$r" --name "$n" --no-net --exec 'cat /etc/resolv.conf; cat /etc/hosts'
	assert_success
	assert_output "$(printf 'options edns0 trust-ad\nnameserver 8.8.8.8\nnameserver 8.8.4.4\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters')"
	sc_demo_gone "$n"
}

@test "demo: --image LAYER.tar and --keep keep the container layer" {
	sc_demo_tools nsrun cgset unionmount
	local n img=$BATS_TEST_TMPDIR/img
	n=$(cu_name d)
	sc_demo_setup "$n"
	sc_rootfs "$img"
	tar -C "$img" -cf "$BATS_TEST_TMPDIR/layer.tar" .
	run --separate-stderr bash "$CU_TOPDIR/examples/container.sh" --name "$n" --no-net --keep \
		--image "$BATS_TEST_TMPDIR/layer.tar" --exec 'cat /etc/os-release; echo kept > /kept' < /dev/null
	assert_success
	assert_output --partial 'NAME="cu-rootfs"'
	assert_equal "$(cat "/run/container-utils/containers/$n/upper/kept")" kept
	rm -rf "/run/container-utils/containers/$n"
	sc_demo_gone "$n"
}

# Start the demo in the background with --exec 'sleep 30', wait until the
# sleep runs in its netns, send SIGNAL, and check that it cleaned up.
sc_demo_interrupt() {
	local sig=$1 code=$2 n pid
	n=$(cu_name d)
	sc_demo_setup "$n"
	env --default-signal=INT bash "$CU_TOPDIR/examples/container.sh" --name "$n" \
		--exec 'sleep 30' < /dev/null > "$BATS_TEST_TMPDIR/log" 2>&1 3>&- &
	pid=$!
	cu_track_pid "$pid"
	sc_wait sh -c "ip netns pids $n 2>/dev/null | grep -q ." ||
		{ cat "$BATS_TEST_TMPDIR/log"; return 1; }
	sc_no_cgroup "$n" && { echo "no cgroup while running"; return 1; }
	kill "-$sig" "$pid"
	sc_wait sh -c "! kill -0 $pid 2>/dev/null"
	local rc=0
	wait "$pid" || rc=$?
	cat "$BATS_TEST_TMPDIR/log"
	assert_equal "$rc" "$code"
	sc_demo_gone "$n"
}

@test "demo: SIGINT halfway (Ctrl-C) still tears everything down" {
	sc_demo_tools
	sc_demo_interrupt INT 130
}

@test "demo: SIGTERM halfway still tears everything down" {
	sc_demo_tools
	sc_demo_interrupt TERM 143
}

@test "demo: SIGHUP (the terminal closed) still tears everything down" {
	sc_demo_tools
	sc_demo_interrupt HUP 129
}

@test "demo: a step failing halfway (bad bridge address) undoes the steps before it" {
	sc_demo_tools
	local n
	n=$(cu_name d)
	sc_demo_setup "$n"
	CONTAINER_SUBNET=300.1.1.1/24 run --separate-stderr bash "$CU_TOPDIR/examples/container.sh" --name "$n" < /dev/null
	assert_failure
	[[ $stderr == *300.1.1.1* ]]
	sc_demo_gone "$n"
}

@test "demo: --help lists the options; a bad option or name changes nothing" {
	run --separate-stderr bash "$CU_TOPDIR/examples/container.sh" --help
	assert_success
	for o in --name --image --exec --no-net --privileged --keep --help; do
		assert_output --partial -- "$o"
	done
	# it says that the container is confined, and how to opt out
	assert_output --partial 'The container is confined as docker run confines it'
	run --separate-stderr bash "$CU_TOPDIR/examples/container.sh" --bogus
	assert_failure
	[[ $stderr == *--bogus* ]]
	sc_demo_tools nsrun cgset unionmount
	run --separate-stderr bash "$CU_TOPDIR/examples/container.sh" --name '../x'
	assert_failure
	[[ $stderr == *"bad --name"* ]]
	[ ! -e /run/container-utils/x ] && [ ! -e /run/container-utils/containers/x ]
}

# --- the example scripts -------------------------------------------------

@test "examples: every article-section script runs and cleans up after itself" {
	sc_demo_tools
	cu_require_tool nsenter2
	cu_require_user
	local s p
	p=$(cu_name x)
	for s in net0 net1 ns1 ns2 ns3; do cu_track_netns "$p$s"; done
	cu_track_link "${p}br0"
	sc_track_cgroup "${p}cpu"
	for s in pid-namespace user-namespace veth-pair bridge cgroup-cpu union \
		layers-commit exec volumes; do
		run env EXAMPLE_PREFIX="$p" bash "$CU_TOPDIR/examples/$s.sh" < /dev/null
		echo "== $s: $status"
		echo "$output"
		assert_success
	done
	run bash -c "ls -A /run/netns 2>/dev/null | grep '^$p'; ip -o link | grep '$p'; \
		find /sys/fs/cgroup -maxdepth 2 -name '$p*'; grep '$p' /proc/self/mountinfo"
	assert_output ''
}
