#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Attacks on vethctl's NAT and connect records: names that would be nft
# syntax, and a container that changes what it shows to make disconnect
# undo someone else's connection.  A router namespace stands in for the
# host: every nft table, sysctl and link lives in namespaces the test made.
load helpers/common

setup() {
	cu_setup
	cu_require_root
	cu_require_tool vethctl
	command -v nft >/dev/null || skip "nft is not installed"
	cu_on_teardown "rm -rf /run/container-utils/leases/$(cu_id)br*@*"
}

# The elements of set SET of the suite's table in namespace NS, one a line,
# "SUBNET" or "SUBNET IFNAME", sorted ("" when the table is not there).
nat_elements() { # NS SET
	ip netns exec "$1" nft -j list ruleset | python3 -c '
import json, sys
want = sys.argv[1]
out = []
def show(x):
    if isinstance(x, dict) and "prefix" in x:
        return "%s/%d" % (x["prefix"]["addr"], x["prefix"]["len"])
    if isinstance(x, dict) and "concat" in x:
        return " ".join(show(y) for y in x["concat"])
    if isinstance(x, dict) and "range" in x:
        return "-".join(show(y) for y in x["range"])
    return str(x)
for o in json.load(sys.stdin)["nftables"]:
    s = o.get("set")
    if s and s["table"] == "container_utils" and s["name"] == want:
        out += [show(e) for e in s.get("elem", [])]
print("\n".join(sorted(out)))' "$2"
}

# The names of every table in NS, sorted, one a line.
nft_tables() { # NS
	ip netns exec "$1" nft -j list tables | python3 -c '
import json, sys
print("\n".join(sorted(o["table"]["name"] for o in json.load(sys.stdin)["nftables"] if "table" in o)))'
}

# The records of lease file KEY (the bridge's name @ the router's inode).
lease_file() { # ROUTER-NS BRIDGE
	printf '/run/container-utils/leases/%s@%s' "$2" "$(stat -L -c %i "/run/netns/$1")"
}

@test "nat --out with a quote: refused, no second element is added" {
	local r bad
	r=$(cu_name r)
	cu_mkns r
	vethctl -N "$r" nat add 10.99.6.0/24 --out eth9
	for bad in 'x",10.9.9.9."y' 'x",1.2.3.4."y' '"}' 'a"b' "x'y" 'a;b' 'a{b' 'a$b' '#a'; do
		run --separate-stderr vethctl -N "$r" nat add 10.99.7.0/24 --out "$bad"
		# the set first: an injected element shows here
		assert_equal "$(nat_elements "$r" masq_out)" "10.99.6.0/24 eth9"
		assert_equal "$(nat_elements "$r" masq)" ""
		assert_failure 1
		[ "${#stderr_lines[@]}" -eq 1 ]
		[[ $stderr == "vethctl: invalid interface name for NAT: '$bad': nftables would read "*"(use letters, digits, '-', '_', '.')" ]]
	done
	vethctl -N "$r" nat del 10.99.6.0/24 --out eth9
	assert_equal "$(nft_tables "$r")" ""
}

# /etc in a private mount namespace is a tmpfs with one file of nft
# commands: an include of "*" would read it and make table "cuprobe".  The
# host's /etc is never offered to nft.
@test "nat --out '\"};include\"*\"#': no include happens, nothing is added" {
	local r
	r=$(cu_name r)
	cu_mkns r
	run --separate-stderr unshare -m --propagation private sh -c '
		mount -t tmpfs cu-attack-etc /etc || exit 99
		echo "add table ip cuprobe" > /etc/cuprobe
		exec vethctl -N "$1" nat add 10.99.8.0/24 --out "x\"};include\"*\"#"' sh "$r"
	# the tables first: an include shows here as table cuprobe
	assert_equal "$(nft_tables "$r")" ""
	assert_failure 1
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ $stderr == "vethctl: invalid interface name for NAT: 'x\"};include\"*\"#': nftables would read '\"' as syntax"* ]]
	assert_equal "$(nft_tables "$r")" ""
}

