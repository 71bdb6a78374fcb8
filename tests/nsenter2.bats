#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# nsenter2: entering the namespaces of running processes (targets are made
# with util-linux unshare, as a workshop would make them with nsrun).
load helpers/common

setup() {
	cu_setup
	cu_require_root
	cu_require_tool nsenter2
}

# cu_target [AS...] -- UNSHARE-ARGS...: start a target with unshare in the
# background and set TARGET to the PID of the process inside (the one that
# execs "sleep"), once it runs sleep.  AS is a prefix command (cu_as_user).
cu_target() {
	local holder prefix=()
	while [ "$1" != -- ]; do prefix+=("$1"); shift; done
	shift
	"${prefix[@]}" unshare "$@" </dev/null >/dev/null 2>&1 3>&- &
	holder=$!
	disown "$holder"	# no "Killed" notice at teardown
	cu_track_pid "$holder"
	for _ in $(seq 100); do
		if TARGET=$(cu_find_sleep "$holder"); then
			cu_track_pid "$TARGET"
			return 0
		fi
		sleep 0.05
	done
	fail "the target did not start: unshare $*"
}

# The container of S13: own PID, mount (fresh /proc), UTS and network namespaces.
cu_container() {
	cu_target -- --pid --fork --mount-proc --uts --net \
		sh -c 'hostname c1; exec sleep 100'
}

cu_link() {
	readlink "/proc/$1/ns/$2"
}

@test "S13: docker exec is setns: hostname, PID 1 and --list of a container" {
	cu_container
	run nsenter2 -t "$TARGET" --all hostname
	assert_success
	assert_output c1
	[ "$(hostname)" != c1 ]
	# --all enters the mount namespace too, so /proc is the container's
	run nsenter2 -t "$TARGET" --all ps -eo pid=,comm=
	assert_success
	assert_line --regexp '^ +1 sleep$'
	assert_line --regexp '^ +[0-9]+ ps$'
	[ "${#lines[@]}" -eq 2 ]
	run nsenter2 -t "$TARGET" --list --raw --noheadings
	assert_success
	local t
	for t in pid uts net mnt; do
		assert_line "$t $(stat -Lc %i "/proc/$TARGET/ns/$t") /proc/$TARGET/ns/$t no"
	done
	for t in user cgroup ipc time; do
		assert_line "$t $(stat -Lc %i "/proc/$$/ns/$t") /proc/$TARGET/ns/$t yes"
	done
}

@test "S13 with nsrun: a container started with --pidfile, entered with nsenter2" {
	cu_require_tool nsrun
	local f="$BATS_TEST_TMPDIR/c1.pid" holder
	nsrun --pid --mount-proc --uts --hostname c1 --net --pidfile "$f" sleep 100 \
		</dev/null >/dev/null 2>&1 3>&- &
	holder=$!
	disown "$holder"
	cu_track_pid "$holder"
	for _ in $(seq 100); do
		[ -s "$f" ] && [ "$(cat "/proc/$(cat "$f")/comm" 2>/dev/null)" = sleep ] && break
		sleep 0.05
	done
	cu_track_pid "$(cat "$f")"
	run nsenter2 -t "$(cat "$f")" --all hostname
	assert_output c1
	run nsenter2 -t "$(cat "$f")" --all ps -eo pid=,comm=
	assert_line --regexp '^ +1 sleep$'
	run nsenter2 -t "$(cat "$f")" --list -o TYPE,OURS --raw --noheadings
	assert_output "user yes
cgroup yes
ipc yes
uts no
net no
pid no
mnt no
time yes"
}

@test "each namespace flag enters that namespace of the target" {
	cu_target -- --pid --fork --mount-proc --uts --net --ipc --cgroup --time \
		sh -c 'hostname c2; exec sleep 100'
	local t long
	for t in uts net ipc cgroup time pid; do
		long=$t
		run nsenter2 -t "$TARGET" "--$long" readlink /proc/self/ns/$t
		assert_success
		assert_output "$(cu_link "$TARGET" $t)"
		[ "$output" != "$(cu_link $$ $t)" ]
	done
	# the mount namespace: its /proc belongs to the container's PID namespace
	run nsenter2 -t "$TARGET" --mount cat /proc/1/comm
	assert_output sleep
	# short options, several at once
	run nsenter2 -t "$TARGET" -u -n -i readlink /proc/self/ns/uts /proc/self/ns/net /proc/self/ns/ipc
	assert_success
	assert_output "$(cu_link "$TARGET" uts; cu_link "$TARGET" net; cu_link "$TARGET" ipc)"
}

