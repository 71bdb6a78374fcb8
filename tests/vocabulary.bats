#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# One vocabulary across the six tools: every tool against the tables of
# man/container-utils.7 (read from the page's source, so they cannot
# drift): its short options in --help, in getopt, in its man page and in
# its completion; its commands and their aliases; one wording for an
# unknown or a missing command.
load helpers/common

TOOLS="nsrun nsenter2 netns vethctl cgset unionmount"
PAGE=$CU_TOPDIR/man/container-utils.7

# table_rows SECTION: the data rows ("@"-separated) of the first table
# under .SH SECTION, the header row first.
table_rows() {
	awk -v sec="$1" '
	$0 == ".SH " sec { in_sec = 1; next }
	/^\.SH / { in_sec = 0 }
	in_sec && /^\.TS/ { tbl = 1; fmt = 1; next }
	tbl && /^\.TE/ { exit }
	tbl && fmt { if ($0 ~ /\.$/) fmt = 0; next }
	tbl { gsub(/\\/, ""); print }
	' "$PAGE"
}

# table_letters: "TOOL -X --long" for every cell of the letter table.
table_letters() {
	table_rows "SHORT OPTIONS" | awk -F@ '
	NR == 1 { for (i = 2; i <= NF; i++) tool[i] = $i; next }
	{ l = $1; sub(/\*$/, "", l)
	  for (i = 2; i <= NF; i++) if ($i != "") print tool[i], l, "--" $i }'
}

# letters_of TOOL: "-X --long" of TOOL in the table, sorted.
letters_of() {
	table_letters | awk -v t="$1" '$1 == t { print $2, $3 }' | sort
}

# help_letters TOOL: "-X --long" of the option lines of TOOL --help
# (-h and -V left out), sorted.
help_letters() {
	"$1" --help | sed -nE 's/^ (-[A-Za-z]), (--[a-z][a-z-]*).*/\1 \2/p' |
		grep -vE '^-(h|V) ' | sort -u
}

# man_letters TOOL: "-X --long" of the option entries of TOOL's man page.
man_letters() {
	local page
	page=$(ls "$CU_TOPDIR"/man/"$1".[18])
	sed -nE 's/^\.B[RI]? \\-([A-Za-z]) ?(", " |, " )\\-\\-([a-z\\-]+).*/-\1 --\3/p' "$page" |
		sed 's/\\//g' | grep -vE '^-(h|V) ' | sort -u
}

# table_commands: "TOOL COMMAND ALIAS..." per tool and command.
table_commands() {
	table_rows COMMANDS | awk -F@ 'NR > 1 {
		n = split($3, t, /, */)
		for (i = 1; i <= n; i++) print t[i], $1, $2 }'
}

# help_commands TOOL: the command names of the Commands block of --help.
help_commands() {
	"$1" --help | awk '
	/^Commands:/ { c = 1; next }
	c && /^$/ { exit }
	c && /^ [a-z]/ {
		w = $1; if (w ~ /,$/) w = w " " $2
		gsub(/,/, "", w); gsub(/\|/, " ", w)
		n = split(w, a, " "); for (i = 1; i <= n; i++) print a[i] }' | sort -u
}

@test "the page's tables parse: every tool has rows, every row a letter" {
	for t in $TOOLS; do
		[ -n "$(letters_of "$t")" ] || fail "no letter of $t in $PAGE"
	done
	run bash -c "$(declare -f table_rows table_letters); PAGE=$PAGE; table_letters"
	refute_line --regexp '^[a-z0-9]+ [^-]'
	[ "$(table_commands | wc -l)" -ge 30 ]
}

@test "one meaning per letter, except the letters marked * in the table" {
	local l meanings marked
	for l in $(table_letters | awk '{ print $2 }' | sort -u); do
		meanings=$(table_letters | awk -v l="$l" '$2 == l { print $3 }' | sort -u | wc -l)
		marked=$(table_rows "SHORT OPTIONS" | grep -c "^${l}\*@" || true)
		if [ "$meanings" -gt 1 ] && [ "$marked" -eq 0 ]; then
			fail "$l has $meanings meanings but no * and no NOTES"
		fi
		if [ "$meanings" -eq 1 ] && [ "$marked" -ne 0 ]; then
			fail "$l is marked * but has one meaning"
		fi
	done
	# the marked letters are explained in NOTES
	for l in $(table_rows "SHORT OPTIONS" | sed -n 's/^\(-[A-Za-z]\)\*@.*/\1/p'); do
		grep -q "^\.SS \\\\${l}" "$PAGE" || fail "no NOTES subsection for $l"
	done
}

