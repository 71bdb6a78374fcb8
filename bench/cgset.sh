#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/cgset.sh - cgset against libcgroup's tools (Debian cgroup-tools) and
# against plain writes to cgroupfs, side by side in one run.
#
#   create + set (cpu 20%, memory 64M) + add PID + delete, N times:
#     cgset create/set/add/delete, and create with the limits/add/delete
#     cgcreate / /usr/bin/cgset / cgclassify / cgdelete
#     plain writes: one `sh -c` per step (one process per step, as above)
#   run a program in a group:
#     cgset run -- true  (new group each time, removed afterwards)
#     cgset run --name EXISTING -- true
#     cgexec -g cpu,memory:EXISTING true
#     the last two again after 50 ms idle (N/4 times), as a lone start is
# Medians; the tools take turns in each round so machine load hits all alike.
#   peak RSS of each tool.
#
# Run as root from the build tree: bench/cgset.sh [N]   (default 100)
set -euo pipefail

N=${1:-100}
TOP=$(cd "$(dirname "$0")/.." && pwd)
OURS=${CGSET:-$TOP/cgset}
LIBCG_SET=/usr/bin/cgset	# Debian's libcgroup cgset, by full path
CG=/sys/fs/cgroup
PREFIX=cubench$$

[ "$(id -u)" -eq 0 ] || { echo "bench/cgset.sh: run as root" >&2; exit 1; }
[ -x "$OURS" ] || { echo "bench/cgset.sh: build cgset first ($OURS)" >&2; exit 1; }
for t in cgcreate cgclassify cgdelete cgexec "$LIBCG_SET"; do
	command -v "$t" >/dev/null || { echo "bench/cgset.sh: $t is missing" >&2; exit 1; }
done

