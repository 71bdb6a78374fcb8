#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Escape tests across the six tools: no descriptor crosses an exec, no mount
# leaks to the host, a new root has no way back, no user-given path or name
# lands outside where it belongs, and an unprivileged user gains nothing.
# The CVEs these stand for: runc's leaked fd (CVE-2024-21626), its symlink
# race on mount targets (CVE-2021-30465), tar-slip in image layers.
load helpers/common

CG=/sys/fs/cgroup

setup() {
	cu_setup
	cu_require_root
	T=$BATS_TEST_TMPDIR
}

# Run "$@" with every descriptor above 2 closed (bats keeps several open).
only012() {
	bash -c 'for f in /proc/$$/fd/*; do
		n=${f##*/}
		[ "$n" -gt 2 ] && eval "exec $n>&-"
	done
	exec "$@"' only012 "$@"
}

# What a program that opens nothing sees: the fds of the shell itself (no
# pipeline: the shell's own pipe ends would show up while ls runs; a second
# command: busybox sh would exec ls, which then lists its own dir fd).
FDPROBE='ls /proc/$$/fd; true'
FDS=$'0\n1\n2'

# A busybox root filesystem in $1.
mk_rootfs() {
	local r=$1 a
	mkdir -p "$r/bin" "$r/etc" "$r/proc" "$r/tmp" "$r/mnt" "$r/data"
	cp /bin/busybox "$r/bin/busybox"
	for a in $(/bin/busybox --list); do
		[ "$a" = busybox ] || ln -s busybox "$r/bin/$a"
	done
}

# Every cgroup hierarchy's copy of group $1 for teardown.
cg_track() {
	local d
	for d in "$CG"/*/; do
		cu_track_cgroup "$d$1"
	done
}

# A process in new mount, UTS, IPC and net namespaces, its pid in $TARGET.
start_target() {
	unshare --mount --uts --ipc --net sleep 300 3>&- 4>&- &
	TARGET=$!
	cu_track_pid "$TARGET"
	for _ in $(seq 50); do
		[ "$(readlink /proc/$TARGET/ns/net)" != "$(readlink /proc/self/ns/net)" ] && return 0
		sleep 0.05
	done
	return 1
}

# --- descriptors: only 0, 1, 2 reach the program ------------------------------

@test "fds: nsrun's program sees only 0 1 2 (plain, --fork --pid, persisted, --root)" {
	cu_require_tool nsrun
	run -0 only012 nsrun -m -u -i -n sh -c "$FDPROBE"
	assert_output "$FDS"
	run -0 only012 nsrun --fork --pid --mount-proc --init sh -c "$FDPROBE"
	assert_output "$FDS"
	touch "$T/uts"
	cu_track_mount "$T/uts"
	run -0 only012 nsrun --uts="$T/uts" --user --map-root-user sh -c "$FDPROBE"
	assert_output "$FDS"
	mk_rootfs "$T/rootfs"
	mkdir "$T/vol"
	run -0 only012 nsrun -R "$T/rootfs" --mount-proc -v "$T/vol:/data" --tmpfs /tmp sh -c "$FDPROBE"
	assert_output "$FDS"
}

@test "fds: nsenter2's program sees only 0 1 2 (-a, --root/--wd, -g)" {
	cu_require_tool nsenter2
	start_target
	run -0 only012 nsenter2 -t "$TARGET" -a sh -c "$FDPROBE"
	assert_output "$FDS"
	run -0 only012 nsenter2 -t "$TARGET" -m -n -r -w -e -g sh -c "$FDPROBE"
	assert_output "$FDS"
}

@test "fds: netns exec's program sees only 0 1 2" {
	cu_require_tool netns
	local n
	n=$(cu_name n)
	cu_track_netns "$n"
	netns add "$n"
	run -0 only012 netns exec "$n" sh -c "$FDPROBE"
	assert_output "$FDS"
}

@test "fds: cgset run's program sees only 0 1 2" {
	cu_require_tool cgset
	local g
	g=$(cu_name g)
	cg_track "$g"
	run -0 only012 cgset run --name "$g" --pids 50 -- sh -c "$FDPROBE"
	assert_output "$FDS"
}

# --- mounts stay in their namespace -------------------------------------------

# A shared bind mount under $T: the worst parent for propagation.
mk_shared() {
	mkdir -p "$T/shared"
	cu_track_mount "$T/shared"
	mount --bind "$T/shared" "$T/shared"
	mount --make-shared "$T/shared"
	mkdir -p "$T/shared/sub"
}

@test "mounts: nsrun -m mounts never reach the host, even under a shared parent" {
	cu_require_tool nsrun
	mk_shared
	cu_track_mount "$T/shared/sub"
	run -0 nsrun -m sh -c "mount -t tmpfs cu-sec '$T/shared/sub' && grep -c cu-sec /proc/self/mountinfo"
	assert_output 1
	run grep -F "$T/shared/sub" /proc/self/mountinfo
	assert_failure
	run grep -w cu-sec /proc/self/mountinfo
	assert_failure
	# --propagation unchanged is the caller's explicit choice; slave still
	# keeps the namespace's own mounts to itself
	run -0 nsrun -m --propagation slave sh -c "mount -t tmpfs cu-sec '$T/shared/sub'"
	run grep -w cu-sec /proc/self/mountinfo
	assert_failure
}

@test "mounts: volumes, tmpfs and --mount-proc of nsrun --root leave no host mount" {
	cu_require_tool nsrun
	mk_shared
	mk_rootfs "$T/shared/rootfs"
	mkdir "$T/vol"
	run -0 nsrun -R "$T/shared/rootfs" --mount-proc --mount-dev -v "$T/vol:/data" \
		--tmpfs /tmp -v /anon true
	run grep -F "$T/shared/rootfs" /proc/self/mountinfo
	assert_failure
}

@test "mounts: nsenter2 -m and netns exec mounts stay in their namespace" {
	cu_require_tool nsenter2
	cu_require_tool netns
	mk_shared
	cu_track_mount "$T/shared/sub"
	start_target
	run -0 nsenter2 -t "$TARGET" -m sh -c "mount -t tmpfs cu-sec '$T/shared/sub' || true"
	local n
	n=$(cu_name n)
	cu_track_netns "$n"
	netns add "$n"
	run -0 netns exec "$n" sh -c "mount -t tmpfs cu-sec '$T/shared/sub'"
	run grep -w cu-sec /proc/self/mountinfo
	assert_failure
}

# --- a new root has no way back -------------------------------------------------

@test "root: inside nsrun --root no host mount point is visible and /.. is /" {
	cu_require_tool nsrun
	mk_rootfs "$T/rootfs"
	# mount points (field 5); the root's own field 4 names its source dir;
	# under /proc only the masks and read-only binds of the confinement
	run -0 nsrun -R "$T/rootfs" --mount-proc sh -c 'cut -d" " -f5 /proc/self/mountinfo | grep -v "^/proc/"'
	assert_output $'/\n/proc'
	run -0 nsrun -R "$T/rootfs" --mount-proc sh -c 'cd /.. && pwd && cd ../../.. && ls -A / | tr "\n" " "'
	assert_line --index 0 /
	assert_line --index 1 'bin data etc mnt proc tmp '
	run -0 nsrun -R "$T/rootfs" --mount-proc sh -c 'ls -di /.. / | cut -d" " -f1 | sort -u | wc -l'
	assert_output 1
	# no fd or cwd points back at the host root
	run -0 nsrun --pid -R "$T/rootfs" --mount-proc sh -c 'for l in /proc/self/root /proc/self/cwd /proc/1/root; do readlink $l; done'
	refute_output --partial "$T"
}

@test "root: a volume or tmpfs destination symlinked out of the root mounts inside it" {
	cu_require_tool nsrun
	mk_rootfs "$T/rootfs"
	mkdir "$T/host" "$T/outside"
	echo v > "$T/host/f"
	ln -s "$T/outside" "$T/rootfs/abs"
	ln -s ../../../../../../../../.. "$T/rootfs/up"
	ln -s /proc/self/root/.. "$T/rootfs/procroot"
	for dst in /abs /abs/x /up/outside /procroot; do
		run nsrun -R "$T/rootfs" -v "$T/host:$dst" true
		run nsrun -R "$T/rootfs" --tmpfs "$dst" true
	done
	run ls -A "$T/outside"
	assert_output ''
	run grep -F "$T" /proc/self/mountinfo
	assert_failure
	# and the relative climb resolves to the new root's own /
	run -0 nsrun -R "$T/rootfs" --mount-proc --tmpfs /up/tdir sh -c 'grep -c " /tdir " /proc/self/mountinfo'
	assert_output 1
}

@test "root: a destination that turns into a symlink during setup still mounts inside (CVE-2021-30465)" {
	cu_require_tool nsrun
	mk_rootfs "$T/rootfs"
	mkdir "$T/host" "$T/outside"
	echo v > "$T/host/f"
	# swap rootfs/race between a directory and a symlink to outside, fast
	(
		set +e
		cd "$T/rootfs" || exit 1
		while :; do
			mkdir race 2>/dev/null; rm -rf race 2>/dev/null
			ln -s "$T/outside" race 2>/dev/null; rm -f race 2>/dev/null
		done
	) &
	local flipper=$! i
	cu_track_pid "$flipper"
	for i in $(seq 60); do
		nsrun -R "$T/rootfs" -v "$T/host:/race/x" true 2>/dev/null || true
		nsrun -R "$T/rootfs" --tmpfs /race/y true 2>/dev/null || true
	done
	kill "$flipper" || fail "the flipping loop died early"
	wait "$flipper" 2>/dev/null || true
	run ls -A "$T/outside"
	assert_output ''
	run grep -F "$T" /proc/self/mountinfo
	assert_failure
}

@test "root: a volume source that is a symlink is the user's choice, its target is a dir only" {
	cu_require_tool nsrun
	mk_rootfs "$T/rootfs"
	echo secret > "$T/file"
	run --separate-stderr nsrun -R "$T/rootfs" -v "$T/file:/data" cat /data
	# a file source on a dir destination must not silently mount
	[ "$status" -ne 0 ] || assert_output secret
}

# --- /proc/self/exe: a host binary run inside a container (CVE-2019-5736) -----

@test "exe: a container cannot overwrite nsenter2 through /proc/PID/exe (CVE-2019-5736)" {
	cu_require_tool nsenter2
	cu_require_tool nsrun
	command -v gcc > /dev/null || skip "gcc is not installed"
	mk_rootfs "$T/rootfs"
	mkdir -p "$T/rootfs/dev" "$T/host"
	gcc -static -O2 -o "$T/rootfs/bin/watcher" "$BATS_TEST_DIRNAME/exe-watcher.c" ||
		skip "cannot link a static program (libc6-dev)"
	# the image's shell: a script whose interpreter is the caller's own binary
	printf '#!/proc/self/exe\n' > "$T/rootfs/bin/evilsh"
	chmod +x "$T/rootfs/bin/evilsh"
	# the victim is a copy of nsenter2, so the build's own stays intact
	cp "$CU_BUILDDIR/nsenter2" "$T/host/victim-nsenter2"
	# the container of the CVE (docker's default capabilities) lacks
	# CAP_SYS_PTRACE: with it, it could ptrace the entering child, which
	# holds our privileges, and no way of entering keeps the host safe
	nsrun -R "$T/rootfs" --mount-proc --mount-dev -f -p --cap-drop sys_ptrace \
		/bin/watcher > "$T/watcher.log" 2>&1 &
	local nsrun_pid=$! w i
	cu_track_pid "$nsrun_pid"
	for _ in $(seq 50); do
		w=$(cat "/proc/$nsrun_pid/task/$nsrun_pid/children" 2>/dev/null | cut -d' ' -f1)
		[ -n "$w" ] && [ "$(readlink "/proc/$w/exe")" = "$T/rootfs/bin/watcher" ] && break
		sleep 0.1
	done
	[ -n "$w" ] || fail "the container's watcher did not start"
	cu_track_pid "$w"
	for i in $(seq 20); do
		"$T/host/victim-nsenter2" -t "$w" -a /bin/evilsh > /dev/null 2>&1 || true
		cmp -s "$T/host/victim-nsenter2" "$CU_BUILDDIR/nsenter2" ||
			fail "the container rewrote the host's nsenter2 (try $i): $(cat "$T/watcher.log")"
	done
}

@test "tty: with --new-session --user the program cannot push input into the caller's terminal (TIOCSTI)" {
	cu_require_tool nsrun
	local probe='import fcntl, termios
try:
    fcntl.ioctl(0, termios.TIOCSTI, b"x"); print("TIOCSTI-ALLOWED")
except OSError as e:
    print("TIOCSTI-REFUSED", e.errno)'
	run -0 python3 "$BATS_TEST_DIRNAME/pty-run.py" nsrun --new-session --user --map-root-user python3 -c "$probe"
	assert_output --partial 'TIOCSTI-REFUSED 1'
	# without a new session (or as real root, CAP_SYS_ADMIN) the kernel
	# allows it where dev.tty.legacy_tiocsti is 1: what SECURITY.md warns of
	if [ "$(cat /proc/sys/dev/tty/legacy_tiocsti 2>/dev/null)" = 1 ]; then
		run -0 python3 "$BATS_TEST_DIRNAME/pty-run.py" nsrun --user --map-root-user python3 -c "$probe"
		assert_output --partial 'TIOCSTI-ALLOWED'
	fi
}

# --- layer tarballs never write outside DIR -------------------------------------

mk_tars() {
	python3 - "$T" <<'EOF'
import io, sys, tarfile
d = sys.argv[1]
def f(n, data=b"x"):
    ti = tarfile.TarInfo(n); ti.size = len(data); return ti, io.BytesIO(data)
def l(n, target):
    ti = tarfile.TarInfo(n); ti.type = tarfile.SYMTYPE; ti.linkname = target; return ti, None
def h(n, target):
    ti = tarfile.TarInfo(n); ti.type = tarfile.LNKTYPE; ti.linkname = target; return ti, None
def dr(n):
    ti = tarfile.TarInfo(n); ti.type = tarfile.DIRTYPE; ti.mode = 0o755; return ti, None
tars = {
    "dotdot": [f("ok"), f("../outside/a")],
    "dotdot2": [f("ok"), f("x/../../outside/b")],
    "abs": [f("ok"), f(d + "/outside/c")],
    "dotslash": [f("ok"), f("./../outside/d")],
    "symfile": [f("ok"), l("s", d + "/outside"), f("s/e")],
    "symrel": [f("ok"), l("s", "../outside"), f("s/f")],
    "symdeep": [dr("a"), l("a/s", "../../outside"), f("a/s/g")],
    "dir2sym": [dr("d"), f("d/ok"), l("d", d + "/outside"), f("d/h")],
    "hardabs": [f("ok"), h("hl", d + "/outside/victim")],
    "hardup": [f("ok"), h("hl", "../outside/victim")],
    "hardsym": [l("s", d + "/outside"), h("hl", "s/victim")],
    "hard2sym": [l("s", d + "/outside"), h("hl", "s"), f("hl/i")],
    "whiteout": [f("ok"), f("../outside/.wh.victim")],
    "whsym": [l("s", d + "/outside"), f("s/.wh.victim")],
    "opaquesym": [l("s", d + "/outside"), f("s/.wh..wh..opq")],
}
for name, entries in tars.items():
    with tarfile.open(d + "/" + name + ".tar", "w") as t:
        for ti, data in entries:
            t.addfile(ti, data)
EOF
}

@test "layers: '..', absolute, symlink and hard link escapes never write outside DIR" {
	cu_require_tool unionmount
	mkdir "$T/outside"
	echo keep > "$T/outside/victim"
	mk_tars
	local t
	for t in dotdot dotdot2 abs dotslash symfile symrel symdeep dir2sym \
		hardabs hardup hardsym whiteout whsym opaquesym; do
		run --separate-stderr unionmount apply "$T/$t.tar" "$T/X-$t"
		assert_failure 1
		[[ "$stderr" == "unionmount: refusing layer entry"* ]] ||
			fail "$t: $stderr"
		[ "$(echo "$stderr" | wc -l)" -eq 1 ] || fail "$t: more than one line: $stderr"
		[ ! -e "$T/X-$t" ] || fail "$t: DIR was made or left: $(ls -A "$T/X-$t")"
	done
	# a hard link to a symlink, then a file through it: applied, but the
	# link is not followed (hl ends up a directory of the layer)
	run unionmount apply "$T/hard2sym.tar" "$T/X-hard2sym"
	[ ! -e "$T/outside/i" ]
	assert_equal "$(ls -A "$T/outside")" victim
	assert_equal "$(cat "$T/outside/victim")" keep
	assert_equal "$(stat -c %h "$T/outside/victim")" 1
}

@test "layers: a symlink already in DIR, or DIR itself a symlink, is not followed" {
	cu_require_tool unionmount
	mkdir "$T/outside" "$T/X"
	ln -s "$T/outside" "$T/X/link"
	python3 -c 'import io,sys,tarfile
with tarfile.open(sys.argv[1],"w") as t:
    for n in ("link/a", "link/.wh.b"):
        ti=tarfile.TarInfo(n); ti.size=1; t.addfile(ti, io.BytesIO(b"x"))' "$T/late.tar"
	run unionmount apply "$T/late.tar" "$T/X"
	assert_equal "$(ls -A "$T/outside")" ''
}

@test "layers: commit stores an upper's symlinks as links, never what they point at" {
	cu_require_tool unionmount
	mkdir -p "$T/U" "$T/outside/dir"
	echo SECRET > "$T/outside/secret"
	echo SECRET > "$T/outside/dir/f"
	ln -s "$T/outside/secret" "$T/U/link"
	ln -s "$T/outside/dir" "$T/U/dirlink"
	ln -s ../../../../../../../etc/shadow "$T/U/shadow"
	run -0 unionmount commit "$T/U" --output "$T/l.tar"
	run -0 tar tvf "$T/l.tar"
	assert_line --regexp '^l.* link -> '
	assert_line --regexp '^l.* dirlink -> '
	refute_line --partial 'dirlink/f'
	run tar xOf "$T/l.tar"
	refute_output --partial SECRET
	refute_output --partial 'root:'
}

# --- names stay where they belong ---------------------------------------------

@test "names: netns names cannot leave /run/netns" {
	cu_require_tool netns
	local name
	for name in .. . ../x x/y /etc/x '' "$(printf 'a%.0s' $(seq 256))"; do
		run --separate-stderr netns add "$name"
		assert_failure 1
		[ -n "$stderr" ] && [ "$(echo "$stderr" | wc -l)" -eq 1 ] || fail "netns add '$name': $stderr"
		run --separate-stderr netns exec "$name" true
		assert_failure 125
	done
	[ ! -e /run/x ] && [ ! -e /etc/x ] && [ ! -e /run/netns/x ] && [ ! -e /run/netns/y ]
	[ ! -e /run/netns/aaaaaaaaaa ]
}

@test "names: a namespace given as a path must be a network namespace" {
	cu_require_tool vethctl
	local spec
	for spec in /etc/passwd /proc/self/ns/uts /dev/zero ../../etc/passwd "$T"; do
		run --separate-stderr vethctl -N "$spec" list
		assert_failure 1
		[ "$(echo "$stderr" | wc -l)" -eq 1 ] || fail "-N $spec: $stderr"
	done
	run --separate-stderr vethctl -N /proc/self/ns/net --peer-netns /etc/passwd add "$(cu_name a)" "$(cu_name b)"
	assert_failure 1
	run ip link show "$(cu_name a)"
	assert_failure
}

@test "names: cgroup names cannot leave the cgroup hierarchy" {
	cu_require_tool cgset
	local name
	for name in .. ../x ../../etc "$(cu_name g)/../.." . "$(cu_name g)/../../x" ''; do
		run --separate-stderr cgset create "$name" --pids 10
		assert_failure 1
		[ -n "$stderr" ] && [ "$(echo "$stderr" | wc -l)" -eq 1 ] || fail "cgset create '$name': $stderr"
		run --separate-stderr cgset run --name "$name" -- true
		assert_failure 125
		run --separate-stderr cgset delete "$name"
		assert_failure 1
	done
	[ ! -e /sys/fs/x ] && [ ! -e /sys/x ] && [ ! -e "$CG/x" ] && [ ! -e "$CG/etc" ]
	[ -z "$(ls -d "$CG"/*/x "$CG"/*/etc 2>/dev/null)" ]
}

@test "names: cgset -r keys cannot name a file outside the group" {
	cu_require_tool cgset
	local g key
	g=$(cu_name g)
	cg_track "$g"
	cgset create "$g"
	for key in ../cgroup.procs ../../pids.max /etc/passwd pids.max/../../x .. cgroup.procs/x; do
		run --separate-stderr cgset -r "$key=1" "$g"
		assert_failure 1
		[ "$(echo "$stderr" | wc -l)" -eq 1 ] || fail "-r $key: $stderr"
	done
}

@test "names: link names longer than IFNAMSIZ or with '/' are refused by vethctl" {
	cu_require_tool vethctl
	local base before name
	base=$(cu_name)
	before=$(ip -j link show | jq -r '.[].ifname' | sort)
	for name in "${base}abcdefghijk" "a/b" ".." "." "" "a b" "a:b"; do
		run --separate-stderr vethctl add "$name"
		assert_failure 1
		[ -n "$stderr" ] && [ "$(echo "$stderr" | wc -l)" -eq 1 ] || fail "vethctl add '$name': $stderr"
		run --separate-stderr vethctl bridge add "$name"
		assert_failure 1
	done
	cu_track_link "${base}ok"
	run --separate-stderr vethctl add "${base}ok" "${base}0123456789"
	assert_failure 1
	assert_equal "$(ip -j link show | jq -r '.[].ifname' | sort)" "$before"
}

# --- an unprivileged user gains nothing -----------------------------------------

# "$@" as the test user must fail with one clear line and change nothing.
user_refused() {
	run --separate-stderr cu_as_user "$@"
	[ "$status" -ne 0 ] || fail "as uid $CU_UID: '$*' succeeded: $output"
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ] || fail "'$*': not one line: $stderr"
	[[ "$stderr" == *": "*": "* ]] || fail "'$*': unclear: $stderr"
}

@test "unprivileged: netns, vethctl and cgset refuse and say so in one line" {
	cu_require_user
	cu_require_tool netns
	cu_require_tool vethctl
	cu_require_tool cgset
	local n l g
	n=$(cu_name n) l=$(cu_name l) g=$(cu_name g)
	cu_track_netns "$n"; cu_track_link "$l"; cg_track "$g"
	user_refused netns add "$n"
	[ ! -e "/run/netns/$n" ]
	user_refused vethctl add "$l"
	user_refused vethctl bridge add "$l"
	run ip link show "$l"
	assert_failure
	user_refused cgset create "$g" --pids 10
	user_refused cgset run --name "$g" -- true
	[ -z "$(ls -d "$CG"/*/"$g" 2>/dev/null)" ]
}

