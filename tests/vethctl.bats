#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# vethctl: veth pairs, bridges, addresses, routes, connect and NAT, checked
# against the kernel with ip -j.  Traffic only between the test's namespaces.
load helpers/common

setup() {
	cu_setup
	cu_require_root
	cu_require_tool vethctl
	# lease files of this test's bridges (their namespaces die in teardown)
	cu_on_teardown "rm -rf /run/container-utils/leases/$(cu_id)br*@*"
}

# jq is not installed: evaluate a Python expression over ip -j output (j).
pyj() {
	python3 -c "import json,sys; j=json.load(sys.stdin); print($1)"
}

# A new namespace starts with the host's IPv4 forwarding (1 on any host
# where Docker or podman ran): tests that check that NAT turns it on and off
# again start from 0 in their own router namespace.
fwd_off() { # NETNS
	ip netns exec "$1" sh -c 'echo 0 > /proc/sys/net/ipv4/ip_forward'
}

link_names() { # NETNS
	ip -j -n "$1" link show | pyj '" ".join(sorted(l["ifname"] for l in j))'
}

@test "S7: a veth pair across two namespaces, addresses, up, ping" {
	local a b
	a=$(cu_name a) b=$(cu_name b)
	cu_mkns a; cu_mkns b
	run vethctl add "$(cu_name va)" "$(cu_name vb)" --netns "$a" --peer-netns "$b" --mtu 1400
	assert_success
	run vethctl addr add "$(cu_name va)" 10.1.1.1/24 --netns "$a"
	assert_success
	vethctl addr add "$(cu_name vb)" 10.1.1.2/24 --netns "$b"
	vethctl up "$(cu_name va)" --netns "$a"
	vethctl up "$(cu_name vb)" --netns "$b"
	run ip -j -n "$b" link show "$(cu_name vb)"
	[ "$(pyj 'j[0]["mtu"]' <<<"$output")" = 1400 ]
	run ip -j -n "$a" addr show "$(cu_name va)"
	assert_output --partial '"local":"10.1.1.1","prefixlen":24'
	run ip netns exec "$a" ping -c1 -W1 10.1.1.2
	assert_success
	run vethctl list --netns "$a" --noheadings --raw -o NAME,PEER,PEER-NETNS,MTU
	assert_output "$(cu_name va) $(cu_name vb) $b 1400"
	run vethctl list --netns "$a" --json
	assert_output --partial "\"peer-netns\": \"$b\""
	ip netns delete "$a"
	# the kernel frees a namespace (and the pair with it) asynchronously
	for _ in $(seq 50); do
		[ "$(link_names "$b")" = lo ] && break
		sleep 0.1
	done
	[ "$(link_names "$b")" = lo ]
}

@test "add: MAC addresses on both ends, delete removes both" {
	local a b
	a=$(cu_name a) b=$(cu_name b)
	cu_mkns a; cu_mkns b
	vethctl add "$(cu_name x)" "$(cu_name y)" -N "$a" --peer-netns "$b" \
		--address 02:00:00:00:00:0a --peer-address 02:00:00:00:00:0b
	run ip -j -n "$a" link show "$(cu_name x)"
	assert_output --partial '"address":"02:00:00:00:00:0a"'
	run ip -j -n "$b" link show "$(cu_name y)"
	assert_output --partial '"address":"02:00:00:00:00:0b"'
	run vethctl delete "$(cu_name x)" -N "$a"
	assert_success
	[ "$(link_names "$b")" = lo ]
}

@test "add: an existing name is reported with its namespace, nothing is made" {
	local a b
	a=$(cu_name a) b=$(cu_name b)
	cu_mkns a; cu_mkns b
	ip -n "$b" link add "$(cu_name y)" type veth peer name "$(cu_name z)"
	run --separate-stderr vethctl add "$(cu_name x)" "$(cu_name y)" -N "$a" --peer-netns "$b"
	assert_failure 1
	[ "$stderr" = "vethctl: cannot create veth pair: $(cu_name y) already exists in network namespace $b (choose another name, or delete it)" ]
	[ "$(link_names "$a")" = lo ]
	[ "$(link_names "$b")" = "$(cu_name y) $(cu_name z) lo" ]
}

@test "add: the first name taken, with a peer elsewhere: its namespace is named" {
	local a b
	a=$(cu_name a) b=$(cu_name b)
	cu_mkns a; cu_mkns b
	ip -n "$a" link add "$(cu_name x)" type bridge
	run --separate-stderr vethctl add "$(cu_name x)" "$(cu_name y)" -N "$a" --peer-netns "$b"
	assert_failure 1
	[ "$stderr" = "vethctl: cannot create veth pair: $(cu_name x) already exists in network namespace $a (choose another name, or delete it)" ]
	[ "$(link_names "$a")" = "$(cu_name x) lo" ]
	[ "$(link_names "$b")" = lo ]
}

