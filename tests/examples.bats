#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Every example of the six man pages (EXAMPLES) and of README.md (its
# ```console blocks) runs as written and prints what the page shows.
# How the examples are found, run and compared: tests/helpers/examples.bash.
# A failure names the page, the example's number, the command, and the
# expected and actual output.
load helpers/common
load helpers/examples

setup() {
	cu_setup
	cu_require_root
	command -v unshare >/dev/null || skip "unshare (util-linux) is missing"
}

# The cgroups a page's examples make by name: they must not exist before
# (they are not in the sandbox), and are removed after, even on failure.
ex_cgroups() {
	case $1 in
	man/cgset.1) echo demo-cpu demo-mem ;;
	README.md) echo box ;;
	esac
}

ex_check_cgroup_free() {
	local g h
	for g in "$@"; do
		for h in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do
			[ ! -e "$h$g" ] || fail "cgroup $h$g exists: the examples use that name; remove it first"
			cu_track_cgroup "$h$g"
		done
	done
}

# ex_page PAGE: extract, run in the sandbox, report.
ex_page() {
	local page=$1 dir=$BATS_TEST_TMPDIR/ex work=$BATS_TEST_TMPDIR/work
	local t
	for t in nsrun nsenter2 netns vethctl cgset unionmount; do
		cu_require_tool "$t"
	done
	mkdir -p "$dir" "$work"
	local src=$CU_TOPDIR/$page
	[[ "$page" != /* ]] || src=$page
	case $page in
	*.md)	cu_ex_from_md "$src" "$dir" ;;
	*)	cu_ex_from_man "$src" "$dir" ;;
	esac
	[ -n "$(find "$dir" -name '*.cmd')" ] || fail "$page: no example found"
	if grep -qx user "$dir"/*.who; then
		cu_require_user
		chmod 1777 "$work"
		cu_open_to_user "$work"
	fi
	# shellcheck disable=SC2046  # one name a word
	ex_check_cgroup_free $(ex_cgroups "$page")
	CU_UID=$CU_UID unshare --mount --propagation private --net --pid --fork \
		--mount-proc --uts --ipc -- \
		bash -c '. "$1/tests/helpers/examples.bash"; cu_ex_run "$2" "$3"' \
		_ "$CU_TOPDIR" "$dir" "$work" ||
		fail "$page: the sandbox could not be set up (status $?)"
	run cu_ex_report "$page" "$dir"
	assert_success
}

@test "examples: the placeholder ... matches a part of a line and whole lines" {
	local d=$BATS_TEST_TMPDIR
	printf 'a 1\n...\nz\n' > "$d/exp"
	printf 'a   1\nb\nc\nz\n' > "$d/got"
	cu_ex_matches "$d/exp" "$d/got"
	printf 'a 1\nz\n' > "$d/got"
	cu_ex_matches "$d/exp" "$d/got"
	printf 'a 2\nz\n' > "$d/got"
	run cu_ex_matches "$d/exp" "$d/got"
	assert_failure
	printf 'PID ... yes\n' > "$d/exp"
	printf 'PID 42 /proc/42 yes\n' > "$d/got"
	cu_ex_matches "$d/exp" "$d/got"
	printf 'PID 42 /proc/42 no\n' > "$d/got"
	run cu_ex_matches "$d/exp" "$d/got"
	assert_failure
	# glob characters in the page are plain text
	printf '[a]*\n' > "$d/exp"
	printf 'b\n' > "$d/got"
	run cu_ex_matches "$d/exp" "$d/got"
	assert_failure
	printf '[a]*\n' > "$d/got"
	cu_ex_matches "$d/exp" "$d/got"
	# a command shown without output must print nothing
	: > "$d/exp"
	printf 'x\n' > "$d/got"
	run cu_ex_matches "$d/exp" "$d/got"
	assert_failure
}

@test "examples: commands, output, continuation lines and roff escapes are read from a page" {
	local d=$BATS_TEST_TMPDIR/x
	mkdir "$d"
	cat > "$BATS_TEST_TMPDIR/page.1" <<'EOF'
.SH EXAMPLES
.EX
# echo \(aqa\-b\(aq \e
    c
a-b c
$ id \-u
.EE
.nf
# true
.fi
.SH SEE ALSO
.EX
# not an example
.EE
EOF
	cu_ex_from_man "$BATS_TEST_TMPDIR/page.1" "$d"
	assert_equal "$(ls "$d"/*.cmd | wc -l)" 3
	assert_equal "$(cat "$d/001.cmd")" "echo 'a-b' \\
    c"
	assert_equal "$(cat "$d/001.exp")" "a-b c"
	assert_equal "$(cat "$d/002.who")" user
	assert_equal "$(cat "$d/003.ex")" 2
	# an escape it cannot read is an error, not a command run wrongly
	printf '.SH EXAMPLES\n.EX\n# echo \\fBbold\\fR\n.EE\n' > "$BATS_TEST_TMPDIR/bad.1"
	run cu_ex_from_man "$BATS_TEST_TMPDIR/bad.1" "$d"
	assert_failure
	assert_output --partial 'an escape the examples test does not know: # echo \fBbold\fR'
}

@test "examples: a failing command, other output, and what a page leaves behind fail the page" {
	local p=$BATS_TEST_TMPDIR/p.1
	printf '.SH EXAMPLES\n.EX\n# netns add leak\n# echo hi\nhi\n.EE\n' > "$p"
	run ex_page "$p"
	assert_failure
	assert_output --partial "$p: the examples leave behind:"
	assert_output --partial "netns: leak"
	printf '.SH EXAMPLES\n.EX\n# echo hi\nho\n.EE\n' > "$p"
	run ex_page "$p"
	assert_failure
	assert_output --partial "$p, example 1, command:"
	assert_output --partial "--- got ---"
	printf '.SH EXAMPLES\n.EX\n# echo a\na\n.EE\n.EX\n# false\n# echo never\n.EE\n' > "$p"
	run ex_page "$p"
	assert_failure
	assert_output --partial "$p, example 2, command:"
	assert_output --partial "exit status 1 (expected 0)"
}

@test "examples: man/nsrun.1" {
	ex_page man/nsrun.1
}

@test "examples: man/nsenter2.1" {
	ex_page man/nsenter2.1
}

@test "examples: man/netns.8" {
	ex_page man/netns.8
}

@test "examples: man/vethctl.8" {
	ex_page man/vethctl.8
}

@test "examples: man/cgset.1" {
	ex_page man/cgset.1
}

@test "examples: man/unionmount.8" {
	ex_page man/unionmount.8
}

@test "examples: README.md" {
	ex_page README.md
}
