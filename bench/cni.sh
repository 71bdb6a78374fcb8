#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/cni.sh [N] - vethctl's CNI mode against the reference plugins
# (Debian's containernetworking-plugins: bridge + host-local):
#   1. one ADD+DEL of the same configuration into the same namespace, both
#      plugins in one hyperfine run, with and without ipMasq: wall and CPU
#      (user+system, the plugin's children included), and the ratios
#      (targets: wall <= 1.0x, CPU <= 0.3x);
#   2. N containers (default 1000) ADDed to one bridge by vethctl: the
#      median per-ADD wall time of the first 100 against the last 100
#      (target: within 10 %), beside the reference bridge plugin, the same
#      links made with ip, and the kernel's floor (bench/veth-floor.c), each
#      on its own bridge, alternating with the ADDs; every row also as a
#      ratio to the floor at both ends, so the growth can be judged as
#      "ours against the kernel's".  Two floors: the pair alone, and the
#      pair made a port of a bridge and up (the kernel's own cost of a
#      bridge attachment, which grows with the ports: br_add_if walks them).
#      PROFILE=DIR: strace -c of ADD 100 and N.
# Run as root, by hand.  Everything happens inside namespaces made here.
set -euo pipefail

VETHCTL=${VETHCTL:-${CU_BUILDDIR:-$(dirname "$0")/..}/vethctl}
VETHCTL=$(realpath "$VETHCTL")
REF=${REF:-/usr/lib/cni}
N=${1:-1000}
RUNS=${RUNS:-30}
P="bcn$$"
H="${P}h" C="${P}c"

for t in hyperfine jq "$REF/bridge" "$REF/host-local" "$VETHCTL"; do
	command -v "$t" >/dev/null || { echo "cni.sh: $t is missing" >&2; exit 1; }
done
[ "$(id -u)" -eq 0 ] || { echo "cni.sh: must be run as root" >&2; exit 1; }

work=$(mktemp -d)
cleanup() {
	local n
	set +e
	for n in /run/netns/"${P}"*; do
		[ -e "$n" ] && ip netns delete "${n##*/}"
	done
	rm -rf /run/container-utils/cni/"${P}"* /run/container-utils/leases/"${P}"*@*
	rm -rf "$work"
	return 0
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# conf TYPE MASQ: the configuration both plugins are given
conf() {
	jq -nc --arg t "$1" --argjson m "$2" --arg n "${P}net" --arg br "${P}br" \
		--arg dd "$work/host-local" '{
		cniVersion: "1.0.0", name: $n, type: $t, bridge: $br,
		isGateway: true, ipMasq: $m,
		ipam: { type: "host-local", subnet: "10.233.0.0/16", dataDir: $dd,
			routes: [ { dst: "0.0.0.0/0" } ] } }'
}

ip netns add "$H"
ip netns add "$C"
for t in bridge vethctl; do
	for m in false true; do
		conf "$t" "$m" > "$work/$t-$m.json"
	done
done
# ADD then DEL, the way a runtime calls a plugin: one process each
cat > "$work/adddel.sh" <<'EOF'
plugin=$1 conf=$2
export CNI_CONTAINERID=bench CNI_NETNS=/run/netns/$3 CNI_IFNAME=eth0 CNI_PATH=$4
CNI_COMMAND=ADD "$plugin" < "$conf" > /dev/null && CNI_COMMAND=DEL "$plugin" < "$conf"
EOF

echo "## ADD+DEL, one namespace, $RUNS runs each (hyperfine, inside the host namespace $H)"
ip netns exec "$H" hyperfine -N -w 3 -r "$RUNS" --export-json "$work/hf.json" \
	-n "bridge" "bash $work/adddel.sh $REF/bridge $work/bridge-false.json $C $REF" \
	-n "vethctl" "bash $work/adddel.sh $VETHCTL $work/vethctl-false.json $C $REF" \
	-n "bridge ipMasq" "bash $work/adddel.sh $REF/bridge $work/bridge-true.json $C $REF" \
	-n "vethctl ipMasq" "bash $work/adddel.sh $VETHCTL $work/vethctl-true.json $C $REF" \
	-n "baseline" "bash $work/adddel.sh /bin/true $work/bridge-false.json $C $REF" \
	> /dev/null
