#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# --dry-run of netns and vethctl (issue 19): each command that changes the
# system prints its plan, each step with the privilege it needs, changes
# nothing and makes no privileged call (tests/helpers/dryrun.bash), as root
# and as any user; the plan is the sequence --explain narrates for the real
# run of the same command; bad input fails as it does without --dry-run.
load helpers/common
load helpers/dryrun

setup() {
	cu_dryrun_setup
}

teardown() {
	cu_teardown
}

# net_calls: a plan or a narration (stdin) as its calls (cu_dryrun_calls),
# indexes, fds and the random host end names as placeholders.  The steps
# only a plan prints (the file made for a name, the removal of a name,
# connect's records under /run/container-utils, the execve a chainloader's
# plan ends with) are left out: a real run makes them without narrating them.
net_calls() {
	cu_dryrun_calls |
		grep -vE '^((mknodat|unlink|execve)\(|write /run/container-utils/|mkdir\("/run/container-utils)' |
		sed -E -e 's/#([0-9]+|<ifindex>)( \([^)]*\))?/#N/g' \
			-e 's/\b(setns|move_mount)\(([0-9]+|<fd>)/\1(N/g' \
			-e 's/\bfd [0-9]+/fd N/g' -e 's/\bvc[0-9a-f]{8}\b/vcX/g' || true
}

# same_plan PLAN NARRATION (files): the plan's calls are the narration's.
same_plan() {
	cu_dryrun_same_calls net_calls "$(< "$1")" "$(< "$2")"
}

# in_order FILE TEXT...: FILE holds each TEXT, in this order.
in_order() {
	local f=$1
	shift
	cu_dryrun_in_order "$(< "$f")" "$@"
}

NEEDS_ADMIN='(needs CAP_SYS_ADMIN'
NEEDS_NET='(needs CAP_NET_ADMIN in the user namespace owning the network namespace)'

@test "netns add, set, delete --dry-run: the plan as root, nothing changed, the steps --explain narrates for the real run" {
	cu_require_tool netns
	local n
	n=$(cu_name n)
	cu_track_netns "$n"
	cu_dryrun_no_change "$n" -- netns --dry-run add "$n"
	echo "$output" > "$D/add.plan"
	[ ! -e "/run/netns/$n" ]
	in_order "$D/add.plan" "mknodat(\"/run/netns/$n\"" \
		"unshare(CLONE_NEWNET)  $NEEDS_ADMIN" \
		"mount(\"/proc/self/ns/net\", \"/run/netns/$n\", \"none\", MS_BIND, NULL)  $NEEDS_ADMIN" \
		"setns(" "[nsenter --net="
	CU_EXPLAIN=1 netns add "$n" 2> "$D/add.real"
	same_plan "$D/add.plan" "$D/add.real"

	cu_dryrun_no_change "$n" -- netns --dry-run set "$n" auto
	echo "$output" > "$D/set.plan"
	in_order "$D/set.plan" "RTM_NEWNSID nsid auto fd " "$NEEDS_NET"
	CU_EXPLAIN=1 netns set "$n" auto 2> "$D/set.real"
	same_plan "$D/set.plan" "$D/set.real"

	cu_dryrun_no_change "$n" -- netns --dry-run delete "$n"
	echo "$output" > "$D/del.plan"
	[ -e "/run/netns/$n" ]
	in_order "$D/del.plan" "umount2(\"/run/netns/$n\", MNT_DETACH|UMOUNT_NOFOLLOW)  $NEEDS_ADMIN" \
		"unlink(\"/run/netns/$n\")  (needs write access to the file)"
	CU_EXPLAIN=1 netns delete "$n" 2> "$D/del.real"
	same_plan "$D/del.plan" "$D/del.real"
}

@test "netns attach --dry-run: the file and the bind mount of the process's namespace, nothing changed, the real run's steps" {
	cu_require_tool netns
	local a n pid
	# a process of our own in a namespace of our own: never the host's
	# namespace, whose processes the teardown of a name would kill
	cu_mkns a
	a=$(cu_name a) n=$(cu_name n)
	ip netns exec "$a" sleep 60 &
	pid=$!
	cu_track_pid "$pid"
	cu_track_netns "$n"
	for _ in $(seq 50); do
		[ "$(readlink "/proc/$pid/ns/net")" = "$(readlink /proc/self/ns/net)" ] || break
		sleep 0.1
	done
	[ "$(readlink "/proc/$pid/ns/net")" != "$(readlink /proc/self/ns/net)" ]
	cu_dryrun_no_change "$n" -- netns --dry-run attach "$n" "$pid"
	echo "$output" > "$D/attach.plan"
	in_order "$D/attach.plan" "mknodat(\"/run/netns/$n\"" "mount(\"/proc/self/fd/" \
		"[mount --bind /proc/self/fd/"
	[ ! -e "/run/netns/$n" ]
	CU_EXPLAIN=1 netns attach "$n" "$pid" 2> "$D/attach.real"
	same_plan "$D/attach.plan" "$D/attach.real"
}

