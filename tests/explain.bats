#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Teaching mode (--explain, CU_EXPLAIN=1): each tool's main commands run
# under strace, and every narrated kernel call must be in strace's trace of
# the same process, in the same order, with the same arguments and result
# (tests/helpers/explain-compare.py); every namespace and mount call strace
# saw must have been narrated (--complete).
load helpers/common

# What strace records: the narrated calls, write (the narration itself and
# the file writes), open (which file a write goes to), netlink traffic,
# clone (a child's descriptors are its parent's).
EX_CALLS=clone,clone3,fork,vfork,unshare,setns,sethostname,mount,umount2,pivot_root,open_tree,move_mount,mount_setattr,fsopen,fsconfig,fsmount,seccomp,capset,prctl,mkdir,mkdirat,rmdir,open,openat,write,sendto,sendmsg,recvfrom,recvmsg

setup() {
	cu_setup
	cu_require_root
	command -v strace >/dev/null || skip "strace is not installed"
	D=$BATS_TEST_TMPDIR
}

teardown() {
	cu_teardown
}

# ex_trace NAME COMMAND...: COMMAND narrated under strace; the trace in
# $D/NAME.trace, what it wrote on stderr in $D/NAME.err.
ex_trace() {
	local name=$1
	shift
	CU_EXPLAIN=1 strace -f -qq -s 4096 -e signal=none -e trace="$EX_CALLS" \
		-o "$D/$name.trace" "$@" 2> "$D/$name.err"
}

# ex_agree NAME MIN: the narration of run NAME agrees with strace, and at
# least MIN calls were narrated.
ex_agree() {
	run python3 "$BATS_TEST_DIRNAME/helpers/explain-compare.py" --complete "$D/$1.trace"
	[ "$status" -eq 0 ] || fail "narration and strace disagree for $1:
$output
--- narration:
$(cat "$D/$1.err")"
	[[ "$output" =~ ^([0-9]+)\ narrated\ calls\ agree ]] || fail "$output"
	[ "${BASH_REMATCH[1]}" -ge "$2" ] || fail "only ${BASH_REMATCH[1]} narrated calls (want $2 or more)"
}

# ex_said NAME TEXT: the narration of run NAME has a line holding TEXT.
ex_said() {
	grep -qF -- "$2" "$D/$1.err" || fail "no \"$2\" in the narration of $1:
$(cat "$D/$1.err")"
}

mk_rootfs() {
	cu_busybox_rootfs "$1" sh true cat
}

@test "nsrun --pid --mount-proc --root: clone3, mounts and pivot_root narrated as strace saw them" {
	cu_require_tool nsrun
	command -v busybox >/dev/null || skip "no busybox"
	mk_rootfs "$D/root"
	ex_trace root nsrun --pid --mount-proc --root "$D/root" -- /bin/true
	ex_agree root 5
	ex_said root 'clone3(CLONE_NEWPID|CLONE_NEWNS'
	ex_said root '[unshare --fork --pid --mount]'
	ex_said root 'pivot_root(".", ".") → 0'
	ex_said root 'mount("proc", '
	ex_said root '[mount --make-rprivate /]'
	# the confinement: Docker's seccomp profile and capabilities
	ex_said root 'seccomp(SECCOMP_SET_MODE_FILTER, 0, {len='
	ex_said root 'prctl(PR_CAPBSET_DROP, CAP_SYS_ADMIN) → 0  [capsh --drop=cap_sys_admin]'
	ex_said root 'capset({version=_LINUX_CAPABILITY_VERSION_3, pid=0}, {…}) → 0  ['
}

@test "nsrun --user --map-root-user: the ID map writes narrated with their files and values" {
	cu_require_tool nsrun
	ex_trace user nsrun --user --map-root-user --hostname "$(cu_name h)" -- true
	ex_agree user 3
	ex_said user 'unshare(CLONE_NEWUSER|CLONE_NEWUTS) → 0  [unshare --user --uts]'
	ex_said user '/uid_map ← "0 0 1\n"'
	ex_said user '[uid 0 inside is uid 0 outside, 1 IDs'
	ex_said user "sethostname(\"$(cu_name h)\", "
	ex_said user "[hostname $(cu_name h)]"
}

@test "a refused call is narrated with its errno, as strace saw it" {
	cu_require_tool nsrun
	cu_require_user
	# what the unprivileged user may run: the built tool
	cu_open_to_user "$CU_BUILDDIR"
	cu_open_to_user "$D"
	mkdir "$D/user"
	chown "$CU_UID" "$D/user"
	run cu_as_user env CU_EXPLAIN=1 strace -f -qq -s 4096 -e signal=none \
		-e trace="$EX_CALLS" -o "$D/user/eperm.trace" "$CU_BUILDDIR/nsrun" --net -- true
	[ "$status" -eq 125 ] || fail "status $status: $output"
	cp "$D/user/eperm.trace" "$D/eperm.trace"
	printf '%s\n' "$output" > "$D/eperm.err"
	ex_agree eperm 1
	ex_said eperm 'unshare(CLONE_NEWNET) → -1 EPERM (Operation not permitted)'
}