@test "FILE forms: /proc/PID/ns files and a bind mount of an nsfs file" {
	cu_container
	run nsenter2 --uts="/proc/$TARGET/ns/uts" --net="/proc/$TARGET/ns/net" sh -c 'hostname; readlink /proc/self/ns/net'
	assert_success
	assert_output "c1
$(cu_link "$TARGET" net)"
	local f="$BATS_TEST_TMPDIR/uts"
	cu_track_mount "$f"
	touch "$f"
	mount --bind "/proc/$TARGET/ns/uts" "$f"
	run nsenter2 --uts="$f" hostname
	assert_output c1
	# the bind mount keeps the namespace after every process in it is gone
	kill -KILL "$TARGET"
	while [ -e "/proc/$TARGET" ]; do sleep 0.05; done
	run nsenter2 -u"$f" hostname
	assert_success
	assert_output c1
	run nsenter2 --list --uts="$f" --raw --noheadings
	assert_output "uts $(stat -c %i "$f") $f no"
}

@test "-N NAME enters a named network namespace" {
	local ns
	ns=$(cu_name n)
	cu_track_netns "$ns"
	ip netns add "$ns"
	run nsenter2 -N "$ns" readlink /proc/self/ns/net
	assert_success
	assert_output "net:[$(stat -c %i "/run/netns/$ns")]"
	run nsenter2 --netns "$ns" --list --raw --noheadings
	assert_output "net $(stat -c %i "/run/netns/$ns") /run/netns/$ns no"
	run --separate-stderr -125 nsenter2 -N "$(cu_name none)" true
	assert_equal "$stderr" "nsenter2: network namespace '$(cu_name none)' does not exist: No such file or directory"
}

@test "--all joins only the namespaces that differ, and forks only for a new PID namespace" {
	cu_target -- --uts sh -c 'hostname c3; exec sleep 100'
	# the target shares our user namespace: joining it would be EINVAL
	run nsenter2 -t "$TARGET" --all sh -c 'hostname; cat /proc/$PPID/comm; grep NSpid /proc/self/status'
	assert_success
	assert_line --index 0 c3
	assert_line --index 1 bash
	assert_line --index 2 --regexp '^NSpid:[[:space:]]+[0-9]+$'
	run --separate-stderr -125 nsenter2 -t "$TARGET" --user true
	assert_equal "$stderr" "nsenter2: cannot enter user namespace /proc/$TARGET/ns/user: Invalid argument (it is already ours: leave out --user)"
}

@test "entering a PID namespace forks; --no-fork leaves only the children inside" {
	cu_container
	run nsenter2 -t "$TARGET" --pid sh -c 'grep NSpid /proc/self/status; cat /proc/$PPID/comm 2>&1 || echo no-parent'
	assert_success
	assert_line --index 0 --regexp '^NSpid:[[:space:]]+[0-9]+[[:space:]]+[0-9]+$'
	run nsenter2 -t "$TARGET" --pid --no-fork sh -c 'grep NSpid /proc/$$/status; grep NSpid /proc/self/status'
	assert_success
	assert_line --index 0 --regexp '^NSpid:[[:space:]]+[0-9]+$'
	assert_line --index 1 --regexp '^NSpid:[[:space:]]+[0-9]+[[:space:]]+[0-9]+$'
	run nsenter2 -t "$TARGET" -p -F -m sh -c 'ps -eo pid=,comm='
	assert_line --regexp '^ +1 sleep$'
}

@test "the waiting parent passes signals on to the program" {
	cu_container
	nsenter2 -t "$TARGET" -p sleep 30 </dev/null >/dev/null 2>&1 3>&- &
	local parent=$! child= status=0
	cu_track_pid "$parent"
	for _ in $(seq 100); do
		child=$(pgrep -P "$parent" || true)
		[ -n "$child" ] && [ "$(cat "/proc/$child/comm")" = sleep ] && break
		sleep 0.05
	done
	cu_track_pid "$child"
	kill -TERM "$parent"
	wait "$parent" || status=$?
	[ "$status" -eq 143 ]
	[ ! -e "/proc/$child" ]
}

# cu_waiting_parent ARGS...: run nsenter2 ARGS (a program that waits) in the
# background; PARENT is the waiting nsenter2, CHILD the program it forked.
cu_waiting_parent() {
	nsenter2 "$@" </dev/null >/dev/null 2>&1 3>&- &
	PARENT=$!
	CHILD=
	disown "$PARENT"	# no "Killed" notice at teardown
	cu_track_pid "$PARENT"
	for _ in $(seq 100); do
		CHILD=$(pgrep -P "$PARENT" || true)
		[ -n "$CHILD" ] && [ "$(cat "/proc/$CHILD/comm")" = sleep ] && break
		sleep 0.05
	done
	cu_track_pid "$CHILD"
}

# Is the ELF file $1 whole: does every header it has lie within it?  Prints
# "sections N", the number of section headers.
cu_elf_whole() {
	python3 - "$1" <<'EOF'
import struct, sys
d = open(sys.argv[1], "rb").read()
assert d[:4] == b"\x7fELF" and d[4] == 2, "not a 64-bit ELF file"
phoff, shoff = struct.unpack_from("<QQ", d, 0x20)
phentsize, phnum, shentsize, shnum = struct.unpack_from("<HHHH", d, 0x36)
assert phoff + phnum * phentsize <= len(d), "program headers cut off"
for i in range(phnum):
    off, filesz = struct.unpack_from("<Q16xQ", d, phoff + i * phentsize + 8)
    assert off + filesz <= len(d), "segment %d cut off" % i
assert shoff + shnum * shentsize <= len(d), "section headers cut off"
print("sections", shnum)
EOF
}

