#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/netns.sh - `netns add/delete` against iproute2's `ip netns`, side by
# side in one run:
#   - one process per name (N times `netns add NAME` vs `ip netns add NAME`),
#     per-operation median, first tenth vs last tenth of the run;
#   - all names in one call (`netns add N1 N2 ...` vs `ip -batch`), per name;
#   - the per-operation cost at each N against the smallest N;
#   - peak RSS (getrusage through /usr/bin/time -f %M).
# Run as root:  bench/netns.sh [N...]   (default: 100 1000)
# Names are "cubench<pid>-<i>"; all are removed at the end, even on ^C.
set -u

NETNS=${NETNS:-$(cd "$(dirname "$0")/.." && pwd)/netns}
IP=${IP:-ip}
COUNTS=("$@")
[ ${#COUNTS[@]} -gt 0 ] || COUNTS=(100 1000)
PREFIX="cubench$$-"
SETTLE=${SETTLE:-3}	# seconds for the kernel's asynchronous netns cleanup

[ "$(id -u)" -eq 0 ] || { echo "bench/netns.sh: run as root" >&2; exit 1; }
[ -x "$NETNS" ] || { echo "bench/netns.sh: $NETNS is not built" >&2; exit 1; }

cleanup() {
	local f
	for f in /run/netns/"$PREFIX"*; do
		[ -e "$f" ] || continue
		umount -l "$f" 2>/dev/null
		rm -f "$f"
	done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# stats FILE (one time in microseconds per line, in run order) -> "median first-tenth-median last-tenth-median" (ms)
stats() {
	python3 - "$1" <<'EOF'
import statistics, sys
v = [float(x) for x in open(sys.argv[1]) if x.strip()]
k = max(1, len(v) // 10)
m = lambda a: statistics.median(a) / 1000.0
print(f"{m(v):.3f} {m(v[:k]):.3f} {m(v[-k:]):.3f}")
EOF
}

now_us() {
	local t=${EPOCHREALTIME/./}
	echo "${t#0}"
}

# per_process OUT N CMD...: run "CMD NAME_i" for i in 1..N, one time per line
per_process() {
	local out=$1 n=$2 i t0 t1
	shift 2
	: > "$out"
	for ((i = 1; i <= n; i++)); do
		t0=$(now_us)
		"$@" "$PREFIX$i" || { echo "bench/netns.sh: $* $PREFIX$i failed" >&2; exit 1; }
		t1=$(now_us)
		echo $((t1 - t0)) >> "$out"
	done
}

names() {
	local i
	for ((i = 1; i <= $1; i++)); do printf '%s%s\n' "$PREFIX" "$i"; done
}

# one_call N CMD...: all N names in one process; prints ms per name
one_call() {
	local n=$1 t0 t1
	shift
	t0=$(now_us)
	"$@" || { echo "bench/netns.sh: $* failed" >&2; exit 1; }
	t1=$(now_us)
	awk -v d=$((t1 - t0)) -v n="$n" 'BEGIN { printf "%.3f", d / n / 1000 }'
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'
}

rss_kib() {
	/usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1
}

settle() { sleep "$SETTLE"; }

tmp=$(mktemp -d)
trap 'cleanup; rm -rf "$tmp"' EXIT

echo "netns: $NETNS"
echo "ip:    $($IP -V)"
echo "kernel $(uname -r), $(nproc) CPUs, $(find /run/netns -mindepth 1 -maxdepth 1 2>/dev/null | wc -l) names in /run/netns before"
echo

declare -A MED
printf '%-7s %-22s %10s %10s %10s %8s\n' N operation "median ms" "1st 10%" "last 10%" ratio
for n in "${COUNTS[@]}"; do
	per_process "$tmp/na" "$n" "$NETNS" add;	settle
	per_process "$tmp/nd" "$n" "$NETNS" delete;	settle
	per_process "$tmp/ia" "$n" "$IP" netns add;	settle
	per_process "$tmp/id" "$n" "$IP" netns delete;	settle
	read -r na na1 naN <<< "$(stats "$tmp/na")"
	read -r nd nd1 ndN <<< "$(stats "$tmp/nd")"
	read -r ia ia1 iaN <<< "$(stats "$tmp/ia")"
	read -r id id1 idN <<< "$(stats "$tmp/id")"
	MED[$n,na]=$na MED[$n,nd]=$nd MED[$n,ia]=$ia MED[$n,id]=$id
	printf '%-7s %-22s %10s %10s %10s %8s\n' "$n" "netns add (1/proc)" "$na" "$na1" "$naN" "$(ratio "$na" "$ia")"
	printf '%-7s %-22s %10s %10s %10s %8s\n' "$n" "ip netns add (1/proc)" "$ia" "$ia1" "$iaN" 1.00
	printf '%-7s %-22s %10s %10s %10s %8s\n' "$n" "netns delete (1/proc)" "$nd" "$nd1" "$ndN" "$(ratio "$nd" "$id")"
	printf '%-7s %-22s %10s %10s %10s %8s\n' "$n" "ip netns del (1/proc)" "$id" "$id1" "$idN" 1.00

	mapfile -t all < <(names "$n")
	names "$n" | sed 's/^/netns add /' > "$tmp/badd"
	names "$n" | sed 's/^/netns delete /' > "$tmp/bdel"
	oa=$(one_call "$n" "$NETNS" add "${all[@]}");		settle
	od=$(one_call "$n" "$NETNS" delete "${all[@]}");	settle
	ba=$(one_call "$n" "$IP" -batch "$tmp/badd");		settle
	bd=$(one_call "$n" "$IP" -batch "$tmp/bdel");		settle
	MED[$n,oa]=$oa MED[$n,od]=$od
	printf '%-7s %-22s %10s %10s %10s %8s\n' "$n" "netns add N1..N" "$oa" - - "$(ratio "$oa" "$ba")"
	printf '%-7s %-22s %10s %10s %10s %8s\n' "$n" "ip -batch netns add" "$ba" - - 1.00
	printf '%-7s %-22s %10s %10s %10s %8s\n' "$n" "netns delete N1..N" "$od" - - "$(ratio "$od" "$bd")"
	printf '%-7s %-22s %10s %10s %10s %8s\n' "$n" "ip -batch netns del" "$bd" - - 1.00
	echo
done

base=${COUNTS[0]}
for n in "${COUNTS[@]:1}"; do
	echo "per-operation cost at $n against $base (1.00 = no growth):"
	printf '  netns add %s   ip netns add %s   netns delete %s   ip netns del %s   netns add N1..N %s\n' \
		"$(ratio "${MED[$n,na]}" "${MED[$base,na]}")" "$(ratio "${MED[$n,ia]}" "${MED[$base,ia]}")" \
		"$(ratio "${MED[$n,nd]}" "${MED[$base,nd]}")" "$(ratio "${MED[$n,id]}" "${MED[$base,id]}")" \
		"$(ratio "${MED[$n,oa]}" "${MED[$base,oa]}")"
done
echo

big=${COUNTS[-1]}
mapfile -t all < <(names "$big")
names "$big" | sed 's/^/netns add /' > "$tmp/badd"
names "$big" | sed 's/^/netns delete /' > "$tmp/bdel"
echo "peak RSS (KiB):"
printf '  netns add 1 name       %s\n' "$(rss_kib "$NETNS" add "${PREFIX}r")"
printf '  ip netns add 1 name    %s\n' "$(rss_kib "$IP" netns add "${PREFIX}s")"
printf '  netns list (%s+ names) %s\n' "$(find /run/netns -mindepth 1 -maxdepth 1 | wc -l)" "$(rss_kib "$NETNS" list)"
printf '  ip netns list          %s\n' "$(rss_kib "$IP" netns list)"
"$NETNS" delete "${PREFIX}r" "${PREFIX}s"
settle
printf '  netns add %s names   %s\n' "$big" "$(rss_kib "$NETNS" add "${all[@]}")"
printf '  netns delete %s names %s\n' "$big" "$(rss_kib "$NETNS" delete "${all[@]}")"
settle
printf '  ip -batch add %s      %s\n' "$big" "$(rss_kib "$IP" -batch "$tmp/badd")"
printf '  ip -batch delete %s   %s\n' "$big" "$(rss_kib "$IP" -batch "$tmp/bdel")"
