#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Load: N containers' worth of objects (a named netns wired with vethctl
# connect --addr auto to one bridge, a cgroup, a union mount) made from 8
# shells at once, every container pinging the bridge, then all torn down
# from 8 shells at once.  No address may be leased twice, nothing may be
# left, and no command may fail.
#
# N is CU_LOAD_N (default 200).  The
# bridge lives in a namespace of the test's own, so all traffic stays
# between the test's namespaces.
load helpers/common

CG=/sys/fs/cgroup
LEASES=/run/container-utils/leases
SHELLS=8

setup() {
	cu_setup
	cu_require_root
	cu_require_tool netns
	cu_require_tool vethctl
	cu_require_tool cgset
	cu_require_tool unionmount
	command -v ping >/dev/null || skip "ping is not installed"
	T=$BATS_TEST_TMPDIR
}

# N: CU_LOAD_N, else 200.  Measured on the 2-core CI machine: 25 s for the
# whole test with N=200, 55 s under ASan+UBSan, so no smaller default is
# needed for the sanitizer run.
load_n() {
	echo "${CU_LOAD_N:-200}"
}

# One container's objects: netns, veth on the bridge, cgroup, union.
up_one() {	# i
	local n=$ID"c$1" g=$ID"g$1" m=$T/m/$1 addr
	netns add "$n" || return 1
	addr=$(vethctl -N "$R" connect "$n" --bridge "$BR" --addr auto) || return 1
	echo "$1 $addr" >> "$T/leases.$2"
	cgset create "$g" --pids 64 --memory 64M || return 1
	mkdir -p "$T/u/$1" "$m" || return 1
	unionmount -l "$T/lower" --upper "$T/u/$1" "$m" || return 1
	[ "$(cat "$m/hello")" = hello ] || { echo "union $m: no lower file" >&2; return 1; }
	# two tries: a first echo may be dropped while the neighbours resolve
	# under load; a container that cannot reach the gateway fails both
	netns exec "$n" ping -q -c 2 -i 0.2 -W 5 "$GW" > /dev/null || { echo "ping from $n ($addr) to $GW failed; holders of that address: $(grep -h " ${addr%/*}/" "$T"/leases.* | tr "\n" " ")" >&2; return 1; }
}

down_one() {	# i
	local n=$ID"c$1" g=$ID"g$1" m=$T/m/$1
	unionmount umount "$m" || return 1
	cgset delete "$g" || return 1
	vethctl -N "$R" disconnect "$n" || return 1
	netns delete "$n" || return 1
}

# Run "$1 i" for i = 0 .. N-1 from $SHELLS shells; errors go to $T/err.K.
in_parallel() {	# function
	local k pids=() i rc=0
	for k in $(seq 0 $((SHELLS - 1))); do
		(
			for i in $(seq "$k" "$SHELLS" $((N - 1))); do
				"$1" "$i" "$k" || echo "$1 $i failed" >> "$T/fail.$k"
			done
		) 2>> "$T/err.$k" &
		pids+=($!)
	done
	for k in "${pids[@]}"; do
		wait "$k" || rc=1
	done
	return "$rc"
}

# What a failed run may leave: every container's objects that exist.
load_cleanup() {	# N
	local i d
	for i in $(seq 0 $(($1 - 1))); do
		mountpoint -q "$T/m/$i" 2>/dev/null && _cu_umount "$T/m/$i"
		for d in "$CG"/*/"$ID"g"$i"; do
			[ -d "$d" ] && _cu_del_cgroup "$d"
		done
		[ -e "/run/netns/${ID}c$i" ] && _cu_del_netns "${ID}c$i"
	done
	return 0
}

@test "N containers made and torn down from 8 shells: unique leases, pings, nothing left" {
	N=$(load_n)
	ID=$(cu_id) R=$(cu_name r) BR=$(cu_name br) GW=10.96.0.1
	local i start made pinged gone
	cu_track_netns "$R"
	# teardown of everything, should the test fail half-way (registered
	# before making; one step, not 13 per container, to stay fast)
	cu_on_teardown "load_cleanup $N"
	ip netns add "$R"
	vethctl -N "$R" bridge add "$BR" --addr "$GW/22"
	mkdir -p "$T/lower" "$T/u" "$T/m"
	echo hello > "$T/lower/hello"

	start=$SECONDS
	run in_parallel up_one
	made=$((SECONDS - start))
	cat "$T"/err.* "$T"/fail.* 2>/dev/null | head -20
	[ -z "$(cat "$T"/fail.* 2>/dev/null)" ] || fail "setup failed: $(cat "$T"/fail.* | wc -l) containers"
	[ -z "$(cat "$T"/err.* 2>/dev/null)" ] || fail "unexpected messages: $(head -5 "$T"/err.*)"
	assert_success

	# every container got an address, none twice, none the gateway's
	cat "$T"/leases.* | sort -n > "$T/leases"
	assert_equal "$(wc -l < "$T/leases")" "$N"
	assert_equal "$(cut -d' ' -f2 "$T/leases" | sort | uniq -d)" ''
	run grep -c " $GW/" "$T/leases"
	assert_output 0
	# each namespace holds exactly the address it was told
	while read -r i addr; do
		[ "$(ip -n "${ID}c$i" -o -4 addr show dev eth0 | awk '{ print $4 }')" = "$addr" ] ||
			fail "${ID}c$i: eth0 does not hold $addr"
	done < "$T/leases"
	assert_equal "$(ip -n "$R" -j link show master "$BR" | jq length)" "$N"
	assert_equal "$(grep -c " $T/m/" /proc/self/mountinfo)" "$N"
	assert_equal "$(ls -d "$CG"/pids/"$ID"g* | wc -l)" "$N"

	rm -f "$T"/err.* "$T"/fail.*
	start=$SECONDS
	run in_parallel down_one
	gone=$((SECONDS - start))
	cat "$T"/err.* "$T"/fail.* 2>/dev/null | head -20
	[ -z "$(cat "$T"/fail.* 2>/dev/null)" ] || fail "teardown failed: $(cat "$T"/fail.* | wc -l) containers"
	[ -z "$(cat "$T"/err.* 2>/dev/null)" ] || fail "unexpected messages: $(head -5 "$T"/err.*)"
	assert_success
	echo "# N=$N: made and pinged in ${made}s, torn down in ${gone}s" >&3

	# nothing left: links, namespaces, mounts, cgroups, leases
	assert_equal "$(ip -n "$R" -j link show | jq -r '.[].ifname' | sort | tr '\n' ' ')" "$BR lo "
	run ls /run/netns
	refute_output --regexp "^${ID}c[0-9]+$"
	run grep -c " $T/m/" /proc/self/mountinfo
	assert_output 0
	[ -z "$(ls -d "$CG"/*/"$ID"g* 2>/dev/null)" ] || fail "cgroups left: $(ls -d "$CG"/*/"$ID"g*)"
	run -0 bash -c "grep -rh 10.96. '$LEASES/$BR'@* 2>/dev/null | grep -c 10.96. || true"
	assert_output 0
	# and the pool is whole again: the next container gets the first address
	cu_track_netns "${ID}x"
	netns add "${ID}x"
	run -0 vethctl -N "$R" connect "${ID}x" --bridge "$BR" --addr auto
	assert_output 10.96.0.2/22
	vethctl -N "$R" disconnect "${ID}x"
}