# cu_delayed_exec WHEN WHO LINK -- ARGS...: run nsenter2 ARGS under strace,
# with the WHEN-th execve or execveat of each program (strace counts anew
# in each process and after each exec) held for 2 seconds, until WHO (self:
# nsenter2, child: its child) has /proc/PID/exe LINK.
# NS2 is the nsenter2 strace started, PROC the process about to exec.
# CU_AS (an array): a prefix command for nsenter2, whose exec counts.
CU_AS=()
cu_delayed_exec() {
	local when=$1 who=$2 link=$3 p
	shift 4
	strace -f -qq -o /dev/null -e trace=execve,execveat \
		-e inject=execve,execveat:delay_enter=2000000:when="$when" \
		"${CU_AS[@]}" "$CU_BUILDDIR/nsenter2" "$@" </dev/null >/dev/null 2>&1 3>&- &
	local tracer=$!
	disown "$tracer"
	cu_track_pid "$tracer"
	NS2= PROC=
	for _ in $(seq 200); do
		NS2=$(pgrep -P "$tracer" || true)
		p=$NS2
		[ -z "$NS2" ] || [ "$who" = self ] || p=$(pgrep -P "$NS2" || true)
		if [ -n "$p" ]; then
			if [ "$(readlink "/proc/$p/exe" 2>/dev/null)" = "$link" ]; then
				PROC=$p
				cu_track_pid "$NS2"
				cu_track_pid "$PROC"
				return 0
			fi
		fi
		sleep 0.05
	done
	fail "no process of nsenter2 $* reached $link"
}

# python3: the seals of file $1 (F_GET_SEALS)
cu_seals() {
	python3 -c 'import fcntl, os, sys; print(fcntl.fcntl(os.open(sys.argv[1], os.O_RDONLY), 1034) & 15)' "$1"
}

@test "a PID namespace join: non-dumpable until the program is exec'd through a sealed trampoline" {
	[ -x "$CU_BUILDDIR/common/exec-seal-tramp.elf" ] || skip "the build has no exec trampoline (configure)"
	command -v strace >/dev/null || skip "strace is not installed"
	cu_container
	local log="$BATS_TEST_TMPDIR/strace.log"
	# no second nsenter2: non-dumpable before the first setns, and the
	# child execs the trampoline from a memfd, which execs the program
	run strace -f -qq -o "$log" -e trace=prctl,setns,execve,execveat \
		nsenter2 -t "$TARGET" --all true
	assert_success
	run grep -cE ' execve\(.* = 0$' "$log"
	assert_output 2
	# (the other prctl calls left out: libcap-ng's constructor makes some
	# before main when configure links it, --with-cap-ng=link)
	run grep -E ' (prctl\(PR_SET_DUMPABLE,|setns\(|execveat\()' "$log"
	assert_line --index 0 --regexp 'prctl\(PR_SET_DUMPABLE, SUID_DUMP_DISABLE\) += 0$'
	assert_line --index 1 --regexp ' setns\('
	assert_line --index 2 --regexp ' execveat\([0-9]+, "", \["[0-9]+", "true"\], .*AT_EMPTY_PATH\) += 0$'
	# as the program is exec'd, /proc/self/exe is the sealed trampoline
	cu_delayed_exec 1 child "/memfd:nsenter2-exec (deleted)" -- -t "$TARGET" --all /bin/true
	[ "$(readlink "/proc/$NS2/exe")" = "$CU_BUILDDIR/nsenter2" ]
	run cu_seals "/proc/$PROC/exe"
	assert_output 15
	# the exploit's "#!/proc/self/exe" gets the trampoline, which refuses
	printf '#!/proc/self/exe\n' > "$BATS_TEST_TMPDIR/evil"
	chmod 755 "$BATS_TEST_TMPDIR/evil"
	run --separate-stderr -126 nsenter2 -t "$TARGET" -a "$BATS_TEST_TMPDIR/evil"
	assert_equal "$stderr" ''
	# so do the other forking joins
	run strace -f -qq -o "$log" -e trace=execve,execveat nsenter2 -t "$TARGET" -p -u true
	run grep -cE ' execveat\(' "$log"
	assert_output 1
	# --net alone does not protect: the program replaced nsenter2 itself
	run nsenter2 -t "$TARGET" --net sh -c 'readlink /proc/$$/exe'
	assert_output "$(readlink -f "$(command -v sh)")"
}