@test "netns exec --dry-run: setns, the mounts and the execve, as the real run narrates them, and the program is not run" {
	cu_require_tool netns
	local n
	cu_mkns n
	n=$(cu_name n)
	cu_dryrun_no_change "$n" -- netns --dry-run exec "$n" -- touch "$D/ran"
	echo "$output" > "$D/exec.plan"
	[ ! -e "$D/ran" ]
	in_order "$D/exec.plan" "setns(" "[nsenter --net=/run/netns/$n]" \
		"unshare(CLONE_NEWNS)" "[mount --make-rslave /]" \
		"mount(\"$n\", \"/sys\", \"sysfs\"" \
		"execve(\"touch\", [\"touch\", \"$D/ran\"])  (needs no privilege)"
	# the execve is the plan's last line
	run tail -1 "$D/exec.plan"
	assert_output --partial 'execve("touch"'
	CU_EXPLAIN=1 netns exec "$n" -- touch "$D/ran" 2> "$D/exec.real"
	[ -e "$D/ran" ]
	same_plan "$D/exec.plan" "$D/exec.real"
}

@test "vethctl add, up, addr, route, bridge, attach, detach, nat, down, move --dry-run in another namespace: nothing changed, the real run's steps" {
	cu_require_tool vethctl
	local a b x y br
	cu_mkns a
	cu_mkns b
	a=$(cu_name a) b=$(cu_name b) x=$(cu_name x) y=$(cu_name y) br=$(cu_name br)
	cu_dryrun_no_change "$a" "$b" "$x" -- vethctl --dry-run -N "$a" add "$x" "$y" --peer-netns "$b"
	echo "$output" > "$D/add.plan"
	in_order "$D/add.plan" "setns(" "[nsenter --net=/run/netns/$a]" \
		"RTM_NEWLINK(NLM_F_CREATE|NLM_F_EXCL) \"$x\" veth ⇄ \"$y\" in netns fd " "$NEEDS_NET"
	CU_EXPLAIN=1 vethctl -N "$a" add "$x" "$y" --peer-netns "$b" 2> "$D/add.real"
	same_plan "$D/add.plan" "$D/add.real"
	local cmd i=0
	for cmd in "up $x" "addr add $x 10.231.8.1/24" "route add 10.231.9.0/24 via 10.231.8.2" \
		"bridge add $br" "attach $x $br" "detach $x" "nat add 10.231.13.0/24" \
		"nat del 10.231.13.0/24" "down $x" "move $x $b" "delete $br"; do
		i=$((i + 1))
		# shellcheck disable=SC2086 # the command's words
		cu_dryrun_no_change "$a" "$b" "$x" -- vethctl --dry-run -N "$a" $cmd
		echo "$output" > "$D/$i.plan"
		grep -qF "$NEEDS_NET" "$D/$i.plan" || fail "no privilege in the plan of $cmd: $output"
		# shellcheck disable=SC2086
		CU_EXPLAIN=1 vethctl -N "$a" $cmd 2> "$D/$i.real"
		same_plan "$D/$i.plan" "$D/$i.real"
	done
	run ip -n "$a" -o link show "$x"
	assert_failure
	run ip -n "$b" -o link show "$x"
	assert_success
}

@test "vethctl bridge add and del --dry-run: the bridge, its address and up; nothing changed" {
	cu_require_tool vethctl
	local r br
	cu_mkns r
	r=$(cu_name r) br=$(cu_name br)
	cu_dryrun_no_change "$r" "$br" -- vethctl --dry-run -N "$r" bridge add "$br" --addr 10.231.10.1/24
	echo "$output" > "$D/badd.plan"
	in_order "$D/badd.plan" "RTM_NEWLINK(NLM_F_CREATE|NLM_F_EXCL) \"$br\" bridge  $NEEDS_NET" \
		"RTM_NEWADDR(NLM_F_CREATE|NLM_F_EXCL) 10.231.10.1/24 dev #<ifindex> ($br)" \
		"RTM_NEWLINK #<ifindex> ($br) IFF_UP"
	CU_EXPLAIN=1 vethctl -N "$r" bridge add "$br" --addr 10.231.10.1/24 2> "$D/badd.real"
	same_plan "$D/badd.plan" "$D/badd.real"
	cu_dryrun_no_change "$r" "$br" -- vethctl --dry-run -N "$r" bridge del "$br"
	echo "$output" > "$D/bdel.plan"
	in_order "$D/bdel.plan" "RTM_DELLINK \"$br\"  $NEEDS_NET"
	CU_EXPLAIN=1 vethctl -N "$r" bridge del "$br" 2> "$D/bdel.real"
	same_plan "$D/bdel.plan" "$D/bdel.real"
}

