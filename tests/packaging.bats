#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# What a distribution's packager sees: every library a tool may dlopen(3)
# is in its .note.dlopen ELF note (https://systemd.io/ELF_DLOPEN_METADATA/),
# and a Debian package built from the `make dist` tarball depends on every
# library the tools load.  Debian 12's readelf does not decode the note and
# its dpkg-shlibdeps reads DT_NEEDED only, so tests/packaging/dlopen-notes.py
# reads the notes and tests/packaging/dlopen-deps maps them to packages.
load helpers/common

TOOLS="nsrun nsenter2 netns vethctl cgset unionmount"
NOTES=$CU_TOPDIR/tests/packaging/dlopen-notes.py

# needed ELF: the DT_NEEDED sonames
needed() {
	readelf -dW "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p' | sort -u
}

# dlopen_sonames ELF: the sonames the binary holds as strings of their own
# (what it can hand to dlopen), less those it links
dlopen_sonames() {
	comm -23 <(strings -a "$1" | grep -E '^lib[A-Za-z0-9_+-]+\.so\.[0-9]+$' | sort -u) \
		<(needed "$1")
}

# check_notes ELF: every soname it can dlopen is in its note and the note
# names no other; prints what differs
check_notes() {
	local notes
	notes=$(python3 "$NOTES" -s "$1") || return 1
	diff <(dlopen_sonames "$1") <(sort -u <<<"$notes" | sed '/^$/d') |
		sed -n 's/^< \(.*\)/not in the note: \1/p; s/^> \(.*\)/in the note, never loaded: \1/p' |
		grep . && return 1
	return 0
}

# package_of SONAME: the Debian package holding the file ld.so finds
package_of() {
	local path p
	path=$(ldconfig -p | awk -v s="$1" '$1 == s { print $NF; exit }')
	[ -n "$path" ] || return 1
	for p in "$path" "$(readlink -f "$path")" "/usr$path" "${path#/usr}"; do
		dpkg -S "$p" 2>/dev/null | sed -n '1s/^\([^:,]*\).*/\1/p' | grep . && return 0
	done
	return 1
}

@test "every library a tool can dlopen is in its .note.dlopen note, and no other" {
	local t checked=0
	for t in $TOOLS; do
		[ -x "$CU_BUILDDIR/$t" ] || continue
		run check_notes "$CU_BUILDDIR/$t"
		[ "$status" -eq 0 ] || fail "$t: $output"
		checked=$((checked + 1))
	done
	[ "$checked" -gt 0 ] || skip "no tool is built"
	# the check sees a missing note: unionmount without its note (unless
	# configure linked every library: then there is no note to miss)
	if [ -n "$(dlopen_sonames "$CU_BUILDDIR/unionmount")" ]; then
		objcopy --remove-section=.note.dlopen "$CU_BUILDDIR/unionmount" "$BATS_TEST_TMPDIR/stripped"
		run check_notes "$BATS_TEST_TMPDIR/stripped"
		assert_failure
		assert_output --partial "not in the note: libarchive.so.13"
	fi
	# libselinux, which only nsenter2 -Z loads: in nsenter2's note (unless
	# linked: --with-selinux=link) and in no other tool's
	cu_require_tool nsenter2
	if grep -q 'define CU_LINK_SELINUX 0' "$CU_BUILDDIR/config.h"; then
		run -0 python3 "$NOTES" "$CU_BUILDDIR/nsenter2"
		run -0 jq -e 'any(.[]; .feature == "selinux" and .priority == "suggested" and
			.soname == ["libselinux.so.1"])' <<<"$output"
	fi
	run -0 python3 "$NOTES" -s "$CU_BUILDDIR/nsrun"
	refute_line libselinux.so.1
}

@test "the note: an allocated SHT_NOTE section, 4-byte aligned, owner FDO, type 0x407c0c0a, JSON entries" {
	local t=unionmount
	cu_require_tool "$t"
	[ -n "$(dlopen_sonames "$CU_BUILDDIR/$t")" ] || skip "$t links every library (--with-*=link)"
	run -0 readelf -SW "$CU_BUILDDIR/$t"
	# [Nr] Name Type Address Off Size ES Flg Lk Inf Al
	assert_line --regexp '\.note\.dlopen +NOTE +[0-9a-f]+ [0-9a-f]+ [0-9a-f]+ 00 +A +0 +0 +4$'
	# binutils 2.40 exits 1 on a note type it cannot decode: its output counts
	run readelf -nW "$CU_BUILDDIR/$t"
	assert_line --regexp '^ +FDO +0x[0-9a-f]+.*0x407c0c0a'
	run -0 python3 "$NOTES" "$CU_BUILDDIR/$t"
	# each entry: feature, description, priority from the specification, sonames
	run -0 jq -e 'length > 0 and all(.[]; (.feature | type == "string") and
		(.description | length > 0) and
		(.priority | IN("required", "recommended", "suggested")) and
		(.soname | type == "array" and length > 0))' <<<"$output"
}

