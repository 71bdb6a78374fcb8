# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/examples.bats: take the examples out of a man page or README.md, run
# them in a sandbox, compare what they print with what the page shows.
#
# Where the examples are:
#  - a man page: the .EX/.EE and .nf/.fi blocks of its EXAMPLES section;
#  - README.md: its ```console blocks (```sh blocks are not run).
# In a block, a line starting with "# " is a command run as root, "$ " a
# command run as an unprivileged user (cu-tester); a command whose line ends
# with a backslash goes on at the next line.  Every other line is output the
# command before it prints (stdout and stderr, as on a terminal).  A command
# followed by no output line must print nothing.  (So an example cannot
# show output lines that start with "# " or "$ ".)  In a man page the roff
# escapes \- \e \& \(aq \(dq \(ti \(ha \(ga \(rs are read as the characters
# they print; any other escape in a block is an error.
#
# Output is compared line by line, runs of blanks counting as one blank and
# trailing blanks ignored.  "..." stands for any text: in a line, any
# characters (a PID, a time, an address); alone on a line, any number of
# lines, none included.
#
# Each block is one example, numbered from 1 in the order of the page.  The
# commands of a page run in order in one bash (so a name, a variable or a
# background job of one example is there for the next), stdin /dev/null,
# in a sandbox: new mount, network, PID, UTS and IPC namespaces, tmpfs on
# /run/netns, /run/container-utils and /srv, /etc as an overlay whose
# changes stay in the sandbox, and a scratch directory as the working
# directory.  The run stops at the first command that fails.

# cu_ex_unroff: roff text of an example line to what the reader sees.
cu_ex_unroff() {
	sed -e 's/\\-/-/g' -e "s/\\\\(aq/'/g" -e 's/\\(dq/"/g' -e 's/\\(ti/~/g' \
		-e 's/\\(ha/^/g' -e 's/\\(ga/`/g' -e 's/\\&//g' -e 's/\\(rs/\\\\/g' \
		-e 's/\\e/\\\\/g' -e 's/\\\\/\\/g'
}

# cu_ex_split DIR: read "#"/"$"-prompted lines and output lines on stdin,
# one example block ended by a line "@@END", and write DIR/NNN.cmd (the
# command), NNN.who (root or user), NNN.exp (the output shown), NNN.ex (the
# example number).
cu_ex_split() {
	awk -v dir="$1" '
	function flush() { if (n) close(dir "/" sprintf("%03d", n) ".exp") }
	/^@@END$/ { ex++; cont = 0; next }
	cont {
		f = dir "/" sprintf("%03d", n) ".cmd"
		print >> f; close(f)
		cont = /\\$/
		next
	}
	/^[#$] / {
		flush(); n++
		b = dir "/" sprintf("%03d", n)
		print substr($0, 3) > (b ".cmd"); close(b ".cmd")
		print (substr($0, 1, 1) == "#" ? "root" : "user") > (b ".who"); close(b ".who")
		print ex + 1 > (b ".ex"); close(b ".ex")
		printf "" > (b ".exp")
		cont = /\\$/
		next
	}
	{
		if (!n) { printf "example %d: output before any command: %s\n", ex + 1, $0 > "/dev/stderr"; bad = 1; next }
		print >> (dir "/" sprintf("%03d", n) ".exp")
	}
	END { flush(); exit bad }'
}