# hide_nftables CMD...: run CMD where libnftables.so.1 cannot be loaded (a
# private mount namespace with /dev/null over the library).
hide_nftables() {
	local lib
	lib=$(ldconfig -p | awk '$1 == "libnftables.so.1" { print $NF; exit }')
	[ -n "$lib" ] || skip "libnftables.so.1 is not installed"
	unshare -m --propagation private \
		sh -c 'mount --bind /dev/null "$1" && shift && exec "$@"' sh "$lib" "$@"
}

@test "without libnftables: add and connect work, NAT names the library, nothing changed" {
	local r c br fwd
	readelf -d "$CU_BUILDDIR/vethctl" | grep -q 'NEEDED.*libnftables' &&
		skip "libnftables is linked (--with-nftables=link): vethctl needs it to start"
	r=$(cu_name r) c=$(cu_name c) br=$(cu_name br)
	cu_mkns r; cu_mkns c
	# a new namespace starts with the host's IPv4 forwarding (devconf_inherit_init_net)
	fwd=$(ip netns exec "$r" cat /proc/sys/net/ipv4/ip_forward)
	run hide_nftables vethctl -N "$r" add "$(cu_name x)" "$(cu_name y)" --peer-netns "$c"
	assert_success
	[ "$(link_names "$c")" = "$(cu_name y) lo" ]
	vethctl -N "$r" delete "$(cu_name x)"
	run --separate-stderr hide_nftables vethctl -N "$r" nat add 10.9.0.0/24
	assert_failure 1
	[ "${#stderr_lines[@]}" -eq 1 ]
	# the soname, and a package only where configure named one (--with-package-hints)
	[[ $stderr == "vethctl: cannot load libnftables.so.1: "*"(install "*")" ]]
	run --separate-stderr hide_nftables vethctl -N "$r" connect "$c" --bridge "$br" --addr auto --nat
	assert_failure 1
	[[ $stderr == *"cannot load libnftables.so.1: "*"(install "*")" ]]
	[ "$(link_names "$r")" = lo ]
	[ "$(link_names "$c")" = lo ]
	run ip netns exec "$r" nft list tables
	refute_output --partial container_utils
	[ "$(ip netns exec "$r" cat /proc/sys/net/ipv4/ip_forward)" = "$fwd" ]
	run hide_nftables vethctl -N "$r" connect "$c" --bridge "$br" --addr auto
	assert_output '10.200.0.2/24'
	vethctl -N "$r" disconnect "$c"
}

@test "bad input: long or '/' names, bad CIDR, bad MAC, unknown namespace" {
	local a
	a=$(cu_name a)
	cu_mkns a
	run --separate-stderr vethctl -N "$a" add abcdefghijklmnop
	assert_failure 1
	[[ $stderr == *"abcdefghijklmnop: 16 bytes, the kernel allows 15"* ]]
	run --separate-stderr vethctl -N "$a" add "a/b"
	assert_failure 1
	[[ $stderr == *"invalid interface name: a/b"* ]]
	run --separate-stderr vethctl -N "$a" addr add lo 10.0.0.300/24
	assert_failure 1
	[[ $stderr == *"10.0.0.300/24"* ]]
	run --separate-stderr vethctl -N "$a" add "$(cu_name x)" --address 01:00:5e:00:00:01
	assert_failure 1
	[[ $stderr == *"invalid MAC address"* ]]
	run --separate-stderr vethctl add "$(cu_name x)" "$(cu_name y)" --peer-netns "$(cu_name gone)"
	assert_failure 1
	[[ $stderr == *"$(cu_name gone)"* ]]
	[ "$(link_names "$a")" = lo ]
	ip link show "$(cu_name x)" >/dev/null 2>&1 && fail "pair made on the host"
	true
}

@test "the kernel's extended-ACK text is in the error" {
	local a
	a=$(cu_name a)
	cu_mkns a
	vethctl -N "$a" add "$(cu_name x)" "$(cu_name y)"
	vethctl -N "$a" addr add "$(cu_name x)" 10.2.0.1/24
	run --separate-stderr vethctl -N "$a" addr add "$(cu_name x)" 10.2.0.1/24
	assert_failure 1
	[[ $stderr == *"Address already assigned"* ]]
	run --separate-stderr vethctl -N "$a" route add 10.9.0.0/16 via 10.3.0.1
	assert_failure 1
	[[ $stderr == *"Nexthop has invalid gateway"* ]]
}

