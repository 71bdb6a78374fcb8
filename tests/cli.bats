#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The CLI contract every tool keeps (util-linux's checkusage.sh idea):
# --help and --version on stdout with status 0; an unknown option is two
# lines on stderr, nothing on stdout, status 1 (125 for the chainloaders);
# every long option of --help is in the man page and the completion.
load helpers/common

TOOLS="nsrun nsenter2 netns vethctl cgset unionmount"

cu_built_tools() {
	local t
	for t in $TOOLS; do
		if [ -x "$CU_BUILDDIR/$t" ]; then echo "$t"; fi
	done
}

cu_failure_status() {
	case $1 in nsrun|nsenter2) echo 125 ;; *) echo 1 ;; esac
}

cu_manpage() {
	ls "$CU_TOPDIR"/man/"$1".[18] 2>/dev/null | head -1
}

@test "at least one tool is built" {
	run cu_built_tools
	[ -n "$output" ] || skip "no tool built yet"
}

@test "--help: usage on stdout, status 0, stderr empty" {
	for t in $(cu_built_tools); do
		run --separate-stderr "$t" --help
		assert_success
		assert_line --index 0 --regexp '^Usage:$'
		assert_output --partial "For more details see $t("
		[ -z "$stderr" ] || fail "$t --help wrote to stderr: $stderr"
	done
}

@test "--version: 'TOOL from container-utils X.Y.Z'" {
	for t in $(cu_built_tools); do
		run --separate-stderr "$t" --version
		assert_success
		# a second line may say which kernel features the tool uses
		assert_line --index 0 --regexp "^$t from container-utils [0-9]+\.[0-9]+\.[0-9]+$"
		[ "${#lines[@]}" -eq 1 ] || { [ "${#lines[@]}" -eq 2 ] && [[ "${lines[1]}" == "features: "* ]]; }
		[ -z "$stderr" ] || fail "$t --version wrote to stderr"
		run --separate-stderr "$t" -V
		assert_success
	done
}

@test "an unknown option: two lines on stderr, nothing on stdout, failure status" {
	for t in $(cu_built_tools); do
		run --separate-stderr "$t" --no-such-option
		[ "$status" -eq "$(cu_failure_status "$t")" ] || fail "$t: status $status"
		[ -z "$output" ] || fail "$t wrote to stdout: $output"
		[ "${#stderr_lines[@]}" -eq 2 ] || fail "$t: ${#stderr_lines[@]} stderr lines: $stderr"
		[[ "${stderr_lines[1]}" == "Try '$t --help' for more information." ]] || fail "$t: ${stderr_lines[1]}"
	done
}

@test "every long option of --help is in the man page and the completion" {
	local t o man comp
	for t in $(cu_built_tools); do
		man=$(cu_manpage "$t")
		comp="$CU_TOPDIR/completions/$t"
		[ -n "$man" ] || fail "$t has no man page"
		[ -f "$comp" ] || fail "$t has no completion"
		for o in $("$t" --help | grep -oE -- '--[a-z][a-z0-9-]+' | sort -u); do
			grep -qF -- "${o//-/\\-}" "$man" || grep -qF -- "$o" "$man" ||
				fail "$t $o: not in $man"
			grep -qF -- "$o" "$comp" || fail "$t $o: not in $comp"
		done
	done
}

@test "each completion registers its tool and is valid bash" {
	for t in $(cu_built_tools); do
		run bash -n "$CU_TOPDIR/completions/$t"
		assert_success
		grep -q "complete -F _${t}_module $t" "$CU_TOPDIR/completions/$t" ||
			fail "completions/$t does not register _${t}_module"
	done
}

@test "each man page renders without groff warnings" {
	for t in $(cu_built_tools); do
		run groff -man -ww -z "$(cu_manpage "$t")"
		assert_success
		assert_output ''
	done
}

@test "po/POTFILES.in lists exactly the sources that call _()" {
	cd "$CU_TOPDIR"
	run bash -c "grep -lE '\\b_\\(\"|N_\\(\"' bin/*.c common/*.c common/*.h 2>/dev/null | sort"
	local want=$output
	run bash -c "grep -v '^#' po/POTFILES.in | sort"
	assert_output "$want"
}

@test "po/zh_CN.po compiles with msgfmt --check" {
	run msgfmt --check -o /dev/null "$CU_TOPDIR/po/zh_CN.po"
	assert_success
}

@test "a failed write to stdout is an error" {
	for t in $(cu_built_tools); do
		run --separate-stderr bash -c '"$1" --help > /dev/full' _ "$t"
		[ "$status" -eq "$(cu_failure_status "$t")" ] || fail "$t --help > /dev/full: status $status"
		[[ "$stderr" == *"write error"* ]] || fail "$t: stderr: $stderr"
	done
}

# cu_with_translation GMO LOCALEDIR COMMAND...: run COMMAND where the tools
# find GMO as their zh_CN catalog.  Installed already: as is.  Otherwise, in
# a private mount namespace, over the nearest existing parent of LOCALEDIR,
# bind a directory that holds it (the host sees nothing of this).
cu_with_translation() {
	local gmo=$1 dir=$2 base rest root
	shift 2
	if cmp -s "$gmo" "$dir/zh_CN/LC_MESSAGES/container-utils.mo"; then
		"$@"
		return
	fi
	base=$dir
	while [ ! -d "$base" ]; do base=$(dirname "$base"); done
	case $base in /|/usr|/bin|/lib|/etc) skip "cannot stage translations over $base" ;; esac
	[ "$(id -u)" -eq 0 ] || skip "translations not installed and not root"
	rest=${dir#"$base"}
	root=$BATS_TEST_TMPDIR/locale-root
	mkdir -p "$root$rest/zh_CN/LC_MESSAGES"
	cp "$gmo" "$root$rest/zh_CN/LC_MESSAGES/container-utils.mo"
	unshare --mount --propagation private -- \
		bash -c 'mount --bind "$1" "$2" && shift 2 && exec "$@"' _ "$root" "$base" "$@"
}

