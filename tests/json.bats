#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The JSON contract (JSON OUTPUT in every tool's man page): each listing's
# --json, made on real objects, validated against its JSON Schema in
# tests/schemas/ with python3-jsonschema, plus the interop keys (ip -j), the
# overlay source and --raw without tree.
load helpers/common

CG=/sys/fs/cgroup

setup() {
	cu_setup
	cu_require_root
	python3 -c 'import jsonschema' 2>/dev/null || skip "python3-jsonschema is not installed"
	D=$BATS_TEST_TMPDIR
	cd "$D" || return 1
}

teardown() {
	cu_teardown_unions
}

# json_valid SCHEMA [FILE]: FILE (default: $output) is JSON that
# tests/schemas/SCHEMA.schema.json accepts; else print why and fail.
json_valid() {
	local f=${2:-$D/out.json}
	[ -n "${2:-}" ] || printf '%s\n' "$output" > "$f"
	python3 - "$CU_TOPDIR/tests/schemas/$1.schema.json" "$f" <<-'EOF'
	import json, sys
	import jsonschema
	schema = json.load(open(sys.argv[1]))
	try:
	    doc = json.load(open(sys.argv[2]))
	except ValueError as e:
	    sys.exit("not JSON (%s): %r" % (e, open(sys.argv[2]).read()[:200]))
	errors = list(jsonschema.Draft202012Validator(schema).iter_errors(doc))
	for e in errors:
	    print("%s: %s" % ("/".join(map(str, e.absolute_path)) or "top", e.message))
	sys.exit(1 if errors else 0)
	EOF
}

# json_eval EXPR: evaluate a Python expression over (j) the JSON json_valid
# last checked from $output.
json_eval() {
	python3 -c "import json, sys; j = json.load(open(sys.argv[1])); print($1)" "$D/out.json"
}

@test "the checker fails on text, on a string number and on an empty string" {
	output='NAME   NSID
x         1'
	run json_valid netns-list
	assert_failure
	assert_output --partial "not JSON"
	run json_valid netns-list <(echo '{"netns": [{"name": "x", "id": "1", "procs": 0, "ifaces": 1}]}')
	assert_failure
	assert_output --partial "netns/0/id"
	run json_valid netns-list <(echo '{"netns": [{"name": "x", "id": null, "procs": 0, "ifaces": 1, "path": ""}]}')
	assert_failure
	run json_valid netns-list <(echo '{"namespaces": []}')
	assert_failure
	run json_valid netns-list <(echo '{"netns": [{"name": "x", "id": 3, "procs": 0, "ifaces": 1}]}')
	assert_success
}

@test "netns list, identify and pids: schemas, ip -j netns list's keys and values" {
	cu_require_tool netns
	local a b pid
	a=$(cu_name a)
	b=$(cu_name b)
	cu_mkns a
	cu_mkns b
	ip netns set "$a" auto
	ip netns exec "$b" sleep 300 &
	pid=$!
	cu_track_pid "$pid"
	run netns list --json -o NAME,NSID,PROCS,IFACES,NS,PATH
	assert_success
	json_valid netns-list
	# every key asked for, in every row
	run json_eval "sorted(set(len(r) for r in j['netns']))"
	assert_output "[6]"
	run netns list --json
	json_valid netns-list
	# ip's name and id, our null where ip leaves the id out
	cp "$D/out.json" ours.json
	ip -j netns list > ip.json
	run python3 - "$a" "$b" <<-'EOF'
	import json, sys
	ours = {r["name"]: r for r in json.load(open("ours.json"))["netns"]}
	ip = {r["name"]: r for r in json.load(open("ip.json"))}
	for n in sys.argv[1:]:
	    print(n == sys.argv[1], ours[n]["id"] == ip[n].get("id"), ours[n]["procs"])
	EOF
	assert_output "True True 0
False True 1"
	run netns identify --json "$pid"
	assert_success
	json_valid netns-identify
	run json_eval "[r['name'] for r in j['netns']]"
	assert_output "['$b']"
	run netns pids --json "$b"
	assert_success
	json_valid netns-pids
	run json_eval "j['processes'][0]['pid'] == $pid"
	assert_output True
	# the plain forms stay ip's
	run netns pids "$b"
	assert_output "$pid"
	run netns identify "$pid"
	assert_output "$b"
	run netns pids --noheadings --raw "$b"
	assert_output "$pid"
	run --separate-stderr netns add --json "$(cu_name c)"
	assert_failure 1
	[ ! -e "/run/netns/$(cu_name c)" ]
}