@test "up, down, move, addr del, IPv6, routes" {
	local a b x
	a=$(cu_name a) b=$(cu_name b) x=$(cu_name x)
	cu_mkns a; cu_mkns b
	vethctl -N "$a" add "$x" "$(cu_name y)"
	vethctl -N "$a" up "$x"
	vethctl -N "$a" up "$(cu_name y)"
	run ip -j -n "$a" link show "$x"
	assert_output --partial '"UP"'
	vethctl -N "$a" down "$x"
	run ip -j -n "$a" link show "$x"
	refute_output --partial '"UP",'
	vethctl -N "$a" addr add "$x" fd00:1::1/64
	vethctl -N "$a" addr add "$x" 10.4.0.1/24
	vethctl -N "$a" up "$x"
	vethctl -N "$a" route add 10.5.0.0/16 via 10.4.0.2
	run ip -j -n "$a" route show 10.5.0.0/16
	assert_output --partial '"gateway":"10.4.0.2"'
	vethctl -N "$a" route add default via 10.4.0.2
	run ip -j -n "$a" route show default
	assert_output --partial '"dst":"default","gateway":"10.4.0.2"'
	vethctl -N "$a" route del default via 10.4.0.2
	run ip -j -n "$a" route show default
	assert_output '[]'
	run ip -j -n "$a" -6 addr show "$x"
	assert_output --partial '"local":"fd00:1::1"'
	vethctl -N "$a" addr del "$x" fd00:1::1/64
	run ip -j -n "$a" -6 addr show "$x"
	refute_output --partial 'fd00:1::1'
	vethctl -N "$a" move "$x" "$b"
	[ "$(link_names "$b")" = "$x lo" ]
	run --separate-stderr vethctl -N "$b" move "$x" "$(cu_name gone)"
	assert_failure 1
	[ "$(link_names "$b")" = "$x lo" ]
}

@test "bridge add/del, attach, detach; attach to a missing bridge fails" {
	local a br x
	a=$(cu_name a) br=$(cu_name br) x=$(cu_name x)
	cu_mkns a
	vethctl -N "$a" bridge add "$br" --addr 10.6.0.1/24
	run ip -j -n "$a" -d link show "$br"
	assert_output --partial '"info_kind":"bridge"'
	run ip -j -n "$a" addr show "$br"
	assert_output --partial '"local":"10.6.0.1"'
	vethctl -N "$a" add "$x" "$(cu_name y)"
	vethctl -N "$a" attach "$x" "$br"
	run ip -j -n "$a" link show "$x"
	assert_output --partial "\"master\":\"$br\""
	run --separate-stderr vethctl -N "$a" attach "$(cu_name y)" "$(cu_name nobr)"
	assert_failure 1
	[[ $stderr == *"no bridge $(cu_name nobr)"* ]]
	vethctl -N "$a" detach "$x"
	run ip -j -n "$a" link show "$x"
	refute_output --partial '"master"'
	vethctl -N "$a" bridge del "$br"
	run ip -n "$a" link show "$br"
	assert_failure
}

@test "rollback: bridge add whose address the kernel refuses leaves no bridge" {
	local a
	a=$(cu_name a)
	cu_mkns a
	run --separate-stderr vethctl -N "$a" bridge add "$(cu_name br)" --addr ff02::1/64
	assert_failure 1
	[[ $stderr == *"multicast"* ]]
	[ "$(link_names "$a")" = lo ]
}

@test "S8: three namespaces on a bridge, every pair pings, disconnect leaves nothing" {
	local br n i j
	br=$(cu_name br)
	cu_track_link "$br"
	for i in 1 2 3; do cu_mkns "$i"; done
	vethctl bridge add "$br"
	for i in 1 2 3; do
		run vethctl connect "$(cu_name $i)" --bridge "$br" --addr "10.0.1.$i/24"
		assert_success
	done
	for i in 1 2 3; do
		for j in 1 2 3; do
			[ "$i" = "$j" ] && continue
			run ip netns exec "$(cu_name $i)" ping -c1 -W1 "10.0.1.$j"
			assert_success
		done
	done
	run ip -j link show master "$br"
	[ "$(pyj 'len(j)' <<<"$output")" = 3 ]
	for i in 1 2 3; do
		vethctl disconnect "$(cu_name $i)"
		[ "$(link_names "$(cu_name $i)")" = lo ]
	done
	run ip -j link show master "$br"
	assert_output '[]'
	vethctl bridge del "$br"
}

# A router namespace stands in for the host, so NAT and forwarding change
# nothing on the real host; "outside" is a third namespace.
@test "S9: connect --addr auto --nat reaches 'outside' with the router's address" {
	local r c o br port pid
	r=$(cu_name r) c=$(cu_name c) o=$(cu_name o) br=$(cu_name br)
	cu_mkns r; cu_mkns c; cu_mkns o
	fwd_off "$r"
	run vethctl -N "$r" connect "$c" --bridge "$br" --addr auto --nat
	assert_success
	assert_output '10.200.0.2/24'
	run ip -j -n "$c" route show default
	assert_output --partial '"gateway":"10.200.0.1"'
	run ip -j -n "$c" link show lo
	assert_output --partial '"UP"'
	run ip netns exec "$r" nft -j list table ip container_utils
	assert_output --partial '"masquerade"'
	run ip netns exec "$r" nft list set ip container_utils masq
	assert_output --partial '10.200.0.0/24'
	[ "$(ip netns exec "$r" cat /proc/sys/net/ipv4/ip_forward)" = 1 ]
	vethctl -N "$r" add "$(cu_name u0)" "$(cu_name u1)" --peer-netns "$o"
	vethctl -N "$r" addr add "$(cu_name u0)" 192.0.2.1/24
	vethctl -N "$o" addr add "$(cu_name u1)" 192.0.2.2/24
	vethctl -N "$r" up "$(cu_name u0)"
	vethctl -N "$o" up "$(cu_name u1)"
	port=$((20000 + RANDOM % 10000))
	ip netns exec "$o" socat -T5 "TCP-LISTEN:$port,reuseaddr" SYSTEM:'echo $SOCAT_PEERADDR' &
	pid=$!
	cu_track_pid "$pid"
	sleep 0.3
	run ip netns exec "$c" timeout 5 socat - "TCP:192.0.2.2:$port"
	assert_success
	assert_output '192.0.2.1'
	run vethctl -N "$r" disconnect "$c"
	assert_success
	[ "$(link_names "$c")" = lo ]
	run ip netns exec "$r" nft list tables
	refute_output --partial container_utils
	[ "$(ip netns exec "$r" cat /proc/sys/net/ipv4/ip_forward)" = 0 ]
}