@test "nat --out: wildcards and set references are refused; a name nft has as a keyword stays a name" {
	local r bad
	r=$(cu_name r)
	cu_mkns r
	for bad in 'eth*' '*' 'a\*' '@masq' 'a b' 'a/b' '.' '..'; do
		run --separate-stderr vethctl -N "$r" nat add 10.99.9.0/24 --out "$bad"
		assert_failure 1
		[ "${#stderr_lines[@]}" -eq 1 ]
	done
	assert_equal "$(nft_tables "$r")" ""
	# libnftables' JSON input would turn these into other values
	vethctl -N "$r" nat add 10.99.9.0/24 --out tcp
	vethctl -N "$r" nat add 10.99.9.0/24 --out redirect
	vethctl -N "$r" nat add 10.99.9.0/24 --out ip
	assert_equal "$(nat_elements "$r" masq_out)" "$(printf '10.99.9.0/24 ip\n10.99.9.0/24 redirect\n10.99.9.0/24 tcp')"
	for o in tcp redirect ip; do
		vethctl -N "$r" nat del 10.99.9.0/24 --out "$o"
	done
	assert_equal "$(nft_tables "$r")" ""
}

@test "connect --nat --out with a quote: refused before anything is made" {
	local r c br
	r=$(cu_name r) c=$(cu_name c) br=$(cu_name br)
	cu_mkns r; cu_mkns c
	run --separate-stderr vethctl -N "$r" connect "$c" --bridge "$br" --addr auto --nat --out 'x",1.2.3.4."y'
	assert_failure 1
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ $stderr == "vethctl: invalid interface name for NAT: "* ]]
	assert_equal "$(nft_tables "$r")" ""
	[ "$(ip -n "$r" -o link show | wc -l)" -eq 1 ]	# lo
	[ "$(ip -n "$c" -o link show | wc -l)" -eq 1 ]
	[ ! -e "$(lease_file "$r" "$br")" ]
}

# Two containers on two bridges, both masqueraded; A moves itself into B's
# subnet.  disconnect A must undo A's connection, as recorded, and nothing
# of B's.
@test "disconnect trusts its records, not the address a container gives itself" {
	local r a b bra brb
	r=$(cu_name r) a=$(cu_name a) b=$(cu_name b) bra=$(cu_name bra) brb=$(cu_name brb)
	cu_mkns r; cu_mkns a; cu_mkns b
	vethctl -N "$r" bridge add "$bra" --addr 10.98.1.1/24
	vethctl -N "$r" bridge add "$brb" --addr 10.98.2.1/24
	run vethctl -N "$r" connect "$a" --bridge "$bra" --addr auto --nat
	assert_output 10.98.1.2/24
	run vethctl -N "$r" connect "$b" --bridge "$brb" --addr auto --nat
	assert_output 10.98.2.2/24
	assert_equal "$(nat_elements "$r" masq)" "$(printf '10.98.1.0/24\n10.98.2.0/24')"
	# the container re-addresses itself into B's subnet
	ip -n "$a" addr flush dev eth0
	ip -n "$a" addr add 10.98.2.77/24 dev eth0
	run --separate-stderr vethctl -N "$r" disconnect "$a"
	assert_success
	assert_equal "$(nat_elements "$r" masq)" "10.98.2.0/24"
	[ ! -e "$(lease_file "$r" "$bra")" ]
	run bash -c "cat '$(lease_file "$r" "$brb")'/c.*"
	assert_output --regexp "^addr=10\.98\.2\.2 .* path=/run/netns/$b\$"
	[ "$(ip -n "$a" -o link show | wc -l)" -eq 1 ]
	[ "$(ip -n "$b" -o link show | wc -l)" -eq 2 ]
	run ip netns exec "$b" ping -c1 -W1 10.98.2.1
	assert_success
	vethctl -N "$r" disconnect "$b"
	assert_equal "$(nft_tables "$r")" ""
	[ ! -e "$(lease_file "$r" "$brb")" ]
}