sleep 100000 &
VICTIM=$!
cleanup() {
	kill "$VICTIM" 2>/dev/null || true
	rm -rf "${TMP:-/nonexistent}"
	local d
	for d in "$CG"/*/"$PREFIX"*; do
		[ -d "$d" ] && rmdir "$d" 2>/dev/null
	done
	return 0
}
trap cleanup EXIT

# The clock, in microseconds, without a process: $(date) would add its own
# fork and exec to every sample.
now_us() { printf -v "$1" '%s' "${EPOCHREALTIME/./}"; }

# Move the victim back to the root of every hierarchy (not timed).
release() {
	local d
	for d in "$CG"/cpu "$CG"/memory "$CG"/unified; do
		[ -d "$d" ] && echo "$VICTIM" > "$d/cgroup.procs"
	done
}

# A / B with two decimals
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# median of the numbers on stdin
median() {
	sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

ours_cycle() {
	"$OURS" create "$1"
	"$OURS" set "$1" --cpu 20% --memory 64M
	"$OURS" add "$1" "$VICTIM"
}
ours_delete() { "$OURS" delete "$1"; }

# the same result the way cgset is meant to be used: limits at create
ours1_cycle() {
	"$OURS" create "$1" --cpu 20% --memory 64M
	"$OURS" add "$1" "$VICTIM"
}
ours1_delete() { ours_delete "$1"; }

libcg_cycle() {
	cgcreate -g "cpu,memory:$1"
	"$LIBCG_SET" -r cpu.cfs_quota_us=20000 -r memory.limit_in_bytes=64M "$1"
	cgclassify -g "cpu,memory:$1" "$VICTIM"
}
# cgdelete 2.0.2 removes only the first controller of a list: two calls.
libcg_delete() { cgdelete -g "cpu:$1"; cgdelete -g "memory:$1"; }

plain_cycle() {
	sh -c "mkdir $CG/unified/$1 $CG/cpu/$1 $CG/memory/$1"
	sh -c "echo 100000 > $CG/cpu/$1/cpu.cfs_period_us; echo 20000 > $CG/cpu/$1/cpu.cfs_quota_us; echo 67108864 > $CG/memory/$1/memory.limit_in_bytes"
	sh -c "for h in unified cpu memory; do echo $VICTIM > $CG/\$h/$1/cgroup.procs; done"
}
plain_delete() { sh -c "rmdir $CG/memory/$1 $CG/cpu/$1 $CG/unified/$1"; }

# One cycle of KIND, in microseconds (the untimed release in between).
one_cycle() {
	local kind=$1 name=$2 t0 t1 t2 t3
	now_us t0; "${kind}_cycle" "$name"; now_us t1
	release
	now_us t2; "${kind}_delete" "$name"; now_us t3
	echo $(( t1 - t0 + t3 - t2 ))
}

# Time @cmd... once, in microseconds.
one_run() {
	local t0 t1
	now_us t0; "$@" >/dev/null; now_us t1
	echo $(( t1 - t0 ))
}

# The kinds take turns in every round, so a busy machine slows all alike.
bench_cycles() {
	local i kind
	for ((i = 0; i < N; i++)); do
		for kind in ours ours1 libcg plain; do
			one_cycle "$kind" "$PREFIX$kind$i" >> "$TMP/$kind"
		done
	done
}

bench_runs() {
	local i
	for ((i = 0; i < N; i++)); do
		one_run "$OURS" run --cpu 20% --memory 64M -- true >> "$TMP/run"
		one_run "$OURS" run --name "$KEEP" -- true >> "$TMP/runx"
		one_run cgexec -g "cpu,memory:$KEEP" true >> "$TMP/cgexec"
	done
}

# The same after 50 ms without a cgroup move, as a lone start is: the
# kernel's threadgroup lock is idle again, and a cgroup.procs write waits
# for an RCU grace period before it can take it.
bench_cold_runs() {
	local i
	for ((i = 0; i < (N + 3) / 4; i++)); do
		sleep 0.05
		one_run "$OURS" run --name "$KEEP" -- true >> "$TMP/runc"
		sleep 0.05
		one_run cgexec -g "cpu,memory:$KEEP" true >> "$TMP/cgexecc"
	done
}

TMP=$(mktemp -d)
KEEP=${PREFIX}keep

echo "cgset benchmark: $N cycles of create + set (cpu 20%, memory 64M) + add + delete"
echo "host: $(uname -r), $(nproc) CPUs, $(awk '/ - cgroup2 /{v2=1} / - cgroup /{v1=1} END{print (v1&&v2)?"hybrid":(v2?"v2":"v1")}' /proc/self/mountinfo)"
bench_cycles
ours=$(median < "$TMP/ours")
ours1=$(median < "$TMP/ours1")
libcg=$(median < "$TMP/libcg")
plain=$(median < "$TMP/plain")
printf '\n%-44s %12s %10s\n' "cycle (median of $N)" "µs/cycle" "cgset/x"
printf '%-44s %12s %10s\n' "cgset create/set/add/delete" "$ours" "1.00"
printf '%-44s %12s %10s\n' "cgset create --cpu --memory/add/delete" "$ours1" "-"
printf '%-44s %12s %10s\n' "cgcreate/cgset/cgclassify/cgdelete x2" "$libcg" "$(ratio "$ours" "$libcg")"
printf '%-44s %12s %10s\n' "  (limits at create: cgset/libcgroup)" "" "$(ratio "$ours1" "$libcg")"
printf '%-44s %12s %10s\n' "plain writes (one sh -c per step)" "$plain" "$(ratio "$ours" "$plain")"

# --- run ------------------------------------------------------------------
"$OURS" create "$KEEP" --cpu 20% --memory 64M
bench_runs
bench_cold_runs
run=$(median < "$TMP/run")
runx=$(median < "$TMP/runx")
cgexec=$(median < "$TMP/cgexec")
runc=$(median < "$TMP/runc")
cgexecc=$(median < "$TMP/cgexecc")
echo
printf '%-44s %12s %10s\n' "run (median of $N)" "µs/run" "cgset/x"
printf '%-44s %12s %10s\n' "cgset run -- true (fresh group)" "$run" "1.00"
printf '%-44s %12s %10s\n' "cgset run --name EXISTING -- true" "$runx" "-"
printf '%-44s %12s %10s\n' "cgexec -g cpu,memory:EXISTING true" "$cgexec" "$(ratio "$run" "$cgexec")"
printf '%-44s %12s %10s\n' "  (existing group: cgset/cgexec)" "" "$(ratio "$runx" "$cgexec")"
printf '%-44s %12s %10s\n' "cgset run --name EXISTING, 50 ms idle" "$runc" "-"
printf '%-44s %12s %10s\n' "cgexec -g cpu,memory:EXISTING, 50 ms idle" "$cgexecc" "$(ratio "$runc" "$cgexecc")"

# --- peak RSS ----------------------------------------------------------------
rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
echo
printf '%-44s %12s\n' "peak RSS" "KiB"
printf '%-44s %12s\n' "cgset create" "$(rss "$OURS" create "${PREFIX}rss" --cpu 20% --memory 64M)"
printf '%-44s %12s\n' "cgset show" "$(rss "$OURS" show "${PREFIX}rss")"
printf '%-44s %12s\n' "cgset delete" "$(rss "$OURS" delete "${PREFIX}rss")"
printf '%-44s %12s\n' "cgset run -- true" "$(rss "$OURS" run --cpu 20% -- true)"
printf '%-44s %12s\n' "cgcreate -g cpu,memory" "$(rss cgcreate -g "cpu,memory:${PREFIX}rss")"
printf '%-44s %12s\n' "/usr/bin/cgset -r" "$(rss "$LIBCG_SET" -r cpu.cfs_quota_us=20000 "${PREFIX}rss")"
printf '%-44s %12s\n' "cgdelete" "$(rss cgdelete -g "cpu:${PREFIX}rss")"
cgdelete -g "memory:${PREFIX}rss"
printf '%-44s %12s\n' "cgexec true" "$(rss cgexec -g "cpu,memory:$KEEP" true)"
"$OURS" delete "$KEEP"