@test "vethctl connect and disconnect --nat --dry-run: bridge, record, pair, wiring, address, route, NAT; nothing changed; the real run's steps" {
	cu_require_tool vethctl
	vethctl --help | grep -q -- --nat || skip "no NAT"
	local r c br
	cu_mkns r
	cu_mkns c
	r=$(cu_name r) c=$(cu_name c) br=$(cu_name br)
	cu_dryrun_no_change "$r" "$c" "$br" 10.231.11. -- \
		vethctl --dry-run -N "$r" connect "$c" --bridge "$br" --addr 10.231.11.2/24 --nat
	echo "$output" > "$D/conn.plan"
	in_order "$D/conn.plan" "RTM_NEWLINK(NLM_F_CREATE|NLM_F_EXCL) \"$br\" bridge" \
		"RTM_NEWADDR(NLM_F_CREATE|NLM_F_EXCL) 10.231.11.1/24" \
		"write /run/container-utils/leases/$br@" "(needs write access to the file)" \
		"veth ⇄ \"eth0\" in netns fd " "master #<ifindex> ($br)" \
		"RTM_NEWLINK #1 (lo) IFF_UP" "RTM_NEWLINK #<ifindex> (eth0) IFF_UP" \
		"RTM_NEWADDR(NLM_F_CREATE|NLM_F_EXCL) 10.231.11.2/24 dev #<ifindex> (eth0)" \
		"RTM_NEWROUTE(NLM_F_CREATE|NLM_F_EXCL) default via 10.231.11.1" \
		"nft_run_cmd_from_buffer(\"add element ip container_utils masq { 10.231.11.0/24 }\")  $NEEDS_NET" \
		"write /proc/sys/net/ipv4/ip_forward ← \"1\\n\""
	run ls /run/container-utils/leases
	refute_output --partial "$br@"
	CU_EXPLAIN=1 vethctl -N "$r" connect "$c" --bridge "$br" --addr 10.231.11.2/24 --nat 2> "$D/conn.real"
	same_plan "$D/conn.plan" "$D/conn.real"
	# the bridge's carrier comes up a moment later: let its state settle
	for _ in $(seq 50); do
		ip -n "$r" link show "$br" | grep -q "state UP" && break
		sleep 0.1
	done

	cu_dryrun_no_change "$r" "$c" "$br" 10.231.11. -- vethctl --dry-run -N "$r" disconnect "$c"
	echo "$output" > "$D/disc.plan"
	in_order "$D/disc.plan" "RTM_DELLINK #" "$NEEDS_NET" \
		"nft_run_cmd_from_buffer(\"delete element ip container_utils masq { 10.231.11.0/24 }\")" \
		"unlink(\"/run/container-utils/leases/$br@"
	CU_EXPLAIN=1 vethctl -N "$r" disconnect "$c" 2> "$D/disc.real"
	same_plan "$D/disc.plan" "$D/disc.real"
}

@test "vethctl connect --addr auto --dry-run plans the address the real run gives: the one after the last given, not the lowest free" {
	cu_require_tool vethctl
	local r c1 c2 c3 br addr
	cu_mkns r
	cu_mkns c1
	cu_mkns c2
	cu_mkns c3
	r=$(cu_name r) c1=$(cu_name c1) c2=$(cu_name c2) c3=$(cu_name c3) br=$(cu_name br)
	cu_on_teardown "rm -rf /run/container-utils/leases/$br@*"
	vethctl -N "$r" connect "$c1" --bridge "$br" --addr auto
	vethctl -N "$r" connect "$c2" --bridge "$br" --addr auto
	vethctl -N "$r" disconnect "$c1"	# .2 is free again, .3 was the last given
	run --separate-stderr vethctl --dry-run -N "$r" connect "$c3" --bridge "$br" --addr auto
	assert_success
	[[ $output == *"RTM_NEWADDR(NLM_F_CREATE|NLM_F_EXCL) 10.200.0.4/24 dev #<ifindex> (eth0)"* ]]
	vethctl -N "$r" connect "$c3" --bridge "$br" --addr auto
	run ip -n "$c3" -o -4 addr show eth0
	assert_output --partial 10.200.0.4/24
	vethctl -N "$r" disconnect "$c3"
	vethctl -N "$r" disconnect "$c2"
}

