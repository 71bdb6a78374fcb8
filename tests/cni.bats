#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# vethctl as a CNI plugin: the same configurations given to Debian's
# reference plugins (bridge + host-local, /usr/lib/cni) and to vethctl, each
# run inside a "host" namespace of the test's own, compared on what the
# kernel and the result show; the specification's rules for ADD, DEL,
# CHECK, GC and VERSION; rollback; and podman as a real client.  Traffic
# only between the test's namespaces.
load helpers/common

REF=/usr/lib/cni

setup() {
	cu_setup
	cu_require_root
	cu_require_tool vethctl
	command -v jq >/dev/null || skip "jq is not installed"
	# records and leases of this test's networks and bridges (their
	# namespaces die in teardown, which is what DEL must survive anyway)
	cu_on_teardown "rm -rf /run/container-utils/cni/$(cu_id)*"
	cu_on_teardown "rm -rf /run/container-utils/leases/$(cu_id)*@*"
}

# conf TYPE [JQ-FILTER]: the test's network configuration for plugin TYPE
# (bridge or vethctl), amended by the filter.
conf() {
	jq -nc --arg t "$1" --arg n "$(cu_name net)" --arg br "$(cu_name br)" \
		--arg dd "$BATS_TEST_TMPDIR/host-local" "{
		cniVersion: \"1.0.0\", name: \$n, type: \$t, bridge: \$br,
		isGateway: true, ipMasq: true, mtu: 1400, hairpinMode: true,
		ipam: { type: \"host-local\", subnet: \"10.231.${BATS_TEST_NUMBER}.0/24\",
			dataDir: \$dd, routes: [ { dst: \"0.0.0.0/0\" } ] }
	} | ${2:-.}"
}

# cni PLUGIN COMMAND HOSTNS CONTAINERNS ID IFNAME < CONFIG: one CNI call,
# made inside HOSTNS as a runtime there would make it.
cni() {
	local plugin=$1 cmd=$2 host=$3 ns=$4 id=$5 ifname=$6
	[ "$plugin" = vethctl ] && plugin=$CU_BUILDDIR/vethctl || plugin=$REF/$plugin
	ip netns exec "$host" env CNI_COMMAND="$cmd" CNI_CONTAINERID="$id" \
		CNI_NETNS="${ns:+/run/netns/$ns}" CNI_IFNAME="$ifname" \
		CNI_PATH="$REF" "$plugin"
}

# What a user sees of an attachment, without what is random (MACs, the
# host end's name, link indexes): container links, addresses, routes; the
# bridge, its ports.
observe() { # HOSTNS CONTAINERNS
	local br
	br=$(cu_name br)
	ip -j -n "$2" link show dev eth0 | jq -c '.[] | {ifname, mtu, operstate, flags: (.flags | sort)}'
	ip -j -n "$2" -4 addr show dev eth0 | jq -c '[.[].addr_info[] | {local, prefixlen}]'
	ip -j -n "$2" -4 route show | jq -c 'map({dst, gateway, dev}) | sort_by(.dst)'
	ip -j -n "$1" link show dev "$br" | jq -c '.[] | {ifname, mtu, operstate}'
	ip -j -n "$1" -4 addr show dev "$br" | jq -c '[.[].addr_info[] | {local, prefixlen}]'
	ip -j -n "$1" link show master "$br" | jq -c 'map({mtu, operstate, master})'
	ip -j -d -n "$1" link show master "$br" | jq -c 'map(.linkinfo.info_slave_data.hairpin)'
}

# The shape of a result: every path with the type of its value.
shape() {
	jq -c '[paths(scalars) as $p | [($p | map(tostring) | join(".")), (getpath($p) | type)]] | sort'
}

# The values that must agree (not the MACs nor the host end's name).
values() {
	jq -c '{cniVersion, bridge: .interfaces[0].name, ctr: .interfaces[2] | {name, sandbox},
		ips, routes, dns}'
}

# An outside namespace behind the host one, with no route back to the
# containers' subnet: a container reaches it only masqueraded.
outside() { # HOSTNS SUFFIX
	local o
	o=$(cu_name "$2")
	cu_mkns "$2"
	ip -n "$1" link add "$(cu_name "${2}h")" type veth peer name eth0 netns "$o"
	ip -n "$1" addr add 198.51.100.1/24 dev "$(cu_name "${2}h")"
	ip -n "$1" link set "$(cu_name "${2}h")" up
	ip -n "$o" addr add 198.51.100.2/24 dev eth0
	ip -n "$o" link set eth0 up
}

@test "differential: bridge + host-local and vethctl give the same interfaces, addresses, routes, gateway, result" {
	local ra rb
	[ -x "$REF/bridge" ] || skip "containernetworking-plugins is not installed"
	cu_mkns ha; cu_mkns ca; cu_mkns hb; cu_mkns cb
	ra=$(conf bridge | cni bridge ADD "$(cu_name ha)" "$(cu_name ca)" "$(cu_name c)" eth0)
	cu_on_teardown "conf bridge | cni bridge DEL $(cu_name ha) '' $(cu_name c) eth0 >/dev/null"
	rb=$(conf vethctl | cni vethctl ADD "$(cu_name hb)" "$(cu_name cb)" "$(cu_name c)" eth0)
	cu_on_teardown "conf vethctl | cni vethctl DEL $(cu_name hb) '' $(cu_name c) eth0 >/dev/null"

	run observe "$(cu_name ha)" "$(cu_name ca)"
	local want=$output
	[[ "$want" == *'"local":"10.231.'* ]]	# an address, not an empty compare
	run observe "$(cu_name hb)" "$(cu_name cb)"
	assert_output "$want"

	assert_equal "$(shape <<< "$rb")" "$(shape <<< "$ra")"
	assert_equal "$(values <<< "$rb" | sed "s/$(cu_name cb)/CTR/")" \
		"$(values <<< "$ra" | sed "s/$(cu_name ca)/CTR/")"
	assert_equal "$(jq -r '.ips[0].address' <<< "$rb")" "10.231.$BATS_TEST_NUMBER.2/24"
}

@test "differential: masquerade: both let the container reach an outside namespace that has no route back" {
	[ -x "$REF/bridge" ] || skip "containernetworking-plugins is not installed"
	cu_mkns ha; cu_mkns ca; cu_mkns hb; cu_mkns cb
	outside "$(cu_name ha)" oa
	outside "$(cu_name hb)" ob
	conf bridge | cni bridge ADD "$(cu_name ha)" "$(cu_name ca)" "$(cu_name c)" eth0 >/dev/null
	cu_on_teardown "conf bridge | cni bridge DEL $(cu_name ha) '' $(cu_name c) eth0 >/dev/null"
	conf vethctl | cni vethctl ADD "$(cu_name hb)" "$(cu_name cb)" "$(cu_name c)" eth0 >/dev/null
	cu_on_teardown "conf vethctl | cni vethctl DEL $(cu_name hb) '' $(cu_name c) eth0 >/dev/null"

	# the rules: iptables' per-address chain, vethctl's subnet in its nft set
	run ip netns exec "$(cu_name ha)" iptables-save -t nat
	assert_output --partial "-s 10.231.$BATS_TEST_NUMBER.2/32"
	assert_output --partial MASQUERADE
	run ip netns exec "$(cu_name hb)" nft list set ip container_utils masq
	assert_output --partial "10.231.$BATS_TEST_NUMBER.0/24"

	run ip netns exec "$(cu_name ca)" ping -c1 -W2 198.51.100.2
	assert_success
	run ip netns exec "$(cu_name cb)" ping -c1 -W2 198.51.100.2
	assert_success

	# without the masquerade, vethctl's container is cut off as expected
	conf vethctl | cni vethctl DEL "$(cu_name hb)" "$(cu_name cb)" "$(cu_name c)" eth0
	run ip netns exec "$(cu_name hb)" nft list table ip container_utils
	assert_failure
}

@test "VERSION lists the versions spoken; with and without input" {
	run bash -c 'echo "{\"cniVersion\":\"0.4.0\"}" | CNI_COMMAND=VERSION vethctl'
	assert_success
	assert_equal "$(jq -c . <<< "$output")" \
		'{"cniVersion":"0.4.0","supportedVersions":["0.3.0","0.3.1","0.4.0","1.0.0","1.1.0"]}'
	run bash -c 'CNI_COMMAND=VERSION vethctl < /dev/null'
	assert_success
	assert_equal "$(jq -r .cniVersion <<< "$output")" 1.1.0
	# a version it does not speak is echoed, as the spec asks of VERSION
	run bash -c 'echo "{\"cniVersion\":\"1.2.0\"}" | CNI_COMMAND=VERSION vethctl'
	assert_success
	assert_equal "$(jq -r .cniVersion <<< "$output")" 1.2.0
}

@test "a configuration of 1 MiB or more on stdin is an I/O error; one just under is read" {
	run bash -c 'head -c 1048576 /dev/zero | tr "\\0" " " | CNI_COMMAND=VERSION vethctl'
	assert_failure 1
	assert_equal "$(jq .code <<< "$output")" 5
	assert_equal "$(jq -r .msg <<< "$output")" "the network configuration is larger than 1048576 bytes"
	run bash -c '{ echo "{\"cniVersion\":\"0.4.0\"}"; head -c 1048000 /dev/zero | tr "\\0" " "; } | CNI_COMMAND=VERSION vethctl'
	assert_success
	assert_equal "$(jq -r .cniVersion <<< "$output")" 0.4.0
}

@test "DEL without ADD, DEL twice, DEL after the namespace is gone: success, and all is released" {
	local h
	h=$(cu_name h)
	cu_mkns h; cu_mkns c
	run cni vethctl DEL "$h" "$(cu_name c)" "$(cu_name x)" eth0 < <(conf vethctl)
	assert_success
	assert_output ''

	conf vethctl | cni vethctl ADD "$h" "$(cu_name c)" "$(cu_name x)" eth0 >/dev/null
	run cni vethctl DEL "$h" "$(cu_name c)" "$(cu_name x)" eth0 < <(conf vethctl)
	assert_success
	run cni vethctl DEL "$h" "$(cu_name c)" "$(cu_name x)" eth0 < <(conf vethctl)
	assert_success
	run ip -n "$h" -o link show master "$(cu_name br)"
	assert_output ''

	# the namespace goes first: DEL still frees the address and the masquerade
	conf vethctl | cni vethctl ADD "$h" "$(cu_name c)" "$(cu_name x)" eth0 >/dev/null
	ip netns del "$(cu_name c)"
	run cni vethctl DEL "$h" "$(cu_name c)" "$(cu_name x)" eth0 < <(conf vethctl)
	assert_success
	run ip netns exec "$h" nft list table ip container_utils
	assert_failure
	[ ! -e "/run/container-utils/cni/$(cu_name net)" ]
	cu_mkns c2
	run cni vethctl ADD "$h" "$(cu_name c2)" "$(cu_name y)" eth0 < <(conf vethctl)
	assert_success
	assert_equal "$(jq -r '.ips[0].address' <<< "$output")" "10.231.$BATS_TEST_NUMBER.2/24"
	conf vethctl | cni vethctl DEL "$h" "$(cu_name c2)" "$(cu_name y)" eth0
}

@test "CHECK passes after ADD and fails with the reference plugin's code once the container is broken" {
	local h c r code
	h=$(cu_name h) c=$(cu_name c)
	cu_mkns h; cu_mkns c
	r=$(conf vethctl | cni vethctl ADD "$h" "$c" "$(cu_name x)" eth0)
	cu_on_teardown "conf vethctl | cni vethctl DEL $h '' $(cu_name x) eth0"
	run cni vethctl CHECK "$h" "$c" "$(cu_name x)" eth0 < <(conf vethctl ". + {prevResult: $r}")
	assert_success
	assert_output ''
	run cni vethctl CHECK "$h" "$c" "$(cu_name x)" eth0 < <(conf vethctl)
	assert_failure
	assert_equal "$(jq .code <<< "$output")" 7	# no prevResult

	ip -n "$c" addr flush dev eth0
	run cni vethctl CHECK "$h" "$c" "$(cu_name x)" eth0 < <(conf vethctl ". + {prevResult: $r}")
	assert_failure
	code=$(jq .code <<< "$output")
	assert_output --partial "address 10.231.$BATS_TEST_NUMBER.2/24 is missing from eth0"
	if [ -x "$REF/bridge" ]; then
		local h2 c2 r2
		h2=$(cu_name h2) c2=$(cu_name c2)
		cu_mkns h2; cu_mkns c2
		r2=$(conf bridge | cni bridge ADD "$h2" "$c2" "$(cu_name x)" eth0)
		cu_on_teardown "conf bridge | cni bridge DEL $h2 '' $(cu_name x) eth0 >/dev/null"
		ip -n "$c2" addr flush dev eth0
		run cni bridge CHECK "$h2" "$c2" "$(cu_name x)" eth0 < <(conf bridge ". + {prevResult: $r2}")
		assert_failure
		assert_equal "$code" "$(jq .code <<< "$output")"
	fi

	ip -n "$c" link set eth0 down
	run cni vethctl CHECK "$h" "$c" "$(cu_name x)" eth0 < <(conf vethctl ". + {prevResult: $r}")
	assert_failure
	assert_output --partial "eth0 in /run/netns/$c is down"
}

# check_fails PLUGIN HOST CTR RESULT TEXT: CHECK on the broken attachment
# fails with code 999 (libcni's ErrInternal, the reference's code) and,
# for vethctl, a message naming TEXT.
check_fails() {
	run cni "$1" CHECK "$2" "$3" "$(cu_name x)" eth0 < <(conf "$1" ". + {prevResult: $4}")
	assert_failure
	assert_equal "$(jq .code <<< "$output")" 999
	[ "$1" = bridge ] || assert_output --partial "$5"
}

@test "CHECK names each missing piece: the route, the masquerade rule and element, the gateway address, the bridge port" {
	local h c r br n=$BATS_TEST_NUMBER
	h=$(cu_name h) c=$(cu_name c) br=$(cu_name br)
	cu_mkns h; cu_mkns c
	r=$(conf vethctl '.ipam.routes += [{dst: "192.0.2.0/24", gw: "10.231.'"$n"'.254"}]' |
		cni vethctl ADD "$h" "$c" "$(cu_name x)" eth0)
	cu_on_teardown "conf vethctl | cni vethctl DEL $h '' $(cu_name x) eth0"
	ck() { conf vethctl '.ipam.routes += [{dst: "192.0.2.0/24", gw: "10.231.'"$n"'.254"}]' |
		jq -c ". + {prevResult: $r}" | cni vethctl CHECK "$h" "$c" "$(cu_name x)" eth0; }
	run ck
	assert_success
	assert_output ''

	ip -n "$c" route del default
	run ck
	assert_failure
	assert_equal "$(jq .code <<< "$output")" 999
	assert_output --partial "route 0.0.0.0/0 via 10.231.$n.1 is missing from eth0 in /run/netns/$c"
	ip -n "$c" route add default via "10.231.$n.1" dev eth0
	run ck
	assert_success

	ip -n "$c" route del 192.0.2.0/24
	run ck
	assert_failure
	assert_output --partial "route 192.0.2.0/24 via 10.231.$n.254 is missing from eth0"
	ip -n "$c" route add 192.0.2.0/24 via "10.231.$n.254" dev eth0
	run ck
	assert_success

	ip netns exec "$h" nft delete element ip container_utils masq "{ 10.231.$n.0/24 }"
	run ck
	assert_failure
	assert_equal "$(jq .code <<< "$output")" 999
	assert_output --partial "the masquerade of 10.231.$n.0/24 is missing from table ip container_utils"
	ip netns exec "$h" nft add element ip container_utils masq "{ 10.231.$n.0/24 }"
	run ck
	assert_success

	# the element stays, the rule that masquerades it goes
	ip netns exec "$h" nft flush chain ip container_utils postrouting
	run ck
	assert_failure
	assert_output --partial "the masquerade of 10.231.$n.0/24 is missing"
	ip netns exec "$h" nft add rule ip container_utils postrouting ip saddr @masq ip daddr != @masq masquerade
	ip netns exec "$h" nft add rule ip container_utils postrouting ip saddr . oifname @masq_out masquerade
	run ck
	assert_success

	ip -n "$h" addr del "10.231.$n.1/24" dev "$br"
	run ck
	assert_failure
	assert_equal "$(jq .code <<< "$output")" 999
	assert_output --partial "gateway address 10.231.$n.1/24 is missing from bridge $br"
	ip -n "$h" addr add "10.231.$n.1/24" dev "$br"
	run ck
	assert_success

	ip -n "$h" link set "$(jq -r '.interfaces[1].name' <<< "$r")" nomaster
	run ck
	assert_failure
	assert_output --partial "is missing from bridge $br"
}

# The reference checks the routes of its result and the bridge port; it
# does not check the bridge's gateway address nor its masquerade (seen:
# CHECK succeeds with both removed), so those are compared nowhere.
@test "differential: CHECK after the same breakage, vethctl and the reference bridge plugin" {
	local ha ca hb cb ra rb n=$BATS_TEST_NUMBER
	[ -x "$REF/bridge" ] || skip "containernetworking-plugins is not installed"
	ha=$(cu_name ha) ca=$(cu_name ca) hb=$(cu_name hb) cb=$(cu_name cb)
	cu_mkns ha; cu_mkns ca; cu_mkns hb; cu_mkns cb
	ra=$(conf bridge | cni bridge ADD "$ha" "$ca" "$(cu_name x)" eth0)
	cu_on_teardown "conf bridge | cni bridge DEL $ha '' $(cu_name x) eth0 >/dev/null"
	rb=$(conf vethctl | cni vethctl ADD "$hb" "$cb" "$(cu_name x)" eth0)
	cu_on_teardown "conf vethctl | cni vethctl DEL $hb '' $(cu_name x) eth0 >/dev/null"
	run cni bridge CHECK "$ha" "$ca" "$(cu_name x)" eth0 < <(conf bridge ". + {prevResult: $ra}")
	assert_success
	run cni vethctl CHECK "$hb" "$cb" "$(cu_name x)" eth0 < <(conf vethctl ". + {prevResult: $rb}")
	assert_success

	# the default route: both check the routes of their result
	ip -n "$ca" route del default
	ip -n "$cb" route del default
	check_fails bridge "$ha" "$ca" "$ra"
	check_fails vethctl "$hb" "$cb" "$rb" "route 0.0.0.0/0 via 10.231.$n.1 is missing"
	ip -n "$ca" route add default via "10.231.$n.1" dev eth0
	ip -n "$cb" route add default via "10.231.$n.1" dev eth0

	# the host end off the bridge: both check the bridge's port
	ip -n "$ha" link set "$(jq -r '.interfaces[1].name' <<< "$ra")" nomaster
	ip -n "$hb" link set "$(jq -r '.interfaces[1].name' <<< "$rb")" nomaster
	check_fails bridge "$ha" "$ca" "$ra"
	check_fails vethctl "$hb" "$cb" "$rb" "is missing from bridge $(cu_name br)"
}

@test "the host end is a bridge port without IPv6 of its own; the containers keep theirs and reach each other over it" {
	local h r1 r2 ll
	h=$(cu_name h)
	cu_mkns h; cu_mkns c1; cu_mkns c2
	r1=$(conf vethctl | cni vethctl ADD "$h" "$(cu_name c1)" "$(cu_name x)" eth0)
	cu_on_teardown "conf vethctl | cni vethctl DEL $h '' $(cu_name x) eth0"
	r2=$(conf vethctl | cni vethctl ADD "$h" "$(cu_name c2)" "$(cu_name y)" eth0)
	cu_on_teardown "conf vethctl | cni vethctl DEL $h '' $(cu_name y) eth0"
	run ip netns exec "$h" cat "/proc/sys/net/ipv6/conf/$(jq -r '.interfaces[1].name' <<< "$r1")/disable_ipv6"
	assert_output 1
	run ip -n "$h" -6 addr show dev "$(jq -r '.interfaces[1].name' <<< "$r2")"
	assert_output ''
	# the containers' own IPv6 is theirs: a link-local address, reachable
	ll=$(ip -n "$(cu_name c2)" -j -6 addr show dev eth0 scope link | jq -r '.[0].addr_info[0].local')
	[[ "$ll" == fe80:* ]]
	# both addresses past duplicate address detection first
	for _ in $(seq 50); do
		[ -z "$(ip -n "$(cu_name c1)" -6 addr show tentative; ip -n "$(cu_name c2)" -6 addr show tentative)" ] && break
		sleep 0.1
	done
	run ip netns exec "$(cu_name c1)" ping -6 -c1 -W5 "$ll%eth0"
	assert_success
}

@test "ADD is all or nothing: a failing route step leaves no bridge, pair, lease, record nor masquerade" {
	local h c
	h=$(cu_name h) c=$(cu_name c)
	cu_mkns h; cu_mkns c
	# the gateway of the second route is not on any link: the kernel refuses it
	run cni vethctl ADD "$h" "$c" "$(cu_name x)" eth0 < <(conf vethctl \
		'.ipam.routes += [{dst: "192.0.2.0/24", gw: "203.0.113.9"}]')
	assert_failure
	assert_equal "$(jq .code <<< "$output")" 999
	assert_equal "$(ip -n "$h" -o link show | grep -vc ': lo:')" 0
	assert_equal "$(ip -n "$c" -o link show | grep -vc ': lo:')" 0
	run ip netns exec "$h" nft list table ip container_utils
	assert_failure
	[ ! -e "/run/container-utils/cni/$(cu_name net)" ]
	[ -z "$(ls /run/container-utils/leases/ 2>/dev/null | grep "^$(cu_name br)@")" ]
	# and the same configuration without that route works
	run cni vethctl ADD "$h" "$c" "$(cu_name x)" eth0 < <(conf vethctl)
	assert_success
	conf vethctl | cni vethctl DEL "$h" "$c" "$(cu_name x)" eth0
}

@test "ADD refuses an interface name the container already has, and keeps a bridge that was there" {
	local h c
	h=$(cu_name h) c=$(cu_name c)
	cu_mkns h; cu_mkns c
	ip -n "$c" link add eth0 type veth peer name eth9
	ip -n "$h" link add "$(cu_name br)" type bridge
	run cni vethctl ADD "$h" "$c" "$(cu_name x)" eth0 < <(conf vethctl)
	assert_failure
	assert_output --partial "eth0 already exists"
	assert_equal "$(ip -n "$h" -o link show | grep -vc ': lo:')" 1	# the bridge, no pair
	run ip -n "$h" -4 addr show dev "$(cu_name br)"
	assert_output ''	# the gateway address added for this ADD went again
}

@test "configuration errors: the specification's codes, naming the value, nothing made" {
	local h c
	h=$(cu_name h) c=$(cu_name c)
	cu_mkns h; cu_mkns c
	run cni vethctl ADD "$h" "$c" x eth0 < <(conf vethctl '. + {vlan: 7}')
	assert_failure
	assert_equal "$(jq -c '[.code, .msg]' <<< "$output")" \
		"[2,\"unsupported field vlan: 7 (vethctl's CNI mode does not implement it; remove it)\"]"
	run cni vethctl ADD "$h" "$c" x eth0 < <(conf vethctl '.ipam.subnet = "fd00::/64"')
	assert_equal "$(jq .code <<< "$output")" 2
	run cni vethctl ADD "$h" "$c" x eth0 < <(conf vethctl '.ipam.rangeStart = "10.9.9.9"')
	assert_equal "$(jq .code <<< "$output")" 7
	assert_output --partial '10.9.9.9 is not a host address of subnet'
	run cni vethctl ADD "$h" "$c" x eth0 < <(conf vethctl '.cniVersion = "9.9.9"')
	assert_equal "$(jq .code <<< "$output")" 1
	run cni vethctl ADD "$h" "$c" x eth0 <<< '{"cniVersion": "1.0.0", "name": "a", "name": "b"}'
	assert_equal "$(jq .code <<< "$output")" 6
	assert_output --partial 'duplicate object key'
	run cni vethctl ADD "$h" "$c" '' eth0 < <(conf vethctl)
	assert_equal "$(jq .code <<< "$output")" 4
	assert_output --partial CNI_CONTAINERID
	run bash -c 'CNI_COMMAND=FROB vethctl < /dev/null'
	assert_failure
	assert_equal "$(jq .code <<< "$output")" 4
	assert_equal "$(ip -n "$h" -o link show | grep -vc ': lo:')" 0
}

@test "host-local's rangeStart/rangeEnd and ranges: the leases stay inside; a full range is an error" {
	local h
	h=$(cu_name h)
	cu_mkns h; cu_mkns c1; cu_mkns c2
	local f='.ipam.rangeStart = "10.231.'$BATS_TEST_NUMBER'.50" | .ipam.rangeEnd = "10.231.'$BATS_TEST_NUMBER'.50"'
	run cni vethctl ADD "$h" "$(cu_name c1)" "$(cu_name x)" eth0 < <(conf vethctl "$f")
	assert_success
	assert_equal "$(jq -r '.ips[0].address' <<< "$output")" "10.231.$BATS_TEST_NUMBER.50/24"
	cu_on_teardown "conf vethctl | cni vethctl DEL $h '' $(cu_name x) eth0"
	run cni vethctl ADD "$h" "$(cu_name c2)" "$(cu_name y)" eth0 < <(conf vethctl "$f")
	assert_failure
	assert_output --partial 'no free address'
	assert_equal "$(ip -n "$h" -o link show master "$(cu_name br)" | wc -l)" 1
	# the "ranges" form of the same
	run cni vethctl ADD "$h" "$(cu_name c2)" "$(cu_name y)" eth0 < <(conf vethctl \
		'.ipam |= (del(.subnet) + {ranges: [[{subnet: "10.231.'$BATS_TEST_NUMBER'.0/24", rangeStart: "10.231.'$BATS_TEST_NUMBER'.60"}]]})')
	assert_success
	assert_equal "$(jq -r '.ips[0].address' <<< "$output")" "10.231.$BATS_TEST_NUMBER.60/24"
	conf vethctl | cni vethctl DEL "$h" "$(cu_name c2)" "$(cu_name y)" eth0
}

@test "prevResult: a chained ADD appends its interfaces and addresses to the previous result" {
	local h c prev
	h=$(cu_name h) c=$(cu_name c)
	cu_mkns h; cu_mkns c
	prev='{"cniVersion":"1.0.0","interfaces":[{"name":"other0"}],"ips":[{"interface":0,"address":"192.0.2.5/24"}],"dns":{"nameservers":["192.0.2.53"]}}'
	run cni vethctl ADD "$h" "$c" "$(cu_name x)" eth1 < <(conf vethctl ". + {prevResult: $prev}")
	assert_success
	cu_on_teardown "conf vethctl | cni vethctl DEL $h '' $(cu_name x) eth1"
	assert_equal "$(jq -c '[.interfaces[].name][0,3], [.ips[].interface], .dns' <<< "$output")" \
		"$(printf '"other0"\n"eth1"\n[0,3]\n{"nameservers":["192.0.2.53"]}')"
}

@test "GC removes the attachments the runtime no longer lists, and only those" {
	local h n
	h=$(cu_name h) n=$(cu_name net)
	cu_mkns h; cu_mkns c1; cu_mkns c2
	conf vethctl | cni vethctl ADD "$h" "$(cu_name c1)" "$(cu_name x)" eth0 >/dev/null
	conf vethctl | cni vethctl ADD "$h" "$(cu_name c2)" "$(cu_name y)" eth0 >/dev/null
	cu_on_teardown "conf vethctl | cni vethctl DEL $h '' $(cu_name x) eth0"
	# no list: an error, not an empty list
	run cni vethctl GC "$h" '' '' '' < <(conf vethctl)
	assert_failure
	assert_equal "$(jq .code <<< "$output")" 7
	assert_equal "$(ls "/run/container-utils/cni/$n" | wc -l)" 2
	run cni vethctl GC "$h" '' '' '' < <(conf vethctl \
		". + {\"cni.dev/valid-attachments\": [{containerID: \"$(cu_name x)\", ifname: \"eth0\"}]}")
	assert_success
	run ip -n "$(cu_name c2)" link show eth0
	assert_failure	# its pair went with the host end
	run ip -n "$(cu_name c1)" link show eth0
	assert_success
	run ls "/run/container-utils/cni/$n"
	assert_output "$(cu_name x):eth0"
}

@test "attack: DEL deletes the host end it made, not a link that took its name later" {
	local h c r host
	h=$(cu_name h) c=$(cu_name c)
	cu_mkns h; cu_mkns c
	r=$(conf vethctl | cni vethctl ADD "$h" "$c" "$(cu_name x)" eth0)
	host=$(jq -r '.interfaces[1].name' <<< "$r")
	# the container deletes its end (the pair goes), someone makes a link
	# of that name on the host, on the same bridge
	ip -n "$c" link del eth0
	ip -n "$h" link add "$host" type veth peer name "$(cu_name p)"
	ip -n "$h" link set "$host" master "$(cu_name br)"
	run cni vethctl DEL "$h" "$c" "$(cu_name x)" eth0 < <(conf vethctl)
	assert_success
	run ip -n "$h" link show "$host"
	assert_success
}

@test "attack: DEL ignores what the container did inside: renamed end, a decoy eth0" {
	local h c
	h=$(cu_name h) c=$(cu_name c)
	cu_mkns h; cu_mkns c
	conf vethctl | cni vethctl ADD "$h" "$c" "$(cu_name x)" eth0 >/dev/null
	ip -n "$c" link set eth0 down
	ip -n "$c" link set eth0 name renamed
	ip -n "$c" link add eth0 type veth peer name eth9
	run cni vethctl DEL "$h" "$c" "$(cu_name x)" eth0 < <(conf vethctl)
	assert_success
	run ip -n "$c" -o link show
	refute_output --partial renamed	# the pair is gone
	assert_output --partial 'eth0: '	# the container's own link is left alone
	run ip -n "$h" -o link show master "$(cu_name br)"
	assert_output ''
}

# ---- podman: a real client -----------------------------------------------

# podman with private storage (vfs: no mounts to leave) and a private CNI
# configuration directory, as Debian 12's podman 4.3 runs on these hosts
# (runc, cgroupfs, limits within the machine's hard ones), inside the
# test's own "host" namespace: the plugin makes its bridge there (nsenter,
# not ip netns exec, whose own /sys has no cgroup mount for runc).  The
# run root is a short directory of its own: podman refuses one longer than
# 50 characters, and $BATS_TEST_TMPDIR can be.
pm() {
	nsenter --net="/run/netns/$(cu_name h)" podman --storage-driver vfs --root "$BATS_TEST_TMPDIR/pm/root" --runroot "$PM_RUNROOT" \
		--tmpdir "$BATS_TEST_TMPDIR/pm/tmp" \
		--runtime runc --cgroup-manager cgroupfs --events-backend none \
		--network-backend cni --cni-config-dir "$BATS_TEST_TMPDIR/cni" "$@"
}

@test "podman: two containers on a vethctl network ping each other" {
	local n ip1
	command -v podman >/dev/null || skip "podman is not installed (.ci/deps)"
	command -v runc >/dev/null || skip "runc is not installed (.ci/deps)"
	[ -x /bin/busybox ] || skip "busybox-static is not installed"
	n=$(cu_name net)
	mkdir -p "$BATS_TEST_TMPDIR/cni" "$BATS_TEST_TMPDIR/bin" "$BATS_TEST_TMPDIR/img/bin" "$BATS_TEST_TMPDIR/pm/tmp"
	ln -s "$CU_BUILDDIR/vethctl" "$BATS_TEST_TMPDIR/bin/vethctl"
	# podman looks plugins up in cni_plugin_dirs only: the test's own first
	printf '[network]\ncni_plugin_dirs = ["%s", "%s"]\n' "$BATS_TEST_TMPDIR/bin" "$REF" \
		> "$BATS_TEST_TMPDIR/containers.conf"
	jq -n --arg n "$n" --arg br "$(cu_name br)" '{
		cniVersion: "1.0.0", name: $n,
		plugins: [ { type: "vethctl", bridge: $br, isGateway: true,
			     ipam: { type: "host-local", subnet: "10.231.'"$BATS_TEST_NUMBER"'.0/24" } } ]
	}' > "$BATS_TEST_TMPDIR/cni/$n.conflist"
	cp /bin/busybox "$BATS_TEST_TMPDIR/img/bin/busybox"
	for t in sh ping sleep ip; do ln -s busybox "$BATS_TEST_TMPDIR/img/bin/$t"; done
	tar -C "$BATS_TEST_TMPDIR/img" -cf "$BATS_TEST_TMPDIR/img.tar" .
	export CONTAINERS_CONF="$BATS_TEST_TMPDIR/containers.conf"
	cu_mkns h
	PM_RUNROOT=$(mktemp -d /tmp/cu-pm.XXXXXX)
	# containers and conmon in a group of the test's name, not podman's
	# shared libpod_parent (cgroupfs makes it in every hierarchy)
	PM_CG=/$(cu_name pm)
	local m
	while read -r m; do
		cu_track_cgroup "$m$PM_CG"
	done < <(findmnt -rn -t cgroup,cgroup2 -o TARGET)
	cu_on_teardown "CONTAINERS_CONF=$CONTAINERS_CONF pm rm -af -t 0 >/dev/null 2>&1; CONTAINERS_CONF=$CONTAINERS_CONF pm rmi -af >/dev/null 2>&1; rm -rf $BATS_TEST_TMPDIR/pm $PM_RUNROOT; true"
	pm import "$BATS_TEST_TMPDIR/img.tar" "localhost/$(cu_name img)" >/dev/null
	# can podman start a container at all here (no network: no plugin)?
	run pm run --rm --network none --cgroup-parent "$PM_CG" --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
		"localhost/$(cu_name img)" /bin/sh -c 'echo up'
	[ "$status" -eq 0 ] || skip "podman cannot start a container here: $(tail -1 <<< "$output")"
	run pm run -d --name "$(cu_name a)" --network "$n" --cgroup-parent "$PM_CG" \
		--ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
		"localhost/$(cu_name img)" /bin/sleep 60
	assert_success
	ip1=$(pm inspect -f "{{(index .NetworkSettings.Networks \"$n\").IPAddress}}" "$(cu_name a)")
	assert_equal "$ip1" "10.231.$BATS_TEST_NUMBER.2"
	run pm run --rm --name "$(cu_name b)" --network "$n" --cgroup-parent "$PM_CG" \
		--ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
		"localhost/$(cu_name img)" /bin/ping -c1 -W2 "$ip1"
	assert_success
	assert_output --partial '1 packets received'
	# the bridge carries the containers' host ends; stop gives them back
	assert_equal "$(ip -n "$(cu_name h)" -o link show master "$(cu_name br)" | wc -l)" 1
	pm rm -f -t 0 "$(cu_name a)" >/dev/null
	assert_equal "$(ip -n "$(cu_name h)" -o link show master "$(cu_name br)" | wc -l)" 0
	[ ! -e "/run/container-utils/cni/$n" ]	# no record left
}