@test "--help lists exactly the table's letters of each tool" {
	for t in $TOOLS; do
		cu_require_tool "$t"
		diff -u <(letters_of "$t") <(help_letters "$t") ||
			fail "$t --help and container-utils(7) differ (- table, + help)"
	done
}

@test "each man page lists exactly the table's letters, and refers to container-utils(7)" {
	local page
	for t in $TOOLS; do
		diff -u <(letters_of "$t") <(man_letters "$t") ||
			fail "man page of $t and container-utils(7) differ (- table, + man page)"
		page=$(ls "$CU_TOPDIR"/man/"$t".[18])
		sed -n '/^\.SH SEE ALSO/,/^\.SH /p' "$page" | grep -q '^\.BR container\\-utils (7)' ||
			fail "$page: no container-utils(7) in SEE ALSO"
	done
	run groff -t -man -ww -z "$PAGE"
	assert_success
	assert_output ''
}

# getopt_try TOOL LETTER [VALUE]: the letter, then an unknown long option,
# so that nothing runs whatever the letter does; prints stderr.
getopt_try() {
	local t=$1 l=$2 v=${3-}
	local -a pre=()
	case $t in
	cgset) pre=("$CGSET_CMD") ;;
	esac
	timeout 10 "$t" "${pre[@]}" "-$l" ${v:+"$v"} --vocab-no-such-option </dev/null 2>&1 >/dev/null
}

# takes_value TOOL LETTER: whether --help shows a required value for it.
takes_value() {
	"$1" --help | grep -qE "^ -$2, --[a-z-]+ <"
}

@test "getopt: a letter the table gives a tool is accepted, every other letter refused" {
	local t l out accepted cmds c
	for t in $TOOLS; do
		cu_require_tool "$t"
		cmds=-
		[ "$t" = cgset ] && cmds="set list run delete"
		for l in {A..Z} {a..z}; do
			[ "$l" = h ] || [ "$l" = V ] && continue
			accepted=no
			for c in $cmds; do
				CGSET_CMD=$c
				if takes_value "$t" "$l"; then
					out=$(getopt_try "$t" "$l" 1) || true
				else
					out=$(getopt_try "$t" "$l") || true
				fi
				[[ $out == *"invalid option -- '$l'"* ]] || accepted=yes
			done
			if letters_of "$t" | grep -q "^-$l "; then
				[ "$accepted" = yes ] || fail "$t refuses -$l, which the table gives it"
			else
				[ "$accepted" = no ] || fail "$t accepts -$l, which the table does not give it"
			fi
		done
	done
}

@test "completions: every letter and long form of the table, no other letter" {
	local t f line l
	for t in $TOOLS; do
		f=$CU_TOPDIR/completions/$t
		while read -r l line; do
			grep -qE -- "(^|[[:space:]'|\"])${line}([[:space:]'|)=\"]|$)" "$f" ||
				fail "completions/$t lacks $line"
		done < <(letters_of "$t")
		# the letters in case patterns ("-o|--output)", "'-R'|'--root'")
		for l in $(grep -oE -- "(^[[:space:]]*|\|)'?-[A-Za-z]'?(\||\))" "$f" |
			   sed -E "s/^[[:space:]|']*//; s/'?[|)]$//" | sort -u); do
			case $l in -h|-V) continue ;; esac
			letters_of "$t" | grep -q -- "^$l " ||
				fail "completions/$t completes $l, which the table does not give $t"
		done
	done
	for t in netns vethctl cgset unionmount; do
		for c in $(table_commands | awk -v t="$t" '$1 == t && NF == 2 { print $2 }'); do
			grep -qw -- "$c" "$CU_TOPDIR/completions/$t" ||
				fail "completions/$t does not know the command $c"
		done
	done
}