@test "as any user: netns and vethctl plans succeed, with the plan root gets" {
	cu_require_tool netns
	cu_require_tool vethctl
	local n r c br d br2
	cu_mkns c
	cu_mkns r
	cu_mkns d
	n=$(cu_name n) r=$(cu_name r) c=$(cu_name c) br=$(cu_name br) d=$(cu_name d) br2=$(cu_name bs)
	cu_track_netns "$n"
	# a connection to take apart: the plan reads its record as any user
	vethctl -N "$r" connect "$d" --bridge "$br2" --addr 10.231.14.2/24
	cu_open_to_user "$CU_BUILDDIR"
	cu_open_to_user "$D"
	local cmds=(
		"netns --dry-run add $n"
		"netns --dry-run exec $c -- true"
		"netns --dry-run delete $c"
		"netns --dry-run set $c 7"
		"vethctl --dry-run -N $r bridge add $br --addr 10.231.12.1/24"
		"vethctl --dry-run -N $r connect $c --bridge $br --addr 10.231.12.5/24 --nat"
		"vethctl --dry-run -N $r disconnect $d"
	)
	local cmd i=0
	for cmd in "${cmds[@]}"; do
		i=$((i + 1))
		# shellcheck disable=SC2086 # the command's words
		run --separate-stderr $cmd
		[ "$status" -eq 0 ] || fail "as root: $cmd: $status: $stderr"
		echo "$output" > "$D/root$i"
		# shellcheck disable=SC2086
		cu_dryrun_as_user $cmd
		[ "$status" -eq 0 ] || fail "as $CU_USER: $cmd: $status: $output"
		echo "$output" > "$D/user$i"
		grep -q "(needs " "$D/user$i" || fail "no privilege in: $output"
		net_calls < "$D/root$i" > "$D/root$i.calls"
		net_calls < "$D/user$i" > "$D/user$i.calls"
		diff -u "$D/root$i.calls" "$D/user$i.calls" || fail "$cmd: the user's plan (+) is not root's (-)"
	done
	[ ! -e "/run/netns/$n" ]
	[ -e "/run/netns/$c" ]
	grep -qF 'RTM_DELLINK #' "$D/user$i" || fail "no RTM_DELLINK in the user's plan ($i): $(ls "$D"; cat "$D/user$i")"
	vethctl -N "$r" disconnect "$d"
	vethctl -N "$r" bridge del "$br2"
}

@test "bad input under --dry-run: the same message and status as without" {
	cu_require_tool netns
	cu_require_tool vethctl
	local n missing
	cu_mkns n
	n=$(cu_name n) missing=$(cu_name zz)
	local cmds=(
		"netns add a/b"
		"netns add $n"
		"netns delete $missing"
		"netns set $n nope"
		"netns attach $missing 0"
		"netns exec $missing -- true"
		"netns exec a/b -- true"
		"netns exec $n"
		"vethctl add bad/name"
		"vethctl --mtu 5 add $missing"
		"vethctl addr add $missing 10.0.0.300/24"
		"vethctl bridge add lo"
		"vethctl -N $missing up lo"
		"vethctl up $missing"
		"vethctl disconnect $n --bridge $missing"
		"vethctl nat add 10.0.0.0/33"
	)
	local cmd words
	for cmd in "${cmds[@]}"; do
		read -ra words <<< "$cmd"
		run --separate-stderr "${words[@]}"
		local want_status=$status want=$stderr
		[ "$want_status" -ne 0 ] || fail "succeeded without --dry-run: $cmd"
		run --separate-stderr "${words[0]}" --dry-run "${words[@]:1}"
		[ "$status" -eq "$want_status" ] || fail "$cmd --dry-run: status $status, without $want_status: $stderr"
		[ "$stderr" = "$want" ] || fail "$cmd --dry-run said: $stderr
without: $want"
	done
}

@test "read-only commands under --dry-run just run: netns list, identify, pids; vethctl list, bridge list" {
	cu_require_tool netns
	cu_require_tool vethctl
	local n before
	cu_mkns n
	n=$(cu_name n)
	local cmds=("netns list" "netns identify" "netns pids $n" "vethctl -N $n list" "vethctl -N $n bridge list")
	local cmd words
	before=$(cu_dryrun_snapshot "$n")
	for cmd in "${cmds[@]}"; do
		read -ra words <<< "$cmd"
		# other tests make namespaces meanwhile: only the header and ours
		run bash -c '"$@" | sed -n -e 1p -e "/$0/p"' "$n" "${words[@]}"
		local want=$output want_status=$status
		# a listing may enter a namespace to count its links: it runs as it is
		run bash -c '"$@" | sed -n -e 1p -e "/$0/p"' "$n" "${words[0]}" --dry-run "${words[@]:1}"
		[ "$status" -eq "$want_status" ] || fail "$cmd --dry-run: status $status, without $want_status"
		[ "$output" = "$want" ] || fail "$cmd --dry-run: $output
without: $want"
		[[ "$output" != *" ▸ "* ]] || fail "$cmd --dry-run printed a plan: $output"
	done
	[ "$(cu_dryrun_snapshot "$n")" = "$before" ]
}
