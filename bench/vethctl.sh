#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/vethctl.sh [N...] - vethctl against iproute2, side by side:
#   create + delete N veth pairs with the peer in another namespace
#   (vethctl add/delete vs ip link add/del, and ip -batch; for add also the
#   kernel's floor, bench/veth-floor.c: one process that enters the
#   namespace and sends the one RTM_NEWLINK, nothing else), and
#   connect x100 vs the equivalent ip sequence; per-op medians (ip -batch:
#   mean, it is one process), ratios, peak RSS; the growth of the per-op
#   add cost from the smallest N to each larger one, and vethctl's growth
#   against the floor's (1.00: all of it is the kernel's).
#   Default N: 100 500 1000.
# Run as root, by hand.  Everything lives in namespaces made here.
set -euo pipefail

VETHCTL=${VETHCTL:-$(dirname "$0")/../vethctl}
top=$(cd "$(dirname "$0")/.." && pwd)
COUNTS=("${@:-100 500 1000}")
read -r -a COUNTS <<<"${COUNTS[*]}"
P="cub$$"
A="${P}a" B="${P}b"

cleanup() {
	local n
	set +e
	for n in "$A" "$B" "${P}c"; do
		ip netns delete "$n" 2>/dev/null || true
	done
	for n in /run/netns/"${P}"n*; do
		[ -e "$n" ] && ip netns delete "${n##*/}"
	done
	set -e
	return 0
}
work=$(mktemp -d)
trap 'cleanup; rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
FLOOR=$work/veth-floor

now() { date +%s%N; }

# Per-op times in microseconds, from $EPOCHREALTIME (no fork to measure).
TIMES=()
t_start() { T0=$EPOCHREALTIME; }
t_stop() { TIMES+=($(( ${EPOCHREALTIME/./} - ${T0/./} ))); }
# MED = median of TIMES in ms; TIMES is emptied for the next measurement
take_median() {
	MED=$(printf '%s\n' "${TIMES[@]}" | sort -n |
		awk '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.3f", m / 1000 }')
	TIMES=()
}

