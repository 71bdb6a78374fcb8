#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# netns(8): named network namespaces in /run/netns, checked in kernel state
# (mountinfo, nsfs inodes, links inside) and against iproute2's `ip netns`.
load helpers/common

setup_file() {
	# A mount(2) that fails for one target: injects a failure into the
	# bind step of `netns add` without touching the tool's code.
	cat > "$BATS_FILE_TMPDIR/failmount.c" <<-'EOF'
	#define _GNU_SOURCE
	#include <dlfcn.h>
	#include <errno.h>
	#include <stdlib.h>
	#include <string.h>
	#include <sys/mount.h>
	int mount(const char *src, const char *tgt, const char *fs,
		  unsigned long fl, const void *data)
	{
		const char *fail = getenv("CU_FAIL_MOUNT_ON");
		int (*real)(const char *, const char *, const char *,
			    unsigned long, const void *);

		if (fail && tgt && strstr(tgt, fail) && (fl & MS_BIND)) {
			errno = EPERM;
			return -1;
		}
		real = (int (*)(const char *, const char *, const char *,
				unsigned long, const void *)) dlsym(RTLD_NEXT, "mount");
		return real(src, tgt, fs, fl, data);
	}
	EOF
	cc -shared -fPIC -o "$BATS_FILE_TMPDIR/failmount.so" \
		"$BATS_FILE_TMPDIR/failmount.c" -ldl
}

setup() {
	cu_setup
	cu_require_root
	cu_require_tool netns
}

# The nsfs inode a name refers to ("" when it is no mount).
ns_ino() {
	stat -L -c %i "/run/netns/$1" 2>/dev/null
}

is_nsfs_mount() {
	grep -qE " /run/netns/$1 [^ ]+ .* - nsfs " /proc/self/mountinfo
}

# Run a script in a private mount namespace with an empty /run/netns of its
# own (a tmpfs), so --all and first-time set-up never meet other names.
in_private_run_netns() {
	unshare --mount --propagation private bash -c '
		mount -t tmpfs cu-netns-test /run || exit 99
		eval "$1"' bash "$1"
}

@test "add: an nsfs bind mount, only lo inside and up, /run/netns shared" {
	local n
	n=$(cu_name a)
	cu_track_netns "$n"
	run netns add "$n"
	assert_success
	assert_output ''
	is_nsfs_mount "$n"
	[ "$(ns_ino "$n")" != "$(stat -L -c %i /proc/self/ns/net)" ]
	# the mount point, not the root field: that is /run/netns where /run is
	# on the root file system, /netns on a tmpfs /run (systemd hosts)
	awk '$5 == "/run/netns" { for (i = 7; $i != "-"; i++) if ($i ~ /^shared:/) ok = 1 }
	     END { exit !ok }' /proc/self/mountinfo
	run ip -n "$n" -o link show
	assert_success
	assert_output --regexp '^1: lo: <LOOPBACK,UP,'
	[ "${#lines[@]}" -eq 1 ]
	run netns exec "$n" ping -c1 -W1 127.0.0.1
	assert_success
}

@test "add NAME...: several names, each its own namespace" {
	local a b c
	a=$(cu_name a) b=$(cu_name b) c=$(cu_name c)
	cu_track_netns "$a"; cu_track_netns "$b"; cu_track_netns "$c"
	run netns add "$a" "$b" "$c"
	assert_success
	is_nsfs_mount "$a" && is_nsfs_mount "$b" && is_nsfs_mount "$c"
	[ "$(ns_ino "$a")" != "$(ns_ino "$b")" ]
	[ "$(ns_ino "$b")" != "$(ns_ino "$c")" ]
}