@test "before its exec the child (and the parent) open only with CAP_SYS_PTRACE" {
	[ -x "$CU_BUILDDIR/common/exec-seal-tramp.elf" ] || skip "the build has no exec trampoline (configure)"
	command -v strace >/dev/null || skip "strace is not installed"
	command -v setpriv >/dev/null || skip "setpriv is not installed"
	# root without CAP_SYS_PTRACE: its own capabilities, as many as ours,
	# open a dumpable process's files, but not a non-dumpable one's
	local noptrace=(setpriv --bounding-set -sys_ptrace)
	cu_target "${noptrace[@]}" -- --pid --fork --mount-proc --uts sh -c 'exec sleep 100'
	CU_AS=("${noptrace[@]}")
	cu_delayed_exec 1 child "$CU_BUILDDIR/nsenter2" -- -t "$TARGET" --all sleep 30
	[ "$PROC" != "$NS2" ]
	grep -qE '^NSpid:[[:space:]]+[0-9]+[[:space:]]+[0-9]+$' "/proc/$PROC/status"
	run "${noptrace[@]}" readlink "/proc/$PROC/exe"
	assert_failure
	run "${noptrace[@]}" readlink "/proc/$NS2/exe"
	assert_failure
	run "${noptrace[@]}" readlink "/proc/$PROC/fd/0"
	assert_failure
	# a dumpable process of the same credentials opens
	run "${noptrace[@]}" sh -c 'readlink /proc/$$/exe'
	assert_success
}

@test "--no-fork, a mount namespace alone, --all without a fork and a user namespace re-execute from a sealed copy of nsenter2" {
	command -v strace >/dev/null || skip "strace is not installed"
	cu_container
	local a
	for a in "-p -F" "-a --no-fork" "-m"; do
		# shellcheck disable=SC2086 # the options
		cu_delayed_exec 1 self "/memfd:nsenter2 (deleted)" -- -t "$TARGET" $a /bin/true
		# exec from a memfd names the process "memfd:nsenter2": ps shows nsenter2
		[ "$(cat "/proc/$PROC/comm")" = nsenter2 ]
		# F_GET_SEALS: seal, shrink, grow and write (15), so nothing can change it
		run cu_seals "/proc/$PROC/exe"
		assert_output 15
	done
	# --all for a target in our PID namespace (but not our mount
	# namespace): no fork, so the copy after all, before the setns
	local forks=$TARGET
	cu_target -- --mount --uts sleep 100
	cu_delayed_exec 1 self "/memfd:nsenter2 (deleted)" -- -t "$TARGET" --all /bin/true
	run cu_seals "/proc/$PROC/exe"
	assert_output 15
	run -0 nsenter2 -t "$TARGET" --all sh -c 'readlink /proc/$$/exe'
	assert_output "$(readlink -f "$(command -v sh)")"
	cu_delayed_exec 1 self "/memfd:nsenter2 (deleted)" -- -t "$forks" -a -F /bin/true
	# inside a user namespace (our CAP_SYS_PTRACE is not the host's): the
	# copy, with no non-dumpable setup
	run -0 timeout 60 unshare -U -r --pid --fork --mount-proc sh -c '
		unshare --pid --fork --mount-proc sleep 100 &
		for _ in $(seq 50); do t=$(pgrep -x sleep) && break; sleep 0.1; done
		strace -qq -f -s 4096 -e trace=execveat,prctl -o /dev/stdout "$1" -t "$t" --all true
		kill -KILL "$t"' _ "$CU_BUILDDIR/nsenter2"
	# (any line: libcap-ng's constructor makes prctl calls before main when
	# configure links it, --with-cap-ng=link)
	assert_line --regexp '^[0-9]+ +execveat\([0-9]+, "", \["[^"]*nsenter2", "-t", '
	refute_line --partial PR_SET_DUMPABLE
	# only what exec needs was copied, and the copy's header says so
	run cu_elf_whole "$CU_BUILDDIR/nsenter2"
	assert_success
	[ "$output" != "sections 0" ] || skip "the build has no section headers"
	run cu_elf_whole "/proc/$PROC/exe"
	assert_success
	assert_output "sections 0"
}

# nsenter2 ARGS... with the output (a /proc/PID/cmdline) as "[ARG] " each
cu_cmdline() {
	nsenter2 "$@" | tr '\0' '\n' | while IFS= read -r a; do printf '[%s] ' "$a"; done
}

