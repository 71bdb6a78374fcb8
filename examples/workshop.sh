#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The workshop: the articles' sections in order, each step a paragraph of
# explanation and one command run with --explain, so that every kernel call
# the tool makes is shown as it is made.  On a terminal it waits for Enter
# between steps; otherwise it runs straight through.  Run as root; all it
# makes (namespaces, links, cgroups, mounts, files) stays while the workshop
# runs, so that it can be looked at during a pause, and is removed at the
# end, also after Ctrl-C, a hang-up or an error.
#
# Names start with $EXAMPLE_PREFIX (default "ws"), as in the other examples.

ws_steps=(
	"namespaces:UTS, IPC and mount namespaces: a hostname of its own"
	"pid:PID namespace: the program is PID 1"
	"user:user namespace: root inside, an ordinary user outside (uid maps)"
	"network:network namespace, veth pair, bridge and NAT"
	"cgroup:cgroup: a busy loop held to 20 % of one CPU"
	"union:union mount: image layers, the container layer and whiteouts"
	"exec:exec into a running container (setns)"
	"volumes:volumes: a host directory bound into the container's root"
)

ws_usage() {
	cat <<EOF
Usage: ${0##*/} [--step N] [--list] [--help]

Walk through the kernel primitives a container is made of, one step per
section of the articles.  Each step explains itself, then runs one
container-utils command with --explain: every kernel call it makes is
shown as it happens (stderr).  On a terminal the script waits for Enter
between steps.  Run as root; everything made is removed at the end.

Options:
 --step N   start at step N (see --list)
 --list     list the steps and exit
 --help     show this help and exit

Environment: EXAMPLE_PREFIX (prefix of every name made, default ws),
CU_BUILDDIR (where the tools are), LANGUAGE=zh_CN (the explanations of
the tools in Chinese).
EOF
}

ws_list() {
	local i
	for i in "${!ws_steps[@]}"; do
		printf '%d  %-10s  %s\n' "$((i + 1))" "${ws_steps[i]%%:*}" "${ws_steps[i]#*:}"
	done
}

ws_start=1
while [ $# -gt 0 ]; do
	case $1 in
	--step)
		[ $# -ge 2 ] || { echo "${0##*/}: --step needs a number (see --list)" >&2; exit 1; }
		ws_start=$2
		shift 2
		;;
	--step=*) ws_start=${1#--step=}; shift ;;
	--list) ws_list; exit 0 ;;
	-h|--help) ws_usage; exit 0 ;;
	*)
		echo "${0##*/}: unknown option '$1' (see --help)" >&2
		exit 1
		;;
	esac
done
case $ws_start in
''|*[!0-9]*|0*) ws_bad=1 ;;
*) [ "$ws_start" -le "${#ws_steps[@]}" ] || ws_bad=1 ;;
esac
if [ -n "${ws_bad:-}" ]; then
	echo "${0##*/}: invalid step '$ws_start': give 1 to ${#ws_steps[@]} (see --list)" >&2
	exit 1
fi

EXAMPLE_PREFIX=${EXAMPLE_PREFIX:-ws}
# shellcheck source=examples/lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

ex_tmpdir
cd "$EX_TMP" || exit 1

# say TEXT...: one paragraph of explanation, folded to the terminal.
say() {
	printf '%s\n' "$*" | fold -s -w 76
	echo
}

# pause: on a terminal, wait for Enter; otherwise go on at once.
pause() {
	if [ -t 0 ] && [ -t 1 ]; then
		printf '\n[Enter: next step] '
		read -r _ || exit 0
	fi
	echo
}