@test "cgset create, set, run, delete: cgroup files, values and units narrated as strace saw them" {
	cu_require_tool cgset
	local n
	n=$(cu_name cg)
	cu_track_cgroup "$n"
	ex_trace create cgset create "$n" --cpu 20% --pids 50
	ex_agree create 3
	ex_said create '[cpu 20 %: 20 ms of every 100 ms]'
	ex_said create '[at most 50 processes]'
	ex_said create '[a new cgroup:'
	ex_trace set cgset set "$n" --memory 64M
	ex_agree set 1
	ex_said set '[memory limit 64 MiB]'
	ex_trace run cgset run --name "$(cu_name r)" --cpu 10% -- true
	ex_agree run 3
	ex_said run '[cpu 10 %: 10 ms of every 100 ms]'
	ex_said run 'clone3('
	ex_trace delete cgset delete "$n"
	ex_agree delete 1
	ex_said delete 'rmdir("/sys/fs/cgroup/'
}

@test "a refused cgroup write and the rollback after it narrated as strace saw them" {
	cu_require_tool cgset
	local n
	n=$(cu_name cg)
	cu_track_cgroup "$n"
	run ex_trace fail cgset create "$n" --pids 10 --cpuset 4095
	assert_failure 1
	ex_agree fail 3
	ex_said fail 'cpuset.cpus ← "4095" → -1 E'
	ex_said fail '# rollback: removing the groups just made, in reverse'
	# the narration follows the order of the calls: the refusal, then the rollback
	grep -n -e '← "4095"' -e '# rollback' -e 'rmdir(' "$D/fail.err" | cut -d: -f2- > "$D/order"
	run head -2 "$D/order"
	assert_line --index 0 --partial '← "4095"'
	assert_line --index 1 --partial '# rollback'
	ex_said fail "rmdir(\"/sys/fs/cgroup/"
	run find /sys/fs/cgroup -maxdepth 2 -name "$n"
	assert_output ''
}

@test "netns add and delete: unshare, the bind mount and its removal narrated as strace saw them" {
	cu_require_tool netns
	local n
	n=$(cu_name n)
	cu_track_netns "$n"
	ex_trace add netns add "$n"
	ex_agree add 2
	ex_said add 'unshare(CLONE_NEWNET) → 0'
	ex_said add "[mount --bind /proc/self/ns/net /run/netns/$n]"
	ex_trace set netns set "$n" auto
	ex_agree set 1
	ex_said set 'RTM_NEWNSID nsid auto fd '
	ex_trace del netns delete "$n"
	ex_agree del 1
	ex_said del "umount2(\"/run/netns/$n\", MNT_DETACH|UMOUNT_NOFOLLOW) → 0"
	[ ! -e "/run/netns/$n" ]
}

@test "vethctl add and connect: the netlink requests narrated as strace saw them" {
	cu_require_tool vethctl
	local a b r c
	cu_mkns a
	cu_mkns b
	a=$(cu_name a) b=$(cu_name b)
	ex_trace add vethctl add "$(cu_name x)" "$(cu_name y)" --netns "$a" --peer-netns "$b"
	ex_agree add 3
	ex_said add "RTM_NEWLINK(NLM_F_CREATE|NLM_F_EXCL) \"$(cu_name x)\" veth ⇄ \"$(cu_name y)\""
	ex_said add "[ip link add $(cu_name x) type veth peer name $(cu_name y) netns …]"
	ex_said add "[nsenter --net=/run/netns/$a]"
	cu_mkns r
	cu_mkns c
	r=$(cu_name r) c=$(cu_name c)
	ex_trace connect vethctl -N "$r" connect "$c" --bridge "$(cu_name br)" --addr 10.231.7.1/24
	ex_agree connect 5
	ex_said connect 'RTM_NEWADDR(NLM_F_CREATE|NLM_F_EXCL) 10.231.7.1/24'
	ex_said connect "[ip link add $(cu_name br) type bridge]"
	# indexes named from the socket's own netns: the bridge in r, eth0 in c
	ex_said connect "(eth0) IFF_UP → 0  [ip link set eth0 up]"
	ex_said connect "(lo) IFF_UP → 0  [ip link set lo up]"
	ex_said connect "master #"
	ex_said connect " ($(cu_name br)) → 0  [ip link set "
	ex_trace disconnect vethctl -N "$r" disconnect "$c"
	ex_agree disconnect 1
	ex_said disconnect 'RTM_DELLINK'
}