# per_op START END N -> milliseconds per operation
per_op() { awk -v s="$1" -v e="$2" -v n="$3" 'BEGIN { printf "%.3f", (e - s) / n / 1e6 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }

fresh() {
	cleanup
	ip netns add "$A"
	ip netns add "$B"
}

# vethctl and ip alternate, op by op, so both see the same machine load and
# the same number of links already present.
# The floor takes its turn with them; its pairs go (untimed, in one batch)
# before the deletes, which then meet what they met without it.
declare -A ADD
bench_pairs() {
	local n=$1 i s e t_va t_vd t_ia t_id t_ba t_bd t_fa va=() vd=() ia=() id=() fa=()
	fresh
	for ((i = 0; i < n; i++)); do
		t_start; "$VETHCTL" -N "$A" add "v$i" "p$i" --peer-netns "$B"; t_stop
		va+=("${TIMES[-1]}")
		t_start; ip -n "$A" link add "i$i" type veth peer name "q$i" netns "$B"; t_stop
		ia+=("${TIMES[-1]}")
		t_start; "$FLOOR" "$A" "$B" "f$i" "g$i"; t_stop
		fa+=("${TIMES[-1]}")
	done
	for ((i = 0; i < n; i++)); do echo "link del f$i"; done | ip -n "$A" -batch -
	for ((i = 0; i < n; i++)); do
		t_start; "$VETHCTL" -N "$A" delete "v$i"; t_stop
		vd+=("${TIMES[-1]}")
		t_start; ip -n "$A" link del "i$i"; t_stop
		id+=("${TIMES[-1]}")
	done
	TIMES=("${va[@]}"); take_median; t_va=$MED
	TIMES=("${ia[@]}"); take_median; t_ia=$MED
	TIMES=("${vd[@]}"); take_median; t_vd=$MED
	TIMES=("${id[@]}"); take_median; t_id=$MED
	TIMES=("${fa[@]}"); take_median; t_fa=$MED
	fresh
	s=$(now)
	for ((i = 0; i < n; i++)); do echo "link add v$i type veth peer name p$i netns $B"; done |
		ip -n "$A" -batch -
	e=$(now); t_ba=$(per_op "$s" "$e" "$n")
	ADD["$n,vethctl"]=$t_va ADD["$n,iplink"]=$t_ia ADD["$n,batch"]=$t_ba ADD["$n,floor"]=$t_fa
	s=$(now)
	for ((i = 0; i < n; i++)); do echo "link del v$i"; done | ip -n "$A" -batch -
	e=$(now); t_bd=$(per_op "$s" "$e" "$n")
	printf '%-22s %6s %10s %10s %10s %8s %8s %10s %8s\n' "pairs (ms/op)" "N" "vethctl" "ip" "ip-batch" "v/ip" "v/batch" "floor" "v/floor"
	printf '%-22s %6d %10s %10s %10s %8s %8s %10s %8s\n' "add" "$n" "$t_va" "$t_ia" "$t_ba" \
		"$(ratio "$t_va" "$t_ia")" "$(ratio "$t_va" "$t_ba")" "$t_fa" "$(ratio "$t_va" "$t_fa")"
	printf '%-22s %6d %10s %10s %10s %8s %8s\n' "delete" "$n" "$t_vd" "$t_id" "$t_bd" \
		"$(ratio "$t_vd" "$t_id")" "$(ratio "$t_vd" "$t_bd")"
}

# growth of the per-op add cost at each N against the smallest
add_growth() {
	local base=${COUNTS[0]} n gv gi gb gf
	for n in "${COUNTS[@]:1}"; do
		gv=$(ratio "${ADD["$n,vethctl"]}" "${ADD["$base,vethctl"]}") gi=$(ratio "${ADD["$n,iplink"]}" "${ADD["$base,iplink"]}")
		gb=$(ratio "${ADD["$n,batch"]}" "${ADD["$base,batch"]}") gf=$(ratio "${ADD["$n,floor"]}" "${ADD["$base,floor"]}")
		printf 'add per-op cost at %s against %s (1.00 = no growth): vethctl %s   ip %s   ip-batch %s   floor %s   vethctl/floor %s\n' \
			"$n" "$base" "$gv" "$gi" "$gb" "$gf" "$(ratio "$gv" "$gf")"
	done
}

# connect: bridge exists; each namespace gets a pair, address, lo up, route.
bench_connect() {
	local n=$1 i t_v t_i br=${P}br
	fresh
	ip -n "$A" link add "$br" type bridge
	ip -n "$A" addr add 10.250.0.1/16 dev "$br"
	ip -n "$A" link set "$br" up
	for ((i = 0; i < n; i++)); do ip netns add "${P}n$i"; ip netns add "${P}nb$i"; done
	local cv=() ci=() ns
	for ((i = 0; i < n; i++)); do
		t_start
		"$VETHCTL" -N "$A" connect "${P}n$i" --bridge "$br" --addr "10.250.1.$((i + 1))/16"
		t_stop
		cv+=("${TIMES[-1]}")
		ns=${P}nb$i
		t_start
		ip -n "$A" link add "h$i" type veth peer name eth0 netns "$ns"
		ip -n "$A" link set "h$i" master "$br" up
		ip -n "$ns" link set lo up
		ip -n "$ns" link set eth0 up
		ip -n "$ns" addr add "10.250.2.$((i + 1))/16" dev eth0
		ip -n "$ns" route add default via 10.250.0.1
		t_stop
		ci+=("${TIMES[-1]}")
	done
	TIMES=("${cv[@]}"); take_median; t_v=$MED
	TIMES=("${ci[@]}"); take_median; t_i=$MED
	for ((i = 0; i < n; i++)); do "$VETHCTL" -N "$A" disconnect "${P}n$i"; done
	printf '%-22s %6d %10s %10s %10s %8s\n' "connect (ms/op)" "$n" "$t_v" "$t_i" "-" "$(ratio "$t_v" "$t_i")"
}

bench_rss() {
	fresh
	printf '%-22s %10s %10s\n' "peak RSS (KiB)" "vethctl" "ip"
	printf '%-22s %10s %10s\n' "add one pair" \
		"$(rss "$VETHCTL" -N "$A" add r0 q0 --peer-netns "$B")" \
		"$(rss ip -n "$A" link add r1 type veth peer name q1 netns "$B")"
	printf '%-22s %10s %10s\n' "list" \
		"$(rss "$VETHCTL" -N "$A" list)" "$(rss ip -n "$A" -d link show)"
}

[ "$(id -u)" -eq 0 ] || { echo "bench/vethctl.sh: run as root" >&2; exit 1; }
${CC:-cc} -O2 -o "$FLOOR" "$top/bench/veth-floor.c"
for n in "${COUNTS[@]}"; do
	bench_pairs "$n"
done
add_growth
bench_connect 100
bench_rss