@test "through the trampoline: argv, environment, PATH search and exec errors as execvp(3)" {
	cu_container
	local d=$BATS_TEST_TMPDIR
	# argv[0] and the arguments as given, the environment unchanged
	run -0 cu_cmdline -t "$TARGET" -a cat /proc/self/cmdline
	assert_output "[cat] [/proc/self/cmdline] "
	# (the sanitizer build's options too: its leak check hangs after a
	# PID namespace join, its helper process being born inside)
	local envs=("ASAN_OPTIONS=$ASAN_OPTIONS" "CU_A=x y" PATH=/usr/bin:/bin)
	run -0 env -i "${envs[@]}" "$CU_BUILDDIR/nsenter2" -t "$TARGET" -a env
	assert_output "$(printf '%s\n' "${envs[@]}")"
	# no PATH: /bin:/usr/bin (sh then sets a PATH of its own)
	run -0 env -i "${envs[0]}" "$CU_BUILDDIR/nsenter2" -t "$TARGET" -a sh -c 'echo found'
	assert_output found
	# PATH in order; a file found but not executable is skipped, and
	# reported when nothing else is found
	mkdir "$d/p1" "$d/p2" "$d/p3"
	printf '#!/bin/sh\necho p1\n' > "$d/p1/cu-prog"
	printf '#!/bin/sh\necho p2\n' > "$d/p2/cu-prog"
	printf '#!/bin/sh\necho p3\n' > "$d/p3/cu-prog"
	chmod 644 "$d/p1/cu-prog"
	chmod 755 "$d/p2/cu-prog" "$d/p3/cu-prog"
	run -0 env PATH="$d/none:$d/p1:$d/p2:$d/p3" "$CU_BUILDDIR/nsenter2" -t "$TARGET" -a cu-prog
	assert_output p2
	run --separate-stderr -126 env PATH="$d/none:$d/p1" "$CU_BUILDDIR/nsenter2" -t "$TARGET" -a cu-prog
	assert_equal "$stderr" "nsenter2: cannot execute cu-prog: Permission denied"
	run --separate-stderr -127 env PATH="$d/none" "$CU_BUILDDIR/nsenter2" -t "$TARGET" -a cu-prog
	assert_equal "$stderr" "nsenter2: cannot execute cu-prog: No such file or directory"
	# an empty entry is the working directory
	run -0 env PATH=":/bin" "$CU_BUILDDIR/nsenter2" -t "$TARGET" -a --wd="$d/p3" cu-prog
	assert_output p3
	# a script without "#!" runs through /bin/sh, found in PATH too
	printf 'echo script "$1"\n' > "$d/p3/cu-script"
	chmod 755 "$d/p3/cu-script"
	run -0 env PATH="$d/p3:/usr/bin:/bin" "$CU_BUILDDIR/nsenter2" -t "$TARGET" -a cu-script x
	assert_output "script x"
	# a directory on the path
	run --separate-stderr -126 nsenter2 -t "$TARGET" -a "$d/p3"
	assert_equal "$stderr" "nsenter2: cannot execute $d/p3: Permission denied"
	# the shell when no program is given, and its errors
	run -0 env SHELL=/bin/true "$CU_BUILDDIR/nsenter2" -t "$TARGET" -a
	run --separate-stderr -127 env SHELL=/cu/none "$CU_BUILDDIR/nsenter2" -t "$TARGET" -a
	assert_equal "$stderr" "nsenter2: cannot execute /cu/none: No such file or directory"
	# the real fork (a time namespace, credentials) goes through it too
	run --separate-stderr -127 nsenter2 -t "$TARGET" -a -S 0 cu-no-such-program
	assert_equal "$stderr" "nsenter2: cannot execute cu-no-such-program: No such file or directory"
	run -0 cu_cmdline -t "$TARGET" -a -S 0 cat /proc/self/cmdline
	assert_output "[cat] [/proc/self/cmdline] "
}

@test "strace: one setns on the pidfd, no file of the target for --net, a fork only for --pid" {
	command -v strace >/dev/null || skip "strace is not installed"
	cu_container
	local log="$BATS_TEST_TMPDIR/strace.log"
	run strace -f -qq -o "$log" -e trace=setns,clone,clone3,fork,vfork,%file nsenter2 -t "$TARGET" --net true
	assert_success
	run grep -E ' setns\(' "$log"
	assert_output --regexp '^[0-9]+ +setns\([0-9]+, CLONE_NEWNET\) += 0$'
	run grep -cE ' (clone|clone3|fork|vfork)\(|/proc/'"$TARGET"'[/"]' "$log"
	assert_output 0
	# --all: every type that differs in one call, one child, no mount table
	run strace -f -qq -o "$log" -e trace=setns,clone,clone3,fork,vfork,%file nsenter2 -t "$TARGET" --all true
	assert_success
	run grep -E ' setns\(' "$log"
	assert_output --regexp '^[0-9]+ +setns\([0-9]+, CLONE_NEWNS\|CLONE_NEWUTS\|CLONE_NEWPID\|CLONE_NEWNET\) += 0$'
	run grep -cE ' (clone|clone3|fork|vfork)\(' "$log"
	assert_output 1
	run grep -c mountinfo "$log"
	assert_output 0
	# --join-cgroup reads it at most once (none where statmount(2) tells)
	run strace -f -qq -o "$log" -e trace=%file nsenter2 -t "$TARGET" --all --join-cgroup true
	assert_success
	run grep -c '/proc/self/mountinfo' "$log"
	[ "$output" -le 1 ]
}

