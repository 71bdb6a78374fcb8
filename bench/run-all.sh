#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2016  # single quotes: literal backticks and $1 on purpose
# Run every tool's benchmark (bench/TOOL.sh) and the end-to-end container
# start against crun and runc, side by side in one go, and write one report.
# Usage: bench/run-all.sh [REPORT.md]     (as root; run by hand, not in CI)
# CU_BUILDDIR: the built tree (default: this tree).  RUNS: runs per row
# (E2E_RUNS, twice that by default, for the container start).
# BENCH_TOOLS: which bench/TOOL.sh to run (default: all six, and cni:
# vethctl's CNI mode against the reference plugins).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${CU_BUILDDIR:-$top}" && pwd)
report=${1:-$top/bench/REPORT.md}
runs=${RUNS:-30}
# the container start, the figure the main job is judged by: more runs
e2e_runs=${E2E_RUNS:-$((runs * 2))}
export CU_BUILDDIR=$build PATH="$build:$PATH" LC_ALL=C.UTF-8
read -ra tools <<< "${BENCH_TOOLS-nsrun nsenter2 netns vethctl cni cgset unionmount}"

[ "$(id -u)" -eq 0 ] || { echo "run-all.sh: must be run as root" >&2; exit 1; }
for t in hyperfine jq crun runc busybox; do
	command -v "$t" >/dev/null || { echo "run-all.sh: $t is missing (apt-get install $t)" >&2; exit 1; }
done