@test "add of many names at once: each its own new namespace, lo up in each" {
	local n names=() inos=() self
	self=$(stat -L -c %i /proc/self/ns/net)
	for n in 1 2 3 4 5 6 7 8; do
		names+=("$(cu_name m$n)")
		cu_track_netns "${names[-1]}"
	done
	run netns add "${names[@]}"
	assert_success
	for n in "${names[@]}"; do
		is_nsfs_mount "$n"
		inos+=("$(ns_ino "$n")")
		run ip -n "$n" -o link show lo
		assert_output --regexp '^1: lo: <LOOPBACK,UP,'
	done
	# 8 distinct namespaces, none of them ours
	[ "$(printf '%s\n' "${inos[@]}" "$self" | sort -u | wc -l)" -eq 9 ]
}

@test "failing add leaves nothing: names in the middle of many fail, the first is named" {
	local n names=()
	for n in w1 w2 w3 fz4 w5 w6 fz7 w8; do
		names+=("$(cu_name $n)")
		cu_track_netns "${names[-1]}"
	done
	run --separate-stderr env LD_PRELOAD="$BATS_FILE_TMPDIR/failmount.so" \
		ASAN_OPTIONS="$ASAN_OPTIONS:verify_asan_link_order=0" \
		CU_FAIL_MOUNT_ON="$(cu_id)fz" netns add "${names[@]}"
	assert_failure 1
	[[ "$stderr" == "netns: cannot bind the new namespace on /run/netns/${names[3]}: Operation not permitted" ]]
	for n in "${names[@]}"; do
		[ ! -e "/run/netns/$n" ] || fail "/run/netns/$n is left"
		! grep -q " /run/netns/$n " /proc/self/mountinfo || fail "a mount on $n is left"
	done
}

@test "add of an existing name: one-line error, the namespace is left as it was" {
	local n ino
	n=$(cu_name a)
	cu_track_netns "$n"
	netns add "$n"
	ino=$(ns_ino "$n")
	run --separate-stderr netns add "$n"
	assert_failure 1
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == "netns: network namespace '$n' already exists: File exists" ]]
	[ "$(ns_ino "$n")" = "$ino" ]
}

@test "bad names: one-line error naming the value, nothing created" {
	local good long
	good=$(cu_name g)
	cu_track_netns "$good"
	long=$(printf "$(cu_id)%0300d" 0)
	for bad in "a/b" "." ".." "" "$long"; do
		run --separate-stderr netns add "$good" "$bad"
		assert_failure 1
		[ "${#stderr_lines[@]}" -eq 1 ] || fail "'$bad': $stderr"
		[[ "$stderr" == "netns: invalid namespace name: "* ]] || fail "$stderr"
		[ ! -e "/run/netns/$good" ] || fail "'$good' was created with '$bad'"
	done
	run --separate-stderr netns add "$(cu_id)x/y"
	[[ "$stderr" == *"'$(cu_id)x/y' (a name cannot contain '/')" ]]
	run ls -A /run/netns
	refute_output --partial "$(cu_id)"
}

@test "failing add leaves nothing: the bind mount fails" {
	local n
	n=$(cu_name f)
	cu_track_netns "$n"
	run --separate-stderr env LD_PRELOAD="$BATS_FILE_TMPDIR/failmount.so" \
		ASAN_OPTIONS="$ASAN_OPTIONS:verify_asan_link_order=0" \
		CU_FAIL_MOUNT_ON="$n" netns add "$n"
	assert_failure 1
	[[ "$stderr" == "netns: cannot bind the new namespace on /run/netns/$n: Operation not permitted" ]]
	[ ! -e "/run/netns/$n" ]
	! grep -q "/run/netns/$n " /proc/self/mountinfo
}

@test "failing add leaves nothing: the 2nd name fails, the 1st is undone" {
	local a b
	a=$(cu_name a) b=$(cu_name b)
	cu_track_netns "$a"; cu_track_netns "$b"
	run --separate-stderr env LD_PRELOAD="$BATS_FILE_TMPDIR/failmount.so" \
		ASAN_OPTIONS="$ASAN_OPTIONS:verify_asan_link_order=0" \
		CU_FAIL_MOUNT_ON="$b" netns add "$a" "$b"
	assert_failure 1
	[ ! -e "/run/netns/$a" ] && [ ! -e "/run/netns/$b" ]
	! grep -qE "/run/netns/($a|$b) " /proc/self/mountinfo
}

