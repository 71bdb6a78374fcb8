#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/nsrun.sh - nsrun against unshare, bwrap and crun for a trivial
# `true` in new namespaces, side by side in one hyperfine run, as medians
# and ratios, plus peak RSS (GNU time %M).  Run by hand, as root:
#   bench/nsrun.sh [BUILDDIR]      (RUNS=N runs in ROUNDS=N rounds)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top}" && pwd)
NSRUN=$build/nsrun
RUNS=${RUNS:-150}
ROUNDS=${ROUNDS:-3}
for t in hyperfine jq unshare bwrap crun cc /usr/bin/time; do
	command -v "$t" >/dev/null || { echo "bench: $t is missing" >&2; exit 1; }
done
[ -x "$NSRUN" ] || { echo "bench: $NSRUN is not built" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "bench: run as root" >&2; exit 1; }

work=$(mktemp -d /tmp/nsrun-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

# a busybox-static rootfs and an OCI bundle around it for crun
root=$work/bundle/rootfs
mkdir -p "$root/bin" "$root/etc" "$root/proc" "$root/dev" "$root/sys" "$root/tmp"
cp /bin/busybox "$root/bin/busybox"
for a in true sh cat ls sleep; do ln -s busybox "$root/bin/$a"; done
echo 'root:x:0:0::/:/bin/sh' > "$root/etc/passwd"
(cd "$work/bundle" && crun spec)
jq '.process.args = ["/bin/true"] | .process.terminal = false' \
	"$work/bundle/config.json" > "$work/config.json"
mv "$work/config.json" "$work/bundle/config.json"
# the confinement nsrun --root applies by default (masks, caps, seccomp)
"$top/bench/confine-bundle.sh" "$work/bundle/config.json"
cc -O2 -o "$work/floor" "$top/bench/nsrun-floor.c"
cc -O2 -o "$work/floor-all" "$top/bench/nsrun-floor-all.c"

# name|command (one shell word list each; no shell between hyperfine and it).
# Not quite the same work: with --net nsrun also brings lo up (rtnl_lock,
# which the previous run's netns cleanup may still hold), unshare does not;
# nsrun --root pivots and detaches the old root (an RCU grace period),
# unshare --root only chroots.
rows=(
	"true|true"
	"floor-probe|$work/floor true"
	"nsrun-a|$NSRUN --fork --pid --mount-proc true"
	"unshare-a|unshare --fork --pid --mount-proc true"
	"nsrun-b|$NSRUN --user --map-root-user --fork --pid --mount --uts --ipc --net true"
	"unshare-b|unshare --user --map-root-user --fork --pid --mount --uts --ipc --net true"
	"nsrun-all|$NSRUN --all --user --map-root-user true"
	"bwrap-all|bwrap --unshare-all --dev-bind / / true"
	"floor-all|$work/floor-all true"
	"nsrun-root|$NSRUN --pid --mount --uts --ipc --net --mount-proc --root $root /bin/true"
	"unshare-root|unshare --fork --pid --mount --uts --ipc --net --mount-proc --root=$root /bin/true"
	"crun|crun run --bundle $work/bundle cu-bench-$$"
)

# crun 1.8 refuses hybrid cgroups when cgroup2 holds a controller: every row
# then runs in one private mount namespace where a tmpfs hides cgroup2, so
# all rows see the same host (nothing outside changes)
wrap=()
if [ -n "$(cat /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null)" ]; then
	wrap=(unshare --mount --propagation private sh -c \
		'mount -t tmpfs -o size=4k,mode=755 cu-bench-nocg2 /sys/fs/cgroup/unified && exec "$@"' sh)
fi

args=()
for r in "${rows[@]}"; do
	args+=(--command-name "${r%%|*}" "${r#*|}")
done
# ROUNDS hyperfine calls, each running every row, so a slow phase of this
# shared machine hits every row; medians are over the runs of all rounds
for round in $(seq "$ROUNDS"); do
	"${wrap[@]}" hyperfine -N --warmup 3 --runs "$((RUNS / ROUNDS))" \
		--export-json "$work/h$round.json" --style none "${args[@]}" \
		> "$work/h.log" 2>&1 || { cat "$work/h.log" >&2; exit 1; }
done

median() {
	jq -s -r --arg n "$1" '[.[].results[] | select(.command == $n) | .times[]] | sort |
		if length % 2 == 1 then .[length / 2 | floor] else (.[length / 2 - 1] + .[length / 2]) / 2 end * 1000' \
		"$work"/h[0-9]*.json
}

# peak RSS in KiB: the largest of 7 runs (GNU time's %M is the maximum RSS
# of the command itself; for the forking tools that is the parent or child,
# whichever is larger)
peak_rss() {
	local max=0 v
	for _ in 1 2 3 4 5 6 7; do
		# shellcheck disable=SC2086
		v=$("${wrap[@]}" /usr/bin/time -f %M $1 2>&1 >/dev/null | tail -1)
		[ "$v" -gt "$max" ] && max=$v
	done
	echo "$max"
}

printf '%-13s %10s %10s %10s\n' row median_ms x_true peak_KiB
base=$(median true)
for r in "${rows[@]}"; do
	n=${r%%|*}
	m=$(median "$n")
	printf '%-13s %10.2f %10.2f %10s\n' "$n" "$m" "$(echo "$m / $base" | bc -l)" "$(peak_rss "${r#*|}")"
done

ratio() { printf '%-28s %6.2f\n' "$1 / $2" "$(echo "$(median "$1") / $(median "$2")" | bc -l)"; }
echo
echo "ratios (target: nsrun <= 0.9 x unshare, <= 0.5 x bwrap, <= 1.2 x floor-probe)"
ratio nsrun-a unshare-a
ratio nsrun-b unshare-b
ratio nsrun-root unshare-root
ratio nsrun-all bwrap-all
ratio nsrun-root crun
ratio nsrun-a floor-probe
# the kernel's share of the --all rows: a probe doing only the same clone + maps + exec
ratio floor-all bwrap-all
ratio nsrun-all floor-all