# Names of this run: none matches the test suite's "cuNNNNt" pattern.
tag=bn$$
tmp=$(mktemp -d "/tmp/cu-bench.XXXXXX")
out=$tmp/report.md
cleanup() {
	set +e
	mountpoint -q "$tmp/ro" && umount "$tmp/ro"
	mountpoint -q "$tmp/ovl/m" && unionmount umount "$tmp/ovl/m"
	[ -e "/run/netns/${tag}n" ] && netns delete "${tag}n"
	[ -e "/sys/class/net/${tag}br" ] && vethctl bridge del "${tag}br"
	rm -rf --one-file-system "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- helpers ----------------------------------------------------------------

# hf TITLE REF NAME CMD [NAME CMD ...]: one hyperfine call, all rows in it,
# and a table of median, min-max and ratio to the row named REF.
hf() {
	local title=$1 ref=$2 json=$tmp/hf.json args=()
	shift 2
	while [ $# -gt 0 ]; do args+=(-n "$1" "$2"); shift 2; done
	hyperfine -N -w 3 -r "$runs" ${HF_PREPARE:+--prepare "$HF_PREPARE"} \
		--export-json "$json" "${args[@]}" >/dev/null 2>"$tmp/hf.err" ||
		{ printf '\n**%s**: hyperfine failed: %s\n' "$title" "$(tail -3 "$tmp/hf.err" | tr '\n' ' ')" >> "$out"; return 0; }
	{
		printf '\n**%s** (ms; ratio against `%s`)\n\n' "$title" "$ref"
		printf '| row | median | min–max | × %s |\n|---|---:|---:|---:|\n' "$ref"
		jq -r --arg ref "$ref" '
			(.results[] | select(.command == $ref) | .median) as $r
			| .results[]
			| "| \(.command) | \(.median * 1000 * 100 | round / 100) | \(.min * 1000 * 10 | round / 10)–\(.max * 1000 * 10 | round / 10) | \(.median / $r * 100 | round / 100) |"' "$json"
	} >> "$out"
}

# rss NAME CMD...: median peak RSS (KiB) of 7 runs.
rss() {
	local name=$1 _
	shift
	for _ in 1 2 3 4 5 6 7; do
		/usr/bin/time -f %M -o "$tmp/rss" "$@" >/dev/null 2>&1 || true
		tail -1 "$tmp/rss"
	done | sort -n | sed -n 4p | xargs printf '| %s | %s |\n' "$name" >> "$out"
}

# A busybox root filesystem, as examples/container.sh builds it.
mkroot() {
	mkdir -p "$1"/bin "$1"/dev "$1"/etc "$1"/proc "$1"/sys "$1"/tmp "$1"/root
	cp /bin/busybox "$1/bin/busybox"
	chroot "$1" /bin/busybox --install -s /bin
	printf 'root:x:0:0:root:/root:/bin/sh\n' > "$1/etc/passwd"
}

# An OCI bundle for crun and runc with the same rootfs, namespaces
# (pid, net, ipc, uts, mount), read-only root, limits and confinement as ours.
mkbundle() {
	mkdir -p "$1"
	cp -a "$tmp/root" "$1/rootfs"
	(cd "$1" && crun spec)
	jq '.process.terminal = false | .process.args = ["/bin/true"]
	  | .root.readonly = true
	  | .linux.namespaces = [{"type":"pid"},{"type":"network"},{"type":"ipc"},{"type":"uts"},{"type":"mount"}]
	  | .linux.resources = {"cpu": {"quota": 50000, "period": 100000},
	                        "memory": {"limit": 134217728}, "pids": {"limit": 64}}' \
		"$1/config.json" > "$1/config.new" && mv "$1/config.new" "$1/config.json"
	# the confinement nsrun --root applies by default: masks, caps, seccomp
	"$top/bench/confine-bundle.sh" "$1/config.json"
}

# crun 1.8 refuses hybrid hosts while a controller sits on cgroup2: run the
# command in a private mount namespace where a tmpfs hides the unified
# mount (nothing on the host changes).
nocg2_cmd=(unshare --mount --propagation private sh -c
	'mount -t tmpfs -o size=4k,mode=755 cu-bench-nocg2 /sys/fs/cgroup/unified && exec "$@"' sh)
nocg2() {
	"${nocg2_cmd[@]}" "$@"
}

# --- report header -----------------------------------------------------------
{
	echo "# container-utils benchmark report"
	echo
	echo "Written by \`bench/run-all.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'); tree $(git -C "$top" describe --always --dirty 2>/dev/null || echo '?')."
	echo "Machine: $(nproc) CPUs, $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg) at the start."
	echo "Read ratios, not absolute times: the machine is shared (see ../shared/notes/perf-anchors.md)."
	echo "Figures are hyperfine medians with min–max over $runs runs ($e2e_runs for the container start; 3 warm-ups), rows of one table in one hyperfine call."
} > "$out"

# --- end-to-end container start -----------------------------------------------
echo "== end-to-end container start" >&2
mkroot "$tmp/root"
{ declare -f mkroot; echo 'mkroot "$1"'; } > "$tmp/mkroot.sh"
mkdir -p "$tmp/ro"
# A read-only root, as the bundles have: a one-layer read-only union.
ronote=''
if ! unionmount -l "$tmp/root" "$tmp/ro" 2> "$tmp/um.err"; then
	ronote="Note: \`unionmount -l ROOT RO\` (one layer, read-only) failed here: $(head -1 "$tmp/um.err"); the read-only root is a \`mount --bind -o ro\` instead."
	mount --bind -o ro "$tmp/root" "$tmp/ro"
fi
mkbundle "$tmp/bundle"
ours=(cgset run --cpu 50% --memory 128M --pids 64 -- nsrun --pid --mount --uts --ipc --net
	--root "$tmp/ro" --mount-proc --mount-dev --mount-sys /bin/true)
demo=(env CONTAINER_BRIDGE="${tag}dm" CONTAINER_SUBNET=10.254.77.1/24
	bash "$top/examples/container.sh" --name "${tag}d" --exec true)
{
	echo
	echo "## End-to-end: a busybox \`true\` in a container, set up and torn down"
	echo
	echo "Same rootfs (busybox-static), pid/net/ipc/uts/mount namespaces, read-only root, /proc, /dev, /sys,"
	echo "and a cgroup with --cpu 50% --memory 128M --pids 64 (the bundles: linux.resources with the same limits)."
	echo "Rows: \`ours\` = \`${ours[*]}\`; \`demo\` = \`examples/container.sh --exec true\`"
	echo "(layer build, union, netns, bridge + veth + address, cgroup, namespaces, teardown);"
	echo "\`crun\`/\`runc\` = \`crun|runc run --bundle B ID\`."
	echo "Anchors: crun ≈ 22 ms, runc ≈ 63 ms; target: ours ≤ 0.5 × crun."
	[ -z "$ronote" ] || printf '\n%s\n' "$ronote"
} >> "$out"
# crun 1.8 cannot run on this hybrid host as it is (a controller sits on
# cgroup2): crun, runc and ours all run in one private mount namespace
# where a tmpfs hides cgroup2, in the same hyperfine call, so the three
# see the same (v1-only) host and the wrapper's own cost is in no row.
printf '\n' >> "$out"
nocg2 bash -c "$(declare -f hf); tmp=$tmp out=$out runs=$e2e_runs; hf 'container start, all three with cgroup2 hidden (the anchors: crun ≈ 22 ms, runc ≈ 63 ms)' crun \
	ours '${ours[*]}' crun 'crun run --bundle $tmp/bundle ${tag}c' runc 'runc run --bundle $tmp/bundle ${tag}r'"
if [ -s "$tmp/hf.json" ]; then
	jq -r '
		def med(n): (.results[] | select(.command == n) | .median);
		med("ours") as $o | med("crun") as $c | med("runc") as $r
		| "\nours / crun = \($o / $c * 100 | round / 100) (target ≤ 0.5); ours / runc = \($o / $r * 100 | round / 100)."' \
		"$tmp/hf.json" >> "$out" || true
fi
{
	echo
	echo "Peak RSS (KiB, median of 7, wait4's ru_maxrss of the largest process):"
	echo
	echo "| row | KiB |"
	echo "|---|---:|"
} >> "$out"
rss ours "${ours[@]}"
rss runc runc run --bundle "$tmp/bundle" "${tag}r"
rss crun "${nocg2_cmd[@]}" crun run --bundle "$tmp/bundle" "${tag}c"

# --- where the demo's time goes ------------------------------------------------
echo "== the demo, step by step" >&2
if ! command -v netns >/dev/null || ! command -v vethctl >/dev/null; then
	printf '\n## Where the demo'"'"'s time goes\n\nnetns or vethctl is not built: skipped.\n' >> "$out"
else
mkdir -p "$tmp/ovl/u" "$tmp/ovl/w" "$tmp/ovl/m"
netns add "${tag}n"
vethctl bridge add "${tag}br" --addr 10.254.78.1/24
{
	echo
	echo "## Where the demo's time goes"
	echo
	echo "Each step of examples/container.sh on its own, made and undone (the demo row is the whole)."
} >> "$out"
HF_PREPARE="sh -c 'rm -rf $tmp/ovl/u $tmp/ovl/w $tmp/layer; mkdir -p $tmp/ovl/u $tmp/ovl/w'" \
hf "demo steps" demo \
	layer "bash $tmp/mkroot.sh $tmp/layer" \
	union "sh -c 'unionmount -l $tmp/root --upper $tmp/ovl/u --work $tmp/ovl/w $tmp/ovl/m && unionmount umount $tmp/ovl/m'" \
	netns "sh -c 'netns add ${tag}x && netns delete ${tag}x'" \
	network "sh -c 'vethctl connect ${tag}n --bridge ${tag}br --addr auto && vethctl disconnect ${tag}n'" \
	container "cgset run --name ${tag}g --cpu 50% --memory 128M --pids 64 -- netns exec ${tag}n -- nsrun --pid --mount --uts --ipc --hostname ${tag} --root $tmp/ro --mount-proc --mount-dev /bin/true" \
	demo-prebuilt "${demo[*]} --image $tmp/root" \
	demo "${demo[*]}"
if [ -s "$tmp/hf.json" ]; then
	jq -r '
		def med(n): (.results[] | select(.command == n) | .median * 1000);
		. as $j | ([ "layer", "union", "netns", "network", "container" ] | map(. as $n | $j | med($n)) | add) as $sum
		| "\nThe steps, each made and undone on its own, add up to \($sum * 10 | round / 10) ms against the whole demo'"'"'s \(med("demo") * 10 | round / 10) ms (the demo also runs bash, its checks and the work dir; on a loaded machine the sum can exceed the whole). `demo-prebuilt` is the demo with `--image` a ready busybox directory: demo − demo-prebuilt = \((med("demo") - med("demo-prebuilt")) * 10 | round / 10) ms is what building the layer (a 2 MB copy and 269 applet symlinks) costs inside the demo."' \
		"$tmp/hf.json" >> "$out" || true
fi
fi

# --- every tool's own benchmark --------------------------------------------------
{
	echo
	echo "## The tools against their anchors"
	echo
	echo "Each tool's \`bench/TOOL.sh\` (written with the tool), run here one after the other;"
	echo "their own output, verbatim."
} >> "$out"
for t in "${tools[@]}"; do
	printf '\n### %s\n\n' "$t" >> "$out"
	if [ ! -f "$top/bench/$t.sh" ]; then
		echo "bench/$t.sh is missing: no figures." >> "$out"
		continue
	fi
	echo "== bench/$t.sh" >&2
	start=$(date +%s)
	if bash "$top/bench/$t.sh" > "$tmp/$t.out" 2> "$tmp/$t.err"; then
		rc=0
	else
		rc=$?
	fi
	{
		printf 'Run in %d s, exit status %d.\n\n```\n' "$(( $(date +%s) - start ))" "$rc"
		cat "$tmp/$t.out"
		[ "$rc" -eq 0 ] || tail -5 "$tmp/$t.err"
		printf '```\n'
	} >> "$out"
done

cp "$out" "$report"
echo "report: $report" >&2