@test "--root and --wd default to the target's, and take a directory" {
	local dir="$BATS_TEST_TMPDIR/cwd"
	mkdir "$dir"
	cu_track_mount "$dir"
	cu_target -- --mount --uts sh -c "mount -t tmpfs cu $dir && echo inside > $dir/f && cd $dir && exec sleep 100"
	# the tmpfs exists only in the target's mount namespace
	[ ! -e "$dir/f" ]
	run nsenter2 -t "$TARGET" --root --wd sh -c 'pwd; cat f'
	assert_success
	assert_output "$dir
inside"
	run nsenter2 -t "$TARGET" -r pwd
	assert_output /
	run nsenter2 -t "$TARGET" -u --wd=/etc pwd
	assert_output /etc
	mkdir "$BATS_TEST_TMPDIR/empty"
	run -127 nsenter2 -t "$TARGET" -u --root="$BATS_TEST_TMPDIR/empty" /bin/true
	run --separate-stderr -125 nsenter2 -t "$TARGET" -u --wd=/no/such/dir true
	assert_equal "$stderr" "nsenter2: cannot open directory /no/such/dir: No such file or directory"
}

@test "--env runs with the target's environment only" {
	cu_target -- --uts env -i CUMARK=hello PATH=/usr/bin:/bin sleep 100
	CU_SECRET=1 run nsenter2 -t "$TARGET" -u --env sh -c 'echo $CUMARK ${CU_SECRET:-unset}'
	assert_success
	assert_output "hello unset"
	CU_SECRET=1 run nsenter2 -t "$TARGET" -u sh -c 'echo ${CUMARK:-unset} $CU_SECRET'
	assert_output "unset 1"
}

# The cgroup v2 mount and a v1 hierarchy (pids) of this host, from mountinfo.
cu_cgroup_mounts() {
	CG2=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
	CG1=$(awk '$9 == "cgroup" && $NF ~ /(^|,)pids(,|$)/ { print $5; exit }' /proc/self/mountinfo)
}

@test "--join-cgroup moves the program, not nsenter2, into the target's v2 and v1 cgroups" {
	cu_cgroup_mounts
	[ -n "$CG2" ] || skip "no cgroup v2 mount"
	local name d
	name=$(cu_name g)
	for d in "$CG2" ${CG1:+"$CG1"}; do
		cu_track_cgroup "$d/$name"
		mkdir "$d/$name"
	done
	cu_container
	for d in "$CG2" ${CG1:+"$CG1"}; do
		echo "$TARGET" > "$d/$name/cgroup.procs"
	done
	run nsenter2 -t "$TARGET" --join-cgroup -u cat /proc/self/cgroup
	assert_success
	assert_line "0::/$name"
	[ -z "$CG1" ] || assert_line --regexp "^[0-9]+:pids:/$name\$"
	run nsenter2 -t "$TARGET" -u cat /proc/self/cgroup
	refute_line "0::/$name"
	# with a fork (PID namespace) the waiting nsenter2 stays where it was
	nsenter2 -t "$TARGET" -g -p sleep 30 </dev/null >/dev/null 2>&1 3>&- &
	local parent=$! child=
	cu_track_pid "$parent"
	# the child joins before it execs: wait until it runs sleep
	for _ in $(seq 100); do
		child=$(pgrep -P "$parent" || true)
		[ -n "$child" ] && [ "$(cat "/proc/$child/comm" 2>/dev/null)" = sleep ] && break
		sleep 0.05
	done
	cu_track_pid "$child"
	grep -qx "0::/$name" "/proc/$child/cgroup"
	! grep -qx "0::/$name" "/proc/$parent/cgroup"
}

@test "--join-cgroup where a group is bind-mounted over the v2 mount (a container's view): the visible mount serves" {
	command -v unshare >/dev/null || skip "unshare is not installed"
	cu_cgroup_mounts
	[ -n "$CG2" ] || skip "no cgroup v2 mount"
	local name
	name=$(cu_name g)
	cu_track_cgroup "$CG2/$name"
	mkdir -p "$CG2/$name/inner"
	cu_container
	echo "$TARGET" > "$CG2/$name/inner/cgroup.procs"
	# the first cgroup2 mount in the table is covered: its paths lead
	# into $name/$name/...; the bind mount's root /$name comes off the path
	run --separate-stderr unshare -m --propagation private sh -c \
		'mount --bind "$1/$2" "$1" && exec "$3" -t "$4" -g -u cat /proc/self/cgroup' \
		sh "$CG2" "$name" "$CU_BUILDDIR/nsenter2" "$TARGET"
	assert_success
	assert_line "0::/$name/inner"
	# v2 alone, the target's group outside the mounted subtree: said so, nothing run
	[ -z "$CG1" ] || return 0
	echo "$TARGET" > "$CG2/cgroup.procs"
	run --separate-stderr unshare -m --propagation private sh -c \
		'mount --bind "$1/$2" "$1" && exec "$3" -t "$4" -g -u echo ran' \
		sh "$CG2" "$name" "$CU_BUILDDIR/nsenter2" "$TARGET"
	assert_failure 125
	assert_equal "$stderr" "nsenter2: cannot join the cgroups of process $TARGET: none of its cgroup hierarchies is mounted here"
	assert_output ""
}

