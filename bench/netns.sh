#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/netns.sh - `netns add/delete` against iproute2's `ip netns`, side by
# side in one run:
#   - one process per name (N times `netns add NAME` vs `ip netns add NAME`),
#     per-operation median, first tenth vs last tenth of the run;
#   - all names in one call (`netns add N1 N2 ...` vs `ip -batch`, and the
#     kernel's floor: bench/netns-floor.c, one file + unshare + bind mount per
#     name and nothing else), per name, median of REPEAT runs (more below
#     1000 names, up to 5 x REPEAT: a call of 100 names lasts some 60 ms);
#   - the per-operation cost at each N against the smallest N;
#   - peak RSS (getrusage through /usr/bin/time -f %M);
#   - wall and CPU (user+sys) time per name of all names in one call, at the
#     largest N: netns add spreads the names over up to 4 threads (one per
#     CPU), so its wall time can be below its CPU time.
# All of it twice: with /run/netns as on the host, then in a private mount
# namespace with a tmpfs on /run/netns (as /run is on a standard Debian 12
# machine; nothing on the host changes), and the growth lines of both at the
# end.  Where /run/netns is on ext4 without a journal, creating a file skips
# every inode of its group deleted in the last minutes (ext4's
# recently_deleted() in find_inode_bit()), so the cost per name grows with
# the names this very run has just deleted: the tmpfs pass shows the tools.
# After each delete the run waits for the kernel's asynchronous cleanup of
# the namespaces (net_namespace objects in /proc/slabinfo back where they
# were; at most FREED_MAX s): freeing 1000 takes it 10-20 s on two CPUs, and
# that backlog would slow the next measurement.
# Run as root:  bench/netns.sh [--host|--tmpfs] [N...]   (default: 100 1000)
#   --host: only the pass as on the host;  --tmpfs: only the tmpfs pass
#   (the second pass skips RSS and CPU, which do not depend on the file system)
# Names are "cubench<pid>-<i>"; all are removed at the end, even on ^C.
set -u

NETNS=${NETNS:-$(cd "$(dirname "$0")/.." && pwd)/netns}
top=$(cd "$(dirname "$0")/.." && pwd)
case ${1:-} in
--tmpfs)
	# a mount namespace of our own with a tmpfs on /run/netns: measures
	# the tools, not the file system under /run, and meets no other names
	shift
	mkdir -p /run/netns
	# shellcheck disable=SC2016 # expanded by the inner bash
	exec unshare --mount --propagation private -- bash -c \
		'mount -t tmpfs cu-bench /run/netns && BENCH_MODE=tmpfs exec "$0" --pass "$@"' "$0" "$@"
	;;
--host)
	shift
	exec "$0" --pass "$@"
	;;
--pass)
	shift
	;;
*)
	# both passes; the growth lines of each again at the end
	[ "$(id -u)" -eq 0 ] || { echo "bench/netns.sh: run as root" >&2; exit 1; }
	set -o pipefail
	out=$(mktemp)
	trap 'rm -f "$out"' EXIT
	trap 'exit 130' INT TERM
	NETNS=$NETNS "$0" --host "$@" | tee "$out" || exit 1
	echo
	echo "--- again, /run/netns on a tmpfs in a private mount namespace ---"
	echo
	NETNS=$NETNS BENCH_SKIP_EXTRA=1 "$0" --tmpfs "$@" | tee -a "$out" || exit 1
	echo
	echo "growth of the per-operation cost, both passes:"
	awk '/^netns: / { mode = ($0 ~ /tmpfs/) ? "tmpfs" : "host " }
	     what != "" { printf "  %s %s:%s\n", mode, what, $0; what = "" }
	     /^per-operation cost at / { sub(/^per-operation cost at /, ""); sub(/ \(1.00 = no growth\):$/, ""); what = $0 }' "$out"
	exit 0
	;;
