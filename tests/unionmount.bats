#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# unionmount: overlay unions on the real kernel, whiteouts as the kernel
# stores them, OCI layer commit/apply round trips, and nothing left behind.
load helpers/common

setup() {
	cu_setup
	cu_require_root
	cu_require_tool unionmount
	grep -qw overlay /proc/filesystems || skip "kernel has no overlayfs"
	D=$BATS_TEST_TMPDIR
	cd "$D" || return 1
}

teardown() {
	cu_teardown_unions
}

# um_mount TARGET ARGS...: register TARGET for teardown, then mount.
um_track() {
	mkdir -p "$1"
	cu_track_mount "$1"
}

# seccomp_run CMD...: run CMD under a seccomp filter: with CU_NO_STATMOUNT,
# statmount(2) and listmount(2) fail with ENOSYS (as before Linux 6.8); with
# CU_NO_LAYER_FD, fsconfig(FSCONFIG_SET_FD) fails with EINVAL (as overlay
# before 6.13 answers for a layer given by fd), or with the errno number
# CU_NO_LAYER_FD gives (95 EOPNOTSUPP: before 6.5; 9 EBADF: 6.12).
seccomp_run() {
	python3 - "$@" <<'PY'
import ctypes, os, struct, sys
ALLOW, ENOSYS = 0x7fff0000, 0x00050000 | 38
EINVAL = 0x00050000 | int(os.environ.get("CU_NO_LAYER_FD") or 22)
if EINVAL == 0x00050000 | 1:
    EINVAL = 0x00050000 | 22
prog = [("ld", 4), ("jne", 0xc000003e, "allow"), ("ld", 0)]
if os.environ.get("CU_NO_STATMOUNT"):
    prog += [("jeq", 457, "enosys"), ("jeq", 458, "enosys")]
if os.environ.get("CU_NO_LAYER_FD"):
    prog += [("jne", 431, "allow"), ("ld", 24), ("jeq", 5, "einval")]
prog += [("allow",), ("ret", ALLOW), ("enosys",), ("ret", ENOSYS), ("einval",), ("ret", EINVAL)]
labels, ins = {}, []
for op in prog:
    if len(op) == 1:
        labels[op[0]] = len(ins)
    else:
        ins.append(op)
code = b""
for pc, op in enumerate(ins):
    if op[0] == "ld":
        code += struct.pack("HBBI", 0x20, 0, 0, op[1])
    elif op[0] == "ret":
        code += struct.pack("HBBI", 0x06, 0, 0, op[1])
    else:
        rel = labels[op[2]] - pc - 1
        jt, jf = (rel, 0) if op[0] == "jeq" else (0, rel)
        code += struct.pack("HBBI", 0x15, jt, jf, op[1])
libc = ctypes.CDLL(None, use_errno=True)
buf = ctypes.create_string_buffer(code)
fprog = ctypes.create_string_buffer(struct.pack("HxxxxxxQ", len(ins), ctypes.addressof(buf)))
if libc.prctl(38, 1, 0, 0, 0) or libc.prctl(22, 2, ctypes.c_void_p(ctypes.addressof(fprog)), 0, 0):
    sys.exit("seccomp: " + os.strerror(ctypes.get_errno()))
os.execvp(sys.argv[1], sys.argv[1:])
PY
}

no_statmount() {
	CU_NO_STATMOUNT=1 seccomp_run "$@"
}

no_layer_fd() {
	CU_NO_LAYER_FD=1 seccomp_run "$@"
}

fstype_of() {
	findmnt -n -o FSTYPE --mountpoint "$1"
}

mounted() {
	findmnt -n --mountpoint "$1" >/dev/null
}

xattr_of() {
	python3 -c 'import os,sys
try: print(os.getxattr(sys.argv[1], sys.argv[2], follow_symlinks=False).decode())
except OSError: print("-")' "$1" "$2"
}

# type mode uid gid size link-target for every path, mtime for non-dirs
tree_listing() {
	(cd "$1" && find . -printf '%p %y %m %U %G %s %l\n' | LC_ALL=C sort)
}

# The three layer tarballs of S12, made with tar.
make_s12_layers() {
	mkdir -p t1/etc t1/bin t1/app/cache t2/etc t2/app t3/app/cache t3/var
	echo base > t1/etc/motd
	echo one > t1/etc/hostname
	echo sh > t1/bin/sh
	echo old > t1/app/cache/stale
	echo tmp > t1/app/tmpfile
	echo v2 > t2/etc/motd			# changes a file
	echo added > t2/app/new			# adds a file
	: > t2/etc/.wh.hostname			# deletes a file
	: > t2/app/.wh.tmpfile
	: > t3/app/cache/.wh..wh..opq		# opaque: hides stale
	echo fresh > t3/app/cache/fresh
	echo log > t3/var/log
	tar -C t1 -cf l1.tar .
	tar -C t2 -cf l2.tar .
	tar -C t3 -cf l3.tar .
	unionmount apply l1.tar L1
	unionmount apply l2.tar L2
	unionmount apply l3.tar L3
}

@test "S11: a read-only union of A:B shows a, b and A's x" {
	mkdir A B
	echo a > A/a; echo xa > A/x
	echo b > B/b; echo xb > B/x
	um_track C
	run unionmount -l A:B C
	assert_success
	assert_equal "$(fstype_of C)" overlay
	run ls C
	assert_output $'a\nb\nx'
	assert_equal "$(cat C/x)" xa
	run touch C/new
	assert_failure
	run unionmount umount C
	assert_success
	run mounted C
	assert_failure
}