@test "connect --addr auto: leases differ, unheld addresses first, a vanished namespace's lease is reclaimed when the range is full" {
	local r br i
	r=$(cu_name r) br=$(cu_name br)
	cu_mkns r
	for i in 1 2 3 4 5 6 7; do cu_mkns "$i"; done
	vethctl -N "$r" bridge add "$br" --addr 10.7.0.1/29
	run vethctl -N "$r" connect "$(cu_name 1)" --bridge "$br" --addr auto
	assert_output '10.7.0.2/29'
	run vethctl -N "$r" connect "$(cu_name 2)" --bridge "$br" --addr auto
	assert_output '10.7.0.3/29'
	ip netns delete "$(cu_name 1)"
	# .2's record is not asked about while the range has unheld addresses
	run vethctl -N "$r" connect "$(cu_name 3)" --bridge "$br" --addr auto
	assert_output '10.7.0.4/29'
	run vethctl -N "$r" connect "$(cu_name 4)" --bridge "$br" --addr auto
	assert_output '10.7.0.5/29'
	run vethctl -N "$r" connect "$(cu_name 5)" --bridge "$br" --addr auto
	assert_output '10.7.0.6/29'
	# full: now the records are checked, and the vanished namespace's .2 comes back
	run vethctl -N "$r" connect "$(cu_name 6)" --bridge "$br" --addr auto
	assert_success
	assert_output '10.7.0.2/29'
	# full of live namespaces: refused, nothing given twice
	run vethctl -N "$r" connect "$(cu_name 7)" --bridge "$br" --addr auto
	assert_failure 1
	assert_output --partial 'no free address'
	for i in 2 3 4 5 6; do vethctl -N "$r" disconnect "$(cu_name "$i")"; done
}

@test "connect --addr CIDR: an address held by a live namespace is refused, one held by a vanished namespace is given" {
	local r br
	r=$(cu_name r) br=$(cu_name br)
	cu_mkns r; cu_mkns 1; cu_mkns 2; cu_mkns 3
	vethctl -N "$r" bridge add "$br" --addr 10.7.1.1/24
	vethctl -N "$r" connect "$(cu_name 1)" --bridge "$br" --addr 10.7.1.9/24
	vethctl -N "$r" connect "$(cu_name 2)" --bridge "$br" --addr 10.7.1.8/24
	run --separate-stderr vethctl -N "$r" connect "$(cu_name 3)" --bridge "$br" --addr 10.7.1.9/24
	assert_failure 1
	[[ $stderr == *"10.7.1.9 is already leased to network namespace /run/netns/$(cu_name 1)"* ]]
	ip netns delete "$(cu_name 1)"
	run vethctl -N "$r" connect "$(cu_name 3)" --bridge "$br" --addr 10.7.1.9/24
	assert_success
	run ip -n "$(cu_name 3)" -o -4 addr show eth0
	assert_output --partial 10.7.1.9/24
	# the one still alive keeps its address
	run --separate-stderr vethctl -N "$r" connect "$(cu_name 3)" --bridge "$br" --addr 10.7.1.8/24 --ifname eth1
	assert_failure 1
	[[ $stderr == *"10.7.1.8 is already leased to network namespace /run/netns/$(cu_name 2)"* ]]
	vethctl -N "$r" disconnect "$(cu_name 2)"
	vethctl -N "$r" disconnect "$(cu_name 3)"
}

@test "bridge del forgets the bridge's leases" {
	local br
	br=$(cu_name br)
	cu_mkns a
	cu_track_link "$br"
	vethctl bridge add "$br" --addr 10.9.0.1/29
	run -0 vethctl connect "$(cu_name a)" --bridge "$br" --addr auto
	assert_output '10.9.0.2/29'
	run ls /run/container-utils/leases/
	assert_output --partial "$br@"
	ip netns delete "$(cu_name a)"
	run -0 vethctl bridge del "$br"
	run bash -c "ls /run/container-utils/leases/ | grep -F '$br@'"
	assert_output ''
}