@test "-S and -G set the IDs and drop supplementary groups; --keep-caps keeps capabilities" {
	cu_container
	run nsenter2 -t "$TARGET" -u -S 4242 -G 4243 sh -c 'id -u; id -g; id -G'
	assert_success
	assert_output "4242
4243
4243"
	run nsenter2 -t "$TARGET" -u -S 4242 grep CapAmb /proc/self/status
	assert_output --regexp 'CapAmb:[[:space:]]+0+$'
	run nsenter2 -t "$TARGET" -u -S 4242 --keep-caps grep -E 'CapPrm|CapAmb' /proc/self/status
	assert_success
	local prm amb
	prm=$(awk '/CapPrm/ { print $2 }' <<< "$output")
	amb=$(awk '/CapAmb/ { print $2 }' <<< "$output")
	[ "$amb" = "$(awk '/CapPrm/ { print $2 }' /proc/self/status)" ]
	[ "$prm" = "$amb" ]
	run --separate-stderr -125 nsenter2 -t "$TARGET" -u -S 4242 --preserve-credentials true
	assert_equal "$stderr" "nsenter2: --preserve-credentials and --setuid/--setgid exclude each other"
}

# A container made by the unprivileged test user: its own user namespace.
cu_user_container() {
	cu_require_user
	cu_target cu_as_user -- --user --map-root-user --pid --fork --mount-proc --uts \
		sh -c 'hostname u1; exec sleep 100'
}

@test "an unprivileged user enters a user namespace it owns (user namespace first)" {
	cu_user_container
	run cu_as_user nsenter2 -t "$TARGET" --all sh -c 'hostname; id -u; readlink /proc/self/ns/user; ps -eo comm= | head -1'
	assert_success
	assert_output "u1
0
$(cu_link "$TARGET" user)
sleep"
	# per file, in the order given: the user namespace must still go first
	run cu_as_user nsenter2 --uts="/proc/$TARGET/ns/uts" --user="/proc/$TARGET/ns/user" hostname
	assert_success
	assert_output u1
	# without its user namespace the user may not enter the others
	run --separate-stderr -125 cu_as_user nsenter2 -t "$TARGET" --uts true
	assert_equal "$stderr" "nsenter2: cannot enter uts namespace /proc/$TARGET/ns/uts: Operation not permitted (run as root, or as the owner of its user namespace with --user)"
}

@test "root enters a user's container and a host netns with it (user namespace last)" {
	cu_user_container
	local ns
	ns=$(cu_name n)
	cu_track_netns "$ns"
	ip netns add "$ns"
	run nsenter2 -t "$TARGET" --all sh -c 'id -u; hostname'
	assert_success
	assert_output "0
u1"
	# the netns belongs to our user namespace: entered before dropping into the user's
	run nsenter2 --user="/proc/$TARGET/ns/user" -N "$ns" sh -c 'id -u; readlink /proc/self/ns/user /proc/self/ns/net'
	assert_success
	assert_output "0
$(cu_link "$TARGET" user)
net:[$(stat -c %i "/run/netns/$ns")]"
}

@test "setgroups deny: the error says to add --preserve-credentials, which works" {
	cu_user_container
	run --separate-stderr -125 setpriv --reuid="$CU_UID" --regid="$CU_UID" --groups=100 -- \
		nsenter2 -t "$TARGET" --all true
	assert_equal "$stderr" 'nsenter2: cannot drop supplementary groups: Operation not permitted (setgroups is "deny" in the user namespace; add --preserve-credentials)'
	run setpriv --reuid="$CU_UID" --regid="$CU_UID" --groups=100 -- \
		nsenter2 -t "$TARGET" --all --preserve-credentials id -G
	assert_success
	assert_output "0 65534"
}

@test "not permitted: an unprivileged user and a root-owned target" {
	cu_require_user
	cu_container
	run --separate-stderr -125 cu_as_user nsenter2 -t "$TARGET" --uts true
	assert_equal "$stderr" "nsenter2: cannot open /proc/$TARGET/ns/uts: Permission denied (run as root or as the owner of the process)"
	run --separate-stderr -125 cu_as_user nsenter2 -t "$TARGET" --list
	assert_equal "$stderr" "nsenter2: cannot read the namespaces of process $TARGET: Permission denied (run as root or as the owner of the process)"
}