@test "S11: with --upper, writes go to U, a delete leaves B/b and a whiteout" {
	mkdir A B U
	echo a > A/a; echo xa > A/x
	echo b > B/b; echo xb > B/x
	um_track C
	unionmount -l A:B --upper U C
	echo new > C/new
	rm C/b
	[ -f U/new ] && [ ! -e A/new ] && [ ! -e B/new ]
	assert_equal "$(cat B/b)" b
	assert_equal "$(stat -c '%F %t:%T' U/b)" "character special file 0:0"
	run unionmount diff U
	assert_success
	assert_output $'D /b\nA /new'
	run unionmount diff C
	assert_output $'D /b\nA /new'
	unionmount umount C
}

@test "S12: three applied layers stack as the changesets say; commit+apply reproduces TARGET" {
	make_s12_layers
	# whiteouts and opaque dirs as the kernel stores them
	assert_equal "$(stat -c '%F %t:%T' L2/etc/hostname)" "character special file 0:0"
	assert_equal "$(stat -c '%F %t:%T' L2/app/tmpfile)" "character special file 0:0"
	[ ! -e L2/etc/.wh.hostname ]
	assert_equal "$(xattr_of L3/app/cache trusted.overlay.opaque)" y
	[ ! -e L3/app/cache/.wh..wh..opq ]
	mkdir U
	um_track TARGET
	run unionmount -l L3:L2:L1 --upper U TARGET
	assert_success
	assert_equal "$(cat TARGET/etc/motd)" v2
	[ ! -e TARGET/etc/hostname ]
	[ ! -e TARGET/app/tmpfile ]
	assert_equal "$(cat TARGET/app/new)" added
	assert_equal "$(cat TARGET/bin/sh)" sh
	run ls -A TARGET/app/cache
	assert_output fresh
	assert_equal "$(cat TARGET/var/log)" log
	# the container layer: change, add, delete, replace a dir
	echo changed > TARGET/etc/motd
	echo c > TARGET/app/made
	rm TARGET/bin/sh
	rm -r TARGET/var
	mkdir TARGET/var && echo new > TARGET/var/other
	run unionmount commit U -o c.tar
	assert_success
	assert_output --regexp '^sha256:[0-9a-f]{64}$'
	assert_equal "${output#sha256:}" "$(sha256sum c.tar | cut -d' ' -f1)"
	run tar -tf c.tar
	assert_line bin/.wh.sh
	assert_line var/.wh..wh..opq
	unionmount apply c.tar L4
	um_track T2
	unionmount -l L4:L3:L2:L1 T2
	run diff -r TARGET T2
	assert_success
	assert_equal "$(tree_listing T2)" "$(tree_listing TARGET)"
	unionmount umount T2
	unionmount umount TARGET
}

@test "commit: OCI layer without overlay xattrs, numeric owners, sorted; .tar.gz and .tar.zst digests" {
	mkdir -p L/d U
	echo x > L/d/x
	um_track T
	unionmount -l L --upper U T
	echo y > T/d/x
	chown 4242:4243 T/d/x
	rm -r T/d; mkdir T/d; echo z > T/d/z
	for f in c.tar.gz c.tar.zst; do
		run unionmount commit T --output "$f"
		assert_success
		assert_equal "${output#sha256:}" "$(sha256sum "$f" | cut -d' ' -f1)"
	done
	run python3 -c 'import tarfile,sys
t = tarfile.open(sys.argv[1])
names = [m.name for m in t]
assert names == sorted(names), names
for m in t:
    assert not m.uname and not m.gname, m.name
    for k in m.pax_headers:
        assert "overlay" not in k, k
print(" ".join(names))' c.tar.gz
	assert_success
	assert_output "d d/.wh..wh..opq d/z"
	run unionmount commit U -o c.zip
	assert_failure
	assert_output "unionmount: unknown layer format: c.zip: give a name ending in .tar, .tar.gz or .tar.zst"
	[ ! -e c.zip ]
	unionmount umount T
}

@test "commit: long and non-ASCII names, long links, hard links, devices, xattrs, big ids survive in all three formats" {
	mkdir U
	python3 - <<'EOF'
import os
os.chdir("U")
split = "s" * 60 + "/" + "t" * 60	# 121 bytes: a ustar prefix and name
os.makedirs(split)
open(split + "/f", "w").write("split\n")
os.makedirs("d")
open("d/" + "p" * 150, "w").write("pax\n")	# a name past 100 bytes: a pax path
open("caf\u00e9", "w").write("utf-8\n")
os.symlink("t" * 101, "longlink")
os.symlink("short", "link")
with open("big", "wb") as f:
    f.write(os.urandom(300001))
os.link("big", "big2")
os.mknod("null", 0o20666, os.makedev(1, 3))
os.mkfifo("fifo")
open("x", "w").write("x\n")
try:
    os.setxattr("x", "user.note", b"kept")
except OSError:     # tmpfs keeps user xattrs from Linux 6.6 on
    open("../no-user-xattr", "w").close()
os.chown("x", 300000, 300001)
EOF
	for f in c.tar c.tar.gz c.tar.zst; do
		run unionmount commit U -o "$f"
		assert_success
		assert_equal "${output#sha256:}" "$(sha256sum "$f" | cut -d' ' -f1)"
	done
	# an uncompressed layer ends on a whole 10240-byte record, as tar's does
	assert_equal $(( $(stat -c %s c.tar) % 10240 )) 0
	run python3 -c 'import os, sys, tarfile
for name in sys.argv[1:]:
    with tarfile.open(name) as t:
        m = {i.name: i for i in t}
        assert list(m) == sorted(m), list(m)
        assert m["s" * 60 + "/" + "t" * 60 + "/f"].size == 6
        assert m["d/" + "p" * 150].size == 4
        assert "caf\u00e9" in m
        assert m["longlink"].issym() and m["longlink"].linkname == "t" * 101
        assert m["big"].size == 300001 and m["big2"].islnk() and m["big2"].linkname == "big"
        assert m["null"].ischr() and (m["null"].devmajor, m["null"].devminor) == (1, 3)
        assert m["fifo"].isfifo()
        assert (m["x"].uid, m["x"].gid) == (300000, 300001)
        assert os.path.exists("no-user-xattr") or any(k.endswith("xattr.user.note") for k in m["x"].pax_headers), m["x"].pax_headers
print("ok")' c.tar c.tar.gz
	assert_success
	assert_output ok
	# Python's tarfile reads no zstd: the round trip checks that one
	for f in c.tar c.tar.gz c.tar.zst; do
		run --separate-stderr unionmount apply --keep-devices "$f" "A-$f"
		assert_success
		assert_equal "$stderr" ""
		assert_equal "$(tree_listing "A-$f")" "$(tree_listing U)"
		for p in big "café" "d/$(printf 'p%.0s' {1..150})" "$(printf 's%.0s' {1..60})/$(printf 't%.0s' {1..60})/f"; do
			cmp "U/$p" "A-$f/$p"
		done
		assert_equal "$(stat -c %i "A-$f/big")" "$(stat -c %i "A-$f/big2")"
		[ -e no-user-xattr ] || assert_equal "$(xattr_of "A-$f/x" user.note)" kept
	done
	# without --keep-devices the device node stays out, and apply says so
	run --separate-stderr unionmount apply c.tar B
	assert_success
	assert_equal "$stderr" "unionmount: left out 1 device node(s): /null (--keep-devices keeps them)"
	[ ! -e B/null ] && [ -p B/fifo ] && cmp U/big B/big
}

