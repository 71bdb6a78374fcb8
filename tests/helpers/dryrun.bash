# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The proof that a --dry-run changes nothing and needs no privilege
# (issue 19): load after helpers/common.
#
#   cu_dryrun_snapshot PATTERN...   the kernel state the test's objects are
#                                   in, as text (lines naming a PATTERN)
#   cu_dryrun CMD...                run CMD under strace; sets $output and
#                                   $status like bats' run, keeps the trace
#   cu_dryrun_no_change PATTERN... -- CMD...
#                                   both: the same state before and after,
#                                   no call that changes the system, exit 0
#   cu_dryrun_as_user CMD...        CMD as the unprivileged test user: it
#                                   must succeed and print the plan
#
# and what the tests of the plans share (tests/dryrun-{ns,net,cg}.bats):
#
#   cu_dryrun_setup                 root, strace, $D (the test's directory)
#   cu_dryrun_calls                 a plan or a narration (stdin) as its calls
#   cu_dryrun_same_calls NORM PLAN NARRATION
#                                   the same calls, or fail with the difference
#   cu_dryrun_in_order TEXT PATTERN...
#                                   each fixed PATTERN in TEXT, in this order
#
# PATTERNs are fixed strings (object names, paths, subnets); $CU_ID-style
# names and $BATS_TEST_TMPDIR are always included.

# The calls tests/helpers/dryrun-check.py judges (and nothing else: a trace
# of every call is slow under qemu and ASan).
CU_DRYRUN_CALLS=mount,umount2,pivot_root,chroot,unshare,setns,open_tree
CU_DRYRUN_CALLS+=,move_mount,mount_setattr,fsopen,fsconfig,fsmount,fspick
CU_DRYRUN_CALLS+=,sethostname,setdomainname,capset,seccomp,prctl,mknod,mknodat
CU_DRYRUN_CALLS+=,mkdir,mkdirat,rmdir,unlink,unlinkat,rename,renameat,renameat2
CU_DRYRUN_CALLS+=,link,linkat,symlink,symlinkat,chmod,fchmod,fchmodat,chown
CU_DRYRUN_CALLS+=,fchown,fchownat,lchown,truncate,ftruncate,setxattr,lsetxattr
CU_DRYRUN_CALLS+=,fsetxattr,removexattr,lremovexattr,fremovexattr,kill,tgkill
CU_DRYRUN_CALLS+=,tkill,pidfd_send_signal,bpf,open,openat,openat2,creat,clone
CU_DRYRUN_CALLS+=,clone3,sendto,sendmsg,ioctl

cu_dryrun_snapshot() {
	local pats=("$(cu_id)" "$BATS_TEST_TMPDIR" "$@") args=() p ns d f
	for p in "${pats[@]}"; do args+=(-e "$p"); done
	{
		# mount point, options, type, source (no IDs: they are new per mount)
		awk '{ s = ""; for (i = 7; i <= NF; i++) if ($i == "-") break;
		       print $5, $6, $(i + 1), $(i + 2) }' /proc/self/mountinfo
		ip -o link show | sed -E 's/^[0-9]+: //'
		ip -o addr show | sed -E 's/^[0-9]+: //'
		ip route show table all
		ls -1 /run/netns 2>/dev/null
		for ns in /run/netns/*; do
			[ -e "$ns" ] || continue
			case "$ns" in *"$(cu_id)"*) ;; *) continue ;; esac
			ip -n "${ns##*/}" -o link show | sed -E "s|^[0-9]+: |${ns##*/}: |"
			ip -n "${ns##*/}" -o addr show | sed -E "s|^[0-9]+: |${ns##*/}: |"
			ip -n "${ns##*/}" route show table all | sed "s|^|${ns##*/}: |"
		done
		nft list ruleset 2>/dev/null
		losetup -a 2>/dev/null
		# cgroups named for the test, with the values of their files
		while read -r d; do
			echo "$d"
			for f in "$d"/*; do
				[ -f "$f" ] && [ -r "$f" ] || continue
				case "${f##*/}" in
				*.stat|*.events|*.pressure|*usage*|*.current|*.peak|*.local) continue ;;
				esac
				printf '%s = %s\n' "$f" "$(head -c 256 "$f" 2>/dev/null | tr '\n' ' ')"
			done
		done < <(find /sys/fs/cgroup -maxdepth 6 -type d -name "*$(cu_id)*" 2>/dev/null | sort)
		# the test's own files: names, types, modes and sizes
		# (a directory's size is left out: on tmpfs it counts entries,
		# and the harness's own .dryrun is one)
		find "$BATS_TEST_TMPDIR" -path "$BATS_TEST_TMPDIR/.dryrun" -prune -o \
			-type d -printf '%p %y %m\n' -o -printf '%p %y %m %s\n' 2>/dev/null | sort
	} | grep -F "${args[@]}" |
		# IPv6 link-local addresses and their routes come and go on their
		# own (duplicate address detection): not the plan's doing
		grep -v -e 'fe80::' -e 'ff00::/8' |
		# nor a link's carrier: a bridge whose last port went loses it
		# a moment later (the admin flag UP stays in the snapshot)
		sed -E '/ mtu [0-9]+ /{s/NO-CARRIER,//; s/,(LOWER_UP|M-DOWN)//g; s/ state [A-Z]+ / /}' || true
}