@test "disconnect: a container that renames its end is still disconnected, by the record" {
	local r a br
	r=$(cu_name r) a=$(cu_name a) br=$(cu_name br)
	cu_mkns r; cu_mkns a
	vethctl -N "$r" connect "$a" --bridge "$br" --addr 10.98.3.5/24 --nat
	ip -n "$a" link set eth0 down
	ip -n "$a" link set eth0 name "$(cu_name x)"
	run --separate-stderr vethctl -N "$r" disconnect "$a"
	assert_success
	[ "$(ip -n "$a" -o link show | wc -l)" -eq 1 ]
	run ip -j -n "$r" link show master "$br"
	assert_output '[]'
	assert_equal "$(nft_tables "$r")" ""
	[ ! -e "$(lease_file "$r" "$br")" ]
}

@test "disconnect refuses what connect did not make, and a second disconnect changes nothing" {
	local r a c br
	r=$(cu_name r) a=$(cu_name a) c=$(cu_name c) br=$(cu_name br)
	cu_mkns r; cu_mkns a; cu_mkns c
	# a pair made by hand, that looks like a connection
	vethctl -N "$r" add "$(cu_name h)" eth0 --peer-netns "$c"
	run --separate-stderr vethctl -N "$r" disconnect "$c"
	assert_failure 1
	[ "${#stderr_lines[@]}" -eq 1 ]
	assert_equal "$stderr" "vethctl: cannot disconnect: no connection of network namespace $c as eth0 is recorded (give the --ifname and --bridge connect used; nothing changed)"
	ip -n "$r" link show "$(cu_name h)"
	ip -n "$c" link show eth0
	vethctl -N "$r" connect "$a" --bridge "$br" --addr auto --nat
	vethctl -N "$r" disconnect "$a"
	run --separate-stderr vethctl -N "$r" disconnect "$a"
	assert_failure 1
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ $stderr == "vethctl: cannot disconnect: no connection of network namespace $a as eth0 is recorded"* ]]
	ip -n "$r" link show "$(cu_name h)"
}

# The lease store is a directory of small files (common/net-lease.c).  A
# file planted in it is never written through nor believed: a link to a
# file elsewhere is replaced by a rename, an index entry that names a record
# not holding its address holds nothing, and a store that others may write
# is refused.  The victim files live in /run (the store's file system, so
# that a hard link can be made), named with the test's id.

# A store for bridge BR of router R, with one connection of namespace C.
lease_store() { # R BR C ADDR
	vethctl -N "$1" bridge add "$2" --addr "$4"
	vethctl -N "$1" connect "$3" --bridge "$2" --addr auto
}

@test "lease store: a symlink or a hard link planted as an address's index entry is replaced, never written through" {
	local r br c d victim store kind
	r=$(cu_name r) br=$(cu_name br) c=$(cu_name c) d=$(cu_name d)
	victim=/run/$(cu_name victim)
	cu_on_teardown "rm -f $victim"
	cu_mkns r; cu_mkns c; cu_mkns d
	lease_store "$r" "$br" "$c" 10.98.5.1/24
	store=$(lease_file "$r" "$br")
	for kind in -s ''; do
		printf 'precious\n' > "$victim"
		# the address the next connect gets
		ln -f $kind "$victim" "$store/a.10.98.5.3"
		run --separate-stderr vethctl -N "$r" connect "$d" --bridge "$br" --addr auto
		assert_success
		assert_output 10.98.5.3/24
		assert_equal "$(cat "$victim")" precious
		[ ! -L "$store/a.10.98.5.3" ]
		[ "$(stat -c %h "$store/a.10.98.5.3")" -eq 1 ]
		vethctl -N "$r" disconnect "$d"
	done
	vethctl -N "$r" disconnect "$c"
	[ ! -e "$store" ]
}

