#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/nsenter2.sh - nsenter2 against util-linux nsenter (and ip netns exec)
# entering a running container to run `true`: medians, ratios, peak RSS.
# Run by hand as root: bench/nsenter2.sh [BUILDDIR]
set -eu

builddir=${1:-$(cd "$(dirname "$0")/.." && pwd)}
ns2=$builddir/nsenter2
runs=${RUNS:-300}
[ -x "$ns2" ] || { echo "bench: $ns2 is not built" >&2; exit 1; }
for t in hyperfine jq nsenter ip unshare awk; do
	command -v "$t" >/dev/null || { echo "bench: $t is missing" >&2; exit 1; }
done

netns=cubench$$
holder=
json=$(mktemp)
rss=$(mktemp)
cleanup() {
	[ -z "$holder" ] || kill -KILL "$holder" 2>/dev/null || true
	[ -z "${target:-}" ] || kill -KILL "$target" 2>/dev/null || true
	ip netns delete "$netns" 2>/dev/null || true
	rm -f "$json" "$rss"
}
trap cleanup EXIT

# the container: own PID (fresh /proc), mount, UTS and network namespaces
unshare --pid --fork --mount-proc --uts --net sleep 1000 </dev/null >/dev/null 2>&1 &
holder=$!
target=
for _ in $(seq 100); do
	target=$(pgrep -P "$holder" || true)
	[ -n "$target" ] && break
	sleep 0.05
done
[ -n "$target" ] || { echo "bench: the container did not start" >&2; exit 1; }
ip netns add "$netns"

# median of command $1 (a hyperfine command line), in milliseconds
median() {
	hyperfine -N --warmup 20 --runs "$runs" --export-json "$json" "$1" >/dev/null 2>&1
	jq '.results[0].median * 1000' "$json"
}

# peak RSS in KiB: the largest of 20 runs
peak_rss() {
	local max=0 m
	for _ in $(seq 20); do
		/usr/bin/time -f %M -o "$rss" "$@" >/dev/null 2>&1
		m=$(tail -1 "$rss")
		[ "$m" -gt "$max" ] && max=$m
	done
	echo "$max"
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'
}

row() {
	local what=$1 a b
	a=$(median "$2")
	b=$(median "$3")
	printf '%-28s %10.3f %10.3f %8.2f\n' "$what" "$a" "$b" "$(ratio "$a" "$b")"
	last=$a
}

base=$(median true)
printf 'bare true: %.3f ms (median of %d runs)\n\n' "$base" "$runs"
printf '%-28s %10s %10s %8s\n' "case (median ms)" "nsenter2" "other" "ratio"
row "-t PID --all true" "$ns2 -t $target --all true" "nsenter -t $target --all true"
all=$last
row "-t PID --net true" "$ns2 -t $target --net true" "nsenter -t $target --net true"
row "-N NAME true (ip netns)" "$ns2 -N $netns true" "ip netns exec $netns true"
printf '\nnsenter2 -t PID --all true vs bare true: %.2f x\n' "$(ratio "$all" "$base")"
# CVE-2019-5736: a join that forks (--all above) execs the program through
# the sealed trampoline.  Its cost, one exec of it, is too small to see
# beside a process start: a chain of 100 of them measures it.  Each is
# named "99" (its argv[0], the error fd, not open here: it then only execs)
# and execs the next "99" found in PATH, the last one true.
tramp=$builddir/common/exec-seal-tramp.elf
if [ -x "$tramp" ]; then
	tdir=$(mktemp -d)
	ln -s "$tramp" "$tdir/99"
	chain=$(printf ' 99%.0s' $(seq 99))
	tr=$(median "env PATH=$tdir:/usr/bin:/bin 99$chain true")
	bt=$(median "env PATH=$tdir:/usr/bin:/bin true")
	rm -r "$tdir"
	printf 'exec trampoline: %.3f ms (100 of them then true %.3f - true %.3f, / 100)\n' \
		"$(awk -v a="$tr" -v b="$bt" 'BEGIN { print (a - b) / 100 }')" "$tr" "$bt"
else
	echo "exec trampoline: not built (joins re-execute from the sealed copy)"
fi
# the full sealed re-exec (--no-fork, a mount namespace alone): joining our
# own mount namespace takes it, our own UTS namespace does not
mnt=$(median "$ns2 --mount=/proc/self/ns/mnt true")
uts=$(median "$ns2 --uts=/proc/self/ns/uts true")
printf 'sealed re-exec: %.3f ms (--mount=FILE %.3f - --uts=FILE %.3f)\n' \
	"$(awk -v a="$mnt" -v b="$uts" 'BEGIN { print a - b }')" "$mnt" "$uts"

printf '\npeak RSS (KiB)               %10s %10s\n' nsenter2 other
printf '%-28s %10d %10d\n' "-t PID --all true" \
	"$(peak_rss "$ns2" -t "$target" --all true)" \
	"$(peak_rss nsenter -t "$target" --all true)"
printf '%-28s %10d %10d\n' "-N NAME true (ip netns)" \
	"$(peak_rss "$ns2" -N "$netns" true)" \
	"$(peak_rss ip netns exec "$netns" true)"