@test "connect --addr auto on a bridge without an address fails cleanly" {
	local r br
	r=$(cu_name r) br=$(cu_name br)
	cu_mkns r; cu_mkns c
	vethctl -N "$r" bridge add "$br"
	run --separate-stderr vethctl -N "$r" connect "$(cu_name c)" --bridge "$br" --addr auto
	assert_failure 1
	[[ $stderr == *"has no IPv4 address"* ]]
	[ "$(link_names "$(cu_name c)")" = lo ]
	[ "$(link_names "$r")" = "$br lo" ]
}

@test "rollback of connect: the pair step fails (name taken) -> no bridge left" {
	local r c
	r=$(cu_name r) c=$(cu_name c)
	cu_mkns r; cu_mkns c
	ip -n "$c" link add eth0 type veth peer name eth0p
	run --separate-stderr vethctl -N "$r" connect "$c" --bridge "$(cu_name br)" --addr 10.8.0.2/24
	assert_failure 1
	[[ $stderr == *"eth0 already exists in network namespace $c"* ]]
	[ "$(link_names "$r")" = lo ]
}

@test "rollback of connect: the lease step fails (address taken) -> pair and bridge undone" {
	local r
	r=$(cu_name r)
	cu_mkns r; cu_mkns 1; cu_mkns 2
	vethctl -N "$r" connect "$(cu_name 1)" --bridge "$(cu_name br)" --addr 10.8.0.2/24
	run --separate-stderr vethctl -N "$r" connect "$(cu_name 2)" --bridge "$(cu_name br2)" --addr 10.8.0.3/24 --ifname eth1
	assert_success
	before=$(link_names "$r")
	run --separate-stderr vethctl -N "$r" connect "$(cu_name 2)" --bridge "$(cu_name br)" --addr 10.8.0.2/24
	assert_failure 1
	[[ $stderr == *"10.8.0.2 is already leased to network namespace /run/netns/$(cu_name 1)"* ]]
	[ "$(link_names "$r")" = "$before" ]
	[ "$(link_names "$(cu_name 2)")" = "eth1 lo" ]
}

@test "rollback of connect: the address step fails (kernel refuses) -> pair and new bridge undone" {
	local r c
	r=$(cu_name r) c=$(cu_name c)
	cu_mkns r; cu_mkns c
	run --separate-stderr vethctl -N "$r" connect "$c" --bridge "$(cu_name br)" --addr ff02::1/64
	assert_failure 1
	[[ $stderr == *"IFA_F_MCAUTOJOIN"* ]]
	[ "$(link_names "$r")" = lo ]
	[ "$(link_names "$c")" = lo ]
}

@test "rollback of connect: the NAT step fails -> lease, pair and bridge undone" {
	local r c
	r=$(cu_name r) c=$(cu_name c)
	cu_mkns r; cu_mkns c
	# a foreign table of our name without our sets makes the element fail
	ip netns exec "$r" nft add table ip container_utils
	run --separate-stderr vethctl -N "$r" connect "$c" --bridge "$(cu_name br)" --addr auto --nat
	assert_failure 1
	[[ $stderr == *"nftables"* ]]
	[ "$(link_names "$r")" = lo ]
	[ "$(link_names "$c")" = lo ]
	# the lease was released: the same address is handed out again
	ip netns exec "$r" nft delete table ip container_utils
	run vethctl -N "$r" connect "$c" --bridge "$(cu_name br)" --addr auto --nat
	assert_output '10.200.0.2/24'
	vethctl -N "$r" disconnect "$c"
}

@test "connect to a namespace that vanished changes nothing" {
	local r
	r=$(cu_name r)
	cu_mkns r; cu_mkns c
	ip netns delete "$(cu_name c)"
	run --separate-stderr vethctl -N "$r" connect "$(cu_name c)" --bridge "$(cu_name br)" --addr auto
	assert_failure 1
	[[ $stderr == *"$(cu_name c)"* ]]
	[ "$(link_names "$r")" = lo ]
}

@test "nat add/del on its own, with --out; the table goes with its last element" {
	local r
	r=$(cu_name r)
	cu_mkns r
	fwd_off "$r"
	vethctl -N "$r" nat add 10.9.0.0/24
	vethctl -N "$r" nat add 10.9.1.0/24 --out eth9
	run ip netns exec "$r" nft list table ip container_utils
	assert_output --partial '10.9.0.0/24'
	assert_output --partial '10.9.1.0/24 . "eth9"'
	[ "$(ip netns exec "$r" cat /proc/sys/net/ipv4/ip_forward)" = 1 ]
	vethctl -N "$r" nat del 10.9.0.0/24
	run ip netns exec "$r" nft list set ip container_utils masq
	refute_output --partial '10.9.0.0/24'
	run --separate-stderr vethctl -N "$r" nat del 10.9.0.0/24
	assert_failure 1
	vethctl -N "$r" nat del 10.9.1.0/24 --out eth9
	run ip netns exec "$r" nft list tables
	refute_output --partial container_utils
	[ "$(ip netns exec "$r" cat /proc/sys/net/ipv4/ip_forward)" = 0 ]
	run --separate-stderr vethctl -N "$r" nat add fd00::/64
	assert_failure 1
}