@test "unprivileged: nsrun without --user, nsenter2 into root's namespaces, unionmount" {
	cu_require_user
	cu_require_tool nsrun
	cu_require_tool nsenter2
	cu_require_tool unionmount
	user_refused nsrun --net true
	user_refused nsrun --mount true
	user_refused nsrun --root / true
	start_target
	user_refused nsenter2 -t "$TARGET" -n true
	user_refused nsenter2 -t 1 -m true
	mkdir -m 777 "$T/A" "$T/M"
	chmod a+x "$T"
	user_refused unionmount -l "$T/A" "$T/M"
	run grep -F "$T/M" /proc/self/mountinfo
	assert_failure
}

@test "unprivileged: nsrun --user maps only the caller; root in it is not root outside" {
	cu_require_user
	cu_require_tool nsrun
	run -0 cu_as_user nsrun --user --map-root-user id -u
	assert_output 0
	run cu_as_user nsrun --user --map-root-user --net sh -c 'cat /proc/self/uid_map; echo x >> /etc/shadow'
	assert_failure
	assert_line --regexp "^ +0 +$CU_UID +1$"
	# newuidmap prints its own line first; nsrun's is the last one
	run --separate-stderr cu_as_user nsrun --user --map-users 0:0:1 true
	assert_failure 125
	[[ "${stderr##*$'\n'}" == "nsrun: newuidmap failed"* ]] || fail "$stderr"
	run --separate-stderr cu_as_user nsrun --user --map-user 0 --map-users 1:1:1000 true
	assert_failure 125
	[[ "${stderr##*$'\n'}" == "nsrun: newuidmap failed"* ]] || fail "$stderr"
	# mounting in the user's own namespaces is allowed, seen nowhere else
	run -0 cu_as_user nsrun --user --map-root-user --mount sh -c "mount -t tmpfs cu-sec /mnt"
	run grep -w cu-sec /proc/self/mountinfo
	assert_failure
}

@test "unprivileged: setuid/--keep-caps tricks do not give capabilities back" {
	cu_require_user
	cu_require_tool nsrun
	run -0 cu_as_user nsrun --user --map-root-user --keep-caps sh -c 'grep CapEff /proc/self/status'
	run -0 cu_as_user nsrun --user --map-root-user --no-new-privs sh -c 'grep NoNewPrivs /proc/self/status'
	assert_output --regexp 'NoNewPrivs:[[:space:]]+1'
	user_refused nsrun --setuid 0 true
	user_refused nsrun --cap-add all true
}