@test "commit onto a full filesystem: one error line, no layer and no temporary file left" {
	mkdir -p U F
	head -c 3000000 /dev/urandom > U/big
	cu_track_mount "$D/F"
	mount -t tmpfs -o size=1m none F
	for f in F/c.tar F/c.tar.gz; do
		run --separate-stderr unionmount commit U -o "$f"
		assert_failure 1
		assert_equal "$stderr" "unionmount: cannot create $f: No space left on device"
		assert_equal "$output" ""
		assert_equal "$(ls -A F)" ""
	done
}

@test "diff of a mounted union: C for a copied-up file, A for a new one, D for a whiteout" {
	mkdir -p L/d U
	echo x > L/d/x; echo y > L/y
	um_track T
	unionmount -l L --upper U T
	echo more >> T/d/x
	echo n > T/d/n
	rm T/y
	run unionmount diff T
	assert_success
	assert_output $'C /d\nA /d/n\nC /d/x\nD /y'
	run unionmount diff U
	assert_output $'C /d\nA /d/n\nC /d/x\nD /y'
	unionmount umount T
}

@test "pre-flight: a missing layer" {
	mkdir A T
	run --separate-stderr unionmount -l A:nope T
	assert_failure 1
	assert_equal "$stderr" "unionmount: missing layer: nope: no such file or directory (check the --lower list)"
	run mounted T
	assert_failure
}

@test "pre-flight: upper and work on different mounts" {
	mkdir A U T W
	cu_track_mount "$D/W"
	mount -t tmpfs none W
	run --separate-stderr unionmount -l A --upper U --work W T
	assert_failure 1
	assert_equal "$stderr" "unionmount: upper and work are on different mounts: U, W (put the work directory on the same mount as the upper)"
	run mounted T
	assert_failure
}

@test "pre-flight: an upper already in use" {
	mkdir A U T T2
	cu_track_mount "$D/T"
	unionmount -l A --upper U T
	cu_track_mount "$D/T2"
	run --separate-stderr unionmount -l A --upper U T2
	assert_failure 1
	assert_equal "$stderr" "unionmount: upper already in use: U: by the union on $D/T (unmount it first, or give another --upper)"
	run mounted T2
	assert_failure
	unionmount umount T
}

@test "pre-flight: an upper on overlayfs" {
	mkdir A B T T2
	cu_track_mount "$D/T"
	unionmount -l A --upper B T
	mkdir T/up
	cu_track_mount "$D/T2"
	run --separate-stderr unionmount -l A --upper T/up T2
	assert_failure 1
	assert_equal "$stderr" "unionmount: upper on overlayfs: T/up: overlayfs cannot be an upper layer (put the upper on tmpfs, ext4, xfs or btrfs)"
	[ ! -e T/up.work ]
	unionmount umount T
}

@test "pre-flight: too many layers (501)" {
	args=()
	for i in $(seq 501); do mkdir -p "l/$i"; args+=(-l "l/$i"); done
	um_track T
	run --separate-stderr unionmount "${args[@]}" T
	assert_failure 1
	assert_equal "$stderr" "unionmount: too many layers: 501: the kernel's limit is 500 (merge layers with commit and apply)"
	run mounted T
	assert_failure
}