@test "nat: forwarding that was on before the table stays on after it" {
	local r
	r=$(cu_name r)
	cu_mkns r
	ip netns exec "$r" sh -c 'echo 1 > /proc/sys/net/ipv4/ip_forward'
	vethctl -N "$r" nat add 10.9.2.0/24
	vethctl -N "$r" nat del 10.9.2.0/24
	run ip netns exec "$r" nft list tables
	refute_output --partial container_utils
	[ "$(ip netns exec "$r" cat /proc/sys/net/ipv4/ip_forward)" = 1 ]
}

@test "--netns takes a name, a path or a PID" {
	local a pid
	a=$(cu_name a)
	cu_mkns a
	vethctl --netns "/run/netns/$a" add "$(cu_name x)" "$(cu_name y)"
	ip netns exec "$a" sleep 30 &
	pid=$!
	cu_track_pid "$pid"
	for _ in $(seq 50); do
		[ "$(readlink "/proc/$pid/ns/net")" = "$(ip netns exec "$a" readlink /proc/self/ns/net)" ] && break
		sleep 0.1
	done
	run vethctl --netns "$pid" list --noheadings -o NAME,PEER
	assert_success
	assert_line "$(cu_name x) $(cu_name y)"
	assert_line "$(cu_name y) $(cu_name x)"
	run vethctl --netns "$a" list -o +MAC,INDEX --raw
	assert_line --index 0 'NAME PEER PEER-NETNS STATE MTU MASTER ADDRESSES MAC INDEX'
}

@test "connect makes a missing bridge with the subnet's first address, --mtu on both ends" {
	local r c br
	r=$(cu_name r) c=$(cu_name c) br=$(cu_name br)
	cu_mkns r; cu_mkns c
	run vethctl -N "$r" connect "$c" --bridge "$br" --addr 10.11.0.5/24 --ifname eth7 --mtu 1400
	assert_success
	run ip -j -n "$r" addr show "$br"
	assert_output --partial '"local":"10.11.0.1","prefixlen":24'
	run ip -j -n "$c" link show eth7
	assert_output --partial '"mtu":1400'
	run ip -j -n "$r" link show master "$br"
	assert_output --partial '"mtu":1400'
	run ip -j -n "$c" route show default
	assert_output --partial '"gateway":"10.11.0.1"'
	run ip netns exec "$c" ping -c1 -W1 10.11.0.1
	assert_success
	run vethctl -N "$r" disconnect "$c" --ifname eth7
	assert_success
	[ "$(link_names "$c")" = lo ]
}

@test "a name with a control character: one line that shows it escaped" {
	run --separate-stderr vethctl add "$(printf 'cu\nx')" y
	assert_failure 1
	[ "${#stderr_lines[@]}" -eq 1 ]
	assert_equal "$stderr" "vethctl: invalid interface name: 'cu\\x0ax': contains a control character (use letters, digits, '-', '_', '.')"
}

@test "delete of a connection's host end drops its record and masquerade element; a pair made by hand is just deleted" {
	local r c br host key
	r=$(cu_name r) c=$(cu_name c) br=$(cu_name br)
	cu_mkns r; cu_mkns c
	vethctl -N "$r" connect "$c" --bridge "$br" --addr 10.9.3.2/24 --nat
	host=$(ip -j -n "$r" link show master "$br" | pyj 'j[0]["ifname"]')
	key=/run/container-utils/leases/$br@$(stat -L -c %i "/run/netns/$r")
	[ -e "$key" ]
	run --separate-stderr vethctl -N "$r" delete "$host"
	assert_success
	[ "$(link_names "$c")" = lo ]
	[ ! -e "$key" ]
	run ip netns exec "$r" nft list tables
	refute_output --partial container_utils
	run --separate-stderr vethctl -N "$r" disconnect "$c"
	assert_failure 1
	vethctl -N "$r" add "$(cu_name x)" "$(cu_name y)"
	vethctl -N "$r" delete "$(cu_name x)"
	[ "$(link_names "$r")" = "$br lo" ]
}

@test "bridge del takes its recorded connections with it: pairs, records, masquerade" {
	local r br
	r=$(cu_name r) br=$(cu_name br)
	cu_mkns r; cu_mkns 1; cu_mkns 2
	vethctl -N "$r" bridge add "$br" --addr 10.9.4.1/24
	vethctl -N "$r" connect "$(cu_name 1)" --bridge "$br" --addr auto --nat
	vethctl -N "$r" connect "$(cu_name 2)" --bridge "$br" --addr auto --nat
	run --separate-stderr vethctl -N "$r" bridge del "$br"
	assert_success
	[ "$(link_names "$r")" = lo ]
	[ "$(link_names "$(cu_name 1)")" = lo ]
	[ "$(link_names "$(cu_name 2)")" = lo ]
	run ip netns exec "$r" nft list tables
	refute_output --partial container_utils
	run bash -c "ls /run/container-utils/leases/ | grep -F '$br@'"
	assert_output ''
}