@test "lease store: a forged index entry naming a live record that does not hold the address holds nothing" {
	local r br c d store id
	r=$(cu_name r) br=$(cu_name br) c=$(cu_name c) d=$(cu_name d)
	cu_mkns r; cu_mkns c; cu_mkns d
	lease_store "$r" "$br" "$c" 10.98.7.1/24
	store=$(lease_file "$r" "$br")
	# C's record (it holds .2) is named as the holder of .9
	id=$(cd "$store" && ls c.*)
	printf '%s\n' "${id#c.}" > "$store/a.10.98.7.9"
	run --separate-stderr vethctl -N "$r" connect "$d" --bridge "$br" --addr 10.98.7.9/24
	assert_success
	run ip -n "$d" -o -4 addr show eth0
	assert_output --partial 10.98.7.9/24
	# and the true holder is still refused
	run --separate-stderr vethctl -N "$r" connect "$d" --bridge "$br" --addr 10.98.7.2/24 --ifname eth1
	assert_failure 1
	[[ $stderr == *"10.98.7.2 is already leased to network namespace /run/netns/$c"* ]]
	vethctl -N "$r" disconnect "$d"
	vethctl -N "$r" disconnect "$c"
}

@test "lease store: a store that others may write is refused, nothing is made" {
	local r br c d store
	r=$(cu_name r) br=$(cu_name br) c=$(cu_name c) d=$(cu_name d)
	cu_mkns r; cu_mkns c; cu_mkns d
	lease_store "$r" "$br" "$c" 10.98.8.1/24
	store=$(lease_file "$r" "$br")
	chmod 0777 "$store"
	run --separate-stderr vethctl -N "$r" connect "$d" --bridge "$br" --addr auto
	assert_failure 1
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ $stderr == *"lease store $store is not a directory of ours that only we can write (remove it)"* ]]
	[ "$(ip -n "$d" -o link show | wc -l)" -eq 1 ]
	[ "$(ls "$store" | grep -c '^c\.')" -eq 1 ]
	chmod 0755 "$store"
	vethctl -N "$r" disconnect "$c"
}

@test "lease store: a lease file of the previous format is converted on first use, its leases kept" {
	local r br c d x store dev ino
	r=$(cu_name r) br=$(cu_name br) c=$(cu_name c) d=$(cu_name d) x=$(cu_name x)
	cu_mkns r; cu_mkns c; cu_mkns d; cu_mkns x
	vethctl -N "$r" bridge add "$br" --addr 10.98.9.1/24
	store=$(lease_file "$r" "$br")
	mkdir -p /run/container-utils/leases
	# the previous release's format: one file, a line a record
	dev=$(stat -L -c %d "/run/netns/$x") ino=$(stat -L -c %i "/run/netns/$x")
	printf 'addr=10.98.9.2 dev=%s ino=%s host=%s hostidx=0 if=eth0 nat=0 net= out= path=/run/netns/%s\n' \
		"$dev" "$ino" "$(cu_name h)" "$x" > "$store"
	printf 'garbage line\n' >> "$store"
	run --separate-stderr vethctl -N "$r" connect "$c" --bridge "$br" --addr auto
	assert_success
	assert_output 10.98.9.3/24
	[ -d "$store" ]
	[ ! -e "$store.new" ]
	[ "$(ls "$store" | grep -c '^c\.')" -eq 2 ]
	run --separate-stderr vethctl -N "$r" connect "$d" --bridge "$br" --addr 10.98.9.2/24
	assert_failure 1
	[[ $stderr == *"10.98.9.2 is already leased to network namespace /run/netns/$x"* ]]
	run vethctl -N "$r" bridge list --json
	vethctl -N "$r" disconnect "$c"
	rm -rf "$store"
}