@test "200 and 500 layers of 200-byte paths: the count read back from mountinfo" {
	local long n
	long=$D/$(printf 'p%.0s' $(seq 160))
	for n in 200 500; do
		args=()
		for i in $(seq "$n"); do
			mkdir -p "$long/$i"
			echo "$i" > "$long/$i/f$i"
			args+=(-l "$long/$i")
		done
		um_track "T$n"
		run unionmount "${args[@]}" "T$n"
		assert_success
		assert_equal "$(ls "T$n" | wc -l)" "$n"
		run unionmount list --noheadings -o LAYERS,TARGET
		assert_line --regexp "^ *$n $D/T$n$"
		run unionmount list --verbose --json
		assert_equal "$(jq ".unions[] | select(.target == \"$D/T$n\") | .children | length" <<< "$output")" "$n"
		assert_equal "$(jq -r ".unions[] | select(.target == \"$D/T$n\") | .children[$((n - 1))].target" <<< "$output")" "$long/$n"
		unionmount umount "T$n"
	done
	# the old option string cannot hold this: one page only
	opts="lowerdir=$(printf '%s:' "${args[@]/#-l/}" | tr -d ' ')"
	[ "${#opts}" -gt 4096 ]
}

um_no_loops() {
	local _
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		losetup -a | grep -qF "$D/" || return 0
		sleep 0.2
	done
	losetup -a | grep -F "$D/"
	return 1
}

@test "image-file layers (squashfs, erofs, ext4) are loop-mounted and released on umount" {
	mkdir -p s1/d s2 s3 L T
	echo sq > s1/d/f
	echo er > s2/e
	echo ex > s3/x4
	echo top > L/top
	mksquashfs s1 img.sqfs -quiet -noappend >/dev/null
	mkfs.erofs --quiet img.erofs s2 >/dev/null
	mkfs.ext4 -q -d s3 img.ext4 4M
	cu_track_mount "$D/T"
	run unionmount -l L:img.sqfs:img.erofs:img.ext4 T
	assert_success
	assert_equal "$(cat T/d/f)" sq
	assert_equal "$(cat T/e)" er
	assert_equal "$(cat T/x4)" ex
	assert_equal "$(cat T/top)" top
	run losetup -j "$D/img.sqfs"
	assert_output --partial /dev/loop
	run losetup -j "$D/img.erofs"
	assert_output --partial /dev/loop
	run unionmount list --verbose --json -o TARGET
	run jq -r ".unions[] | select(.target == \"$D/T\") | .children[].target" <<< "$output"
	assert_output "$D/L
$D/img.sqfs
$D/img.erofs
$D/img.ext4"
	unionmount umount T
	run um_no_loops
	assert_success
	# one image alone: a read-only mount of it, released the same way
	run unionmount -l img.sqfs T
	assert_success
	assert_equal "$(cat T/d/f)" sq
	unionmount umount T
	run um_no_loops
	assert_success
	# not a filesystem image
	echo junk > junk.img
	run --separate-stderr unionmount -l junk.img:L T
	assert_failure 1
	assert_equal "$stderr" "unionmount: unusable layer: junk.img: neither a directory nor a filesystem image (give a directory, or a squashfs, erofs or ext4 image)"
}

@test "a read-only union of one layer is a read-only bind mount" {
	mkdir L T
	echo x > L/x
	cu_track_mount "$D/T"
	run unionmount -l L T
	assert_success
	assert_equal "$(findmnt -n -o OPTIONS --mountpoint T | cut -d, -f1)" ro
	[ "$(fstype_of T)" != overlay ]
	assert_equal "$(cat T/x)" x
	run unionmount list -o TARGET,LAYERS --noheadings
	assert_line --regexp "^$D/T +1$"
	unionmount umount T
	run mounted T
	assert_failure
}

@test "--ro makes a union with an upper read-only; -o passes overlay options" {
	mkdir L U T
	echo x > L/x
	cu_track_mount "$D/T"
	run unionmount -l L --upper U --ro --options index=on T
	assert_success
	run findmnt -n -o VFS-OPTIONS --mountpoint T
	assert_output --regexp '^ro'
	run touch T/new
	assert_failure
	run unionmount list --noheadings --raw -o TARGET,OPTIONS
	assert_line --regexp "^$D/T .*index=on"
	unionmount umount T
	[ ! -e U.work ]
}

@test "the work dir is made beside the upper and removed on umount; a given one stays" {
	mkdir L U T W
	cu_track_mount "$D/T"
	unionmount -l L --upper U T
	[ -d U.work ]
	run unionmount list --noheadings --raw -o TARGET,WORK
	assert_line "$D/T $D/U.work"
	unionmount umount T
	[ ! -e U.work ]
	unionmount -l L --upper U --work W T
	unionmount umount T
	[ -d W ]
}

@test "a failed mount leaves no mount, loop device or work dir (injected: bad option)" {
	mkdir -p s L U T
	echo s > s/s
	mksquashfs s img.sqfs -quiet -noappend >/dev/null
	cu_track_mount "$D/T"
	run --separate-stderr unionmount -l L:img.sqfs --upper U --options no_such_option T
	assert_failure 1
	assert_output ''
	[[ "$stderr" == "unionmount: cannot mount overlay on $D/T"* ]]
	run mounted T
	assert_failure
	[ ! -e U.work ]
	run um_no_loops
	assert_success
}

@test "a failure after mounting (injected: records read-only) unmounts and undoes everything" {
	mkdir -p s L L2 U W T
	echo s > s/s
	mksquashfs s img.sqfs -quiet -noappend >/dev/null
	cu_track_mount "$D/T"
	mkdir -p /run/container-utils/unionmount
	# with -w and directory layers the record is the first write: it fails
	# after the mount; with an automatic work dir its note fails before
	# anything is made; an image is recorded there too (attached there while
	# the union is made, before 6.15)
	run unshare -m --propagation private sh -c '
		mount -t tmpfs -o ro tmpfs /run/container-utils/unionmount || exit 99
		unionmount -l L:L2 --upper U --work W T; echo "rc=$?"
		findmnt -n --mountpoint T >/dev/null && echo still-mounted
		unionmount -l L:img.sqfs --upper U T; echo "auto-rc=$?"
		findmnt -n --mountpoint T >/dev/null && echo still-mounted
		[ -e U.work ] && echo work-left
		unionmount -l L:img.sqfs --upper U --work W T; echo "img-rc=$?"
		findmnt -n --mountpoint T >/dev/null && echo still-mounted
		exit 0'
	assert_success
	assert_line --partial "unionmount: cannot record the mount in /run/container-utils/unionmount/"
	# the image case: the record fails after mounting where the kernel takes
	# detached image layers (6.15); before, attaching the image fails first
	local img_err
	img_err=$(printf '%s\n' "${lines[@]}" | grep -B1 -x 'img-rc=1' | head -1)
	[[ "$img_err" =~ ^"unionmount: cannot "("record the mount in /run/container-utils/unionmount/"[0-9]+|"make a directory in /run/container-utils/unionmount")": Read-only file system"$ ]] ||
		fail "image case: $img_err"
	assert_line rc=1
	assert_line auto-rc=1
	assert_line img-rc=1
	refute_line still-mounted
	refute_line work-left
	run um_no_loops
	assert_success
}

@test "a mount stopped after making the work dir: umount TARGET removes it" {
	mkdir -p L U T
	cu_track_mount "$D/T"
	# stop unionmount (SIGKILL) at its first fsopen: U.work is made, no union yet
	run strace -f -qq -o /dev/null -e inject=fsopen:signal=KILL \
		"$CU_BUILDDIR/unionmount" -l L --upper U T
	[ -d U.work ] || fail "no work dir was made before the kill"
	run --separate-stderr -0 unionmount umount T
	assert_equal "$stderr" "unionmount: T is not mounted: removed the work directory $D/U.work a stopped mount left"
	[ ! -e U.work ]
	run --separate-stderr -1 unionmount umount T
}

@test "umount removes the work dir without entering a mount in it (a bind of the same file system too)" {
	mkdir -p L U T V
	echo keep > V/file
	cu_track_mount "$D/T"
	unionmount -l L --upper U T
	mkdir U.work/x
	cu_track_mount "$D/U.work/x"
	# same device as U.work: a walk that compares st_dev alone enters it
	mount --bind V U.work/x
	run --separate-stderr unionmount umount T
	assert_failure 1
	assert_equal "$stderr" "unionmount: cannot remove work directory $D/U.work: Directory not empty"
	run mounted T
	assert_failure
	[ "$(cat V/file)" = keep ] || fail "the walk went through the bind mount: V/file is gone"
	[ -d U.work/x ]
}

@test "list keeps a comma and a space in layer, upper and target paths" {
	mkdir "com,ma dir" "up, per" "t a,rget" L2
	cu_track_mount "$D/t a,rget"
	unionmount -l "$D/com,ma dir:$D/L2" --upper "up, per" "t a,rget"
	run unionmount list --verbose --json
	assert_success
	run jq -r ".unions[] | select(.target == \"$D/t a,rget\") | [.layers, .upper, .children[0].target, .children[1].target] | @tsv" <<< "$output"
	assert_output "2	$D/up, per	$D/com,ma dir	$D/L2"
	unionmount umount "t a,rget"
}

@test "without statmount(2) (ENOSYS injected) mount, list and umount read mountinfo" {
	[ "$(uname -m)" = x86_64 ] || skip "the seccomp filter is for x86_64"
	command -v strace >/dev/null || skip "strace is not installed"
	local want='2	'$D'/U	'$D'/U.work	'$D'/com,ma dir	'$D'/L2'
	local sel=".unions[] | select(.target == \"$D/T\") | [.layers, .upper, .work, .children[0].target, .children[1].target] | @tsv"
	mkdir "com,ma dir" L2 U T T2
	cu_track_mount "$D/T"
	run no_statmount unionmount -l "$D/com,ma dir:$D/L2" --upper U T
	assert_success
	no_statmount strace -f -qq -e trace=openat -o "$D/slow" unionmount list --verbose --json > list.json
	grep -q '"/proc/self/mountinfo"' "$D/slow"
	run jq -r "$sel" list.json
	assert_output "$want"
	# the kernel answers for one mount: mountinfo is not read at all
	# (statmount's option list is from Linux 6.13)
	local fast=
	kernel_at_least 6 13 && fast=yes
	strace -f -qq -e trace=openat -o "$D/fast" -- unionmount list --verbose --json > list.json
	grep -q /run/container-utils/unionmount/ "$D/fast"
	run grep -c mountinfo "$D/fast"
	[ -z "$fast" ] || assert_output 0
	run jq -r "$sel" list.json
	assert_output "$want"
	cu_track_mount "$D/T2"
	run --separate-stderr no_statmount unionmount -l L2 --upper U T2
	assert_failure 1
	assert_equal "$stderr" "unionmount: upper already in use: U: by the union on $D/T (unmount it first, or give another --upper)"
	run no_statmount unionmount umount T
	assert_success
	run mounted "$D/T"
	assert_failure
	[ ! -e U.work ]
	# a read-only union: the superblock's "ro" leads the options either way
	unionmount -l "L2:com,ma dir" T
	no_statmount unionmount list --raw --noheadings -o TARGET,LAYERS,OPTIONS > list.txt
	run grep "^$D/T " list.txt
	assert_output --regexp "^$D/T 2 ro(,|\$)"
	local slow_ro=$output
	unionmount list --raw --noheadings -o TARGET,LAYERS,OPTIONS > list.txt
	run grep "^$D/T " list.txt
	assert_output "$slow_ro"
	unionmount umount T
	# with statmount, neither mount (the layer count) nor umount reads mountinfo
	strace -f -qq -e trace=openat -o "$D/fast2" unionmount -l L2 T
	strace -f -qq -e trace=openat -o "$D/fast2" -A unionmount umount T
	run grep -c mountinfo "$D/fast2"
	[ -z "$fast" ] || assert_output 0
	run mounted "$D/T"
	assert_failure
}

@test "directory layers go by fd, or by absolute path where overlay refuses an fd (before 6.13)" {
	unset CU_OVERLAY_FORCE	# the fallback on its own
	[ "$(uname -m)" = x86_64 ] || skip "the seccomp filter is for x86_64"
	command -v strace >/dev/null || skip "strace is not installed"
	[ "$(kernel_way)" = fd ] || skip "overlay takes no layer by fd before Linux 6.13"
	mkdir A B T
	echo a > A/a; echo b > B/b
	cu_track_mount "$D/T"
	for run_as in "" no_layer_fd; do
		$run_as strace -f -qq -s 4096 -e trace=fsconfig -o "$D/trace" unionmount -l A:B T
		if [ -z "$run_as" ]; then
			run grep -c 'FSCONFIG_SET_FD, "lowerdir+"' "$D/trace"
		else
			run grep -cE "FSCONFIG_SET_STRING, \"lowerdir\+\", \"$D/(A|B)\"" "$D/trace"
		fi
		assert_output 2
		[ "$(cat T/a T/b)" = "a
b" ]
		unionmount list --verbose --raw --noheadings -o TARGET,LAYERS > list.txt
		run grep -A2 "^$D/T 2" list.txt
		assert_line --index 1 --partial "$D/A 1"
		assert_line --index 2 --partial "$D/B 2"
		unionmount umount T
	done
}

# force_layers MODE N: mount N layers of 200-byte paths on T with
# CU_OVERLAY_FORCE=MODE; the count and names read back, the top file wins.
force_layers() {
	local mode=$1 n=$2 long=$D/$(printf 'q%.0s' $(seq 160)) i
	args=()
	for i in $(seq "$n"); do
		mkdir -p "$long/$i"
		echo "$i" > "$long/$i/f"
		args+=(-l "$long/$i")
	done
	mkdir -p U
	CU_OVERLAY_FORCE=$mode unionmount "${args[@]}" --upper U T
	assert_equal "$(cat T/f)" 1
	run unionmount list --noheadings --raw -o LAYERS,TARGET,UPPER
	assert_line "$n $D/T $D/U"
	run unionmount list --verbose --json
	assert_equal "$(jq ".unions[] | select(.target == \"$D/T\") | .children | length" <<< "$output")" "$n"
	assert_equal "$(jq -r ".unions[] | select(.target == \"$D/T\") | .children[$((n - 1))].target" <<< "$output")" "$long/$n"
	findmnt -n -o VFS-OPTIONS,FS-OPTIONS --mountpoint "$D/T" > opts.txt
	unionmount umount T
}

# Does the file system of the test's directory keep user.* xattrs?
user_xattrs_here() {
	python3 -c 'import os; open("xattr-probe", "w"); os.setxattr("xattr-probe", "user.t", b"1")' 2>/dev/null
}

# kernel_at_least MAJOR MINOR: is the running kernel that version or newer?
kernel_at_least() {
	local v=${1}.${2} r
	r=$(uname -r)
	[ "$(printf '%s\n%s\n' "$v" "${r%%-*}" | sort -V | head -1)" = "$v" ]
}

# The newest way this kernel takes layers: fd, path or string.
kernel_way() {
	case $(env -u CU_OVERLAY_FORCE unionmount --version | sed -n 's/^features: //p') in
	"layers by lowerdir+ with fds"*) echo fd ;;
	"layers by lowerdir+ with paths"*) echo path ;;
	*) echo string ;;
	esac
}