@test "failing add leaves nothing: no CAP_SYS_ADMIN to create the namespace" {
	local n p
	n=$(cu_name f) p=$(cu_name p)
	cu_track_netns "$p"; cu_track_netns "$n"
	netns add "$p"		# /run/netns is set up already
	run --separate-stderr setpriv --inh-caps=-sys_admin --bounding-set=-sys_admin \
		-- "$CU_BUILDDIR/netns" add "$n"
	assert_failure 1
	[[ "$stderr" == "netns: cannot create network namespace: Operation not permitted" ]]
	[ ! -e "/run/netns/$n" ]
}

@test "first-time set-up under the lock: parallel adds make exactly one /run/netns mount" {
	run in_private_run_netns '
		for i in 1 2 3 4 5 6 7 8; do netns add p$i & done; wait
		grep -c " /netns /run/netns .* cu-netns-test " /proc/self/mountinfo
		grep " /netns /run/netns .* cu-netns-test " /proc/self/mountinfo | grep -c shared:
		grep -c " /run/netns/p[0-9] .* nsfs " /proc/self/mountinfo
		netns delete --all; ls -A /run/netns | wc -l'
	assert_success
	assert_output $'1\n1\n8\n0'
}

@test "delete: unmounts and unlinks; the namespace goes with its last user" {
	local n
	n=$(cu_name d)
	cu_track_netns "$n"
	netns add "$n"
	run netns delete "$n"
	assert_success
	assert_output ''
	[ ! -e "/run/netns/$n" ]
	! grep -q "/run/netns/$n " /proc/self/mountinfo
	run --separate-stderr netns delete "$n"
	assert_failure 1
	[[ "$stderr" == "netns: network namespace '$n' does not exist: No such file or directory" ]]
}

@test "delete of a name with mounts stacked on it detaches them all" {
	local n m
	n=$(cu_name k) m=$(cu_name m)
	cu_track_netns "$n"; cu_track_netns "$m"
	netns add "$n" "$m"
	mount --bind "/run/netns/$m" "/run/netns/$n"
	mount --bind "/run/netns/$m" "/run/netns/$n"
	[ "$(grep -c " /run/netns/$n " /proc/self/mountinfo)" -eq 3 ]
	run netns delete "$n"
	assert_success
	assert_output ''
	[ ! -e "/run/netns/$n" ]
	! grep -q " /run/netns/$n " /proc/self/mountinfo
	is_nsfs_mount "$m"
}

@test "delete of a stale plain file (no namespace on it) removes it" {
	local n
	n=$(cu_name s)
	cu_track_netns "$n"
	mkdir -p /run/netns
	: > "/run/netns/$n"
	run netns list --noheadings -o NAME,PROCS
	assert_line --regexp "^$n +\$"
	run netns delete "$n"
	assert_success
	[ ! -e "/run/netns/$n" ]
}

@test "delete of a namespace still in use: warns with the PID, the namespace lives on" {
	local n pid ino
	n=$(cu_name u)
	cu_track_netns "$n"
	netns add "$n"
	ip -n "$n" link add "$(cu_name du)" type veth peer name "$(cu_name dv)"
	ino=$(ns_ino "$n")
	netns exec "$n" sleep 60 &
	pid=$!
	cu_track_pid "$pid"
	for _ in $(seq 50); do
		[ "$(stat -L -c %i "/proc/$pid/ns/net")" = "$ino" ] && break
		sleep 0.1
	done
	run --separate-stderr netns delete "$n"
	assert_success
	[[ "$stderr" == "netns: network namespace '$n' is still used by 1 process (PID $pid): it lives on until it exits" ]]
	[ ! -e "/run/netns/$n" ]
	[ "$(stat -L -c %i "/proc/$pid/ns/net")" = "$ino" ]
	run nsenter --net="/proc/$pid/ns/net" ip -o link show "$(cu_name du)"
	assert_success
}