@test "unionmount mount and umount: the new mount API and the option string narrated as strace saw them" {
	cu_require_tool unionmount
	grep -qw overlay /proc/filesystems || skip "kernel has no overlayfs"
	mkdir -p "$D/l1" "$D/l2" "$D/u" "$D/w" "$D/m" "$D/m2" "$D/u2" "$D/w2"
	cu_track_mount "$D/m"
	cu_track_mount "$D/m2"
	ex_trace mount unionmount mount -l "$D/l1" -l "$D/l2" --upper "$D/u" --work "$D/w" "$D/m"
	ex_agree mount 4
	ex_said mount 'fsopen("overlay", FSOPEN_CLOEXEC)'
	ex_said mount "[attach the mount at $D/m]"
	ex_trace umount unionmount umount "$D/m"
	ex_agree umount 1
	ex_said umount 'umount2('
	# the option string of mount(2), as on kernels before 5.2
	CU_OVERLAY_FORCE=string ex_trace legacy unionmount mount -l "$D/l1" --upper "$D/u2" --work "$D/w2" "$D/m2"
	ex_agree legacy 1
	ex_said legacy "\"overlay\", MS_NOSUID|MS_NODEV, \"lowerdir="
	unionmount umount "$D/m2"
}

@test "nsenter2 --all: the setns by pidfd narrated as strace saw it" {
	cu_require_tool nsenter2
	cu_require_tool nsrun
	local holder target
	nsrun --pid --mount --uts --ipc --net --fork -- sleep 60 &
	holder=$!
	cu_track_pid "$holder"
	for _ in $(seq 50); do
		target=$(pgrep -P "$holder" -x sleep) && break
		sleep 0.1
	done
	[ -n "$target" ] || fail "no target process"
	ex_trace enter nsenter2 -t "$target" --all -- true
	ex_agree enter 1
	ex_said enter "setns("
	ex_said enter "[nsenter --target $target --pid --mount --net --uts --ipc"
}

@test "--explain turns narration on in each tool; without it and without CU_EXPLAIN nothing is narrated" {
	local t
	for t in nsrun nsenter2 netns vethctl cgset unionmount; do
		cu_require_tool "$t"
		run "$t" --help
		assert_output --partial '--explain'
	done
	run --separate-stderr nsrun --explain --user -- true
	assert_success
	[[ "$stderr" == *"nsrun ▸ unshare(CLONE_NEWUSER) → 0  [unshare --user]"* ]] || fail "stderr: $stderr"
	run --separate-stderr env -u CU_EXPLAIN nsrun --user -- true
	assert_success
	[ -z "$stderr" ] || fail "narrated without --explain: $stderr"
	run --separate-stderr env CU_EXPLAIN=0 netns list
	[[ "$stderr" != *"▸"* ]] || fail "CU_EXPLAIN=0 narrated: $stderr"
}

@test "colour on a terminal; plain with NO_COLOR and through a pipe" {
	cu_require_tool nsrun
	run python3 "$BATS_TEST_DIRNAME/pty-run.py" env CU_EXPLAIN=1 TERM=xterm nsrun --user -- true
	assert_success
	[[ "$output" == *$'\e['*'unshare(CLONE_NEWUSER)'* ]] || fail "no colour on a terminal: $output"
	run python3 "$BATS_TEST_DIRNAME/pty-run.py" env CU_EXPLAIN=1 TERM=xterm NO_COLOR=1 nsrun --user -- true
	assert_success
	[[ "$output" == *'unshare(CLONE_NEWUSER)'* ]] || fail "$output"
	[[ "$output" != *$'\e['* ]] || fail "colour despite NO_COLOR: $output"
	run --separate-stderr env CU_EXPLAIN=1 TERM=xterm nsrun --user -- true
	[[ "$stderr" != *$'\e['* ]] || fail "colour into a pipe: $stderr"
}

@test "attack: escape sequences in a path reach the terminal only as \\ooo text" {
	cu_require_tool unionmount
	grep -qw overlay /proc/filesystems || skip "kernel has no overlayfs"
	local evil l m
	# an OSC title, a cleared screen, BEL, and CSI as a C1 character (U+009B)
	evil=$'x\e]0;pwned\a\e[2J\xc2\x9b31m'
	l="$D/l$evil" m="$D/m$evil"
	mkdir -p "$l" "$m"
	# quoted for the teardown's eval: the name holds ';'
	cu_on_teardown "_cu_umount $(printf '%q' "$m")"
	run --separate-stderr unionmount --explain mount -l "$l" "$m"
	assert_success
	[[ "$stderr" == *"[attach the mount at $D/mx\\033]0;pwned\\007\\033[2J\\23331m]"* ]] ||
		fail "the path is not shown escaped: $(printf '%s' "$stderr" | cat -v)"
	[[ "$stderr" != *$'\e'* && "$stderr" != *$'\a'* && "$stderr" != *$'\xc2\x9b'* ]] ||
		fail "control characters reached stderr: $(printf '%s' "$stderr" | cat -v)"
	run unionmount umount "$m"
	assert_success
	# on a terminal: our colours, none of the path's sequences
	run python3 "$BATS_TEST_DIRNAME/pty-run.py" env TERM=xterm unionmount --explain mount -l "$l" "$m"
	assert_success
	[[ "$output" == *$'\e['* ]] || fail "no colour on a terminal"
	[[ "$output" != *$'\e]0;pwned'* && "$output" != *$'\e[2J'* ]] ||
		fail "the path's sequences reached the terminal: $(printf '%s' "$output" | cat -v)"
	unionmount umount "$m"
}

