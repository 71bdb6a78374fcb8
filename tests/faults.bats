#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Fault injection: every multi-step operation is made to fail at its steps,
# by real conditions (a taken name, a vanished namespace, a full or
# read-only file system, an address in use, a missing bridge) and, for the
# steps no real condition reaches, by strace(1) making the Nth syscall of
# the step fail (-e inject=SYSCALL:error=E:when=N) or killing the tool right
# there (signal=SIGKILL).  After a failure the system is exactly as before;
# after a SIGKILL the tool's own delete/disconnect/umount cleans up.
load helpers/common

CG=/sys/fs/cgroup
LEASES=/run/container-utils/leases

setup() {
	cu_setup
	cu_require_root
	# lease files of this test's bridges (their namespaces die in teardown)
	cu_on_teardown "rm -rf $LEASES/$(cu_id)[a-z]*@*"
	T=$BATS_TEST_TMPDIR
	command -v strace >/dev/null || skip "strace is not installed"
}

# --- state snapshots ----------------------------------------------------------

# Links (name, master, flags, addresses), routes and nftables of namespaces.
snap_net() {
	local ns
	for ns in "$@"; do
		echo "== netns $ns"
		ip -n "$ns" -j addr show |
			jq -c '.[] | [.ifname, .master, (.flags - ["LOWER_UP", "NO-CARRIER"] | sort),
				[.addr_info[]? | .local]]' | sort
		ip -n "$ns" route show table all | grep -v '^local\|^broadcast\|^multicast\|fe80::\|^ff00::' |
			sed 's/ linkdown//' | sort
		ip netns exec "$ns" nft list ruleset
	done
	echo "== leases"
	local f
	for f in "$LEASES/$(cu_id)"*; do
		# the records and the address index (not the state: its hint moves)
		[ -e "$f" ] && { echo "$f"; grep -r . "$f" | grep -v '/state:' | sort; }
	done
	return 0
}

# Our namespace names, our mounts, our cgroup dirs, our files under $T.
snap_sys() {
	echo "== netns"; ls -A /run/netns | grep "^$(cu_id)" || true
	echo "== mounts"; cut -d' ' -f5 /proc/self/mountinfo | grep -e "$T" -e "/run/netns/$(cu_id)" || true
	echo "== cgroups"; ls -d "$CG"/*/"$(cu_id)"* "$CG/$(cu_id)"* 2>/dev/null || true
	echo "== files"; find "$T" -mindepth 1 -not -path "$T/cu-cleanup" \
		-not -name 'separate-stderr-*' -not -name strace.log -not -name out -not -name err \
		-printf '%P %y %s\n' 2>/dev/null | sort
	echo "== loops"; losetup -a | grep -F "$T" || true
}

# assert_same BEFORE NOW: the snapshot did not change.
assert_same() {
	[ "$1" = "$2" ] && return 0
	diff <(echo "$1") <(echo "$2") || true
	fail "${3:-state changed}"
}

# --- strace sweeps ------------------------------------------------------------

# Set by the sweeps: how many steps were hit.
STEPS=0

# sweep_errors SNAPFN UNDO SYSCALLS ERRNO CMD...: for each syscall S of the
# comma list SYSCALLS and N = 1, 2, ... make the Nth call of S fail with
# ERRNO (strace counts each syscall apart).  A failed CMD must print one
# line naming the tool and leave SNAPFN's state as before; a CMD that
# absorbed the fault is undone with UNDO (eval'd) and must then leave it as
# before too.  Moves to the next syscall at the first N past its last call.
sweep_errors() {
	local snapfn=$1 undo=$2 calls=$3 err=$4 sc n rc before now log hit
	shift 4
	before=$($snapfn)
	log=$T/strace.log
	STEPS=0
	for sc in ${calls//,/ }; do
		for n in $(seq 1 200); do
			rc=0
			strace -f -qq -o "$log" -e trace="$sc" -e signal=none \
				-e inject="$sc:error=$err:when=$n" "$@" > "$T/out" 2> "$T/err" || rc=$?
			hit=$(grep INJECTED "$log" | cut -c1-160)
			if [ -z "$hit" ]; then
				# past the last call: CMD ran as normal
				eval "$undo" > /dev/null 2>&1 || true
				break
			fi
			STEPS=$((STEPS + 1))
			if [ "$rc" -eq 0 ]; then
				eval "$undo" > /dev/null 2>&1 || true
			elif [ "$(wc -l < "$T/err")" -ne 1 ] || ! grep -q "^${1##*/}: " "$T/err"; then
				# one line naming the tool (an ASan report fails here too)
				cat "$T/err" >&2
				fail "$sc #$n ($hit): not one clear error line"
			fi
			now=$($snapfn)
			assert_same "$before" "$now" "$sc #$n: $hit (status $rc): state changed"
		done
	done
	eval "$undo" > /dev/null 2>&1 || true
	rm -f "$T/out" "$T/err" "$log"
	[ "$STEPS" -gt 0 ] || fail "no $calls call was made"
}