@test "delete of a namespace held by an open file only: no warning, it lives on" {
	local n ino
	n=$(cu_name o)
	cu_track_netns "$n"
	netns add "$n"
	ino=$(ns_ino "$n")
	run --separate-stderr bash -c 'exec 3< "/run/netns/$1" && netns delete "$1" &&
		stat -L -c %i /proc/self/fd/3' bash "$n"
	assert_success
	assert_equal "$stderr" ''
	assert_output "$ino"
	[ ! -e "/run/netns/$n" ]
}

@test "delete of an unused namespace: no walk of /proc (nsfs file handles)" {
	command -v strace >/dev/null || skip "strace is not installed"
	local a b
	a=$(cu_name a) b=$(cu_name b)
	cu_track_netns "$a"; cu_track_netns "$b"
	netns add "$a" "$b"
	run strace -f -qq -e trace=name_to_handle_at,open_by_handle_at,openat -- \
		"$CU_BUILDDIR/netns" delete "$a" "$b"
	assert_success
	if grep -q '^name_to_handle_at(.* = -1 ' <<< "$output"; then
		skip "no file handles for nsfs files (Linux 6.18)"
	fi
	[ "$(grep -c '^open_by_handle_at(.* = -1 ESTALE' <<< "$output")" -eq 2 ]
	refute_output --partial 'openat(AT_FDCWD, "/proc", '
	[ ! -e "/run/netns/$a" ] && [ ! -e "/run/netns/$b" ]
}

@test "delete --all and exec --all, in a mount namespace of their own" {
	run in_private_run_netns '
		netns add x1 x2 x3 || exit 1
		netns exec --all -- sh -c "ip -o link | wc -l"
		echo "rc=$?"
		netns exec --all sh -c "[ \$(ip netns identify) != x2 ]"
		echo "rc=$?"
		netns delete --all
		echo "rc=$? left=$(ls -A /run/netns | wc -l)"'
	assert_success
	assert_output $'netns: x1\n1\nnetns: x2\n1\nnetns: x3\n1\nrc=0\nnetns: x1\nnetns: x2\nnetns: x3\nrc=1\nrc=0 left=0'
}

@test "list: NAME NSID PROCS IFACES, --json --raw --noheadings --output" {
	local a b pid
	a=$(cu_name a) b=$(cu_name b)
	cu_track_netns "$a"; cu_track_netns "$b"
	cu_track_link "$(cu_name v0)"
	netns add "$a" "$b"
	ip link add "$(cu_name v0)" type veth peer name "$(cu_name v1)" netns "$b"
	ip link set "$(cu_name v0)" netns "$b"
	netns exec "$a" sleep 60 &
	pid=$!
	cu_track_pid "$pid"
	for _ in $(seq 50); do
		[ "$(netns pids "$a")" = "$pid" ] && break
		sleep 0.1
	done
	run netns list
	assert_success
	assert_line --index 0 --regexp '^NAME +NSID +PROCS +IFACES$'
	assert_line --regexp "^$a +1 +1\$"
	assert_line --regexp "^$b +([0-9]+ +)?0 +3\$"
	run netns list --json -o +NS
	assert_success
	run jq -c ".netns[] | select(.name == \"$b\") | [.procs, .ifaces, .ns]" <<< "$output"
	assert_output "[0,3,$(ns_ino "$b")]"
	run netns list --raw --noheadings --output NAME,IFACES,PATH
	assert_line "$a 1 /run/netns/$a"
	refute_line --partial NAME
	run netns list -o +NS
	assert_line --index 0 --regexp '^NAME +NSID +PROCS +IFACES +NS$'
	run --separate-stderr netns list -o BOGUS
	assert_failure 1
	[[ "$stderr" == "netns: unknown column: 'BOGUS' (see --help for the list)" ]]
	run --separate-stderr netns add --json "$a"
	assert_failure 1
}