@test "CU_OVERLAY_FORCE=fd|path|string: 2, 100 and 500 layers mount each way, counted and named back" {
	local mode n best
	best=$(kernel_way)
	um_track T
	for mode in fd path string; do
		for n in 2 100 500; do
			force_layers "$mode" "$n"
			grep -q 'nosuid,nodev' opts.txt
			# a kernel without the way asked for takes the next it has
			if [ "$mode" = string ] || [ "$best" = string ]; then
				grep -q ',lowerdir=' opts.txt && ! grep -q 'lowerdir+' opts.txt
			else
				grep -q ',lowerdir+=' opts.txt
			fi
		done
	done
	# 500 absolute paths of 200 bytes pass one page: the string names them
	# by fd number from within /proc/self/fd; the record keeps the names
	grep -qE ',lowerdir=[0-9]+:[0-9]+:' opts.txt
	[ "${#args[*]}" -eq 1000 ]
}

# The matrix's test of issue 16's promise on every kernel, lean enough for
# emulation (tests/vm/matrix): no forced way, short relative names, one
# mkdir for all the layers and no process per file.
@test "2, 100 and 500 small layers the way this kernel takes them: all files seen, the top layer first, counted back" {
	local n i dirs
	um_track T
	for n in 2 100 500; do
		args=() dirs=()
		for ((i = 1; i <= n; i++)); do dirs+=("s$n/$i"); args+=(-l "s$n/$i"); done
		mkdir -p "${dirs[@]}"
		for ((i = 1; i <= n; i++)); do
			echo "$i" > "s$n/$i/f"
			: > "s$n/$i/f$i"
		done
		run --separate-stderr unionmount "${args[@]}" T
		assert_success
		[ -z "$stderr" ]
		[ "$(cat T/f)" = 1 ]
		[ "$(ls T | wc -l)" -eq $((n + 1)) ]
		run unionmount list --noheadings --raw -o LAYERS,TARGET
		assert_line "$n $D/T"
		unionmount umount T
		run mounted T
		assert_failure
	done
}