@test "--help lists exactly the table's commands of each tool" {
	for t in netns vethctl cgset unionmount; do
		cu_require_tool "$t"
		diff -u <(table_commands | awk -v t="$t" '$1 == t { print $2 }' | sort -u) \
			<(help_commands "$t") ||
			fail "$t --help and the commands of container-utils(7) differ (- table, + help)"
	done
	# the aliases are ls and del, and mean the same in every tool
	run bash -c "$(declare -f table_rows table_commands); PAGE=$PAGE; table_commands | awk 'NF > 2 { print \$2, \$3 }' | sort -u"
	assert_output "delete del
list ls"
}

@test "unknown and missing commands: one wording, status 1, nothing on stdout" {
	for t in netns vethctl cgset; do
		cu_require_tool "$t"
		run --separate-stderr "$t" frobnicate
		assert_failure 1
		assert_output ''
		assert_equal "$stderr" "$t: unknown command 'frobnicate'; see '$t --help'"
	done
	for t in vethctl cgset; do
		run --separate-stderr "$t"
		assert_failure 1
		assert_output ''
		assert_equal "$stderr" "$t: no command given; see '$t --help'"
	done
}

@test "a wrong operand count: one wording in every tool with commands, status 1" {
	local t
	for t in netns vethctl cgset unionmount; do
		cu_require_tool "$t"
	done
	# tool, command line, the one line expected
	while IFS='|' read -r t args want; do
		# shellcheck disable=SC2086 # the words of the command line
		run --separate-stderr "$t" $args
		assert_failure 1
		assert_output ''
		assert_equal "$stderr" "$t: $want"
	done <<-'EOF'
	netns|pids|pids: missing argument (see --help)
	netns|list extra|list: unexpected argument: 'extra'
	vethctl|delete|delete: missing argument (see --help)
	vethctl|list extra|list: unexpected argument: 'extra'
	cgset|show|show: missing argument (see --help)
	cgset|list a b|list: unexpected argument: 'b'
	unionmount|umount|umount: missing argument (see --help)
	unionmount|apply a b c|apply: unexpected argument: 'c'
	EOF
}

@test "ls lists and del deletes, in every tool that has them" {
	cu_require_root
	local ns g d
	# netns: ls shows the name, del removes it
	cu_mkns a
	ns=$(cu_name a)
	run -0 netns ls -o NAME --noheadings
	assert_line "$ns"
	run -0 netns del "$ns"
	[ ! -e "/run/netns/$ns" ]
	# vethctl inside a namespace of ours: ls shows the pair, del removes it
	cu_mkns b
	ns=$(cu_name b)
	vethctl --netns "$ns" add va vb
	run -0 vethctl --netns "$ns" ls -o NAME,PEER --noheadings --raw
	assert_line 'va vb'
	run -0 vethctl --netns "$ns" del va
	run ip -n "$ns" link show va
	assert_failure
	# cgset: ls shows the group, del removes it
	g=$(cu_name g)
	cu_on_teardown "cgset delete --recursive $g 2>/dev/null"
	cgset create "$g"
	run -0 cgset ls -o NAME --noheadings "$g"
	assert_line --regexp "(^|/)$g\$"
	run -0 cgset del "$g"
	run cgset show "$g"
	assert_failure
	# unionmount ls lists (it is not a mount on ./ls)
	d=$BATS_TEST_TMPDIR
	mkdir "$d/L" "$d/T"
	cu_on_teardown "unionmount umount $d/T 2>/dev/null"
	unionmount -l "$d/L" "$d/T"
	run --separate-stderr unionmount ls -o TARGET --noheadings --raw
	assert_success
	assert_line "$d/T"
	unionmount umount "$d/T"
}

@test "unionmount: -o is --output, so a mount(8) habit of -o is refused, nothing mounted" {
	cu_require_root
	local d=$BATS_TEST_TMPDIR
	mkdir "$d/L" "$d/T"
	cu_on_teardown "unionmount umount $d/T 2>/dev/null"
	run --separate-stderr unionmount -o ro -l "$d/L" "$d/T"
	assert_failure 1
	assert_output ''
	assert_equal "$stderr" "unionmount: -o is --output (commit, list); mount options go in --options: 'ro'"
	run findmnt -n "$d/T"
	assert_failure
	# the long form mounts
	run -0 unionmount --options ro -l "$d/L" "$d/T"
	run -0 findmnt -n -o OPTIONS "$d/T"
	assert_output --regexp '(^|,)ro(,|$)'
	unionmount umount "$d/T"
}