@test "set NAME NSID|auto: RTM_NEWNSID, seen by ip netns list and netns list" {
	local a b
	a=$(cu_name a) b=$(cu_name b)
	cu_track_netns "$a"; cu_track_netns "$b"
	netns add "$a" "$b"
	run netns set "$a" 4242
	assert_success
	run ip netns list
	assert_line "$a (id: 4242)"
	run netns list --noheadings -o NAME,NSID
	assert_line --regexp "^$a +4242\$"
	run --separate-stderr netns set "$a" 7
	assert_failure 1
	[[ "$stderr" == "netns: cannot set the nsid of '$a' to 7: File exists (Peer netns already has a nsid assigned)" ]]
	run netns set "$b" auto
	assert_success
	run jq -e ".netns[] | select(.name == \"$b\") | .id >= 0" <<< "$(netns list -J -o +NS)"
	assert_success
	run --separate-stderr netns set "$b" -- -3
	assert_failure 1
	[[ "$stderr" == "netns: invalid nsid: '-3' (give a number from 0 to 2147483647, or auto)" ]]
}

@test "attach, identify (every name), pids" {
	local a b pid
	a=$(cu_name a) b=$(cu_name b)
	cu_track_netns "$a"; cu_track_netns "$b"
	netns add "$a"
	netns exec "$a" sleep 60 &
	pid=$!
	cu_track_pid "$pid"
	for _ in $(seq 50); do
		[ "$(netns pids "$a")" = "$pid" ] && break
		sleep 0.1
	done
	run netns attach "$b" "$pid"
	assert_success
	is_nsfs_mount "$b"
	[ "$(ns_ino "$b")" = "$(ns_ino "$a")" ]
	run netns identify "$pid"
	assert_output "$a"$'\n'"$b"
	run netns exec "$b" netns identify
	assert_output "$a"$'\n'"$b"
	run netns pids "$b"
	assert_output "$pid"
	run ip netns pids "$a"
	assert_output "$pid"
	run --separate-stderr netns attach "$(cu_name c)" 0
	assert_failure 1
	[[ "$stderr" == "netns: invalid PID: '0' (give a process ID)" ]]
}

@test "interop: what netns add makes, ip netns list/exec/delete see and use" {
	local n
	n=$(cu_name i)
	cu_track_netns "$n"
	netns add "$n"
	run ip netns list
	assert_line --regexp "^$n( |\$)"
	run ip netns exec "$n" ip -o link show
	assert_output --regexp '^1: lo: '
	[ "${#lines[@]}" -eq 1 ]
	run ip netns exec "$n" netns identify
	assert_output "$n"
	run ip netns delete "$n"
	assert_success
	[ ! -e "/run/netns/$n" ]
	! grep -q "/run/netns/$n " /proc/self/mountinfo
}

@test "interop: what ip netns add makes, netns list/exec/delete see and use" {
	local n
	n=$(cu_name j)
	cu_track_netns "$n"
	ip netns add "$n"
	ip -n "$n" link add "$(cu_name jd)" type veth peer name "$(cu_name je)"
	run netns list --noheadings -o NAME,IFACES
	assert_line --regexp "^$n +3\$"
	run netns exec "$n" ls /sys/class/net
	assert_output "$(cu_name jd)"$'\n'"$(cu_name je)"$'\n'"lo"
	run netns delete "$n"
	assert_success
	[ ! -e "/run/netns/$n" ]
	! ip netns list | grep -qE "^$n( |\$)"
}