# cu_ex_from_man PAGE DIR
cu_ex_from_man() {
	local bad
	bad=$(awk '/^\.SH "?EXAMPLES/ { s = 1; next } /^\.SH/ { s = 0 }
		s && /^\.(EX|nf)/ { b = 1; next }
		s && /^\.(EE|fi)/ { b = 0; next }
		s && b && !/^\./ && /\\[^-e&(]/ { print }
		s && b && /\\\(/ && !/\\\((aq|dq|ti|ha|ga|rs)/ { print }' "$1")
	if [ -n "$bad" ]; then
		printf '%s: an escape the examples test does not know: %s\n' "$1" "$bad" >&2
		return 1
	fi
	awk '/^\.SH "?EXAMPLES/ { s = 1; next } /^\.SH/ { s = 0 }
		s && /^\.(EX|nf)/ { b = 1; next }
		s && /^\.(EE|fi)/ { b = 0; print "@@END"; next }
		s && b && !/^\./' "$1" | cu_ex_unroff | cu_ex_split "$2"
}

# cu_ex_from_md FILE DIR
cu_ex_from_md() {
	awk '/^```console$/ { b = 1; next }
		b && /^```/ { b = 0; print "@@END"; next }
		b' "$1" | cu_ex_split "$2"
}

# cu_ex_run DIR WORK: run the commands of DIR (inside the sandbox), each
# one's output into NNN.out and its status into NNN.rc; then what is left
# in the sandbox into DIR/left.
cu_ex_run() {
	local dir=$1 work=$2 c n cmd d
	ip link set lo up || return 1
	# nothing of the examples may reach the host's directories: each
	# tmpfs is a must (the directories are made if missing, as the tools
	# and a fresh Debian make them)
	for d in /run/netns /run/container-utils /srv; do
		mkdir -p "$d" && mount -t tmpfs -o mode=755 cu-ex "$d" || return 1
	done
	# /etc as an overlay whose upper layer is a tmpfs: /etc/netns and the
	# like stay in the sandbox
	mkdir -p "$dir/etc"
	mount -t tmpfs -o mode=755 cu-ex-etc "$dir/etc"
	mkdir "$dir/etc/upper" "$dir/etc/work"
	mount -t overlay -o "lowerdir=/etc,upperdir=$dir/etc/upper,workdir=$dir/etc/work" \
		cu-ex-etc /etc || return 1
	cd "$work" || return 1
	for c in "$dir"/*.cmd; do
		n=${c%.cmd}
		cmd=$(cat "$c")
		if [ "$(cat "$n.who")" = root ]; then
			eval "$cmd" > "$n.out" 2>&1 < /dev/null
		else
			setpriv --reuid="$CU_UID" --regid="$CU_UID" --clear-groups \
				--inh-caps=-all -- env HOME="$work" bash -c "$cmd" \
				> "$n.out" 2>&1 < /dev/null
		fi
		echo "$?" > "$n.rc"
		[ "$(cat "$n.rc")" -eq 0 ] || break
	done
	cd / || return 1
	{
		find /run/netns -mindepth 1 -maxdepth 1 -printf 'netns: %f\n'
		ip -o link show | awk -F': ' '$2 != "lo" { print "link: " $2 }'
		nft list ruleset 2>/dev/null | grep '^table' | sed 's/^/nftables: /'
		findmnt -rn -o TARGET | grep -F "$work" | sed 's/^/mount: /'
	} > "$dir/left"
}

# cu_ex_norm: blanks squeezed, trailing blanks and trailing empty lines gone.
cu_ex_norm() {
	sed -e 's/[[:blank:]]\{1,\}/ /g' -e 's/ $//' | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
}

# cu_ex_matches EXPECTED GOT: does the output GOT match the page's EXPECTED?
cu_ex_matches() {
	local exp got pat
	exp=$(cu_ex_norm < "$1")
	got=$(cu_ex_norm < "$2")
	[ "$exp" = "$got" ] && return 0
	# glob: quote everything, then "..." alone on a line (any lines, none
	# included) and "..." in a line (any text) as *; the output framed in
	# newlines so that a first or last line of "..." is alone too
	pat=$(printf '%s' "$exp" | sed -e 's/[][*?\\]/\\&/g')
	pat=$'\n'$pat$'\n'
	pat=${pat//$'\n'...$'\n'/$'\n'*}
	pat=${pat//.../*}
	got=$'\n'$got$'\n'
	# shellcheck disable=SC2053  # a glob on purpose
	[[ "$got" == $pat ]]
}

# cu_ex_report PAGE DIR: the first command that failed or printed something
# else than the page shows, readably; status 1 then.
cu_ex_report() {
	local page=$1 dir=$2 c n rc
	for c in "$dir"/*.cmd; do
		n=${c%.cmd}
		if [ ! -e "$n.rc" ]; then
			printf '%s, example %s: not run (an earlier command failed)\n' "$page" "$(cat "$n.ex")"
			return 1
		fi
		rc=$(cat "$n.rc")
		if [ "$rc" -ne 0 ] || ! cu_ex_matches "$n.exp" "$n.out"; then
			printf '%s, example %s, command:\n' "$page" "$(cat "$n.ex")"
			sed 's/^/    /' "$c"
			[ "$rc" -eq 0 ] || printf 'exit status %s (expected 0)\n' "$rc"
			printf -- '--- expected output (the page) ---\n'
			cat "$n.exp"
			printf -- '--- got ---\n'
			cat "$n.out"
			printf -- '---\n'
			return 1
		fi
	done
	if [ -s "$dir/left" ]; then
		printf '%s: the examples leave behind:\n' "$page"
		cat "$dir/left"
		return 1
	fi
	return 0
}