@test "the comparer rejects a narration that strace contradicts (flags, result, a missing call)" {
	cu_require_tool netns
	local n
	n=$(cu_name n)
	cu_track_netns "$n"
	ex_trace add netns add "$n"
	ex_agree add 2
	# the kernel saw other flags than the narration says
	sed 's/^\([0-9]* *mount(.*\)MS_BIND/\1MS_MOVE/' "$D/add.trace" > "$D/flags.trace"
	run python3 "$BATS_TEST_DIRNAME/helpers/explain-compare.py" "$D/flags.trace"
	assert_failure
	assert_output --partial 'arguments differ'
	# the kernel answered otherwise
	sed 's/^\([0-9]* *unshare(CLONE_NEWNET) *\)= 0$/\1= -1 EPERM (Operation not permitted)/' \
		"$D/add.trace" > "$D/result.trace"
	run python3 "$BATS_TEST_DIRNAME/helpers/explain-compare.py" "$D/result.trace"
	assert_failure
	assert_output --partial 'result differs'
	# the narrated call was never made
	grep -v '^[0-9]* *unshare(' "$D/add.trace" > "$D/missing.trace"
	run python3 "$BATS_TEST_DIRNAME/helpers/explain-compare.py" "$D/missing.trace"
	assert_failure
	assert_output --partial 'not in strace'
	# a call made but not narrated (--complete)
	grep -v 'unshare(CLONE_NEWNET) \\342\\206\\222' "$D/add.trace" > "$D/silent.trace"
	run python3 "$BATS_TEST_DIRNAME/helpers/explain-compare.py" --complete "$D/silent.trace"
	assert_failure
	assert_output --partial 'not narrated'
}

# ex_zh COMMAND...: COMMAND in zh_CN with the catalog of po/zh_CN.po, staged
# in a private mount namespace over the nearest existing parent of the
# tools' LOCALEDIR when it is not installed (the host sees nothing of it).
ex_zh() {
	local dir base rest root
	dir=$(make -s -C "$CU_BUILDDIR" print-localedir 2>/dev/null | tail -1)
	[ -n "$dir" ] || fail "no localedir from make print-localedir"
	msgfmt -o "$D/zh_CN.mo" "$CU_TOPDIR/po/zh_CN.po" || fail "msgfmt failed"
	base=$dir
	while [ ! -d "$base" ]; do base=$(dirname "$base"); done
	case $base in /|/usr|/bin|/lib|/etc) skip "cannot stage translations over $base" ;; esac
	rest=${dir#"$base"}
	root=$D/locale-root
	mkdir -p "$root$rest/zh_CN/LC_MESSAGES"
	cp "$D/zh_CN.mo" "$root$rest/zh_CN/LC_MESSAGES/container-utils.mo"
	unshare --mount --propagation private -- \
		bash -c 'mount --bind "$1" "$2" && shift 2 && exec "$@"' _ "$root" "$base" \
		env LANGUAGE=zh_CN LC_ALL=zh_CN.UTF-8 "$@"
}

@test "LANGUAGE=zh_CN: the concepts in Chinese, the calls as the kernel names them" {
	cu_require_tool cgset
	locale -a 2>/dev/null | grep -qix 'zh_CN.utf8' ||
		skip "no zh_CN.UTF-8 locale (bash .ci/deps generates it)"
	command -v msgfmt >/dev/null || skip "no msgfmt"
	local n
	n=$(cu_name cg)
	cu_track_cgroup "$n"
	run --separate-stderr ex_zh cgset run --explain --name "$n" --cpu 20% -- true
	assert_success
	[[ "$stderr" == *"[cpu 20 %：每 100 毫秒中的 20 毫秒]"* ]] || fail "stderr: $stderr"
	[[ "$stderr" == *"[删除该 cgroup（其中必须已没有进程）]"* ]] || fail "stderr: $stderr"
	# the calls themselves stay as the kernel names them
	[[ "$stderr" == *'rmdir("/sys/fs/cgroup/'* ]] || fail "stderr: $stderr"
}
