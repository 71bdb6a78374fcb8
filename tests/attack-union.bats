#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Attacks through image layers: a layer that brings a device node of a host
# disk, a setuid-root program or a program with file capabilities gives an
# unprivileged user nothing, neither after `unionmount apply` nor through a
# mounted union; and a layer that fails halfway leaves an existing
# directory exactly as it was (issue 15, items 4 and 7).
load helpers/common

setup_file() {
	[ "$(id -u)" -eq 0 ] || return 0
	cc -static -O2 -o "$BATS_FILE_TMPDIR/union-probe" \
		"$BATS_TEST_DIRNAME/attack/union-probe.c" 2>/dev/null || true
}

setup() {
	cu_setup
	cu_require_root
	cu_require_tool unionmount
	cu_require_user
	[ -x "$BATS_FILE_TMPDIR/union-probe" ] || skip "cannot link a static program (libc6-dev)"
	D=$BATS_TEST_TMPDIR
	# the test user reaches everything from here on through D (cwd)
	chmod 755 "$D"
	cd "$D" || return 1
	LOOP=
	# a root-only file: reading it takes euid 0 or CAP_DAC_READ_SEARCH
	printf 'root only\n' > secret
	chmod 600 secret
}

teardown() {
	cu_teardown_unions
}

# A host "disk": a loop device over a file holding a secret, in $LOOP.
try_disk() {
	printf 'SECRET-%s\n' "$(cu_id)" > disk.img
	truncate -s 1M disk.img
	LOOP=$(losetup -f --show disk.img 2>/dev/null) || { LOOP=; return 1; }
	cu_on_teardown "losetup -d $LOOP"
}

make_disk() {
	try_disk || skip "no loop device (loop module)"
}

# The hostile layer evil.tar: dev/disk, a 0666 block node of $LOOP;
# bin/suid, the probe setuid root; bin/capped, the probe with the file
# capability CAP_DAC_READ_SEARCH (effective).
make_evil_layer() {
	python3 - "$BATS_FILE_TMPDIR/union-probe" "${LOOP:-/dev/null}" <<'EOF'
import base64, io, os, struct, sys, tarfile
probe = open(sys.argv[1], "rb").read()
st = os.stat(sys.argv[2])    # /dev/null (1:3) where a test needs no disk
# vfs_cap_data revision 2, effective, permitted = CAP_DAC_READ_SEARCH (2)
cap = struct.pack("<5I", 0x02000001, 1 << 2, 0, 0, 0)
with tarfile.open("evil.tar", "w", format=tarfile.PAX_FORMAT) as t:
    for d in ("dev", "bin"):
        ti = tarfile.TarInfo(d); ti.type = tarfile.DIRTYPE; ti.mode = 0o755; t.addfile(ti)
    ti = tarfile.TarInfo("dev/disk"); ti.mode = 0o666
    ti.type = tarfile.BLKTYPE if sys.argv[2] != "/dev/null" else tarfile.CHRTYPE
    ti.devmajor, ti.devminor = os.major(st.st_rdev), os.minor(st.st_rdev)
    t.addfile(ti)
    ti = tarfile.TarInfo("bin/suid"); ti.mode = 0o4755; ti.size = len(probe)
    t.addfile(ti, io.BytesIO(probe))
    ti = tarfile.TarInfo("bin/capped"); ti.mode = 0o755; ti.size = len(probe)
    ti.pax_headers = {"LIBARCHIVE.xattr.security.capability": base64.b64encode(cap).decode()}
    t.addfile(ti, io.BytesIO(probe))
EOF
}

# What the test user gets from DIR (relative to D): the disk's first line,
# and the probe's euid and read of the root-only file, setuid and capped.
user_gains() {
	local dir=$1
	cu_as_user head -n 1 "$dir/dev/disk" 2>/dev/null || true
	cu_as_user "$dir/bin/suid" secret 2>/dev/null || true
	cu_as_user "$dir/bin/capped" secret 2>/dev/null | grep read= || true
}

@test "apply: a layer's block node of a host disk is left out; the user cannot read the disk" {
	make_disk
	make_evil_layer
	run --separate-stderr unionmount apply evil.tar L
	assert_success
	local said=$stderr
	run cu_as_user head -n 1 L/dev/disk
	assert_failure
	refute_output --partial SECRET
	[ ! -e L/dev/disk ]
	assert_equal "$(head -1 <<< "$said")" "unionmount: left out 1 device node(s): /dev/disk (--keep-devices keeps them)"
}