# ratios as measured, and net of the baseline (the same script running
# /bin/true for both calls: bash and two execs, in every row alike)
jq -r '
	def ms: . * 1000 * 100 | round / 100;
	def r2: . * 100 | round / 100;
	(.results | map({key: .command, value: .}) | from_entries) as $r
	| ($r.baseline) as $b
	| "| row | wall median ms | CPU mean ms (user+sys) | wall × ref | CPU × ref | CPU × ref, net of baseline |",
	  "|---|---:|---:|---:|---:|---:|",
	  (.results[] | select(.command != "baseline") | . as $x
	   | ($r[$x.command | sub("vethctl"; "bridge")]) as $ref
	   | "| \($x.command) | \($x.median | ms) | \(($x.user + $x.system) | ms) | \($x.median / $ref.median | r2) | \(($x.user + $x.system) / ($ref.user + $ref.system) | r2) | \((($x.user + $x.system) - ($b.user + $b.system)) / (($ref.user + $ref.system) - ($b.user + $b.system)) | r2) |"),
	  "| baseline | \($b.median | ms) | \(($b.user + $b.system) | ms) | | | |"' \
	"$work/hf.json"

echo
echo "## $N containers on one bridge each: vethctl, the reference bridge + host-local, and the kernel's floor"
echo "(all isGateway, no ipMasq; per container the four alternate, so all meet the same number of ports"
echo " and the same load.  ip: ip link add a veth into a namespace, master + up, the peer up, three"
echo " processes; floor: bench/veth-floor.c, one process, one RTM_NEWLINK, the least any plugin must do;"
echo " bridged floor: the same RTM_NEWLINK with the bridge as master and up, one more for the peer up)"
conf vethctl false > "$work/many.json"
conf bridge false | jq -c --arg br "${P}rb" '.bridge = $br | .ipam.subnet = "10.234.0.0/16"' > "$work/many-ref.json"
${CC:-cc} -O2 -o "$work/veth-floor" "$(dirname "$0")/veth-floor.c"
# the loop runs inside the host namespace: only the plugins (or ip) are timed.
# PROFILE=DIR: the vethctl ADDs number 100 and N also run under strace -c
# (their times are left out of the medians' neighbours only by being two).
cat > "$work/many.sh" <<'EOS'
P=$1 N=$2 VETHCTL=$3 conf=$4 ref=$5 REF=$6 floor=$7 H=$8 profile=$9
ip link add "${P}fl" type bridge && ip link set "${P}fl" up
ip link add "${P}fm" type bridge && ip link set "${P}fm" up
for ((i = 1; i <= N; i++)); do
	pre=()
	if [ -n "$profile" ] && { [ "$i" -eq 100 ] || [ "$i" -eq "$N" ]; }; then
		pre=(strace -f -c -o "$profile/strace-$i.txt")
	fi
	t0=$EPOCHREALTIME
	CNI_COMMAND=ADD CNI_CONTAINERID="c$i" CNI_NETNS="/run/netns/${P}n$i" \
		CNI_IFNAME=eth0 "${pre[@]}" "$VETHCTL" < "$conf" > /dev/null || exit 1
	t1=$EPOCHREALTIME
	CNI_COMMAND=ADD CNI_CONTAINERID="r$i" CNI_NETNS="/run/netns/${P}f$i" \
		CNI_IFNAME=eth2 CNI_PATH="$REF" "$REF/bridge" < "$ref" > /dev/null || exit 1
	t2=$EPOCHREALTIME
	ip link add "f$i" type veth peer name eth0 netns "${P}f$i" &&
		ip link set "f$i" master "${P}fl" up &&
		ip -n "${P}f$i" link set eth0 up || exit 1
	t3=$EPOCHREALTIME
	"$floor" "$H" "${P}f$i" "g$i" eth1 || exit 1
	t4=$EPOCHREALTIME
	VETH_FLOOR_MASTER="${P}fm" "$floor" "$H" "${P}f$i" "m$i" eth3 || exit 1
	t5=$EPOCHREALTIME
	echo "$i $(( ${t1/./} - ${t0/./} )) $(( ${t2/./} - ${t1/./} )) $(( ${t3/./} - ${t2/./} )) $(( ${t4/./} - ${t3/./} )) $(( ${t5/./} - ${t4/./} ))"
