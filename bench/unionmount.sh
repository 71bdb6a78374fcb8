#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/unionmount.sh - unionmount against what users run instead, side by side:
#   mount+umount of 2, 10, 100, 500 layers vs `mount -t overlay` + `umount`
#   diff and commit of an upper with 10 000 files vs `tar` of the same tree
# Prints medians, ratios and peak RSS.  Run as root, by hand: bench/unionmount.sh [RUNS]
set -euo pipefail

RUNS=${1:-21}
TOP=$(cd "$(dirname "$0")/.." && pwd)
UM=${UNIONMOUNT:-$TOP/unionmount}
[ -x "$UM" ] || { echo "build unionmount first ($UM)" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "run as root" >&2; exit 1; }

W=$(mktemp -d /tmp/um-bench.XXXXXX)
cleanup() {
	mountpoint -q "$W/T" 2>/dev/null && umount "$W/T"
	rm -rf "$W"
}
trap cleanup EXIT

# run_us CMD...: wall time of CMD in microseconds into $US, taken from bash's
# own clock (no date(1) fork inside the timed window)
run_us() {
	local t0=${EPOCHREALTIME/[.,]/} t1
	"$@" >/dev/null
	t1=${EPOCHREALTIME/[.,]/}
	US=$((10#$t1 - 10#$t0))
}

# median_of TIMES...: the median of microsecond times, in ms (3 decimals)
median_of() {
	printf '%s\n' "$@" | sort -n | awk -v n="$#" 'NR == int((n + 1) / 2) { printf "%.3f", $1 / 1e3 }'
}

# median_ms CMD...: median wall time of RUNS runs, in ms (3 decimals)
median_ms() {
	local i times=()
	for ((i = 0; i < RUNS; i++)); do
		run_us "$@"
		times+=("$US")
	done
	median_of "${times[@]}"
}

# pair_ms A B: medians of A and B run in turns, RUNS each, so that the load of
# the machine weighs on both alike; prints "MEDIAN_A MEDIAN_B"
pair_ms() {
	local i ta=() tb=()
	for ((i = 0; i < RUNS; i++)); do
		run_us "$1"
		ta+=("$US")
		run_us "$2"
		tb+=("$US")
	done
	echo "$(median_of "${ta[@]}") $(median_of "${tb[@]}")"
}

# peak_kb CMD...: peak RSS of one run, in KiB
peak_kb() {
	/usr/bin/time -f %M -o "$W/rss" "$@" >/dev/null
	cat "$W/rss"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

# Layers with 100-byte absolute paths, as the issue's anchor uses.
LONG=$W/$(printf 'l%.0s' $(seq $((100 - ${#W} - 6))))
mkdir -p "$LONG" "$W/T"
for i in $(seq 500); do
	d=$(printf '%s/%04d' "$LONG" "$i")
	mkdir -p "$d"
	echo "$i" > "$d/f$i"
done

um_cycle() {
	"$UM" "${UM_ARGS[@]}" "$W/T" && "$UM" umount "$W/T"
}

ovl_cycle() {
	mount -t overlay overlay -o "lowerdir=$OVL_LOWER" "$W/T" && umount "$W/T"
}

echo "unionmount bench: $RUNS runs each (mount cases in turns), medians in ms; layer paths ${#LONG}+5 bytes"
printf '%-28s %12s %12s %8s %10s %10s\n' case unionmount "mount -t ovl" ratio "RSS um KiB" "RSS mnt KiB"
for n in 2 10 100 500; do
	UM_ARGS=()
	OVL_LOWER=
	for i in $(seq "$n"); do
		d=$(printf '%s/%04d' "$LONG" "$i")
		UM_ARGS+=(-l "$d")
		OVL_LOWER+=${OVL_LOWER:+:}$d
	done
	um_rss=$(peak_kb "$UM" "${UM_ARGS[@]}" "$W/T"); "$UM" umount "$W/T"
	if [ "$(( ${#OVL_LOWER} + 9 ))" -lt 4096 ] && ovl_cycle 2>/dev/null; then
		read -r um ov < <(pair_ms um_cycle ovl_cycle)
		ov_rss=$(peak_kb mount -t overlay overlay -o "lowerdir=$OVL_LOWER" "$W/T"); umount "$W/T"
		printf '%-28s %12s %12s %8s %10s %10s\n' "mount+umount $n layers" "$um" "$ov" "$(ratio "$um" "$ov")" "$um_rss" "$ov_rss"
	else
		um=$(median_ms um_cycle)
		printf '%-28s %12s %12s %8s %10s %10s\n' "mount+umount $n layers" "$um" "n/a" "-" "$um_rss" "-"
		echo "  mount -t overlay: ${#OVL_LOWER} bytes of lowerdir= do not fit mount(2)'s one page (4096)"
	fi
done

# An upper with 10 000 files, made through a real union (copy-ups, whiteouts).
mkdir -p "$W/lower" "$W/U"
for i in $(seq 100); do mkdir -p "$W/lower/d$i"; echo x > "$W/lower/d$i/old"; done
"$UM" -l "$W/lower" --upper "$W/U" "$W/T"
for i in $(seq 100); do
	for j in $(seq 100); do echo "$i $j" > "$W/T/d$i/f$j"; done
	rm "$W/T/d$i/old"
done
"$UM" umount "$W/T"

echo
printf '%-28s %12s %12s %8s %10s %10s\n' case unionmount "tar" ratio "RSS um KiB" "RSS tar KiB"
um=$(median_ms "$UM" diff "$W/U")
tr=$(median_ms tar -C "$W/U" -cf "$W/t.tar" .)
printf '%-28s %12s %12s %8s %10s %10s\n' "diff vs tar -cf FILE" "$um" "$tr" "$(ratio "$um" "$tr")" \
	"$(peak_kb "$UM" diff "$W/U")" "$(peak_kb tar -C "$W/U" -cf "$W/t.tar" .)"
tr=$(median_ms tar -C "$W/U" -cf /dev/null .)
printf '%-28s %12s %12s %8s %10s %10s\n' "diff vs tar -cf /dev/null" "$um" "$tr" "$(ratio "$um" "$tr")" \
	"-" "$(peak_kb tar -C "$W/U" -cf /dev/null .)"
um=$(median_ms "$UM" commit "$W/U" -o "$W/c.tar")
tr=$(median_ms tar --numeric-owner -C "$W/U" -cf "$W/t.tar" .)
printf '%-28s %12s %12s %8s %10s %10s\n' "commit .tar (10000 files)" "$um" "$tr" "$(ratio "$um" "$tr")" \
	"$(peak_kb "$UM" commit "$W/U" -o "$W/c.tar")" "$(peak_kb tar --numeric-owner -C "$W/U" -cf "$W/t.tar" .)"
um=$(median_ms "$UM" commit "$W/U" -o "$W/c.tar.gz")
tr=$(median_ms tar --numeric-owner -C "$W/U" -czf "$W/t.tar.gz" .)
printf '%-28s %12s %12s %8s %10s %10s\n' "commit .tar.gz (10000)" "$um" "$tr" "$(ratio "$um" "$tr")" \
	"$(peak_kb "$UM" commit "$W/U" -o "$W/c.tar.gz")" "$(peak_kb tar --numeric-owner -C "$W/U" -czf "$W/t.tar.gz" .)"
echo
echo "tar -cf /dev/null is GNU tar's fast path: it reads no file data, a bare walk like diff's."
echo "commit also hashes the layer (sha256, libcrypto); tar does not."
echo "commit compresses, hashes and writes on a second thread; tar -z runs gzip (-6, as commit) as a second process."