@test "a Debian package built from the make dist tarball depends on every library the tools load" {
	command -v dpkg-buildpackage >/dev/null || skip "dpkg-dev is not installed"
	[ -f "$CU_BUILDDIR/Makefile" ] || skip "$CU_BUILDDIR is not a configured build tree"
	local tmp=$BATS_TEST_TMPDIR tarball src deb t soname pkg fields line missing=
	SECONDS=0
	run -0 make -C "$CU_BUILDDIR" -s dist
	tarball=$(find "$CU_BUILDDIR" -maxdepth 1 -name 'container-utils-*.tar.xz' -newer "$tmp" | head -1)
	[ -n "$tarball" ] || fail "make dist made no tarball"
	mv "$tarball" "$tmp/"
	tar -C "$tmp" -xJf "$tmp/${tarball##*/}"
	src=$tmp/$(basename "$tarball" .tar.xz)
	# the files a packager builds from
	for f in COPYING NEWS README.md configure Makefile.in man/nsrun.1 completions/cgset \
		po/zh_CN.po tests/run tests/packaging/dlopen-deps; do
		[ -e "$src/$f" ] || fail "not in the tarball: $f"
	done

	# a minimal debian/ directory, without debhelper
	mkdir -p "$src/debian/source"
	echo '3.0 (quilt)' > "$src/debian/source/format"
	cat > "$src/debian/changelog" <<-'END'
	container-utils (0.1.0-1) unstable; urgency=medium

	  * Built by tests/packaging.bats.

	 -- container-utils tests <root@localhost>  Mon, 07 Dec 2026 00:00:00 +0000
	END
	cat > "$src/debian/control" <<-'END'
	Source: container-utils
	Section: admin
	Priority: optional
	Maintainer: container-utils tests <root@localhost>
	Build-Depends: libmount-dev, libblkid-dev, libsmartcols-dev, libcap-ng-dev, libmnl-dev, libarchive-dev, libssl-dev, libnftables-dev, pkg-config, python3, jq
	Standards-Version: 4.6.2
	Rules-Requires-Root: no

	Package: container-utils
	Architecture: linux-any
	Depends: ${shlibs:Depends}, ${dlopen:Depends}
	Recommends: ${dlopen:Recommends}
	Suggests: ${dlopen:Suggests}
	Description: util-linux-style tools that build containers
	 Built from the make dist tarball by the packaging test.
	END
	# shellcheck disable=SC2016 # make's variables, not the shell's
	printf '%s\n' '#!/usr/bin/make -f' \
		'P = $(CURDIR)/debian/container-utils' \
		'build: build-arch' \
		'build-indep:' \
		'build-arch:' \
		'	./configure --prefix=/usr --disable-dependency-tracking' \
		'	$(MAKE) -j2' \
		'binary: binary-arch' \
		'binary-indep:' \
		'binary-arch: build-arch' \
		'	$(MAKE) install DESTDIR=$(P)' \
		'	dpkg-shlibdeps -Tdebian/container-utils.substvars $(P)/usr/bin/*' \
		'	tests/packaging/dlopen-deps debian/container-utils.substvars $(P)/usr/bin/*' \
		'	mkdir -p $(P)/DEBIAN' \
		'	dpkg-gencontrol -pcontainer-utils -Tdebian/container-utils.substvars -P$(P)' \
		'	dpkg-deb --root-owner-group --build $(P) ..' \
		'clean:' \
		'	rm -rf $(P) debian/*.substvars debian/files' \
		'.PHONY: build build-indep build-arch binary binary-indep binary-arch clean' \
		> "$src/debian/rules"
	chmod +x "$src/debian/rules"
	(cd "$src" && dpkg-buildpackage -b -d --no-sign) > "$tmp/build.log" 2>&1 ||
		fail "dpkg-buildpackage failed: $(tail -30 "$tmp/build.log")"
	deb=$(ls "$tmp"/container-utils_0.1.0-1_*.deb)
	fields=$(dpkg-deb -f "$deb" Depends Recommends Suggests)
	while read -r line; do echo "# $line"; done <<<"$fields" >&3
	# every library any packaged tool loads, linked or dlopen()ed, has its
	# package in the relationships; the dlopen()ed ones came from the notes
	dpkg-deb -x "$deb" "$tmp/root"
	for t in "$tmp"/root/usr/bin/*; do
		for soname in $(needed "$t") $(dlopen_sonames "$t"); do
			pkg=$(package_of "$soname") || fail "no package provides $soname"
			grep -qE "(^|[ ,])$pkg([ ,(]|$)" <<<"$fields" || missing+=" ${t##*/}:$soname($pkg)"
		done
	done
	[ -z "$missing" ] || fail "not in the package's relationships:$missing"
	# and dpkg-shlibdeps alone would have missed them
	for soname in $(dlopen_sonames "$tmp/root/usr/bin/unionmount"); do
		pkg=$(package_of "$soname")
		run grep -E "^shlibs:Depends=.*\b$pkg\b" "$src/debian/container-utils.substvars"
		assert_failure
		run -0 grep -E "^dlopen:(Depends|Recommends|Suggests)=.*\b$pkg\b" "$src/debian/container-utils.substvars"
	done
	echo "# tarball to .deb in ${SECONDS}s" >&3
}