@test "apply: a setuid-root program loses its bit; the user runs it with his own euid" {
	make_evil_layer
	run --separate-stderr unionmount apply evil.tar L
	assert_success
	local said=$stderr
	run cu_as_user L/bin/suid secret
	assert_success
	assert_output $'euid=4242\nread=denied'
	assert_equal "$(stat -c %a L/bin/suid)" 755
	assert_equal "$(printf '%s\n' "$said" | grep setuid)" \
		"unionmount: cleared the setuid/setgid bits of 1 file(s): /bin/suid (--keep-setid keeps them)"
}

@test "apply: a file capability is removed; the user's program cannot read root's files" {
	make_evil_layer
	run --separate-stderr unionmount apply --verbose evil.tar L
	assert_success
	local said=$stderr
	run cu_as_user L/bin/capped secret
	assert_success
	assert_output $'euid=4242\nread=denied'
	run python3 -c 'import os, sys; print(os.listxattr(sys.argv[1]))' L/bin/capped
	assert_output "[]"
	assert_equal "$said" "unionmount: left out device node /dev/disk (--keep-devices keeps it)
unionmount: cleared the setuid/setgid bits of /bin/suid (--keep-setid keeps them)
unionmount: removed the file capabilities of /bin/capped (--keep-setid keeps them)"
}

@test "a union is nodev,nosuid: a layer holding a disk node, setuid and capabilities gives the user nothing; -o dev,suid allows them" {
	local secret=SECRET
	# without a loop device (no loop module) the disk part is left out
	try_disk || secret=euid=
	# the layer made as an attacker's image would have it, without apply,
	# on a file system of ours that honours devices and setuid (a host's
	# /tmp may be nodev,nosuid)
	mkdir fs
	mount -t tmpfs -o mode=755 tmpfs fs
	cu_track_mount "$D/fs"
	cd fs || return 1
	mkdir -p L/dev L/bin
	ln -s ../secret secret
	[ -z "$LOOP" ] || mknod -m 666 L/dev/disk b $(stat -c '%Hr %Lr' "$LOOP")
	install -m 4755 "$BATS_FILE_TMPDIR/union-probe" L/bin/suid
	install -m 755 "$BATS_FILE_TMPDIR/union-probe" L/bin/capped
	setcap cap_dac_read_search+ep L/bin/capped 2>/dev/null ||
		python3 -c 'import os, struct, sys
os.setxattr(sys.argv[1], "security.capability", struct.pack("<5I", 0x02000001, 4, 0, 0, 0))' L/bin/capped
	chmod 755 L L/dev L/bin
	# the layer itself, on the host: the attack works there (the test can fail)
	run user_gains L
	assert_output --partial "$secret"
	assert_output --partial euid=0
	mkdir T U
	for force in fd path string; do
		CU_OVERLAY_FORCE=$force unionmount -l L --upper U T
		run user_gains T
		assert_success
		assert_output $'euid=4242\nread=denied\nread=denied'
		run findmnt -n -o VFS-OPTIONS --mountpoint "$D/fs/T"
		assert_output --regexp 'nosuid,nodev'
		unionmount umount T
	done
	# asked for: the union allows devices and setuid again
	unionmount --options dev,suid -l L --upper U T
	run user_gains T
	assert_output --partial "$secret"
	assert_output --partial euid=0
	unionmount umount T
}

# A listing of every entry under $1 with type, mode, owner, size, mtime,
# link target, content hash and xattrs.
snapshot() {
	python3 - "$1" <<'EOF'
import hashlib, os, sys
top = sys.argv[1]
for root, dirs, files in os.walk(top):
    names = sorted(dirs + files) + ([""] if root == top else [])
    for name in names:
        p = os.path.join(root, name) if name else root
        st = os.lstat(p)
        line = [os.path.relpath(p, top), oct(st.st_mode), st.st_uid, st.st_gid,
                st.st_size, st.st_mtime_ns, st.st_rdev]
        if os.path.islink(p):
            line.append(os.readlink(p))
        elif os.path.isfile(p):
            line.append(hashlib.sha256(open(p, "rb").read()).hexdigest())
        for x in sorted(os.listxattr(p, follow_symlinks=False)):
            line.append(x + "=" + os.getxattr(p, x, follow_symlinks=False).hex())
        print(*line)
EOF
}