@test "lowerdir+ refused as overlay before 6.5 (EOPNOTSUPP) or 6.12 (EBADF) answers: the option string, or paths" {
	unset CU_OVERLAY_FORCE	# the fallback on its own
	[ "$(uname -m)" = x86_64 ] || skip "the seccomp filter is for x86_64"
	um_track T
	mkdir -p A B U
	echo a > A/a; echo b > B/b
	CU_NO_LAYER_FD=95 seccomp_run unionmount -l A:B --upper U T
	run findmnt -n -o FS-OPTIONS --mountpoint "$D/T"
	assert_output --regexp "lowerdir=$D/A:$D/B,upperdir=$D/U,"
	[ "$(cat T/a T/b)" = $'a\nb' ]
	unionmount umount T
	[ "$(kernel_way)" != string ] || skip "this kernel has no lowerdir+ (Linux 6.8)"
	CU_NO_LAYER_FD=9 seccomp_run unionmount -l A:B --upper U T
	run findmnt -n -o FS-OPTIONS --mountpoint "$D/T"
	assert_output --regexp "lowerdir\+=$D/A,lowerdir\+=$D/B,upperdir=$D/U,"
	unionmount umount T
}

@test "the option string past one page is refused before mounting, naming the layers, the bytes and how many fit" {
	local i
	args=()
	for i in $(seq 500); do mkdir -p "l/$i"; args+=(-l "l/$i"); done
	um_track T
	# 500 layers by fd number take ~2 KiB; a long option takes the rest
	run --separate-stderr env CU_OVERLAY_FORCE=string unionmount --options "xino=$(printf 'o%.0s' $(seq 2500))" "${args[@]}" T
	assert_failure 1
	[[ "$stderr" =~ ^"unionmount: too many layers for this kernel: 500 layers need "([0-9]+)" bytes of mount options, the limit is 4095 (one page); "([0-9]+)" of them fit (lowerdir+ of Linux 6.8 has no limit)"$ ]]
	[ "${BASH_REMATCH[1]}" -gt 4095 ] && [ "${BASH_REMATCH[2]}" -lt 500 ] && [ "${BASH_REMATCH[2]}" -gt 0 ]
	run mounted T
	assert_failure
	# with that many layers it fits, and mounts (the option is overlay's to refuse)
	args=("${args[@]:0:$((2 * BASH_REMATCH[2]))}")
	run --separate-stderr env CU_OVERLAY_FORCE=string unionmount --options "xino=$(printf 'o%.0s' $(seq 2500))" "${args[@]}" T
	assert_failure 1
	[[ "$stderr" == "unionmount: cannot mount overlay on $D/T: Invalid argument"* ]]
	run --separate-stderr env CU_OVERLAY_FORCE=nope unionmount "${args[@]}" T
	assert_failure 1
	assert_equal "$stderr" "unionmount: unknown CU_OVERLAY_FORCE value: nope (use fd, path or string)"
}

