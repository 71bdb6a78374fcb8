#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# cgset beside libcgroup's: the same command line given to libcgroup's cgset
# (/usr/bin/cgset, cgroup-tools) on one set of groups and to ours on an
# identical set, then the outcomes compared: the controller files of the
# groups, success or failure, what goes to stdout and stderr.  The exit
# statuses are compared as success or failure: libcgroup's are its error
# codes modulo 256 (95, 96, 255, 139 for a crash), ours are 1.  Where the
# two differ on purpose, the test says so and asserts both sides.
#
# v1 controllers (v1 or hybrid layouts) and pure cgroup v2 without systemd
# (tests/vm's bare guests); on a systemd v2 host (the root's controllers
# are memory and pids alone) the systemd: test checks where names start.
load helpers/common

CG=/sys/fs/cgroup
LIBCG=/usr/bin/cgset

setup() {
	cu_setup
	cu_require_root
	cu_require_tool cgset
	[ -x "$LIBCG" ] || skip "libcgroup's cgset is not installed (Debian: cgroup-tools)"
	unset CGSET_PARENT CGSET_MOUNTINFO
	case $BATS_TEST_DESCRIPTION in
	systemd:*)
		[ -d /run/systemd/system ] && [ "$(stat -fc %T "$CG")" = cgroup2fs ] ||
			skip "not a systemd host with cgroup v2"
		grep -qw pids "$CG/cgroup.subtree_control" || skip "no pids in $CG/cgroup.subtree_control"
		return 0 ;;
	esac
	if [ "$(stat -fc %T "$CG")" = cgroup2fs ]; then
		LAYOUT=v2
		[ ! -d /run/systemd/system ] ||
			skip "systemd host: the root has too few controllers (the systemd: test covers it)"
		local c
		for c in cpu memory pids; do
			grep -qw "$c" "$CG/cgroup.subtree_control" ||
				skip "cgroup v2 without $c in $CG/cgroup.subtree_control"
		done
		CTRLS="cpu memory pids"
		# a file and value of each kind: a weight, the CPU quota, memory, pids
		WEIGHT=cpu.weight QUOTA=cpu.max QVAL="30000 100000" QBAD="5 100000"
		MEM=memory.max
	else
		[ -d "$CG/cpu" ] && [ -d "$CG/memory" ] && [ -d "$CG/pids" ] ||
			skip "no v1 cpu, memory and pids hierarchies at $CG"
		LAYOUT=v1
		CTRLS="cpu memory pids"
		WEIGHT=cpu.shares QUOTA=cpu.cfs_quota_us QVAL=30000 QBAD=5
		MEM=memory.limit_in_bytes
	fi
	# groups 1, 2 and S (a source), libcgroup's with "l", ours with "o"
	P_L=$(cu_name l) P_O=$(cu_name o)
}

# mkgroup NAME: a group in the cpu, memory and pids hierarchies, removed
# at teardown (ours also joins the other v1 hierarchies and the v2
# hierarchy of a hybrid host).
mkgroup() {
	local d c
	if [ "$LAYOUT" = v2 ]; then
		cu_track_cgroup "$CG/$1"
		mkdir "$CG/$1"
		return
	fi
	for d in "$CG"/*/; do
		[ -d "$d" ] && cu_track_cgroup "$d$1"
	done
	for c in $CTRLS; do
		mkdir "$CG/$c/$1"
	done
}

# The three groups of each side.
mkgroups() {
	local s g
	for s in "$P_L" "$P_O"; do
		for g in 1 2 S; do
			mkgroup "$s$g"
		done
	done
}

# dir GROUP CONTROLLER
dir() {
	if [ "$LAYOUT" = v2 ]; then echo "$CG/$1"; else echo "$CG/$2/$1"; fi
}

# snapshot GROUP...: every controller file of each GROUP one can read and
# write, one line each, "GROUP CONTROLLER/FILE=VALUE" (the first 8 lines of
# the value joined by '|'), sorted.  The comparisons run after every case,
# and under emulation (tests/vm) a process costs a good part of a second:
# one find, one grep, one awk and one sort whatever the number of files.
snapshot() {
	local g c d=()
	for g; do
		if [ "$LAYOUT" = v2 ]; then
			d+=("$CG/$g")
		else
			for c in $CTRLS; do d+=("$CG/$c/$g"); done
		fi
	done
	find "${d[@]}" -maxdepth 1 -type f -perm -u=rw \
		\( -name 'cpu.*' -o -name 'memory.*' -o -name 'pids.*' \) \
		-exec grep -H '' {} + 2>/dev/null |
		awk '{
			i = index($0, ":"); path = substr($0, 1, i - 1); line = substr($0, i + 1)
			n = split(path, part, "/"); file = part[n]
			sub(/\..*/, "", file); key = part[n - 1] " " file "/" part[n]
			if (!(key in v)) { v[key] = ""; order[++k] = key }
			if (cnt[key]++ < 8) v[key] = v[key] line "|"
		}
		END { for (j = 1; j <= k; j++) print order[j] "=" v[order[j]] }' |
		LC_ALL=C sort
}