# A second build tree, configured as a packager who links every library
# and renames cgset to live beside cgroup-tools; made once per run of this
# file (the tests below share it).
# every --with-LIB=dlopen|link choice configure offers
link_libs() {
	"$CU_TOPDIR/configure" --help | sed -n 's/^ *--with-\([a-z0-9-]*\)=dlopen|link.*/\1/p'
}
# link_configure [RENAME]: configure $LB, renaming cgset to cgset2 or as
# RENAME (a --program-* option) says.
link_configure() {
	local opts=() l
	for l in $(link_libs); do
		opts+=("--with-$l=link")
	done
	(cd "$LB" && "$CU_TOPDIR/configure" --prefix=/usr --disable-dependency-tracking \
		"${1:---program-transform-name=s/^cgset\$/cgset2/}" "${opts[@]}")
}

link_build() {
	LB=$BATS_FILE_TMPDIR/link-build
	[ -f "$LB/.built" ] && return 0
	[ -x "$CU_TOPDIR/configure" ] || skip "no configure script in $CU_TOPDIR (run ./autogen.sh)"
	pkg-config --exists libsystemd libnftables libselinux ||
		skip "libsystemd, libnftables or libselinux (-dev) is not installed"
	mkdir -p "$LB"
	{ link_configure && make -C "$LB" -j2; } > "$LB/build.log" 2>&1 ||
		fail "link build failed: $(tail -20 "$LB/build.log")"
	touch "$LB/.built"
}