@test "exec: /sys/class/net is the namespace's, /etc/netns/NAME/resolv.conf is bound" {
	local n
	n=$(cu_name e)
	cu_track_netns "$n"
	cu_on_teardown "rm -rf /etc/netns/$n; rmdir /etc/netns 2>/dev/null; true"
	netns add "$n"
	ip -n "$n" link add "$(cu_name ed)" type veth peer name "$(cu_name ef)"
	mkdir -p "/etc/netns/$n"
	echo "nameserver 192.0.2.53" > "/etc/netns/$n/resolv.conf"
	run netns exec "$n" ls /sys/class/net
	assert_success
	assert_output "$(cu_name ed)"$'\n'"$(cu_name ef)"$'\n'"lo"
	run netns exec "$n" cat /etc/resolv.conf
	assert_output "nameserver 192.0.2.53"
	run cat /etc/resolv.conf
	refute_output "nameserver 192.0.2.53"
	# the exec's mounts stay in its own mount namespace: none reaches ours
	local pid sysfs
	sysfs=$(grep -c ' /sys .* - sysfs ' /proc/self/mountinfo)
	netns exec "$n" sleep 60 &
	pid=$!
	cu_track_pid "$pid"
	for _ in $(seq 50); do
		grep -q ' /etc/resolv.conf ' "/proc/$pid/mountinfo" 2>/dev/null && break
		sleep 0.1
	done
	grep -q ' /etc/resolv.conf ' "/proc/$pid/mountinfo"
	! grep -q ' /etc/resolv.conf ' /proc/self/mountinfo
	[ "$(grep -c ' /sys .* - sysfs ' /proc/self/mountinfo)" = "$sysfs" ]
	[ "$(stat -L -c %i "/proc/$pid/ns/mnt")" != "$(stat -L -c %i /proc/self/ns/mnt)" ]
	kill "$pid"
	# cgroupfs is carried over onto the new /sys
	run netns exec "$n" stat -f -c %T /sys/fs/cgroup
	assert_output "$(stat -f -c %T /sys/fs/cgroup)"
}

@test "exec: a symlink in /etc is covered itself, the file behind it stays untouched" {
	local n l
	n=$(cu_name e) l=$(cu_name l)
	cu_track_netns "$n"
	cu_on_teardown "rm -rf /etc/netns/$n /etc/$l; rmdir /etc/netns 2>/dev/null; true"
	netns add "$n"
	echo host > "$BATS_TEST_TMPDIR/target"
	ln -s "$BATS_TEST_TMPDIR/target" "/etc/$l"
	mkdir -p "/etc/netns/$n"
	echo mine > "/etc/netns/$n/$l"
	run netns exec "$n" sh -c "cat /etc/$l; cat $BATS_TEST_TMPDIR/target"
	assert_success
	assert_output $'mine\nhost'
}

@test "exec: exit statuses of a chainloader" {
	local n
	n=$(cu_name x)
	cu_track_netns "$n"
	netns add "$n"
	run netns exec "$n" -- sh -c 'exit 7'
	assert_failure 7
	run netns exec "$n" true
	assert_success
	run -127 netns exec "$n" "$(cu_name no-such-program)"
	run -126 netns exec "$n" /etc
	run --separate-stderr netns exec "$(cu_name none)" true
	assert_failure 125
	[[ "$stderr" == "netns: network namespace '$(cu_name none)' does not exist: No such file or directory" ]]
	run -125 netns exec "$n"
	run -125 netns exec --bogus "$n" true
	run -125 netns exec "a/b" true
	run netns exec "$n" sh -c 'kill -TERM $$'
	assert_failure 143
}

@test "S7: two namespaces joined by a veth pair ping, and go away with it" {
	local n0 n1 v0 v1
	n0=$(cu_name n0) n1=$(cu_name n1) v0=$(cu_name v0) v1=$(cu_name v1)
	cu_track_netns "$n0"; cu_track_netns "$n1"; cu_track_link "$v0"; cu_track_link "$v1"
	run netns add "$n0" "$n1"
	assert_success
	ip link add "$v0" type veth peer name "$v1"
	ip link set "$v0" netns "$n0"
	ip link set "$v1" netns "$n1"
	netns exec "$n0" ip addr add 10.1.1.1/24 dev "$v0"
	netns exec "$n1" ip addr add 10.1.1.2/24 dev "$v1"
	netns exec "$n0" ip link set "$v0" up
	netns exec "$n1" ip link set "$v1" up
	netns exec "$n0" ip link set lo up
	run netns exec "$n0" ping -c1 -W1 10.1.1.2
	assert_success
	run netns list --noheadings -o NAME
	assert_line "$n0"
	assert_line "$n1"
	run ip netns list
	assert_line --regexp "^$n0( |\$)"
	assert_line --regexp "^$n1( |\$)"
	# nothing else holds them, so the pair goes with the namespaces
	run netns pids "$n0"
	assert_output ''
	run --separate-stderr netns delete "$n0" "$n1"
	assert_success
	[ -z "$stderr" ]
	[ ! -e "/run/netns/$n0" ] && [ ! -e "/run/netns/$n1" ]
	! ip -o link show | grep -qE ": ($v0|$v1)[@:]"
}