# title N: the heading of step N.
title() {
	local t=${ws_steps[$1 - 1]#*:}
	printf '=== Step %d of %d: %s ===\n\n' "$1" "${#ws_steps[@]}" "$t"
}

step_namespaces() {
	say "A namespace gives a process its own copy of one kind of global" \
		"resource.  unshare(2) with CLONE_NEWUTS gives it its own hostname," \
		"CLONE_NEWIPC its own System V message queues and shared memory, and" \
		"CLONE_NEWNS its own table of mounts (made private first, so that" \
		"nothing it mounts leaks back to the host).  Watch the unshare call," \
		"then sethostname: the name changes inside only."
	run nsrun --explain --uts --ipc --mount --hostname "${P}box" hostname
	echo "The host's hostname is still: $(hostname)"
}

step_pid() {
	say "A PID namespace starts numbering at 1.  The flag only takes effect" \
		"for children, so nsrun creates the first process of the namespace" \
		"with clone3(CLONE_NEWPID), as 'unshare --fork --pid' does.  That" \
		"process is PID 1, the init of its world.  A fresh /proc (mounted in" \
		"a new mount namespace, --mount-proc) makes ps see only this world."
	run nsrun --explain --pid --mount-proc ps -eo pid,comm
}

step_user() {
	say "A user namespace has its own user and group IDs.  Until its" \
		"uid_map and gid_map are written, every ID shows as the overflow ID" \
		"65534 (nobody).  Writing '0 UID 1' to /proc/PID/uid_map makes the" \
		"user's own UID appear as 0 inside: root in the namespace, with" \
		"capabilities over its own namespaces only.  Run as root, this step" \
		"drops to uid ${WORKSHOP_UID:-4242} first, so that the map shows the difference."
	if [ "$(id -u)" -eq 0 ]; then
		run setpriv --reuid="${WORKSHOP_UID:-4242}" --regid="${WORKSHOP_UID:-4242}" \
			--clear-groups -- nsrun --explain --user --map-root-user id
	else
		run nsrun --explain --user --map-root-user id
	fi
}

step_network() {
	say "A network namespace has its own interfaces, addresses, routes and" \
		"firewall.  A veth pair is a cable: what goes in one end comes out" \
		"of the other, and each end can live in a different namespace.  A" \
		"bridge is a switch joining many such cables, like docker0.  NAT" \
		"(masquerade) lets the containers' private subnet out through the" \
		"host.  Here a namespace ${P}host stands in for the host, so the real" \
		"host's network is not touched: vethctl connect sends RTM_NEWLINK" \
		"(bridge, veth), RTM_NEWADDR and RTM_NEWROUTE over netlink, then the" \
		"masquerade rule through nftables."
	on_exit netns delete "${P}host"
	on_exit netns delete "${P}c1"
	netns add "${P}host" "${P}c1"
	on_exit vethctl -N "${P}host" bridge del "${P}br0"
	on_exit vethctl -N "${P}host" disconnect "${P}c1"
	run vethctl --explain -N "${P}host" connect "${P}c1" --bridge "${P}br0" --addr auto --nat
	run netns exec "${P}c1" -- ping -c1 -W1 10.200.0.1
}

step_cgroup() {
	say "A control group limits what its processes may use.  A new group" \
		"is a new directory in the cgroup file system; a limit is a value" \
		"written to one of its files: cpu.max on cgroup v2 ('20000 100000')," \
		"cpu.cfs_quota_us on v1 (20000, of a 100000 us period): 20 ms of CPU" \
		"time in every 100 ms.  The program is born inside the group" \
		"(clone3 with CLONE_INTO_CGROUP, or its PID written to the group)." \
		"Two seconds of a busy loop should use about 0.4 s of CPU time:" \
		"the second line 'times' prints (user and system time of its children)."
	on_exit cgset delete "${P}cpu"
	# shellcheck disable=SC2016  # expanded by the inner shell
	run cgset run --explain --name "${P}cpu" --cpu 20% -- \
		sh -c 'timeout 2 sh -c "while :; do :; done"; times'
}

step_union() {
	say "A container image is a stack of read-only layers; the container" \
		"writes into one more layer on top.  overlayfs shows them merged:" \
		"the upper layer wins.  Deleting a file that comes from a lower layer" \
		"cannot touch that layer, so the kernel records a whiteout in the" \
		"upper one: a character device 0,0 with the file's name.  Watch the" \
		"fsopen/fsconfig/fsmount calls that build the overlay mount."
	mkdir A B U C
	echo a > A/a; echo "x from A" > A/x
	echo b > B/b; echo "x from B" > B/x
	on_exit unionmount umount "$EX_TMP/C"
	run unionmount --explain -l A:B --upper U C
	run cat C/x
	run rm C/b
	run ls -l U
	run unionmount diff U
}

step_exec() {
	say "'docker exec' runs a new program in the namespaces of a running" \
		"container.  Each namespace of a process is a file under" \
		"/proc/PID/ns; setns(2) on such a file moves the caller into that" \
		"namespace.  Here a 'container' (sleep as PID 1, with its own" \
		"hostname and network) is running; nsenter2 joins all its namespaces" \
		"and runs hostname there."
	local pidfile=$EX_TMP/container.pid pid
	nsrun --pid --mount-proc --uts --hostname "${P}c1" --net \
		--pidfile "$pidfile" sleep 1000 &
	on_exit kill "$!"
	while [ ! -s "$pidfile" ]; do sleep 0.05; done
	pid=$(cat "$pidfile")
	# PID 1 ignores signals it has no handler for: SIGKILL ends it.
	on_exit kill -KILL "$pid"
	run nsenter2 --explain -t "$pid" --all hostname
}

step_volumes() {
	say "A volume is a bind mount: a host directory mounted onto a path of" \
		"the container's root before the container starts, in the" \
		"container's own mount namespace, so the host never sees it in its" \
		"mount table.  What the container writes there stays on the host" \
		"after it ends.  The root is a busybox file system; pivot_root makes" \
		"it the container's /."
	mkdir data
	busybox_rootfs rootfs
	run nsrun --explain --root rootfs -v "$EX_TMP/data:/data" \
		sh -c 'echo "written in the container" > /data/note; ls -l /data'
	run cat data/note
}

for ((i = ws_start; i <= ${#ws_steps[@]}; i++)); do
	title "$i"
	"step_${ws_steps[i - 1]%%:*}" 2>&1
	[ "$i" -eq "${#ws_steps[@]}" ] || pause
done
echo "The end: every object this workshop made is being removed."