# sweep_kills SNAPFN UNDO SYSCALLS CMD...: for each syscall S and N = 1, 2,
# ... SIGKILL CMD at its Nth call of S; then UNDO (the tool's own clean-up,
# eval'd) must bring SNAPFN's state back to what it was.
sweep_kills() {
	local snapfn=$1 undo=$2 calls=$3 sc n rc before now log hit
	shift 3
	before=$($snapfn)
	log=$T/strace.log
	STEPS=0
	for sc in ${calls//,/ }; do
		for n in $(seq 1 200); do
			rc=0
			# in a subshell, whose "Killed" notice goes to /dev/null too
			(strace -f -qq -o "$log" -e trace="$sc" -e signal=none \
				-e inject="$sc:signal=SIGKILL:when=$n" "$@"; exit $?) > /dev/null 2>&1 || rc=$?
			# strace dies of the signal that killed the tool
			hit=$(tail -1 "$log" | cut -c1-160)
			eval "$undo" > /dev/null 2>&1 || true
			[ "$rc" -eq 137 ] || break
			STEPS=$((STEPS + 1))
			now=$($snapfn)
			assert_same "$before" "$now" "SIGKILL at $sc #$n ($hit): the clean-up left state behind"
		done
	done
	rm -f "$log"
	[ "$STEPS" -gt 0 ] || fail "no $calls call was made"
}

mkns() {
	local n
	n=$(cu_name "$1")
	cu_track_netns "$n"
	ip netns add "$n"
	ip -n "$n" link set lo up
}

# A tmpfs of SIZE with no space (or inode) left, at $T/$1.
full_tmpfs() {
	mkdir -p "$T/$1"
	cu_track_mount "$T/$1"
	mount -t tmpfs -o "size=${2:-256k},nr_inodes=${3:-64}" cu-full "$T/$1"
	dd if=/dev/zero of="$T/$1/fill" bs=4k 2>/dev/null || true
	local i=0
	while touch "$T/$1/i$i" 2>/dev/null; do i=$((i + 1)); done
}

# --- vethctl --------------------------------------------------------------------

@test "vethctl add: taken peer name, vanished peer netns, MTU the kernel refuses: nothing left" {
	cu_require_tool vethctl
	local r o a b
	mkns r; mkns o
	r=$(cu_name r) o=$(cu_name o) a=$(cu_name a) b=$(cu_name b)
	ip -n "$r" link add "$b" type bridge
	before=$(snap_net "$r" "$o")
	run --separate-stderr vethctl -N "$r" add "$a" "$b"
	assert_failure 1
	[[ "$stderr" == "vethctl: "* ]]
	run --separate-stderr vethctl -N "$r" add "$a" "$b-x" --peer-netns "$(cu_name gone)"
	assert_failure 1
	run --separate-stderr vethctl -N "$r" add "$a" "$b-x" --peer-netns "$o" --mtu 70000
	assert_failure 1
	# the peer name is free here but taken in the peer's namespace
	ip -n "$o" link add "$b-y" type bridge
	before=$(snap_net "$r" "$o")
	run --separate-stderr vethctl -N "$r" add "$a" "$b-y" --peer-netns "$o"
	assert_failure 1
	assert_same "$before" "$(snap_net "$r" "$o")"
}

@test "vethctl add: each netlink step failing (strace) or killed leaves nothing, delete cleans" {
	cu_require_tool vethctl
	local r o a
	mkns r; mkns o
	r=$(cu_name r) o=$(cu_name o) a=$(cu_name a)
	snap() { snap_net "$r" "$o"; }
	undo="vethctl -N $r delete $a"
	sweep_errors snap "$undo" sendto,sendmsg ENOBUFS \
		"$CU_BUILDDIR/vethctl" -N "$r" add "$a" "$(cu_name p)" --peer-netns "$o" --mtu 1400
	echo "# add: $STEPS netlink steps" >&3
	sweep_kills snap "$undo" sendto,sendmsg \
		"$CU_BUILDDIR/vethctl" -N "$r" add "$a" "$(cu_name p)" --peer-netns "$o" --mtu 1400
}

@test "vethctl connect: vanished netns, taken ifname, used address, a non-bridge as bridge" {
	cu_require_tool vethctl
	local r c d br
	mkns r; mkns c; mkns d
	r=$(cu_name r) c=$(cu_name c) d=$(cu_name d) br=$(cu_name br)
	vethctl -N "$r" bridge add "$br" --addr 10.61.0.1/24
	vethctl -N "$r" connect "$d" --bridge "$br" --addr 10.61.0.2/24
	before=$(snap_net "$r" "$c")
	run --separate-stderr vethctl -N "$r" connect "$(cu_name gone)" --bridge "$br" --addr auto
	assert_failure 1
	run --separate-stderr vethctl -N "$r" connect "$c" --bridge "$br" --addr 10.61.0.2/24
	assert_failure 1
	[[ "$stderr" == *"already leased"* ]] || fail "$stderr"
	# the gateway's own address, the subnet's network and broadcast address
	local bad
	for bad in 10.61.0.1/24 10.61.0.0/24 10.61.0.255/24; do
		run --separate-stderr vethctl -N "$r" connect "$c" --bridge "$br" --addr "$bad"
		[ "$status" -eq 1 ] || { vethctl -N "$r" disconnect "$c"; fail "connect --addr $bad (bridge 10.61.0.1/24) succeeded"; }
	done
	assert_same "$before" "$(snap_net "$r" "$c")"
	ip -n "$c" link add eth0 type bridge
	before=$(snap_net "$r" "$c")
	run --separate-stderr vethctl -N "$r" connect "$c" --bridge "$br" --addr auto
	assert_failure 1
	assert_same "$before" "$(snap_net "$r" "$c")"
	ip -n "$c" link del eth0
	# a "bridge" that is a veth, not a bridge
	ip -n "$r" link add "$(cu_name nb)" type veth peer name "$(cu_name np)"
	before=$(snap_net "$r" "$c")
	run --separate-stderr vethctl -N "$r" connect "$c" --bridge "$(cu_name nb)" --addr 10.62.0.2/24
	assert_failure 1
	[[ "$stderr" == "vethctl: "* ]] || fail "$stderr"
	assert_same "$before" "$(snap_net "$r" "$c")"
	vethctl -N "$r" disconnect "$d"
}

@test "vethctl connect: the lease store read-only or full undoes pair and bridge" {
	cu_require_tool vethctl
	local r c br
	mkns r; mkns c
	r=$(cu_name r) c=$(cu_name c) br=$(cu_name br)
	mkdir -p "$LEASES"
	before=$(snap_net "$r" "$c")
	for opts in ro size=4k,nr_inodes=1; do
		run unshare -m --propagation private sh -c "
			mount -t tmpfs -o $opts cu-leases $LEASES || exit 99
			vethctl -N $r connect $c --bridge $br --addr 10.63.0.2/24"
		[ "$status" -ne 99 ] || skip "cannot mount a tmpfs on $LEASES"
		assert_failure 1
		assert_same "$before" "$(snap_net "$r" "$c")" "lease store $opts: state changed"
	done
}

@test "vethctl connect: each netlink step failing (strace) or killed; disconnect cleans; the lease is free again" {
	cu_require_tool vethctl
	local r c br
	mkns r; mkns c
	r=$(cu_name r) c=$(cu_name c) br=$(cu_name br)
	vethctl -N "$r" bridge add "$br" --addr 10.64.0.1/24
	snap() { snap_net "$r" "$c"; }
	undo="vethctl -N $r disconnect $c"
	sweep_errors snap "$undo" sendto,sendmsg ENOBUFS \
		"$CU_BUILDDIR/vethctl" -N "$r" connect "$c" --bridge "$br" --addr auto
	echo "# connect: $STEPS netlink steps" >&3
	sweep_kills snap "$undo" sendto,sendmsg \
		"$CU_BUILDDIR/vethctl" -N "$r" connect "$c" --bridge "$br" --addr auto
	run -0 vethctl -N "$r" connect "$c" --bridge "$br" --addr auto
	assert_output 10.64.0.2/24
	vethctl -N "$r" disconnect "$c"
}

@test "vethctl connect (new bridge, --nat): each step failing leaves no bridge, rule or lease" {
	cu_require_tool vethctl
	local r c br
	mkns r; mkns c
	r=$(cu_name r) c=$(cu_name c) br=$(cu_name br)
	snap() { snap_net "$r" "$c"; echo "== br"; ip -n "$r" link show "$br" 2>&1 | head -1 | cut -d: -f2; }
	undo="vethctl -N $r disconnect $c; vethctl -N $r bridge del $br; vethctl -N $r nat del 10.65.0.0/24"
	sweep_errors snap "$undo" sendto,sendmsg ENOBUFS \
		"$CU_BUILDDIR/vethctl" -N "$r" connect "$c" --bridge "$br" --addr 10.65.0.2/24 --nat
	echo "# connect --nat: $STEPS netlink steps" >&3
}

# --- netns ----------------------------------------------------------------------

@test "netns add: a taken name is untouched, and a later taken name undoes the earlier ones" {
	cu_require_tool netns
	local a b c ino
	a=$(cu_name a) b=$(cu_name b) c=$(cu_name c)
	cu_track_netns "$a"; cu_track_netns "$b"; cu_track_netns "$c"
	netns add "$b"
	ino=$(stat -L -c %i "/run/netns/$b")
	before=$(snap_sys)
	run --separate-stderr netns add "$b"
	assert_failure 1
	[[ "$stderr" == *"$b"*"exists"* ]] || fail "$stderr"
	run --separate-stderr netns add "$a" "$c" "$b"
	assert_failure 1
	assert_same "$before" "$(snap_sys)"
	assert_equal "$(stat -L -c %i "/run/netns/$b")" "$ino"
}

@test "netns add: /run/netns full or read-only (a private tmpfs over it) leaves no name, no mount" {
	cu_require_tool netns
	local n opts
	n=$(cu_name n)
	for opts in size=4k,nr_inodes=4 ro; do
		run unshare -m --propagation private sh -c "
			mount -t tmpfs -o $opts cu-full /run/netns || exit 99
			i=0; while touch /run/netns/fill\$i 2>/dev/null; do i=\$((i + 1)); done
			netns add $n; echo rc=\$?
			ls -A /run/netns | grep -v '^fill' || true
			grep -c ' /run/netns/$n ' /proc/self/mountinfo || true"
		[ "$status" -ne 99 ] || skip "cannot mount a tmpfs on /run/netns"
		assert_line rc=1
		refute_line "$n"
		assert_line 0
	done
	[ ! -e "/run/netns/$n" ]
}

@test "netns add: each step failing (strace) leaves nothing; killed, netns delete cleans" {
	cu_require_tool netns
	local n
	n=$(cu_name n)
	cu_track_netns "$n"
	netns list > /dev/null		# /run/netns set up already
	undo="netns delete $n"
	sweep_errors snap_sys "$undo" mkdir,flock,unshare,ioctl,mount,setns,fsync EPERM \
		"$CU_BUILDDIR/netns" add "$n"
	echo "# netns add: $STEPS steps" >&3
	sweep_kills snap_sys "$undo" mkdir,flock,unshare,ioctl,mount,setns \
		"$CU_BUILDDIR/netns" add "$n"
}

# --- cgset ----------------------------------------------------------------------

# Track group NAME for teardown: at the root of a pure cgroup v2 host, in
# every hierarchy of a v1 or hybrid one.
cg_track() {
	local d
	cu_track_cgroup "$CG/$1"
	for d in "$CG"/*/; do
		[ -e "${d}tasks" ] || [ -e "${d}cgroup.procs" ] && [ ! -e "${d}cgroup.type" ] || continue
		cu_track_cgroup "$d$1"
	done
}

# The directory of group NAME that holds its pids files: the v1 pids
# hierarchy, or the group itself on pure cgroup v2.
cg_pids_dir() {
	if [ -d "$CG/pids" ]; then echo "$CG/pids/$1"; else echo "$CG/$1"; fi
}

@test "cgset create: a CPU that does not exist, an unknown -r file, a taken name: no group changed" {
	cu_require_tool cgset
	local g h
	g=$(cu_name g) h=$(cu_name h)
	cg_track "$g"; cg_track "$h"
	cgset create "$h" --pids 7
	before=$(snap_sys)
	run --separate-stderr cgset create "$g" --pids 10 --memory 64M --cpuset 255
	assert_failure 1
	run --separate-stderr cgset create "$g" --pids 10 --memory 64M -r pids.no_such_file=1
	assert_failure 1
	run --separate-stderr cgset create "$g" --pids 10 --memory 64M --cpu 50% -r memory.no_such_file=1
	assert_failure 1
	run --separate-stderr cgset create "$h" --pids 9
	assert_failure 1
	assert_same "$before" "$(snap_sys)"
	assert_equal "$(cat "$(cg_pids_dir "$h")/pids.max")" 7
}

@test "cgset create: each mkdir/write failing (strace) leaves no group; killed, delete cleans" {
	cu_require_tool cgset
	local g
	g=$(cu_name g)
	cg_track "$g"
	undo="cgset delete $g"
	sweep_errors snap_sys "$undo" mkdir,mkdirat,write,pwrite64 EIO \
		"$CU_BUILDDIR/cgset" create "$g" --pids 10 --memory 64M --cpu 50%
	echo "# cgset create: $STEPS steps" >&3
	sweep_kills snap_sys "$undo" mkdir,mkdirat,write,pwrite64 \
		"$CU_BUILDDIR/cgset" create "$g" --pids 10 --memory 64M --cpu 50%
}

@test "cgset run: a missing program (127) or a limit the kernel refuses (125) leave no group" {
	cu_require_tool cgset
	local g
	g=$(cu_name g)
	cg_track "$g"
	before=$(snap_sys)
	run -127 cgset run --name "$g" --pids 10 -- /no/such/program
	run cgset run --name "$g" --pids 10 --cpuset 255 -- true
	assert_failure 125
	run cgset run --name "$g" --pids 10 -r pids.no_such_file=1 -- true
	assert_failure 125
	assert_same "$before" "$(snap_sys)"
}

@test "cgset run: SIGKILLed while its program runs, cgset kill and delete clean the group" {
	cu_require_tool cgset
	local g pid
	g=$(cu_name g)
	cg_track "$g"
	before=$(snap_sys)
	cgset run --name "$g" --pids 10 -- sleep 300 &
	pid=$!
	cu_track_pid "$pid"
	for _ in $(seq 50); do
		[ -n "$(cat "$(cg_pids_dir "$g")/cgroup.procs" 2>/dev/null)" ] && break
		sleep 0.1
	done
	[ -n "$(cat "$(cg_pids_dir "$g")/cgroup.procs" 2>/dev/null)" ] || fail "the group never got its program"
	kill -KILL "$pid"
	wait "$pid" || true
	[ -d "$(cg_pids_dir "$g")" ]
	run -0 cgset kill "$g"
	run -0 cgset delete "$g"
	assert_same "$before" "$(snap_sys)"
}

# --- unionmount -----------------------------------------------------------------

@test "unionmount mount: an upper in a read-only dir, a full file system for the work dir" {
	cu_require_tool unionmount
	mkdir -p "$T/L" "$T/M" "$T/ro/U"
	echo l > "$T/L/f"
	cu_track_mount "$T/M"
	cu_track_mount "$T/ro"
	mount --bind -o ro "$T/ro" "$T/ro"
	mount -o remount,bind,ro "$T/ro"
	before=$(snap_sys)
	run --separate-stderr unionmount -l "$T/L" --upper "$T/ro/U" "$T/M"
	assert_failure 1
	assert_same "$before" "$(snap_sys)"
	full_tmpfs full
	mkdir "$T/full/U" 2>/dev/null || { rm -f "$T/full/i0"; mkdir "$T/full/U"; }
	before=$(snap_sys)
	run --separate-stderr unionmount -l "$T/L" --upper "$T/full/U" "$T/M"
	assert_failure 1
	assert_same "$before" "$(snap_sys)"
}

@test "unionmount mount: each mount-API step failing (strace) or killed; umount cleans" {
	cu_require_tool unionmount
	mkdir -p "$T/L1" "$T/L2" "$T/U" "$T/M" "$T/s"
	echo s > "$T/s/s"
	mksquashfs "$T/s" "$T/img.sqfs" -quiet -noappend > /dev/null
	cu_track_mount "$T/M"
	calls=fsopen,fsconfig,fsmount,move_mount,open_tree,mount_setattr,mkdir,mkdirat,ioctl
	undo="unionmount umount $T/M"
	sweep_errors snap_sys "$undo" "$calls" EIO \
		"$CU_BUILDDIR/unionmount" -l "$T/L1:$T/img.sqfs:$T/L2" --upper "$T/U" "$T/M"
	echo "# unionmount mount: $STEPS steps" >&3
	sweep_kills snap_sys "$undo" "$calls" \
		"$CU_BUILDDIR/unionmount" -l "$T/L1:$T/img.sqfs:$T/L2" --upper "$T/U" "$T/M"
}

mk_layer() {
	python3 - "$1" <<'EOF'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w") as t:
    for i in range(40):
        data = bytes(8192)
        ti = tarfile.TarInfo("d%d/f%d" % (i % 4, i)); ti.size = len(data)
        t.addfile(ti, io.BytesIO(data))
    ti = tarfile.TarInfo("d0/.wh.gone"); t.addfile(ti, io.BytesIO(b""))
EOF
}

@test "unionmount apply: a full file system or a read-only DIR leaves no DIR of ours behind" {
	cu_require_tool unionmount
	mk_layer "$T/layer.tar"
	full_tmpfs full 128k 1000
	rm -f "$T/full/i"*		# inodes left, no space
	before=$(snap_sys)
	run --separate-stderr unionmount apply "$T/layer.tar" "$T/full/X"
	assert_failure 1
	[[ "$stderr" == "unionmount: "* ]] || fail "$stderr"
	assert_same "$before" "$(snap_sys)" "apply on a full tmpfs left DIR behind"
	mkdir -p "$T/rodir"
	cu_track_mount "$T/rodir"
	mount -t tmpfs -o ro cu-ro "$T/rodir"
	run --separate-stderr unionmount apply "$T/layer.tar" "$T/rodir/X"
	assert_failure 1
	run --separate-stderr unionmount apply "$T/layer.tar" "$T/rodir"
	assert_failure 1
}

@test "unionmount commit: a full or read-only output dir leaves no partial layer" {
	cu_require_tool unionmount
	mkdir -p "$T/U/d"
	head -c 300000 /dev/urandom > "$T/U/d/big"
	full_tmpfs full 128k 1000
	rm -f "$T/full/i"*
	before=$(snap_sys)
	for out in "$T/full/l.tar" "$T/full/l.tar.gz" "$T/full/l.tar.zst"; do
		run --separate-stderr unionmount commit "$T/U" --output "$out"
		assert_failure 1
		[[ "$stderr" == "unionmount: "* ]] || fail "$stderr"
	done
	assert_same "$before" "$(snap_sys)" "commit on a full tmpfs left a file"
	mkdir -p "$T/rodir"
	cu_track_mount "$T/rodir"
	mount -t tmpfs -o ro cu-ro "$T/rodir"
	run --separate-stderr unionmount commit "$T/U" --output "$T/rodir/l.tar"
	assert_failure 1
}

# --- nsrun ----------------------------------------------------------------------

@test "nsrun: persisted namespaces in a read-only or full dir, then a bad volume: nothing left" {
	cu_require_tool nsrun
	mkdir -p "$T/ro" "$T/v"
	cu_track_mount "$T/ro"
	mount -t tmpfs -o ro cu-ro "$T/ro"
	full_tmpfs full
	for f in net uts ipc mnt; do cu_track_mount "$T/$f"; done
	before=$(snap_sys)
	run --separate-stderr nsrun --net="$T/ro/net" true
	assert_failure 125
	run --separate-stderr nsrun --uts="$T/full/uts" true
	assert_failure 125
	# the second file fails after the first was bound
	run --separate-stderr nsrun --net="$T/net" --uts="$T/ro/uts" true
	assert_failure 125
	# persisted files made, then a volume whose source is missing
	run --separate-stderr nsrun --net="$T/net" --ipc="$T/ipc" -v "$T/nope:/mnt" true
	assert_failure 125
	run --separate-stderr nsrun --net="$T/net" -v "$T/v:/nonexistent/dir/x" --root "$T/nope" true
	assert_failure 125
	assert_same "$before" "$(snap_sys)"
}

@test "nsrun: each persisting step failing (strace) leaves no file or mount" {
	cu_require_tool nsrun
	mkdir -p "$T/v"
	for f in net uts; do cu_track_mount "$T/$f"; done
	undo="umount $T/net $T/uts; rm -f $T/net $T/uts"
	sweep_errors snap_sys "$undo" unshare,mount,mount_setattr,open_tree,move_mount,clone,clone3 EPERM \
		"$CU_BUILDDIR/nsrun" --net="$T/net" --uts="$T/uts" -m -v "$T/v:/mnt" true
	echo "# nsrun persist: $STEPS steps" >&3
}