# cgset_ready: skip unless cgset makes groups at the root (as cgset.bats).
cgset_ready() {
	cu_require_tool cgset
	[ -d /run/systemd/system ] && [ "$(stat -fc %T $CG)" = cgroup2fs ] &&
		skip "systemd host: cgset puts groups in cgset.scope"
	[ "$(stat -fc %T $CG 2>/dev/null)" = cgroup2fs ] || [ -d $CG/pids ] ||
		skip "no cgroup hierarchy at $CG"
	unset CGSET_PARENT CGSET_MOUNTINFO
	N=$(cu_name g)
	local d
	cu_track_cgroup "$CG/$N"
	for d in "$CG"/*/; do
		cu_track_cgroup "$d$N"
	done
}

@test "cgset list and show: schemas, numbers, arrays, max and null" {
	cgset_ready
	cgset create "$N" --memory 32M --pids 20 --cpu 50%
	cgset create "$N/web"
	sleep 300 &
	cu_track_pid $!
	cgset add "$N/web" $!
	run cgset list --json -o NAME,CONTROLLERS,PROCS,PATHS "$N"
	assert_success
	json_valid cgset-list
	run json_eval "(j['cgroups'][0]['name'], j['cgroups'][0]['children'][0]['name'], j['cgroups'][0]['children'][0]['procs'])"
	assert_output "('$N', 'web', 1)"
	run json_eval "'pids' in j['cgroups'][0]['controllers'] or 'v2' in j['cgroups'][0]['controllers']"
	assert_output True
	run cgset show --json "$N"
	assert_success
	json_valid cgset-show
	run json_eval "(j['cgroups'][0]['memory.max'], j['cgroups'][0]['pids.max'], j['cgroups'][0]['cpu.max.quota'], j['cgroups'][0]['procs'])"
	assert_output "(33554432, 20, 50000, 0)"
	# no limit: the kernel's "max"; a field the group lacks: null
	run cgset show --json "$N/web"
	json_valid cgset-show
	run json_eval "(j['cgroups'][0]['procs'], j['cgroups'][0]['pids.max'] in ('max', None))"
	assert_output "(1, True)"
	# --output is the text's: JSON keeps every field
	run cgset show --json -o VALUE "$N"
	json_valid cgset-show
}

@test "cgset list --raw: no tree, not even escaped; names in full" {
	cgset_ready
	cgset create "$N" --pids 10
	cgset create "$N/web"
	cgset create "$N/web/db"
	run cgset list --raw --noheadings -o NAME "$N"
	assert_success
	assert_output "$N
$N/web
$N/web/db"
	refute_output --partial '\x'
	run cgset list -o NAME "$N"
	assert_line --index 2 --partial "web"
	assert_line --index 2 --regexp '[└├]'
}

@test "nsenter2 --list: schema, booleans and numbers" {
	cu_require_tool nsenter2
	local a pid
	a=$(cu_name a)
	cu_mkns a
	ip netns exec "$a" sleep 300 &
	pid=$!
	cu_track_pid "$pid"
	run nsenter2 --list --json -t "$pid"
	assert_success
	json_valid nsenter2-list
	run json_eval "[(r['ours'], r['ns'] == $(stat -Lc %i "/run/netns/$a")) for r in j['namespaces'] if r['type'] == 'net']"
	assert_output "[(False, True)]"
	run nsenter2 --list --json -N "$a"
	json_valid nsenter2-list
	# a listing option without --list: refused before entering anything
	run --separate-stderr -125 nsenter2 --json -t "$pid" -n -- echo entered
	[[ "$stderr" == *"only for --list"* ]]
	assert_output ""
}

@test "unionmount list and diff: schemas; the source is overlay, list and umount still find the union" {
	cu_require_tool unionmount
	grep -qw overlay /proc/filesystems || skip "kernel has no overlayfs"
	mkdir -p L1 L2 U T R
	echo a > L1/a
	echo b > L2/b
	cu_track_mount "$D/T"
	cu_track_mount "$D/R"
	unionmount -l L1:L2 --upper U T
	unionmount -l L1:L2 R
	echo new > T/n
	rm T/a
	echo more >> T/b
	run findmnt -n -o SOURCE,FSTYPE --mountpoint "$D/T"
	assert_output --regexp '^overlay +overlay$'
	run unionmount list --json -o TARGET,LAYERS,UPPER,WORK,OPTIONS,SOURCE,ID
	assert_success
	json_valid unionmount-list
	run json_eval "[(r['upper'], r['work']) for r in j['unions'] if r['target'] == '$D/R']"
	assert_output "[(None, None)]"
	run unionmount list --verbose --json
	json_valid unionmount-list
	run json_eval "[[c['target'] for c in r['children']] for r in j['unions'] if r['target'] == '$D/T']"
	assert_output "[['$D/L1', '$D/L2']]"
	run unionmount diff --json T
	assert_success
	json_valid unionmount-diff
	run json_eval "sorted((r['kind'], r['path']) for r in j['changes'])"
	assert_output "[('A', '/n'), ('C', '/b'), ('D', '/a')]"
	run unionmount diff --noheadings --raw U
	assert_output "D /a
C /b
A /n"
	run unionmount diff T
	assert_line "A /n"
	run --separate-stderr unionmount mount --json -l L1 "$D/T2"
	assert_failure 1
	[ ! -d "$D/T2" ] || ! mountpoint -q "$D/T2"
	unionmount umount T
	unionmount umount R
	run findmnt -n --mountpoint "$D/T"
	assert_output ""
}

@test "vethctl list: schema, ip -j link's keys, addresses an array" {
	cu_require_tool vethctl
	local a b
	a=$(cu_name a)
	b=$(cu_name b)
	cu_mkns a
	cu_mkns b
	vethctl --netns "$a" add "$(cu_name va)" "$(cu_name vb)" --peer-netns "$b"
	vethctl --netns "$a" addr add "$(cu_name va)" 10.77.1.1/24
	run vethctl list --netns "$a" --json -o NAME,PEER,PEER-NETNS,STATE,MTU,MASTER,ADDRESSES,MAC,INDEX
	assert_success
	json_valid vethctl-list
	cp "$D/out.json" ours.json
	ip -j -n "$a" link show "$(cu_name va)" > ip.json
	run python3 - <<-'EOF'
	import json
	o = json.load(open("ours.json"))["veths"][0]
	i = json.load(open("ip.json"))[0]
	print([k for k in ("ifname", "operstate", "mtu", "address", "ifindex") if o[k] != i[k]],
	      o["addresses"], o["master"])
	EOF
	assert_output "[] ['10.77.1.1/24'] None"
	# a listing option on a command that lists nothing: refused, nothing made
	run --separate-stderr vethctl --netns "$a" add --json "$(cu_name vc)"
	assert_failure 1
	[[ "$stderr" == *"only for listings"* ]]
	run ip -n "$a" link show "$(cu_name vc)"
	assert_failure
	run vethctl list --netns "$b" --json
	json_valid vethctl-list
	run json_eval "(j['veths'][0]['addresses'], j['veths'][0]['peer-netns'])"
	assert_output "([], '$a')"
}

@test "vethctl bridge list and cgset list --hierarchies: schemas, arrays, booleans, ip -j link's keys" {
	cu_require_tool vethctl
	local r br
	r=$(cu_name r) br=$(cu_name br)
	cu_mkns r
	vethctl --netns "$r" bridge add "$br" --addr 10.77.2.1/24
	run vethctl --netns "$r" bridge list --json -o NAME,STATE,ADDRESSES,PORTS,NAT,MTU,INDEX
	assert_success
	json_valid vethctl-bridge-list
	run json_eval "[(b['addresses'][0], b['ports'], b['nat'], b['mtu'] > 0) for b in j['bridges'] if b['ifname'] == '$br']"
	assert_output "[('10.77.2.1/24', [], False, True)]"
	cu_require_tool cgset
	run cgset list --hierarchies --json -o +BASE
	assert_success
	json_valid cgset-hierarchies
	# each mount is one findmnt lists as cgroup or cgroup2
	run json_eval "'\n'.join(sorted(h['mount'] for h in j['hierarchies']))"
	[ "$output" = "$(findmnt -rn -t cgroup,cgroup2 -o TARGET | grep "^$CG" | sort)" ]
}