@test "--version says how this kernel takes the layers" {
	run env -u CU_OVERLAY_FORCE unionmount --version
	assert_line --index 0 --regexp '^unionmount from container-utils '
	assert_line --index 1 --regexp '^features: layers by (lowerdir\+ with fds \(Linux 6.13\)|lowerdir\+ with paths \(lowerdir\+ with fds needs Linux 6.13\)|the lowerdir= option string, one page \(lowerdir\+ needs Linux 6.8\))$'
	run env CU_OVERLAY_FORCE=string unionmount -V
	assert_line --index 1 "features: layers by the lowerdir= option string (forced by CU_OVERLAY_FORCE)"
	[ "$(uname -m)" = x86_64 ] || return 0
	run env -u CU_OVERLAY_FORCE CU_NO_LAYER_FD=95 bash -c "$(declare -f seccomp_run); seccomp_run unionmount -V"
	assert_line --index 1 "features: layers by the lowerdir= option string, one page (lowerdir+ needs Linux 6.8)"
	[ "$(kernel_way)" != string ] || return 0	# no lowerdir+ by path to find
	run env -u CU_OVERLAY_FORCE CU_NO_LAYER_FD=9 bash -c "$(declare -f seccomp_run); seccomp_run unionmount -V"
	assert_line --index 1 "features: layers by lowerdir+ with paths (lowerdir+ with fds needs Linux 6.13)"
}

@test "list: --raw, --noheadings, --output, and an unknown column" {
	mkdir A B T
	cu_track_mount "$D/T"
	unionmount -l A:B T
	run unionmount list --raw --noheadings --output TARGET,LAYERS
	assert_line "$D/T 2"
	run unionmount list
	assert_line --index 0 --regexp '^TARGET +LAYERS +UPPER +WORK +OPTIONS$'
	run --separate-stderr unionmount list -o NOPE
	assert_failure 1
	unionmount umount T
}

@test "apply refuses '..', absolute and symlink-escape entries and writes nothing outside DIR" {
	mkdir outside
	python3 - "$D" <<'EOF'
import io, sys, tarfile
d = sys.argv[1]
def f(n, data=b"x"):
    ti = tarfile.TarInfo(n); ti.size = len(data); return ti, io.BytesIO(data)
def l(n, target):
    ti = tarfile.TarInfo(n); ti.type = tarfile.SYMTYPE; ti.linkname = target; return ti, None
for name, entries in {
    "dotdot.tar": [f("ok"), f("a/../../outside/dotdot")],
    "abs.tar": [f("ok"), f(d + "/outside/abs")],
    "sym.tar": [f("ok"), l("link", d + "/outside"), f("link/sym")],
    "wh.tar": [f("ok"), f("link2/../../outside/.wh.x")],
}.items():
    with tarfile.open(d + "/" + name, "w") as t:
        for ti, data in entries:
            t.addfile(ti, data)
EOF
	run --separate-stderr unionmount apply dotdot.tar X1
	assert_failure 1
	assert_equal "$stderr" "unionmount: refusing layer entry that climbs out with '..': a/../../outside/dotdot (the layer is unsafe)"
	run --separate-stderr unionmount apply abs.tar X2
	assert_failure 1
	assert_equal "$stderr" "unionmount: refusing layer entry with an absolute path: $D/outside/abs (layers hold relative paths only)"
	run --separate-stderr unionmount apply sym.tar X3
	assert_failure 1
	assert_equal "$stderr" "unionmount: refusing layer entry below a symlink: link/sym (the layer is unsafe)"
	run --separate-stderr unionmount apply wh.tar X4
	assert_failure 1
	[ -z "$(ls -A outside)" ]
	[ ! -e X1 ] && [ ! -e X2 ] && [ ! -e X3 ] && [ ! -e X4 ]
	# a symlink already in DIR is not followed either
	mkdir X5
	ln -s "$D/outside" X5/link
	python3 -c 'import io,tarfile
with tarfile.open("late.tar","w") as t:
    ti=tarfile.TarInfo("link/late"); ti.size=1; t.addfile(ti, io.BytesIO(b"x"))'
	run unionmount apply late.tar X5
	[ -z "$(ls -A outside)" ]
	[ ! -L X5/link ]
}