@test "a namespace deleted without disconnect: its address is free at once, its masquerade entry goes at the next connect or disconnect" {
	local r br key
	r=$(cu_name r) br=$(cu_name br)
	cu_mkns r; cu_mkns 1; cu_mkns 2; cu_mkns 3
	vethctl -N "$r" bridge add "$br" --addr 10.9.5.1/24
	key=/run/container-utils/leases/$br@$(stat -L -c %i "/run/netns/$r")
	vethctl -N "$r" connect "$(cu_name 1)" --bridge "$br" --addr auto --nat
	ip netns delete "$(cu_name 1)"
	run vethctl -N "$r" connect "$(cu_name 2)" --bridge "$br" --addr auto
	assert_output 10.9.5.2/24
	run ip netns exec "$r" nft list tables
	refute_output --partial container_utils
	[ "$(ls "$key" | grep -c '^c\.')" -eq 1 ]
	# a vanished namespace's entry that a live record also asks for stays
	vethctl -N "$r" connect "$(cu_name 3)" --bridge "$br" --addr auto --nat
	cu_mkns 1
	vethctl -N "$r" connect "$(cu_name 1)" --bridge "$br" --addr auto --nat
	ip netns delete "$(cu_name 1)"
	vethctl -N "$r" disconnect "$(cu_name 2)"
	run bash -c "cat '$key'/c.* | grep -c 'path=/run/netns/$(cu_name 2)\$'"
	assert_output 0
	run bash -c "cat '$key'/c.* | grep -c 'path=/run/netns/$(cu_name 3)\$'"
	assert_output 1
	run ip netns exec "$r" nft list set ip container_utils masq
	assert_output --partial 10.9.5.0/24
	vethctl -N "$r" disconnect "$(cu_name 3)"
	run ip netns exec "$r" nft list tables
	refute_output --partial container_utils
}

@test "add without a peer name prints the name the kernel chose; with one, nothing" {
	local a p
	a=$(cu_name a)
	cu_mkns a
	run --separate-stderr vethctl -N "$a" add "$(cu_name v)"
	assert_success
	[[ "$output" =~ ^veth[0-9]+$ ]]
	p=$output
	# the printed name is the peer of the pair, in the same namespace
	run ip -j -n "$a" link show "$p"
	[ "$(pyj 'j[0]["link"]' <<<"$output")" = "$(cu_name v)" ]
	run --separate-stderr vethctl -N "$a" add "$(cu_name x)" "$(cu_name y)"
	assert_success
	assert_output ''
}

@test "add --mtu outside 68..65535 names the value and the range; nothing is made" {
	local a m
	a=$(cu_name a)
	cu_mkns a
	for m in 10 67 65536 0; do
		run --separate-stderr vethctl -N "$a" add "$(cu_name v)" "$(cu_name w)" --mtu "$m"
		assert_failure 1
		[ "$stderr" = "vethctl: invalid MTU: '$m' (use 68 to 65535 bytes; Ethernet's is 1500)" ]
	done
	[ "$(link_names "$a")" = lo ]
	vethctl -N "$a" add "$(cu_name v)" "$(cu_name w)" --mtu 68
	run ip -j -n "$a" link show "$(cu_name w)"
	[ "$(pyj 'j[0]["mtu"]' <<<"$output")" = 68 ]
}

@test "connect without --addr: connected, with a one-line hint on how to get an address" {
	local r c br
	r=$(cu_name r) c=$(cu_name c) br=$(cu_name br)
	cu_mkns r; cu_mkns c
	run --separate-stderr vethctl -N "$r" connect "$c" --bridge "$br"
	assert_success
	assert_output ''
	[ "$stderr" = "vethctl: $c is connected to $br without an IP address (for one, disconnect and connect again with --addr auto or --addr CIDR)" ]
	[ "$(link_names "$c")" = "eth0 lo" ]
	# the bridge it made has the default subnet: --addr auto works next
	run ip -j -n "$r" -4 addr show "$br"
	assert_output --partial '"local":"10.200.0.1","prefixlen":24'
	run ip -j -n "$c" -4 addr show eth0
	refute_output --partial '"local"'
	vethctl -N "$r" disconnect "$c" --bridge "$br"
	run --separate-stderr vethctl -N "$r" connect "$c" --bridge "$br" --addr auto
	assert_success
	assert_output 10.200.0.2/24
	[ -z "$stderr" ]
	vethctl -N "$r" disconnect "$c" --bridge "$br"
}

