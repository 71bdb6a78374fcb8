#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/explain.sh - what teaching mode costs when it is off (issue 19):
# the tools built as usual (explain compiled in, not turned on) against the
# same tree configured with --disable-explain (every test compiled out),
# side by side in one hyperfine run per round, with the same build run
# twice as the run-to-run spread the ratio is judged against.  As root:
#   bench/explain.sh [BUILDDIR]       (RUNS=N runs in ROUNDS=N rounds)
# The --disable-explain tree is configured and built under /tmp (a minute
# or two) with the configure options BUILDDIR was configured with.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top}" && pwd)
RUNS=${RUNS:-60}
ROUNDS=${ROUNDS:-3}
for t in hyperfine jq bc; do
	command -v "$t" >/dev/null || { echo "bench: $t is missing" >&2; exit 1; }
done
for t in nsrun nsenter2 netns vethctl cgset unionmount; do
	[ -x "$build/$t" ] || { echo "bench: $build/$t is not built" >&2; exit 1; }
done
[ "$(id -u)" -eq 0 ] || { echo "bench: run as root" >&2; exit 1; }

work=$(mktemp -d /tmp/cu-bench-explain.XXXXXX)
tag=bx$$
target=
cleanup() {
	[ -n "$target" ] && kill "$target" 2>/dev/null
	umount "$work/m" 2>/dev/null || true
	"$build/netns" delete "$tag" 2>/dev/null || true
	ip link delete "${tag}a" 2>/dev/null || true
	rmdir "/sys/fs/cgroup/unified/$tag" "/sys/fs/cgroup/$tag" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

# the same tree with teaching mode compiled out
opts=$(sed -n 's/^ *\$ .*configure \(.*\)$/\1/p' "$build/config.log" | head -1)
mkdir -p "$work/off"
(cd "$work/off" && eval "'$top/configure' $opts --disable-explain" >/dev/null &&
	make -j"$(nproc)" >/dev/null) || { echo "bench: the --disable-explain build failed" >&2; exit 1; }
grep -q '^#define CU_NO_EXPLAIN 1' "$work/off/config.h" ||
	{ echo "bench: $work/off was not configured --disable-explain" >&2; exit 1; }

mkdir -p "$work/l" "$work/u" "$work/m" "$work/root/bin"
echo a > "$work/l/a"
cp /bin/busybox "$work/root/bin/busybox"
for a in true sh; do ln -s busybox "$work/root/bin/$a"; done
mkdir -p "$work/root/proc" "$work/root/dev" "$work/root/sys" "$work/root/tmp"

# nsenter2's target: a process of our own (init's namespaces may be closed to us)
sleep 3600 &
target=$!

# name|command, one row per tool, for B in {on, off, on2}: "on2" is the
# same build as "on", run again: the spread a ratio must stay within.
rows=()
for v in on off on2; do
	case $v in off) b=$work/off ;; *) b=$build ;; esac
	rows+=(
		"nsrun-$v|$b/nsrun --fork --pid --mount-proc true"
		"nsrun-root-$v|$b/nsrun --pid --mount --uts --ipc --net --mount-proc --root $work/root /bin/true"
		"nsenter2-$v|$b/nsenter2 --target $target --uts --ipc true"
		"netns-$v|sh -c '$b/netns add $tag && $b/netns delete $tag'"
		"vethctl-$v|sh -c '$b/vethctl add ${tag}a ${tag}b && $b/vethctl del ${tag}a'"
		"cgset-$v|$b/cgset run --name $tag --cpu 20% -- true"
		"unionmount-$v|sh -c '$b/unionmount --lower $work/l --upper $work/u $work/m && $b/unionmount umount $work/m'"
	)
done
args=()
for r in "${rows[@]}"; do
	args+=(--command-name "${r%%|*}" "${r#*|}")
done
for round in $(seq "$ROUNDS"); do
	hyperfine -N --warmup 3 --runs "$((RUNS / ROUNDS))" \
		--export-json "$work/h$round.json" --style none "${args[@]}" \
		> "$work/h.log" 2>&1 || { cat "$work/h.log" >&2; exit 1; }
done

median() {
	jq -s -r --arg n "$1" '[.[].results[] | select(.command == $n) | .times[]] | sort |
		if length % 2 == 1 then .[length / 2 | floor] else (.[length / 2 - 1] + .[length / 2]) / 2 end * 1000' \
		"$work"/h[0-9]*.json
}

echo "teaching mode compiled in and off (on) against compiled out (off);"
echo "on2 is 'on' again: |on/on2 - 1| is the run-to-run spread"
printf '%-12s %9s %9s %9s %9s %9s\n' row on_ms off_ms on2_ms on/off spread
for n in nsrun nsrun-root nsenter2 netns vethctl cgset unionmount; do
	on=$(median "$n-on") off=$(median "$n-off") on2=$(median "$n-on2")
	printf '%-12s %9.2f %9.2f %9.2f %9.3f %9.3f\n' "$n" "$on" "$off" "$on2" \
		"$(echo "$on / $off" | bc -l)" \
		"$(echo "d = $on / $on2 - 1; if (d < 0) -d else d" | bc -l)"
done