@test "LANGUAGE=zh_CN with a zh_CN.UTF-8 locale: --help in Chinese" {
	local t gmo localedir
	t=$(cu_built_tools | head -1)
	[ -n "$t" ] || skip "no tool built yet"
	locale -a 2>/dev/null | grep -qix 'zh_CN.utf8' ||
		skip "no zh_CN.UTF-8 locale (bash .ci/deps generates it)"
	gmo=$CU_TOPDIR/po/zh_CN.gmo
	[ -f "$CU_BUILDDIR/po/zh_CN.gmo" ] && gmo=$CU_BUILDDIR/po/zh_CN.gmo
	[ -f "$gmo" ] || fail "po/zh_CN.gmo was not built"
	localedir=$(make -s -C "$CU_BUILDDIR" print-localedir 2>/dev/null | tail -1)
	[ -n "$localedir" ] || fail "no localedir from make print-localedir"
	run --separate-stderr cu_with_translation "$gmo" "$localedir" \
		env LANGUAGE=zh_CN LC_ALL=zh_CN.UTF-8 "$t" --help
	assert_success
	assert_line --index 0 '用法：'
	assert_output --partial "更多信息请参阅 $t("
	[ -z "$stderr" ] || fail "stderr: $stderr"
}

# the same staging as above, for one tool: 'cu_zh_help TOOL ENV...' runs
# 'env ENV... TOOL --help' with the zh_CN catalog in place
cu_zh_help() {
	local t=$1 gmo localedir
	shift
	gmo=$CU_TOPDIR/po/zh_CN.gmo
	[ -f "$CU_BUILDDIR/po/zh_CN.gmo" ] && gmo=$CU_BUILDDIR/po/zh_CN.gmo
	[ -f "$gmo" ] || fail "po/zh_CN.gmo was not built"
	localedir=$(make -s -C "$CU_BUILDDIR" print-localedir 2>/dev/null | tail -1)
	[ -n "$localedir" ] || fail "no localedir from make print-localedir"
	run --separate-stderr cu_with_translation "$gmo" "$localedir" env "$@" "$t" --help
}

@test "C-like locales: LANGUAGE is honoured in C.UTF-8 and ignored in C, as gettext does" {
	local t
	t=$(cu_built_tools | head -1)
	[ -n "$t" ] || skip "no tool built yet"
	locale -a 2>/dev/null | grep -qix 'c.utf8' || skip "no C.UTF-8 locale"
	# the tools skip loading a C-like locale on start; these must not change
	cu_zh_help "$t" -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8 LANGUAGE=zh_CN
	assert_success
	assert_line --index 0 '用法：'
	cu_zh_help "$t" LC_ALL=C LANGUAGE=zh_CN
	assert_success
	assert_line --index 0 'Usage:'
	cu_zh_help "$t" -u LC_ALL -u LANG -u LC_MESSAGES LANGUAGE=zh_CN
	assert_success
	assert_line --index 0 'Usage:'
}

@test "a table loads the locale itself: a tree in UTF-8 has line characters, in C ASCII" {
	cu_require_tool cgset
	local g
	g=$(cu_name tree)
	cu_track_cgroup "$g"
	cgset create "$g"
	cgset create "$g/sub"
	run -0 env -u LC_ALL LANG=C.UTF-8 cgset list -o NAME
	assert_output --regexp "[└├]─sub"
	run -0 env LC_ALL=C cgset list -o NAME
	assert_output --regexp '[`|]-sub'
	cgset delete --recursive "$g"
}

@test "the libraries of tables and capabilities are loaded only when used" {
	cu_require_tool nsrun
	local pid maps
	readelf -d "$CU_BUILDDIR/nsrun" | grep -q 'NEEDED.*libcap-ng' &&
		skip "libcap-ng is linked (--with-cap-ng=link)"
	nsrun --fork sleep 5 &
	pid=$!
	cu_track_pid "$pid"
	sleep 0.3
	maps=$(cat "/proc/$pid/maps")
	kill "$pid"; wait "$pid" || true
	[[ "$maps" == *"/nsrun"* ]] || fail "not nsrun's maps: $maps"
	[[ "$maps" != *libcap-ng* && "$maps" != *libsmartcols* ]] || fail "loaded without need: $maps"
	nsrun --fork --cap-drop net_raw sleep 5 &
	pid=$!
	cu_track_pid "$pid"
	sleep 0.3
	maps=$(cat "/proc/$pid/maps")
	kill "$pid"; wait "$pid" || true
	[[ "$maps" == *libcap-ng.so* ]] || fail "--cap-drop did not load libcap-ng"
}

@test "descriptors handed down stay at any number, with a low or a high fd limit" {
	cu_require_tool nsrun
	# fd 700 is in the second poll(2) chunk of common/exec.c under 1024;
	# over 4096 the tools read /proc/self/fd instead
	run -0 cu_only012 bash -c 'ulimit -n 1024; exec 700</dev/null; exec nsrun --uts readlink /proc/self/fd/700'
	assert_output /dev/null
	run -0 cu_only012 bash -c 'ulimit -n 8192; exec 5000</dev/null 9</dev/zero; exec nsrun --uts ls /proc/self/fd'
	assert_output "0
1
2
3
5000
9"
}