@test "--with-LIB=link for every library, libsystemd and libselinux too: each in DT_NEEDED where the note named it, and out of the note" {
	cu_require_tool cgset
	link_build
	local t soname links=0
	for t in $TOOLS; do
		local bin=$CU_BUILDDIR/$t lbin=$LB/$t
		[ "$t" = cgset ] && lbin=$LB/cgset
		[ -x "$bin" ] && [ -x "$lbin" ] || continue
		# what the dlopen build loads on demand, the link build needs, or
		# (a library configure offers no choice for) still notes
		run -0 python3 "$NOTES" -s "$lbin"
		local lnotes=$output
		for soname in $(python3 "$NOTES" -s "$bin"); do
			if needed "$lbin" | grep -qx "$soname"; then
				links=$((links + 1))
				! grep -qx "$soname" <<<"$lnotes" || fail "$t: $soname both linked and noted"
			else
				grep -qx "$soname" <<<"$lnotes" || fail "$t: $soname neither linked nor noted"
			fi
		done
	done
	[ "$links" -gt 0 ] || skip "$CU_BUILDDIR links every library already"
	link_libs | grep -qx libsystemd
	# libsystemd: noted in the dlopen build (the default), needed when linked
	if grep -q 'define CU_LINK_SYSTEMD 0' "$CU_BUILDDIR/config.h"; then
		python3 "$NOTES" -s "$CU_BUILDDIR/cgset" | grep -qx libsystemd.so.0
		run needed "$CU_BUILDDIR/cgset"
		refute_line libsystemd.so.0
	fi
	run needed "$LB/cgset"
	assert_line libsystemd.so.0
	run -0 python3 "$NOTES" -s "$LB/cgset"
	! grep -qx libsystemd.so.0 <<<"$output" || fail "linked libsystemd still noted"
	# only cgset talks to systemd
	run needed "$LB/nsrun"
	refute_line libsystemd.so.0
	# the linked build runs
	run -0 "$LB/cgset" --version
	run -1 "$CU_TOPDIR/configure" --with-libsystemd=maybe
	assert_output --partial "--with-libsystemd=maybe: use dlopen or link"
	# libselinux (nsenter2 -Z) the same way: --with-selinux=link
	link_libs | grep -qx selinux
	if grep -q 'define CU_LINK_SELINUX 0' "$CU_BUILDDIR/config.h"; then
		python3 "$NOTES" -s "$CU_BUILDDIR/nsenter2" | grep -qx libselinux.so.1
		run needed "$CU_BUILDDIR/nsenter2"
		refute_line libselinux.so.1
	fi
	run needed "$LB/nsenter2"
	assert_line libselinux.so.1
	run -0 python3 "$NOTES" -s "$LB/nsenter2"
	! grep -qx libselinux.so.1 <<<"$output" || fail "linked libselinux still noted"
	run needed "$LB/netns"
	refute_line libselinux.so.1
	run -0 "$LB/nsenter2" --version
	run -1 "$CU_TOPDIR/configure" --with-selinux=maybe
	assert_output --partial "--with-selinux=maybe: use dlopen or link"
}

@test "--program-transform-name and --program-prefix: binary, man page and completion renamed; the completion binds the new name" {
	link_build
	local d=$BATS_TEST_TMPDIR/root comp man
	run -0 make -C "$LB" -s install DESTDIR="$d"
	comp=$(find "$d" -path '*/bash-completion/completions' -type d)
	man=$d/usr/share/man/man1
	[ -x "$d/usr/bin/cgset2" ] && [ ! -e "$d/usr/bin/cgset" ]
	[ -f "$man/cgset2.1" ] && [ ! -e "$man/cgset.1" ]
	[ -f "$comp/cgset2" ] && [ ! -e "$comp/cgset" ]
	# the other tools keep their names
	[ -x "$d/usr/bin/nsrun" ] && [ -f "$comp/nsrun" ]
	# loaded as bash-completion would: cgset2 is bound, cgset (libcgroup's) not
	run -0 bash -c "source '$comp/cgset2'; complete -p cgset2; complete -p cgset 2>/dev/null || echo 'cgset: not bound'"
	assert_line "complete -F _cgset_module cgset2"
	assert_line "cgset: not bound"
	run -0 bash -c "source '$comp/cgset2'; COMP_WORDS=(cgset2 --cop); COMP_CWORD=1; _cgset_module; echo \"\${COMPREPLY[*]}\""
	assert_output "--copy-from"
	run -0 make -C "$LB" -s uninstall DESTDIR="$d"
	[ -z "$(find "$d" -type f)" ] || fail "left after uninstall: $(find "$d" -type f)"

	# --program-prefix renames every tool (configured again: config.h
	# stays the same, nothing is rebuilt)
	rm -f "$LB/.built"
	link_configure --program-prefix=cu- > "$LB/prefix.log" 2>&1 || fail "$(tail -5 "$LB/prefix.log")"
	run -0 make -C "$LB" -s install DESTDIR="$d"
	for t in $TOOLS; do
		[ -x "$d/usr/bin/cu-$t" ] || fail "no cu-$t"
		[ -f "$comp/cu-$t" ] || fail "no completion cu-$t"
		grep -qE "^complete -F _[a-z0-9]+_module cu-$t\$" "$comp/cu-$t" || fail "cu-$t: binds $(grep '^complete' "$comp/cu-$t")"
	done
	[ -f "$man/cu-cgset.1" ] && [ -f "$d/usr/share/man/man8/cu-netns.8" ]
	run -0 make -C "$LB" -s uninstall DESTDIR="$d"
	[ -z "$(find "$d" -type f)" ] || fail "left after uninstall: $(find "$d" -type f)"
	link_configure > "$LB/prefix.log" 2>&1 && touch "$LB/.built"
}