# An existing DIR $1 with files, a symlink, a dir with its own mode, and a
# dir a layer will make opaque; and bad.tar: a whiteout over a file, a file
# over the symlink, new content, a new mode, an opaque marker, new dirs,
# then $2 as the last entry.
make_dir_and_bad_layer() {
	mkdir -p "$1/dir" "$1/opq/inner"
	printf 'keep me\n' > "$1/keep"
	printf 'old\n' > "$1/dir/file"
	printf 'hidden\n' > "$1/opq/inner/f"
	ln -s keep "$1/link"
	chmod 750 "$1/dir"
	touch -d '2001-01-01' "$1/dir" "$1/opq" "$1"
	python3 - "$2" <<'EOF'
import io, sys, tarfile
def f(n, data=b"new\n", mode=0o644):
    ti = tarfile.TarInfo(n); ti.size = len(data); ti.mode = mode; return ti, io.BytesIO(data)
def d(n, mode=0o700):
    ti = tarfile.TarInfo(n); ti.type = tarfile.DIRTYPE; ti.mode = mode; return ti, None
last = f("x" * 300) if sys.argv[1] == "long-name" else f("big", b"b" * (3 << 20))
with tarfile.open("bad.tar", "w", format=tarfile.PAX_FORMAT) as t:
    for ti, data in [f(".wh.keep"), f("link"), f("dir/file"), d("dir"),
                     f("opq/.wh..wh..opq"), f("new/deep/x"), d("fresh"), last]:
        t.addfile(ti, data)
EOF
}

@test "apply into an existing DIR is all or nothing: an entry failing late (ENAMETOOLONG) leaves DIR byte-for-byte as it was" {
	make_dir_and_bad_layer X long-name
	before=$(snapshot X)
	run --separate-stderr unionmount apply bad.tar X
	assert_failure 1
	assert_equal "$(snapshot X)" "$before"
	assert_equal "$(wc -l <<< "$stderr")" 1
	[[ "$stderr" == "unionmount: cannot unpack /xxxx"*": File name too long" ]]
}

@test "apply into an existing DIR is all or nothing: the disk filling up in the last entry leaves DIR byte-for-byte as it was" {
	mkdir small
	mount -t tmpfs -o size=2m tmpfs small
	cu_track_mount "$D/small"
	make_dir_and_bad_layer small/X big
	before=$(snapshot small/X)
	run --separate-stderr unionmount apply bad.tar small/X
	assert_failure 1
	assert_equal "$(snapshot small/X)" "$before"
	assert_equal "$(wc -l <<< "$stderr")" 1
	[[ "$stderr" == "unionmount: cannot unpack /big: "* ]]
}

@test "apply into an existing DIR: a hard link to nothing is refused before an existing symlink is touched" {
	mkdir X
	printf 'data\n' > X/f
	ln -s f X/sl
	before=$(snapshot X)
	python3 - <<'EOF'
import io, tarfile
with tarfile.open("link.tar", "w") as t:
    ti = tarfile.TarInfo("a"); ti.size = 2; t.addfile(ti, io.BytesIO(b"a\n"))
    ti = tarfile.TarInfo("sl"); ti.type = tarfile.LNKTYPE; ti.linkname = "missing"; t.addfile(ti)
EOF
	run --separate-stderr unionmount apply link.tar X
	assert_failure 1
	assert_equal "$(snapshot X)" "$before"
	assert_equal "$stderr" "unionmount: refusing hard link to a file neither the layer nor the directory has: missing (the layer is malformed)"
	# and a good layer on the same DIR replaces, whiteouts and keeps as asked
	python3 - <<'EOF'
import io, tarfile
with tarfile.open("good.tar", "w") as t:
    ti = tarfile.TarInfo("sl"); ti.size = 4; t.addfile(ti, io.BytesIO(b"new\n"))
    ti = tarfile.TarInfo(".wh.f"); t.addfile(ti, io.BytesIO(b""))
    ti = tarfile.TarInfo("h"); ti.type = tarfile.LNKTYPE; ti.linkname = "sl"; t.addfile(ti)
EOF
	run unionmount apply good.tar X
	assert_success
	[ ! -L X/sl ] && [ "$(cat X/sl)" = new ] && [ "$(stat -c %i X/sl)" = "$(stat -c %i X/h)" ]
	[ "$(stat -c '%F %t:%T' X/f)" = "character special file 0:0" ]
	[ -z "$(find X -name '.unionmount-apply*')" ]
}