# The gateway a bridge made by connect gets: the subnet's first host address,
# or its last when the namespace asks for the first; a /32 leaves none.
@test "connect makes the bridge with a gateway whatever the namespace's address; a default route through it" {
	local r br
	r=$(cu_name r) br=$(cu_name br)
	cu_mkns r; cu_mkns 1; cu_mkns 2; cu_mkns 3
	vethctl -N "$r" connect "$(cu_name 1)" --bridge "${br}a" --addr 10.9.6.1/24
	run ip -j -n "$r" -4 addr show "${br}a"
	assert_output --partial '"local":"10.9.6.254","prefixlen":24'
	run ip -j -n "$(cu_name 1)" route show default
	assert_output --partial '"gateway":"10.9.6.254"'
	run ip netns exec "$(cu_name 1)" ping -c1 -W2 10.9.6.254
	assert_success
	# a second namespace on that bridge may take .1? no: it is the first's
	vethctl -N "$r" connect "$(cu_name 2)" --bridge "${br}a" --addr 10.9.6.7/24
	run ip netns exec "$(cu_name 2)" ping -c1 -W2 10.9.6.1
	assert_success
	# any other address: the first host address
	vethctl -N "$r" connect "$(cu_name 3)" --bridge "${br}b" --addr 10.9.8.6/30
	run ip -j -n "$r" -4 addr show "${br}b"
	assert_output --partial '"local":"10.9.8.5","prefixlen":30'
	run ip -j -n "$(cu_name 3)" route show default
	assert_output --partial '"gateway":"10.9.8.5"'
	vethctl -N "$r" disconnect "$(cu_name 1)" --bridge "${br}a"
	vethctl -N "$r" disconnect "$(cu_name 2)" --bridge "${br}a"
	vethctl -N "$r" disconnect "$(cu_name 3)" --bridge "${br}b"
}

@test "the default bridge is ctr0 with 10.200.0.1/24, as the demo's" {
	local r c
	r=$(cu_name r) c=$(cu_name c)
	cu_mkns r; cu_mkns c
	run vethctl -N "$r" connect "$c" --addr auto
	assert_output 10.200.0.2/24
	run ip -j -n "$r" -4 addr show ctr0
	assert_output --partial '"local":"10.200.0.1","prefixlen":24'
	grep -q 'subnet=${CONTAINER_SUBNET:-10.200.0.1/24}' "$CU_TOPDIR/examples/container.sh"
	grep -q 'bridge=${CONTAINER_BRIDGE:-ctr0}' "$CU_TOPDIR/examples/container.sh"
	vethctl -N "$r" disconnect "$c"
	vethctl -N "$r" bridge del ctr0
}

@test "bridge list: addresses, ports and NAT of each bridge, --json, --output" {
	local r br
	r=$(cu_name r) br=$(cu_name br)
	cu_mkns r; cu_mkns 1
	vethctl -N "$r" bridge add "${br}a" --addr 10.9.7.1/24
	vethctl -N "$r" bridge add "${br}b"
	vethctl -N "$r" connect "$(cu_name 1)" --bridge "${br}a" --addr auto --nat
	run --separate-stderr vethctl -N "$r" bridge list
	assert_success
	assert_line --index 0 --regexp '^NAME +STATE +ADDRESSES +PORTS +NAT$'
	run vethctl -N "$r" bridge list --noheadings --raw -o NAME,PORTS,NAT
	assert_line --regexp "^${br}a vc[0-9a-f]{8} yes$"
	assert_line "${br}b  no"
	run vethctl -N "$r" bridge list --json
	assert_output --partial '"bridges": ['
	[ "$(jq -r --arg b "${br}a" '.bridges[] | select(.ifname == $b) | "\(.addresses[0]) \(.ports | length) \(.nat)"' <<< "$output")" = "10.9.7.1/24 1 true" ]
	[ "$(jq -r --arg b "${br}b" '.bridges[] | select(.ifname == $b) | "\(.ports) \(.nat)"' <<< "$output")" = "[] false" ]
	# masquerade gone with the connection
	vethctl -N "$r" disconnect "$(cu_name 1)" --bridge "${br}a"
	run vethctl -N "$r" bridge list --noheadings --raw -o NAME,PORTS,NAT
	assert_line "${br}a  no"
	run --separate-stderr vethctl -N "$r" bridge list "${br}a"
	assert_failure 1
}

@test "permission errors of a non-root user name the commands to run instead" {
	cu_require_user
	run --separate-stderr cu_as_user vethctl add "$(cu_name v)"
	assert_failure 1
	[ "$stderr" = "vethctl: cannot create veth pair: Operation not permitted (run as root: sudo vethctl add $(cu_name v), or nsrun --user --map-root-user --net vethctl add $(cu_name v))" ]
	[ ! -e "/sys/class/net/$(cu_name v)" ]
	# what the hint says works: in a namespace of one's own
	run --separate-stderr cu_as_user nsrun --user --map-root-user --net vethctl add "$(cu_name v)"
	assert_success
	run --separate-stderr cu_as_user vethctl bridge add "$(cu_name b)"
	[[ "$stderr" == *"(run as root: sudo vethctl bridge add $(cu_name b), or nsrun"* ]]
	# a namespace of one's own is no way into another's, nor to /run's records
	cu_mkns n
	run --separate-stderr cu_as_user vethctl -N "$(cu_name n)" add "$(cu_name v)"
	assert_failure 1
	[ "$stderr" = "vethctl: cannot enter network namespace: Operation not permitted (run as root: sudo vethctl -N $(cu_name n) add $(cu_name v))" ]
	run --separate-stderr cu_as_user vethctl nat add 10.9.9.0/24
	assert_failure 1
	[[ "$stderr" == *"(run as root: sudo vethctl nat add 10.9.9.0/24)" ]]
}