esac
IP=${IP:-ip}
COUNTS=("$@")
[ ${#COUNTS[@]} -gt 0 ] || COUNTS=(100 1000)
PREFIX="cubench$$-"
SETTLE=${SETTLE:-3}	# seconds for the kernel's asynchronous netns cleanup
FREED_MAX=${FREED_MAX:-30}	# at most so many seconds more for it, after deletes
REPEAT=${REPEAT:-3}	# runs of each all-names-in-one-call measurement

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

# median_of SCALE: the median of the numbers on stdin, divided by SCALE
median_of() {
	sort -g | awk -v s="$1" '{ v[NR] = $1 }
		END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		      printf "%.3f\n", m / s }'
}

# stats FILE (one time in microseconds per line, in run order)
# -> "median first-tenth-median last-tenth-median", in ms
stats() {
	local n k
	n=$(wc -l < "$1")
	k=$((n / 10 > 0 ? n / 10 : 1))
	printf '%s %s %s\n' "$(median_of 1000 < "$1")" \
		"$(head -n "$k" "$1" | median_of 1000)" "$(tail -n "$k" "$1" | median_of 1000)"
}

now_us() {
	local t=${EPOCHREALTIME/./}
	echo "${t#0}"
}

# timed OUT CMD...: run CMD, append its wall time (microseconds) to OUT
timed() {
	local out=$1 t0 t1
	shift
	t0=$(now_us)
	"$@" || { echo "bench/netns.sh: $* failed" >&2; exit 1; }
	t1=$(now_us)
	echo $((t1 - t0)) >> "$out"
}

# per_process VERB N: one process per name, the two tools interleaved name
# by name so that both meet the same machine load and the same count of
# names already present.
per_process() {
	local verb=$1 n=$2 i
	: > "$tmp/n$verb"
	: > "$tmp/i$verb"
	for ((i = 1; i <= n; i++)); do
		timed "$tmp/n$verb" "$NETNS" "$verb" "${PREFIX}n$i"
		timed "$tmp/i$verb" "$IP" netns "$verb" "${PREFIX}i$i"
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
	awk -v d=$((t1 - t0)) -v n="$n" 'BEGIN { printf "%.3f\n", d / n / 1000 }'
}

median() {
	median_of 1 < "$1"
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'
}

# cpu_per_name N CMD...: "wall W  cpu C" in ms per name (/usr/bin/time)
cpu_per_name() {
	local n=$1
	shift
	/usr/bin/time -f '%e %U %S' "$@" 2>&1 >/dev/null | tail -1 |
		awk -v n="$n" '{ printf "wall %.3f  cpu %.3f\n", $1 * 1000 / n, ($2 + $3) * 1000 / n }'
}

rss_kib() {
	/usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1
}

# SETTLE seconds at 1000 names, in proportion below (at least 0.3 s)
settle() { sleep "$(awk -v s="$SETTLE" -v n="${n:-1000}" 'BEGIN { t = s * n / 1000; print (t < 0.3 ? 0.3 : t) }')"; }

# Live network namespaces, as the kernel's slab of them counts: after a
# delete of 1000 names its cleanup worker can run for 10-20 s on two CPUs,
# and slows whatever is measured meanwhile.
ns_objs() { awk '$1 == "net_namespace" { print $2 }' /proc/slabinfo 2>/dev/null; }

# mark_ns before adding names; settle_freed after deleting them: settle,
# then wait until the kernel has freed them (the count back at the mark,
# give or take what others on the machine make meanwhile; at most FREED_MAX
# seconds)
NS_MARK=
mark_ns() { NS_MARK=$(ns_objs); }
settle_freed() {
	local i c
	settle
	[ -n "$NS_MARK" ] || return 0
	for ((i = 0; i < FREED_MAX * 10; i++)); do
		c=$(ns_objs)
		[ "${c:-0}" -le $((NS_MARK + 32)) ] && return 0
		sleep 0.1
	done
}

ours_one_call() {
	mark_ns
	one_call "$n" "$NETNS" add "${all[@]}" >> "$tmp/oa";	settle
	one_call "$n" "$NETNS" delete "${all[@]}" >> "$tmp/od";	settle_freed
}

ip_one_call() {
	mark_ns
	one_call "$n" "$IP" -batch "$tmp/badd" >> "$tmp/ba";	settle
	one_call "$n" "$IP" -batch "$tmp/bdel" >> "$tmp/bd";	settle_freed
}

# the floor's names go with our delete, untimed
floor_one_call() {
	mark_ns
	one_call "$n" "$FLOOR" "${all[@]}" >> "$tmp/fa";	settle
	"$NETNS" delete "${all[@]}" || exit 1;			settle_freed
}

tmp=$(mktemp -d)
trap 'cleanup; rm -rf "$tmp"' EXIT
# our own copy: a rebuild during the run must not change the binary
cp "$NETNS" "$tmp/netns"
NETNS=$tmp/netns
FLOOR=$tmp/netns-floor
${CC:-cc} -O2 -o "$FLOOR" "$top/bench/netns-floor.c" ||
	{ echo "bench/netns.sh: cannot build bench/netns-floor.c" >&2; exit 1; }
# the file system under /run/netns, and whether ext4 keeps a journal
# (the last line: the mount on top, where a tmpfs covers the bind)
read -r fs src < <(findmnt -no FSTYPE,SOURCE -T /run/netns 2>/dev/null | tail -1)
src=${src%%\[*}	# a bind's source: /dev/vda[/run/netns]
if [ "$fs" = ext4 ] && [ "$(cat "/sys/fs/ext4/${src##*/}/journal_task" 2>/dev/null)" = "<none>" ]; then
	fs="ext4, no journal"
fi

echo "netns: $NETNS   /run/netns: ${BENCH_MODE:-as on the host} (${fs:-?})"
echo "ip:    $($IP -V)"
echo "kernel $(uname -r), $(nproc) CPUs, $(find /run/netns -mindepth 1 -maxdepth 1 2>/dev/null | wc -l) names in /run/netns before"
echo

declare -A MED
printf '%-7s %-22s %10s %10s %10s %8s\n' N operation "median ms" "1st 10%" "last 10%" ratio
for n in "${COUNTS[@]}"; do
	mark_ns
	per_process add "$n";		settle
	per_process delete "$n";	settle_freed
	read -r na na1 naN <<< "$(stats "$tmp/nadd")"
	read -r nd nd1 ndN <<< "$(stats "$tmp/ndelete")"
	read -r ia ia1 iaN <<< "$(stats "$tmp/iadd")"
	read -r id id1 idN <<< "$(stats "$tmp/idelete")"
	MED[$n,na]=$na MED[$n,nd]=$nd MED[$n,ia]=$ia MED[$n,id]=$id
	printf '%-7s %-22s %10s %10s %10s %8s\n' "$n" "netns add (1/proc)" "$na" "$na1" "$naN" "$(ratio "$na" "$ia")"
	printf '%-7s %-22s %10s %10s %10s %8s\n' "$n" "ip netns add (1/proc)" "$ia" "$ia1" "$iaN" 1.00
	printf '%-7s %-22s %10s %10s %10s %8s\n' "$n" "netns delete (1/proc)" "$nd" "$nd1" "$ndN" "$(ratio "$nd" "$id")"
	printf '%-7s %-22s %10s %10s %10s %8s\n' "$n" "ip netns del (1/proc)" "$id" "$id1" "$idN" 1.00

	mapfile -t all < <(names "$n")
	names "$n" | sed 's/^/netns add /' > "$tmp/badd"
	names "$n" | sed 's/^/netns delete /' > "$tmp/bdel"
	: > "$tmp/oa"; : > "$tmp/od"; : > "$tmp/ba"; : > "$tmp/bd"; : > "$tmp/fa"
	settle
	reps=$((REPEAT * 1000 / n))
	((reps < REPEAT)) && reps=$REPEAT
	((reps > 5 * REPEAT)) && reps=$((5 * REPEAT))
	for ((r = 0; r < reps; r++)); do
		# who goes first turns: what one leaves behind (the kernel's
		# cleanup, inodes just freed) must not always meet the same one
		case $((r % 3)) in
		0) ours_one_call; ip_one_call; floor_one_call ;;
		1) ip_one_call; floor_one_call; ours_one_call ;;
		2) floor_one_call; ours_one_call; ip_one_call ;;
		esac
	done
	oa=$(median "$tmp/oa") od=$(median "$tmp/od")
	ba=$(median "$tmp/ba") bd=$(median "$tmp/bd") fa=$(median "$tmp/fa")
	MED[$n,oa]=$oa MED[$n,od]=$od MED[$n,ba]=$ba MED[$n,fa]=$fa
	printf '%-7s %-22s %10s %10s %10s %8s\n' "$n" "netns add N1..N" "$oa" - - "$(ratio "$oa" "$ba")"
	printf '%-7s %-22s %10s %10s %10s %8s\n' "$n" "ip -batch netns add" "$ba" - - 1.00
	printf '%-7s %-22s %10s %10s %10s %8s\n' "$n" "floor N1..N" "$fa" - - "$(ratio "$fa" "$ba")"
	printf '%-7s %-22s %10s %10s %10s %8s\n' "$n" "netns delete N1..N" "$od" - - "$(ratio "$od" "$bd")"
	printf '%-7s %-22s %10s %10s %10s %8s\n' "$n" "ip -batch netns del" "$bd" - - 1.00
	echo
done

base=${COUNTS[0]}
for n in "${COUNTS[@]:1}"; do
	echo "per-operation cost at $n against $base (1.00 = no growth):"
	printf '  netns add %s   ip netns add %s   netns delete %s   ip netns del %s   netns add N1..N %s   ip -batch add %s   floor N1..N %s\n' \
		"$(ratio "${MED[$n,na]}" "${MED[$base,na]}")" "$(ratio "${MED[$n,ia]}" "${MED[$base,ia]}")" \
		"$(ratio "${MED[$n,nd]}" "${MED[$base,nd]}")" "$(ratio "${MED[$n,id]}" "${MED[$base,id]}")" \
		"$(ratio "${MED[$n,oa]}" "${MED[$base,oa]}")" "$(ratio "${MED[$n,ba]}" "${MED[$base,ba]}")" \
		"$(ratio "${MED[$n,fa]}" "${MED[$base,fa]}")"
done
echo
[ -z "${BENCH_SKIP_EXTRA:-}" ] || exit 0

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
mark_ns
printf '  netns add %s names   %s\n' "$big" "$(rss_kib "$NETNS" add "${all[@]}")"
printf '  netns delete %s names %s\n' "$big" "$(rss_kib "$NETNS" delete "${all[@]}")"
settle_freed
mark_ns
printf '  ip -batch add %s      %s\n' "$big" "$(rss_kib "$IP" -batch "$tmp/badd")"
printf '  ip -batch delete %s   %s\n' "$big" "$(rss_kib "$IP" -batch "$tmp/bdel")"
settle_freed

echo
echo "ms per name, all $big names in one call (wall, and user+sys CPU):"
mark_ns
printf '  netns add N1..N        %s\n' "$(cpu_per_name "$big" "$NETNS" add "${all[@]}")"
settle
printf '  netns delete N1..N     %s\n' "$(cpu_per_name "$big" "$NETNS" delete "${all[@]}")"
settle_freed
printf '  ip -batch netns add    %s\n' "$(cpu_per_name "$big" "$IP" -batch "$tmp/badd")"
settle
printf '  ip -batch netns del    %s\n' "$(cpu_per_name "$big" "$IP" -batch "$tmp/bdel")"