# sub VAR ARG PREFIX: @1, @2 and @S in ARG become the groups PREFIX1, ...
# (in VAR: no command substitution, no process)
sub() {
	local s=$2
	s=${s//@1/${3}1}
	s=${s//@2/${3}2}
	s=${s//@S/${3}S}
	printf -v "$1" '%s' "$s"
}

# both ARG...: the same command line for libcgroup's cgset (@1 -> its
# groups) and ours; statuses, stdout and stderr in L_* and O_*.  Run
# without bats' run (a temporary file and two processes more each time).
both() {
	local a x l=() o=() t=$BATS_TEST_TMPDIR/both
	for a in "$@"; do
		sub x "$a" "$P_L"; l+=("$x")
		sub x "$a" "$P_O"; o+=("$x")
	done
	"$LIBCG" "${l[@]}" > "$t.lo" 2> "$t.le" && L_S=0 || L_S=$?
	cgset "${o[@]}" > "$t.oo" 2> "$t.oe" && O_S=0 || O_S=$?
	L_OUT='' L_ERR='' O_OUT='' O_ERR=''
	IFS= read -r -d '' L_OUT < "$t.lo" || :
	IFS= read -r -d '' L_ERR < "$t.le" || :
	IFS= read -r -d '' O_OUT < "$t.oo" || :
	IFS= read -r -d '' O_ERR < "$t.oe" || :
	L_OUT=${L_OUT%$'\n'} L_ERR=${L_ERR%$'\n'} O_OUT=${O_OUT%$'\n'} O_ERR=${O_ERR%$'\n'}
	printf 'libcgroup: %s\n  stdout: %s\n  stderr: %s\n' "$L_S" "$L_OUT" "$L_ERR"
	printf 'ours: %s\n  stdout: %s\n  stderr: %s\n' "$O_S" "$O_OUT" "$O_ERR"
}

# Both succeeded, silently.
both_succeed() {
	[ "$L_S" -eq 0 ] && [ "$O_S" -eq 0 ] || { echo "not both 0"; return 1; }
	[ -z "$L_OUT$O_OUT$L_ERR$O_ERR" ] || { echo "output on success"; return 1; }
}

# Both failed, nothing on stdout, one error (libcgroup's usage errors add
# its "try --help" line, ours its "Try 'cgset --help'" line) on stderr.
both_fail() {
	[ "$L_S" -ne 0 ] && [ "$O_S" -ne 0 ] || { echo "not both failed"; return 1; }
	[ -z "$L_OUT$O_OUT" ] || { echo "stdout on failure"; return 1; }
	[ "$O_S" -eq 1 ] || { echo "ours: exit status $O_S, not 1"; return 1; }
	[ -n "$O_ERR" ] && [[ $O_ERR != *$'\n'*$'\n'* ]] || { echo "ours: not one error"; return 1; }
	[[ $O_ERR == cgset:* ]] || { echo "ours: no 'cgset:' prefix"; return 1; }
}

# Groups 1 and 2 hold the same values on both sides; ours's group 1 in
# O1 (for the cases that must change nothing).
same_groups() {
	local line g l= o=
	O1=
	while IFS= read -r line; do
		g=${line%% *}
		case $g in
		"${P_L}1" | "${P_L}2") l+=${g#"$P_L"}${line#"$g"}$'\n' ;;
		"${P_O}1" | "${P_O}2")
			o+=${g#"$P_O"}${line#"$g"}$'\n'
			[ "$g" != "${P_O}1" ] || O1+=${line#* }$'\n' ;;
		esac
	done < <(snapshot "${P_L}1" "${P_L}2" "${P_O}1" "${P_O}2")
	[ "$l" = "$o" ] && [ -n "$l" ] && return 0
	echo "groups 1 and 2 differ:"
	diff <(printf '%s' "$l") <(printf '%s' "$o")
	return 1
}

# NAME=VALUE of group G's file F on both sides is V.
both_have() {
	local g=$1 c=$2 f=$3 v=$4 p got d
	for p in "$P_L" "$P_O"; do
		if [ "$LAYOUT" = v2 ]; then d=$CG/$p$g; else d=$CG/$c/$p$g; fi
		IFS= read -r got < "$d/$f" || :
		[ "$got" = "$v" ] || { echo "$p$g $f: '$got', expected '$v'"; return 1; }
	done
}

@test "-r NAME=VALUE, repeated, --rule and an abbreviation, on two groups: the same files, silently" {
	mkgroups
	both -r "$WEIGHT=50" -r "$QUOTA=$QVAL" @1 @2
	both_succeed
	same_groups
	both_have 1 cpu "$QUOTA" "$QVAL"
	both_have 2 cpu "$WEIGHT" 50
	both --rule "$MEM=33554432" --rul pids.max=7 @1
	both_succeed
	same_groups
	both_have 1 memory "$MEM" 33554432
	both_have 1 pids pids.max 7
	# suffixes as the kernel takes them
	both -r "$MEM=64M" @2
	both_succeed
	both_have 2 memory "$MEM" 67108864
	same_groups
}

@test "'/NAME' and 'NAME/' name the group, as in libcgroup's examples" {
	mkgroups
	both -r pids.max=9 /@1 @2/
	both_succeed
	both_have 1 pids pids.max 9
	both_have 2 pids pids.max 9
	same_groups
}

@test "--copy-from SRC: the source's controller values, written to each group (man page example: 'group1/ group2/')" {
	mkgroups
	both -r "$WEIGHT=300" -r "$QUOTA=$QVAL" -r "$MEM=67108864" -r pids.max=7 @S
	both_succeed
	# the targets start different from the source and from each other
	both -r pids.max=3 @2
	both --copy-from @S/ @1/ @2
	both_succeed
	same_groups
	# v2: cpu.weight.nice follows cpu.weight in the directory and is copied
	# too, which turns 300 into 305 on both sides (same_groups saw that)
	[ "$LAYOUT" = v2 ] || both_have 1 cpu "$WEIGHT" 300
	both_have 2 cpu "$QUOTA" "$QVAL"
	both_have 1 memory "$MEM" 67108864
	both_have 2 pids pids.max 7
	# long option abbreviated, as getopt_long allows both
	both -r pids.max=4 @S
	both --copy @S @1
	both_succeed
	both_have 1 pids pids.max 4
	same_groups
}

@test "--copy-from copies only where the target has the hierarchy, and never cgroup.procs or tasks" {
	[ "$LAYOUT" = v1 ] || skip "needs v1 hierarchies (a group can be in some and not others)"
	mkgroups
	local p
	for p in "$P_L" "$P_O"; do
		rmdir "$CG/memory/${p}1"
	done
	sleep 1000 &
	local pid=$!
	cu_track_pid "$pid"
	echo "$pid" > "$CG/pids/${P_L}S/cgroup.procs"
	both -r pids.max=11 @S
	both --copy-from @S @1
	both_succeed
	both_have 1 pids pids.max 11
	[ ! -e "$CG/memory/${P_L}1" ] && [ ! -e "$CG/memory/${P_O}1" ]
	# the process stays in the source group
	[ "$(cat "$CG/pids/${P_L}S/cgroup.procs")" = "$pid" ]
	[ -z "$(cat "$CG/pids/${P_O}1/cgroup.procs")" ]
	[ -z "$(cat "$CG/pids/${P_L}1/cgroup.procs")" ]
	same_groups
}

@test "-h and --help: usage on stdout, exit 0; --version tells which cgset answers" {
	both -h
	[ "$L_S" -eq 0 ] && [ "$O_S" -eq 0 ]
	[[ $L_OUT == *--copy-from* ]] && [[ $O_OUT == *--copy-from* ]]
	[[ $O_OUT == *"-r, --rule <file>=<value>"* ]]
	both --help
	[ "$L_S" -eq 0 ] && [ "$O_S" -eq 0 ] && [ -n "$L_OUT" ] && [ -n "$O_OUT" ]
	both --version
	[ "$O_S" -eq 0 ]
	[[ $O_OUT == "cgset from container-utils "* ]]
	[ "$L_S" -ne 0 ]
}

# all_fail_unchanged BEFORE CASE...: each CASE (a command line, @N for our
# group N) fails on both sides, and group 1 stays as BEFORE on ours: one
# snapshot of the four groups after each case.
all_fail_unchanged() {
	local before=$1 c
	shift
	for c; do
		echo "# cgset $c"
		# shellcheck disable=SC2086
		both $c
		both_fail
		same_groups
		[ "$O1" = "$before" ] || { echo "ours changed group 1"; return 1; }
	done
}

@test "usage errors: both fail, nothing on stdout, nothing changed" {
	mkgroups
	local before
	same_groups
	before=$O1
	local -a cases=(
		""
		"-r pids.max=5"
		"-r pids.max @1"
		"-r pids.max= @1"
		"--copy-from @S"
		"--copy-from @S -r pids.max=5 @1"
		"-r pids.max=5 --copy-from @S @1"
		"--copy-from @S --copy-from @2 @1"
		"-x @1"
		"--no-such-option @1"
	)
	all_fail_unchanged "$before" "${cases[@]}"
}

@test "runtime errors: no such group, no such controller, a value the kernel refuses: both fail, nothing changed" {
	mkgroups
	local before
	same_groups
	before=$O1
	local -a cases=(
		"-r pids.max=5 @1x"
		"-r nosuchctl.file=5 @1"
		"-r $WEIGHT=abc @1"
		"-r pids.nosuchfile=5 @1"
	)
	all_fail_unchanged "$before" "${cases[@]}"
	# and one whose value has a space
	both -r "$QUOTA=$QBAD" @1
	both_fail
	same_groups
}

@test "input libcgroup 2.0.2 reports on stderr but exits 0 for: ours exits 1, nothing changed on either side" {
	mkgroups
	local before c
	same_groups
	before=$O1
	for c in "-r =5 @1" "-r nodot=5 @1" "--copy-from @1x @1"; do
		echo "# cgset $c"
		# shellcheck disable=SC2086
		both $c
		[ -n "$L_ERR" ] && [ -z "$L_OUT$O_OUT" ]
		[ "$O_S" -eq 1 ] && [[ $O_ERR == cgset:* ]]
		same_groups
		[ "$O1" = "$before" ]
	done
}

@test "a write the kernel refuses after one that worked: libcgroup keeps the first, ours puts it back" {
	mkgroups
	local before
	before=$(cat "$(dir "${P_O}1" cpu)/$WEIGHT")
	both -r "$WEIGHT=77" -r "$QUOTA=$QBAD" @1
	both_fail
	[ "$(cat "$(dir "${P_L}1" cpu)/$WEIGHT")" = 77 ]
	[ "$(cat "$(dir "${P_O}1" cpu)/$WEIGHT")" = "$before" ]
}

@test "--variable, libcgroup's --help name for -r (its getopt table lacks it): ours takes it as -r" {
	mkgroups
	both --variable pids.max=6 @1
	[ "$O_S" -eq 0 ]
	[ "$(cat "$(dir "${P_O}1" pids)/pids.max")" = 6 ]
	if [ "$L_S" -eq 0 ]; then
		same_groups
	else
		[[ $L_ERR == *"unrecognized option '--variable'"* ]]
	fi
}

@test "-R (libcgroup 3): the group and every group below it" {
	mkgroups
	local p c
	for p in "$P_L" "$P_O"; do
		for c in $CTRLS; do
			[ "$LAYOUT" = v2 ] && [ "$c" != cpu ] && continue
			mkdir -p "$(dir "${p}1" "$c")/a/b"
			cu_track_cgroup "$(dir "${p}1" "$c")/a"
			cu_track_cgroup "$(dir "${p}1" "$c")/a/b"
		done
	done
	# v2 or hybrid: ours may add the subgroups to the v2 hierarchy
	[ "$LAYOUT" = v2 ] || {
		cu_track_cgroup "$CG/unified/${P_O}1/a"
		cu_track_cgroup "$CG/unified/${P_O}1/a/b"
	}
	both -R -r pids.max=8 @1
	[ "$O_S" -eq 0 ] && [ -z "$O_OUT$O_ERR" ]
	[ "$(cat "$(dir "${P_O}1" pids)/a/b/pids.max")" = 8 ]
	[ "$(cat "$(dir "${P_O}1" pids)/a/pids.max")" = 8 ]
	[ "$(cat "$(dir "${P_O}1" pids)/pids.max")" = 8 ]
	if [ "$L_S" -eq 0 ]; then
		[ "$(cat "$(dir "${P_L}1" pids)/a/b/pids.max")" = 8 ]
	else
		# libcgroup 2.0.2 has no -R
		[[ $L_ERR == *"invalid option -- 'R'"* ]]
	fi
}

@test "-r with a value of several lines: each line written in turn, empty lines skipped (libcgroup 2.0.2's cg_set_control_value)" {
	mkgroups
	both -r pids.max=$'5\n7' @1
	both_succeed
	both_have 1 pids pids.max 7
	both -r pids.max=$'\n\n9\n\n' -r "$WEIGHT="$'60\n' @1
	both_succeed
	both_have 1 pids pids.max 9
	both_have 1 cpu "$WEIGHT" 60
	same_groups
	# a refused line: libcgroup keeps what came before it (the earlier -r
	# and the value's first line), ours puts back both
	local before
	before=$O1
	both -r "$WEIGHT=77" -r pids.max=$'4\nabc' @1
	both_fail
	[[ $O_ERR == *"cannot write abc to "* ]]
	[ "$(cat "$(dir "${P_L}1" pids)/pids.max")" = 4 ]
	[ "$(cat "$(dir "${P_L}1" cpu)/$WEIGHT")" = 77 ]
	[ "$(cat "$(dir "${P_O}1" pids)/pids.max")" = 9 ]
	[ "$(cat "$(dir "${P_O}1" cpu)/$WEIGHT")" = 60 ]
	# only empty lines: libcgroup writes nothing and exits 0, ours refuses
	# it as an empty value, in one line
	both -r pids.max=$'\n\n' @2
	[ "$L_S" -eq 0 ] && [ -z "$L_OUT$O_OUT" ]
	[ "$O_S" -eq 1 ] && [ "$O_ERR" = "cgset: invalid -r value for pids.max: empty lines only (give the value to write after '=')" ]
	both_have 2 pids pids.max max
}

# Debian 12's libcgroup is 2.0.2, which has no -R: what libcgroup 3.x does
# with -R -r cgroup.subtree_control (src/tools/cgset.c: each word in turn;
# "+" from the group down, parents first, groups without children skipped;
# "-" from the bottom up) is checked against that description on ours,
# and against libcgroup's cgset itself where it takes -R.
@test "-R -r cgroup.subtree_control (libcgroup 3): '+' from the top down, '-' from the bottom up, leaves kept; a refused word puts back the ones before it" {
	[ "$LAYOUT" = v2 ] || skip "needs cgroup v2 (cgroup.subtree_control)"
	mkgroups
	local p d sc
	for p in "$P_L" "$P_O"; do
		mkdir -p "$CG/${p}1/a/b/c" "$CG/${p}1/a2"
		cu_track_cgroup "$CG/${p}1/a"
		cu_track_cgroup "$CG/${p}1/a2"
	done
	# sc PREFIX: the subtree_control of group 1 and each group below it
	sc() {
		local d
		for d in "" /a /a/b /a/b/c /a2; do
			printf '%s:%s\n' "$d" "$(cat "$CG/${1}1$d/cgroup.subtree_control")"
		done
	}
	both -R -r 'cgroup.subtree_control=+pids +memory' @1
	[ "$O_S" -eq 0 ] && [ -z "$O_OUT$O_ERR" ]
	run sc "$P_O"
	assert_output $':memory pids\n/a:memory pids\n/a/b:memory pids\n/a/b/c:\n/a2:'
	if [ "$L_S" -eq 0 ]; then
		[ "$(sc "$P_L")" = "$(sc "$P_O")" ]
	else
		[[ $L_ERR == *"invalid option -- 'R'"* ]]
	fi
	# '-' children first: the kernel refuses it on a parent whose children
	# still have it
	both -R -r cgroup.subtree_control=-pids @1
	[ "$O_S" -eq 0 ]
	run sc "$P_O"
	assert_output $':memory\n/a:memory\n/a/b:memory\n/a/b/c:\n/a2:'
	# a word the kernel refuses after one it took: nothing is left changed
	both -R -r 'cgroup.subtree_control=+pids +nosuchctl' @1
	[ "$O_S" -eq 1 ] && [[ $O_ERR == "cgset: cannot write +nosuchctl to "* ]]
	run sc "$P_O"
	assert_output $':memory\n/a:memory\n/a/b:memory\n/a/b/c:\n/a2:'
	# a word that is neither +CTRL nor -CTRL: one line, nothing written
	both -R -r 'cgroup.subtree_control=-memory pids' @1
	[ "$O_S" -eq 1 ] && [[ $O_ERR == "cgset: invalid -r value: 'cgroup.subtree_control=-memory pids': with -R, each word is"* ]]
	run sc "$P_O"
	assert_output $':memory\n/a:memory\n/a/b:memory\n/a/b/c:\n/a2:'
	# without -R, as both libcgroups: the group's own file, in one write
	both -r 'cgroup.subtree_control=-memory' @1/a/b
	both_succeed
	[ "$(cat "$CG/${P_O}1/a/b/cgroup.subtree_control")" = "" ]
	[ "$(cat "$CG/${P_L}1/a/b/cgroup.subtree_control")" = "" ]
}

@test "attack: --copy-from and its targets stay inside the hierarchies ('..' refused, nothing written)" {
	mkgroups
	local p
	for p in "$P_L" "$P_O"; do
		mkdir "$(dir "${p}1" pids)/a"
		cu_track_cgroup "$(dir "${p}1" pids)/a"
	done
	cgset -r pids.max=13 "${P_O}S"
	local before c
	before=$(cat "$(dir "${P_O}1" pids)/pids.max")
	# "1/a/.." is group 1 itself: a name with '..' could as well reach the
	# root group or a group of another tree
	for c in "--copy-from ${P_O}S ${P_O}1/a/.." "--copy-from ${P_O}1/a/../../${P_O}S ${P_O}1" \
		"-R --copy-from ${P_O}S ${P_O}1/a/.."; do
		# shellcheck disable=SC2086
		run --separate-stderr cgset $c
		assert_failure 1
		[[ $stderr == *"invalid cgroup name"* ]] || fail "cgset $c: $stderr"
		[ "$(cat "$(dir "${P_O}1" pids)/pids.max")" = "$before" ] || fail "cgset $c wrote to group 1"
	done
}

@test "systemd: libcgroup's form names groups from the root, as libcgroup's cgset; 'cgset set' names them below cgset.scope" {
	local g
	g=$(cu_name g)
	cu_track_cgroup "$CG/$g"
	mkdir "$CG/$g"
	run --separate-stderr "$LIBCG" -r pids.max=5 "$g"
	assert_success
	[ "$(cat "$CG/$g/pids.max")" = 5 ]
	run --separate-stderr cgset -r pids.max=6 "$g"
	assert_success
	[ "$(cat "$CG/$g/pids.max")" = 6 ]
	run --separate-stderr cgset --copy-from "$g" "/$g"
	assert_success
	# our own form looks below the delegated unit, where there is no such group
	run --separate-stderr cgset set "$g" --pids 7
	assert_failure 1
	[[ $stderr == *"no such cgroup"* ]]
	[ "$(cat "$CG/$g/pids.max")" = 6 ]
	# -b and --no-systemd say the same in our form
	run --separate-stderr cgset set -b "$g" --pids 8
	assert_success
	[ "$(cat "$CG/$g/pids.max")" = 8 ]
}