done
EOS
for ((i = 1; i <= N; i++)); do
	ip netns add "${P}n$i"
	ip netns add "${P}f$i"
done
profile=
if [ -n "${PROFILE:-}" ]; then
	mkdir -p "$PROFILE"
	profile=$(realpath "$PROFILE")
fi
ip netns exec "$H" bash "$work/many.sh" "$P" "$N" "$VETHCTL" "$work/many.json" \
	"$work/many-ref.json" "$REF" "$work/veth-floor" "$H" "$profile" > "$work/many.out"
med() { # COLUMN FIRST LAST: median of ADDs FIRST..LAST, in ms
	awk -v c="$1" -v f="$2" -v l="$3" '$1 >= f && $1 <= l { print $c }' "$work/many.out" | sort -n |
		awk '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.2f", m / 1000 }'
}
lo=$((N < 100 ? N : 100)) hi=$((N > 100 ? N - 99 : 1))
declare -A M1 M2
for c in 2:vethctl 3:bridge 4:ip 5:floor 6:bfloor; do
	M1[${c#*:}]=$(med "${c%%:*}" 1 "$lo") M2[${c#*:}]=$(med "${c%%:*}" "$hi" "$N")
done
row() { # NAME: per-ADD medians, growth, and against the floor at both ends
	awk -v n="$1" -v a="${M1[$1]}" -v b="${M2[$1]}" -v fa="${M1[floor]}" -v fb="${M2[floor]}" \
		'BEGIN { printf "| %s | %s | %s | %.2f x | %.2f | %.2f | %.2f x |\n", n, a, b, b / a, a / fa, b / fb, (b / fb) / (a / fa) }'
}
echo "| per ADD, median ms | 1–$lo | $hi–$N | growth | × floor at 1–$lo | × floor at $hi–$N | growth against the floor's |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for c in vethctl bridge ip floor bfloor; do row "$c"; done
awk -v a="${M1[vethctl]}" -v b="${M2[vethctl]}" -v c="${M1[floor]}" -v d="${M2[floor]}" \
	'BEGIN { printf "\nvethctl above the floor: %.2f ms at 1–%d, %.2f ms at %d–%d\n", a - c, '"$lo"', b - d, '"$hi"', '"$N"' }'
# the target (per-ADD cost at N within 10 % of that at 100) beside what the
# kernel allows: the growth of a bare bridge attachment
awk -v a="${M1[vethctl]}" -v b="${M2[vethctl]}" -v c="${M1[bfloor]}" -v d="${M2[bfloor]}" \
	'BEGIN { printf "growth: vethctl %.2f x, bridged floor %.2f x (target: vethctl within 1.10 x; the floor is the kernel alone)\n", b / a, d / c }'
ip netns exec "$H" ip -o link show master "${P}br" | wc -l | sed 's/^/ports on the bridge: /'
# DEL them all (inside too), then their namespaces go
# shellcheck disable=SC2016 # expanded by the inner bash
ip netns exec "$H" bash -c 'for ((i = 1; i <= $1; i++)); do
	CNI_COMMAND=DEL CNI_CONTAINERID="c$i" CNI_NETNS="/run/netns/$2n$i" \
		CNI_IFNAME=eth0 "$3" < "$4" || exit 1; done' - "$N" "$P" "$VETHCTL" "$work/many.json"
ip netns exec "$H" ip -o link show master "${P}br" | wc -l | sed 's/^/ports left after DEL: /'