cu_dryrun() {
	mkdir -p "$BATS_TEST_TMPDIR/.dryrun"
	CU_DRYRUN_TRACE=$BATS_TEST_TMPDIR/.dryrun/trace
	run strace -f -qq -s 256 -o "$CU_DRYRUN_TRACE" -e trace="$CU_DRYRUN_CALLS" -- "$@"
}

# The trace of the last cu_dryrun holds no call that changes the system.
cu_dryrun_no_call() {
	run python3 "$CU_TOPDIR/tests/helpers/dryrun-check.py" "$CU_DRYRUN_TRACE"
	if [ "$status" -ne 0 ]; then
		echo "$output" >&2
		return 1
	fi
}

cu_dryrun_no_change() {
	local pats=() before after plan plan_status
	while [ "$#" -gt 0 ] && [ "$1" != -- ]; do pats+=("$1"); shift; done
	shift
	mkdir -p "$BATS_TEST_TMPDIR/.dryrun"
	before=$(cu_dryrun_snapshot "${pats[@]}")
	cu_dryrun "$@"
	plan=$output plan_status=$status
	after=$(cu_dryrun_snapshot "${pats[@]}")
	if [ "$plan_status" -ne 0 ]; then
		echo "the dry run failed ($plan_status): $plan" >&2
		return 1
	fi
	if [ "$before" != "$after" ]; then
		diff <(echo "$before") <(echo "$after") >&2
		return 1
	fi
	cu_dryrun_no_call || return 1
	output=$plan status=$plan_status
}

cu_dryrun_as_user() {
	cu_require_user
	run cu_as_user "$@"
}

# The setup of every test of the plans: they trace as root.
cu_dryrun_setup() {
	cu_setup
	cu_require_root
	command -v strace >/dev/null || skip "strace is not installed"
	# shellcheck disable=SC2034 # the tests' directory, used by the test files
	D=$BATS_TEST_TMPDIR
}

# The step lines of a plan or of an --explain narration (stdin) as the
# calls alone, one a line, so that the two compare: the tool's name, the
# privilege "(needs ...)", the result "→ ...", the concept "[...]",
# colours and the notes ("▸ # ...") left out.  Each file's normaliser
# adds the placeholders of its tools after it.
cu_dryrun_calls() {
	sed -E 's/\x1b\[[0-9;]*m//g' | grep -F ' ▸ ' | grep -vF ' ▸ # ' |
		sed -E 's/^[^ ]+ ▸ //; s/  \[.*$//; s/  \(needs [^)]*\).*$//; s/ → .*$//' || true
}

# cu_dryrun_same_calls NORM PLAN NARRATION: the calls NORM (a function
# reading stdin) gives for the text PLAN are those of NARRATION.
cu_dryrun_same_calls() {
	local norm=$1 plan real
	plan=$(printf '%s\n' "$2" | "$norm")
	real=$(printf '%s\n' "$3" | "$norm")
	[ -n "$plan" ] || fail "an empty plan: $2"
	[ "$plan" = "$real" ] || fail "the plan (+) is not what the real run narrated (-):
$(diff -u <(echo "$real") <(echo "$plan"))"
}

# cu_dryrun_in_order TEXT PATTERN...: each fixed PATTERN in TEXT, in order.
cu_dryrun_in_order() {
	local text=$1 rest=$1 p
	shift
	for p in "$@"; do
		[[ "$rest" == *"$p"* ]] || fail "no \"$p\" (in this order) in:
$text"
		rest=${rest#*"$p"}
	done
}
