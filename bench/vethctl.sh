#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/vethctl.sh [N...] - vethctl against iproute2, side by side:
#   create + delete N veth pairs with the peer in another namespace
#   (vethctl add/delete vs ip link add/del, and ip -batch), and
#   connect x100 vs the equivalent ip sequence; per-op medians (ip -batch:
#   mean, it is one process), ratios, peak RSS.  Default N: 100 500 1000.
# Run as root, by hand.  Everything lives in namespaces made here.
set -euo pipefail

VETHCTL=${VETHCTL:-$(dirname "$0")/../vethctl}
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
trap cleanup EXIT

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
bench_pairs() {
	local n=$1 i s e t_va t_vd t_ia t_id t_ba t_bd va=() vd=() ia=() id=()
	fresh
	for ((i = 0; i < n; i++)); do
		t_start; "$VETHCTL" -N "$A" add "v$i" "p$i" --peer-netns "$B"; t_stop
		va+=("${TIMES[-1]}")
		t_start; ip -n "$A" link add "i$i" type veth peer name "q$i" netns "$B"; t_stop
		ia+=("${TIMES[-1]}")
	done
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
	fresh
	s=$(now)
	for ((i = 0; i < n; i++)); do echo "link add v$i type veth peer name p$i netns $B"; done |
		ip -n "$A" -batch -
	e=$(now); t_ba=$(per_op "$s" "$e" "$n")
	s=$(now)
	for ((i = 0; i < n; i++)); do echo "link del v$i"; done | ip -n "$A" -batch -
	e=$(now); t_bd=$(per_op "$s" "$e" "$n")
	printf '%-22s %6s %10s %10s %10s %8s %8s\n' "pairs (ms/op)" "N" "vethctl" "ip" "ip-batch" "v/ip" "v/batch"
	printf '%-22s %6d %10s %10s %10s %8s %8s\n' "add" "$n" "$t_va" "$t_ia" "$t_ba" \
		"$(ratio "$t_va" "$t_ia")" "$(ratio "$t_va" "$t_ba")"
	printf '%-22s %6d %10s %10s %10s %8s %8s\n' "delete" "$n" "$t_vd" "$t_id" "$t_bd" \
		"$(ratio "$t_vd" "$t_id")" "$(ratio "$t_vd" "$t_bd")"
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
for n in "${COUNTS[@]}"; do
	bench_pairs "$n"
done
bench_connect 100
bench_rss