@test "--list: table, JSON, raw, no headings, chosen columns" {
	cu_container
	run nsenter2 -t "$TARGET" --list
	assert_success
	assert_line --index 0 --regexp '^TYPE +NS +PATH +OURS$'
	assert_line --regexp "^uts +$(stat -Lc %i "/proc/$TARGET/ns/uts") /proc/$TARGET/ns/uts +no$"
	run nsenter2 -t "$TARGET" --list --json
	assert_success
	run jq -c '.namespaces[] | select(.type == "net" or .type == "ipc")' <<< "$output"
	assert_output "{\"type\":\"ipc\",\"ns\":$(stat -Lc %i /proc/$$/ns/ipc),\"path\":\"/proc/$TARGET/ns/ipc\",\"ours\":true}
{\"type\":\"net\",\"ns\":$(stat -Lc %i "/proc/$TARGET/ns/net"),\"path\":\"/proc/$TARGET/ns/net\",\"ours\":false}"
	run nsenter2 -t "$TARGET" --list -o TYPE,OURS --noheadings --raw
	assert_line "pid no"
	assert_line "user yes"
	run nsenter2 -t "$TARGET" --list -o ns,type --raw
	assert_line --index 0 "NS TYPE"
	assert_line "$(stat -Lc %i "/proc/$TARGET/ns/mnt") mnt"
	run --separate-stderr -125 nsenter2 -t "$TARGET" --list -o TYPE,BOGUS
	assert_equal "$stderr" "nsenter2: unknown column: 'BOGUS' (see --help for the list)"
}

@test "exit statuses: the program's, 125, 126, 127 and 128+N" {
	cu_container
	run -7 nsenter2 -t "$TARGET" -u sh -c 'exit 7'
	run -7 nsenter2 -t "$TARGET" -p sh -c 'exit 7'
	run -0 nsenter2 -t "$TARGET" -a true
	touch "$BATS_TEST_TMPDIR/data"
	chmod 644 "$BATS_TEST_TMPDIR/data"
	run -126 nsenter2 -t "$TARGET" -u "$BATS_TEST_TMPDIR/data"
	run -127 nsenter2 -t "$TARGET" -u cu-no-such-program
	# the same from the child a PID namespace join starts
	run -126 nsenter2 -t "$TARGET" -p "$BATS_TEST_TMPDIR/data"
	run --separate-stderr -127 nsenter2 -t "$TARGET" -p cu-no-such-program
	assert_equal "$stderr" "nsenter2: cannot execute cu-no-such-program: No such file or directory"
	# and a script without "#!" runs through /bin/sh, as execvp(3) does
	printf 'echo script "$1"\n' > "$BATS_TEST_TMPDIR/script"
	chmod 755 "$BATS_TEST_TMPDIR/script"
	run -0 nsenter2 -t "$TARGET" -p "$BATS_TEST_TMPDIR/script" x
	assert_output "script x"
	run -137 nsenter2 -t "$TARGET" -p sh -c 'kill -KILL $$'
	run -143 nsenter2 -t "$TARGET" -p sh -c 'kill -TERM $$'
	run -125 nsenter2 --bogus
	run --separate-stderr -125 nsenter2 --net true
	assert_equal "$stderr" "nsenter2: --net needs a target (add --target PID, or give --net=FILE)"
	# no namespace option: the program runs where we are, as nsenter(1) runs it
	run --separate-stderr -0 nsenter2 -t "$TARGET" sh -c 'readlink /proc/self/ns/net'
	assert_equal "$output" "$(readlink /proc/self/ns/net)"
	run --separate-stderr -125 nsenter2 --list
	assert_equal "$stderr" "nsenter2: --list needs a target (add --target PID)"
	run -125 nsenter2 -t 0 true
	run -125 nsenter2 -t abc true
	# one wording for a bad PID in every tool (netns attach, cgset add)
	for pid in 0 abc -1 2147483648; do
		run --separate-stderr -125 nsenter2 -t "$pid" true
		assert_equal "$stderr" "nsenter2: invalid PID: '$pid' (give a process ID)"
	done
}

@test "errors: target gone, not a namespace, wrong type, dead PID namespace" {
	sh -c 'exit 0' &
	local gone=$!
	wait "$gone"
	run --separate-stderr -125 nsenter2 -t "$gone" --all true
	assert_equal "$stderr" "nsenter2: cannot open process $gone: No such process (is it still running?)"
	run --separate-stderr -125 nsenter2 --net=/etc/hostname true
	assert_equal "$stderr" "nsenter2: not a namespace file: /etc/hostname (give /proc/PID/ns/net or a bind mount of it)"
	run --separate-stderr -125 nsenter2 --net=/proc/self/ns/uts true
	assert_equal "$stderr" "nsenter2: wrong namespace type: /proc/self/ns/uts is a uts namespace, not net"
	run --separate-stderr -125 nsenter2 --uts=/no/such/file true
	assert_equal "$stderr" "nsenter2: cannot open /no/such/file: No such file or directory"
	# a PID namespace kept by a bind mount after its init has exited
	local f="$BATS_TEST_TMPDIR/pidns"
	cu_track_mount "$f"
	touch "$f"
	unshare --pid="$f" --fork true
	run --separate-stderr -125 nsenter2 --pid="$f" true
	assert_equal "$stderr" "nsenter2: cannot fork into the PID namespace: Cannot allocate memory (its init process has exited, so it takes no new processes)"
	run -0 nsenter2 --pid="$f" --no-fork true
}

@test "no fd of nsenter2 reaches the program" {
	cu_container
	# with every fd above 2 closed in the caller: only 0 1 2 and ls's own
	run cu_only012 nsenter2 -t "$TARGET" --all ls /proc/self/fd
	assert_success
	assert_output "0
1
2
3"
	run cu_only012 nsenter2 -t "$TARGET" --all -e -r -w --uts="/proc/$TARGET/ns/uts" ls /proc/self/fd
	assert_output "0
1
2
3"
}