@test "usage errors: unknown command, missing and extra arguments" {
	run --separate-stderr netns frobnicate
	assert_failure 1
	[[ "$stderr" == "netns: unknown command 'frobnicate'; see 'netns --help'" ]]
	run --separate-stderr netns pids
	assert_failure 1
	[[ "$stderr" == "netns: pids: missing argument (see --help)" ]]
	run --separate-stderr netns list extra
	assert_failure 1
	[[ "$stderr" == "netns: list: unexpected argument: 'extra'" ]]
	run --separate-stderr netns delete
	assert_failure 1
	run --separate-stderr netns add --all x
	assert_failure 1
	[[ "$stderr" == "netns: --all is only for delete and exec" ]]
	run --separate-stderr netns list --bogus
	assert_failure 1
	[ "${#stderr_lines[@]}" -eq 2 ]
}

@test "add costs the same with many names: no mountinfo, no directory scan, one mount per name" {
	command -v strace >/dev/null || skip "strace is not installed"
	local a b
	a=$(cu_name a) b=$(cu_name b)
	cu_track_netns "$a"; cu_track_netns "$b"
	netns add "$a"		# first-time set-up of /run/netns done
	run strace -f -qq -e trace=openat,getdents64,mount,unshare -- "$CU_BUILDDIR/netns" add "$b"
	assert_success
	refute_output --partial mountinfo
	# the one directory read is /proc/self/fd (two getdents64), where every
	# tool notes at start the fds its caller handed down (common/exec.c)
	[ "$(grep -c '^getdents64(' <<< "$output")" -le 2 ]
	[ "$(grep -c '^mount(' <<< "$output")" -eq 1 ]
	[ "$(grep -c '^unshare(CLONE_NEWNET)' <<< "$output")" -eq 1 ]
}

@test "S7 with our own tools: netns add, vethctl add, netns exec ping, netns delete" {
	cu_require_tool vethctl
	local n0 n1 v0 v1
	n0=$(cu_name n0) n1=$(cu_name n1) v0=$(cu_name v0) v1=$(cu_name v1)
	cu_track_netns "$n0"; cu_track_netns "$n1"
	run netns add "$n0" "$n1"
	assert_success
	run vethctl add "$v0" "$v1" --netns "$n0" --peer-netns "$n1"
	assert_success
	vethctl addr add "$v0" 10.1.1.1/24 --netns "$n0"
	vethctl addr add "$v1" 10.1.1.2/24 --netns "$n1"
	vethctl up "$v0" --netns "$n0"
	vethctl up "$v1" --netns "$n1"
	run netns exec "$n0" ping -c1 -W1 10.1.1.2
	assert_success
	run netns list --noheadings -o NAME,IFACES
	assert_line --regexp "^$n0 +2\$"
	assert_line --regexp "^$n1 +2\$"
	run netns delete "$n0" "$n1"
	assert_success
	! ip netns list | grep -qE "^($n0|$n1)( |\$)"
}

@test "permission errors of a non-root user name the command to run instead" {
	local n
	cu_require_user
	n=$(cu_name p)
	cu_track_netns "$n"
	run --separate-stderr cu_as_user netns add "$n"
	assert_failure 1
	[[ "$stderr" == "netns: cannot create /run/netns"*": Permission denied (run as root: sudo netns add $n)" ]]
	[ ! -e "/run/netns/$n" ]
}