@test "apply: an image's own overlay xattrs are escaped, other xattrs kept" {
	python3 -c 'import tarfile
with tarfile.open("x.tar", "w", format=tarfile.PAX_FORMAT) as t:
    ti = tarfile.TarInfo("d"); ti.type = tarfile.DIRTYPE; ti.mode = 0o755
    ti.pax_headers = {"SCHILY.xattr.trusted.overlay.opaque": "y", "SCHILY.xattr.user.note": "kept"}
    t.addfile(ti)'
	run unionmount apply x.tar X
	assert_success
	assert_equal "$(xattr_of X/d trusted.overlay.opaque)" -
	assert_equal "$(xattr_of X/d trusted.overlay.overlay.opaque)" y
	# tmpfs keeps user xattrs from Linux 6.6 on
	if user_xattrs_here; then
		assert_equal "$(xattr_of X/d user.note)" kept
	fi
}

@test "userxattr inside a user namespace (unshare -Urm): user.overlay.opaque, char 0/0 whiteouts" {
	unshare -Ur true 2>/dev/null || skip "user namespaces are not available"
	user_xattrs_here || skip "this file system keeps no user xattrs (tmpfs before Linux 6.6)"
	mkdir -p L/d U T
	echo x > L/d/x; echo y > L/y
	cu_track_mount "$D/T"
	run unshare -Urm sh -c 'unionmount -l L --upper U T && unionmount list --noheadings --raw -o TARGET,OPTIONS | grep "^$PWD/T " &&
		rm -r T/d && mkdir T/d && rm T/y && unionmount diff T && unionmount umount T'
	assert_success
	assert_line --index 0 --regexp "^$D/T .*userxattr"
	assert_line 'D /y'
	assert_line 'C /d'
	assert_equal "$(xattr_of U/d user.overlay.opaque)" y
	assert_equal "$(xattr_of U/d trusted.overlay.opaque)" -
	assert_equal "$(stat -c '%F %t:%T' U/y)" "character special file 0:0"
	[ ! -e U.work ]
}

@test "bad usage: missing operand, unknown command operand, commit without --output" {
	run --separate-stderr unionmount umount
	assert_failure 1
	assert_equal "$stderr" "unionmount: umount: missing argument (see --help)"
	run --separate-stderr unionmount diff a b
	assert_failure 1
	assert_equal "$stderr" "unionmount: diff: unexpected argument: 'b'"
	# the bare mount form counts its operands the same way
	run --separate-stderr unionmount -l a --upper u T extra
	assert_failure 1
	assert_equal "$stderr" "unionmount: mount: unexpected argument: 'extra'"
	run --separate-stderr unionmount commit U
	assert_failure 1
	assert_equal "$stderr" "unionmount: no layer file given: commit needs --output LAYER.tar[.gz|.zst]"
	mkdir T
	run --separate-stderr unionmount umount T
	assert_failure 1
	assert_equal "$stderr" "unionmount: no union mounted on T (see unionmount list)"
}

@test "commit and apply show a progress line on a terminal, erased at the end; nothing without one" {
	local i out
	mkdir u
	for i in $(seq 40); do head -c 65536 /dev/urandom > "u/f$i"; done
	# on a terminal: the progress line, then the digest on a clean line
	out=$(python3 "$BATS_TEST_DIRNAME/pty-run.py" unionmount commit "$D/u" --output "$D/l.tar")
	[[ "$out" =~ "unionmount: committing $D/u: "[0-9]+" entr"(y|ies)", "[0-9.]+" MiB" ]]
	# the last progress line is erased before the digest
	[[ "$out" == *$'\r\e[K'"sha256:$(sha256sum l.tar | cut -d' ' -f1)"* ]]
	# not a terminal: stderr stays empty
	run --separate-stderr unionmount commit "$D/u" --output "$D/l2.tar"
	assert_success
	[ -z "$stderr" ]
	out=$(python3 "$BATS_TEST_DIRNAME/pty-run.py" unionmount apply "$D/l.tar" "$D/x")
	[[ "$out" == *"unionmount: applying $D/l.tar: checking, "*"%"* ]]
	[[ "$out" == *"unionmount: applying $D/l.tar: unpacking, "*"%"* ]]
	[[ "$out" == *$'\r\e[K' ]]
	cmp u/f40 x/f40
	run --separate-stderr unionmount apply "$D/l.tar" "$D/y"
	assert_success
	[ -z "$stderr" ]
}

@test "permission errors of a non-root user name the command to run instead" {
	cu_require_user
	mkdir l u t
	chown "$CU_UID" l u t
	cu_open_to_user "$D"
	run --separate-stderr cu_as_user unionmount --lower "$D/l" --upper "$D/u" "$D/t"
	assert_failure 1
	[[ "$stderr" == *": Permission denied (run as root: sudo unionmount --lower $D/l --upper $D/u $D/t)" ]]
	! mountpoint -q t
}
