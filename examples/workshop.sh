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
# The Chinese paragraphs quote with “ ”, as po/zh_CN.po does:
# shellcheck disable=SC1111

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

# The same titles in Chinese (the articles' language).
ws_steps_zh=(
	"UTS、IPC 和挂载命名空间：自己的主机名"
	"PID 命名空间：程序成为 1 号进程"
	"用户命名空间：里面是 root，外面是普通用户（uid 映射）"
	"网络命名空间、veth 对、网桥和 NAT"
	"控制组：把一个忙循环限制在一个 CPU 的 20 %"
	"联合挂载：镜像层、容器层和白化文件（whiteout）"
	"进入正在运行的容器（setns）"
	"卷：把宿主机目录绑定挂载到容器的根里"
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
CU_BUILDDIR (where the tools are); in a Chinese locale (LANGUAGE=zh_CN,
LANG=zh_CN.UTF-8) the steps and the tools' narration are in Chinese.
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

# Chinese as gettext would choose it: LANGUAGE counts unless the locale is C.
ws_loc=${LC_ALL:-${LC_MESSAGES:-${LANG:-}}}
case $ws_loc in
''|C|C.*|POSIX) ws_loc= ;;
*) ws_loc=${LANGUAGE:-$ws_loc} ;;
esac
case $ws_loc in zh*) WS_ZH=1 ;; *) WS_ZH= ;; esac

EXAMPLE_PREFIX=${EXAMPLE_PREFIX:-ws}
# shellcheck source=examples/lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

ex_tmpdir
cd "$EX_TMP" || exit 1

# say TEXT...: one paragraph of explanation, folded to the terminal;
# zh TEXT: the same paragraph in Chinese.  Only one of the two is printed.
say() {
	[ -z "$WS_ZH" ] || return 0
	printf '%s\n' "$*" | fold -s -w 76
	echo
}
zh() {
	[ -n "$WS_ZH" ] || return 0
	printf '%s\n\n' "$1"
}

# pause: on a terminal, wait for Enter; otherwise go on at once.
pause() {
	if [ -t 0 ] && [ -t 1 ]; then
		if [ -n "$WS_ZH" ]; then
			printf '\n[回车：下一步] '
		else
			printf '\n[Enter: next step] '
		fi
		read -r _ || exit 0
	fi
	echo
}

# title N: the heading of step N.
title() {
	local t=${ws_steps[$1 - 1]#*:}
	if [ -n "$WS_ZH" ]; then
		printf '=== 第 %d 步（共 %d 步）：%s ===\n\n' "$1" "${#ws_steps[@]}" "${ws_steps_zh[$1 - 1]}"
	else
		printf '=== Step %d of %d: %s ===\n\n' "$1" "${#ws_steps[@]}" "$t"
	fi
}

step_namespaces() {
	say "A namespace gives a process its own copy of one kind of global" \
		"resource.  unshare(2) with CLONE_NEWUTS gives it its own hostname," \
		"CLONE_NEWIPC its own System V message queues and shared memory, and" \
		"CLONE_NEWNS its own table of mounts (made private first, so that" \
		"nothing it mounts leaks back to the host).  Watch the unshare call," \
		"then sethostname: the name changes inside only."
	zh "命名空间让进程拥有某一类全局资源的独立副本。带 CLONE_NEWUTS 的 unshare(2) 给它自己的主机名，CLONE_NEWIPC 给它自己的 System V 消息队列和共享内存，CLONE_NEWNS 给它自己的挂载表（先设为私有，这样它挂载的东西不会传回宿主机）。请看 unshare 调用，然后是 sethostname：主机名只在里面改变。"
	run nsrun --explain --uts --ipc --mount --hostname "${P}box" hostname
	echo "The host's hostname is still: $(hostname)"
}

step_pid() {
	say "A PID namespace starts numbering at 1.  The flag only takes effect" \
		"for children, so nsrun creates the first process of the namespace" \
		"with clone3(CLONE_NEWPID), as 'unshare --fork --pid' does.  That" \
		"process is PID 1, the init of its world.  A fresh /proc (mounted in" \
		"a new mount namespace, --mount-proc) makes ps see only this world."
	zh "PID 命名空间从 1 开始编号。这个标志只对子进程生效，所以 nsrun 像“unshare --fork --pid”那样用 clone3(CLONE_NEWPID) 创建命名空间的第一个进程。这个进程就是 1 号进程，是它那个世界的 init。在新的挂载命名空间里挂上新的 /proc（--mount-proc），ps 就只能看到这个世界。"
	run nsrun --explain --pid --mount-proc ps -eo pid,comm
}

step_user() {
	say "A user namespace has its own user and group IDs.  Until its" \
		"uid_map and gid_map are written, every ID shows as the overflow ID" \
		"65534 (nobody).  Writing '0 UID 1' to /proc/PID/uid_map makes the" \
		"user's own UID appear as 0 inside: root in the namespace, with" \
		"capabilities over its own namespaces only.  Run as root, this step" \
		"drops to uid ${WORKSHOP_UID:-4242} first, so that the map shows the difference."
	zh "用户命名空间有自己的用户 ID 和组 ID。在写入 uid_map 和 gid_map 之前，所有 ID 都显示为溢出 ID 65534（nobody）。向 /proc/PID/uid_map 写入“0 UID 1”，用户自己的 UID 在里面就成了 0：命名空间里的 root，只对自己的命名空间拥有能力。以 root 运行时，这一步先切换到 uid ${WORKSHOP_UID:-4242}，好让映射显出差别。"
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
	zh "网络命名空间有自己的网络接口、地址、路由和防火墙。veth 对像一根网线：从一端进去的从另一端出来，两端可以位于不同的命名空间。网桥是连接许多这种网线的交换机，就像 docker0。NAT（地址伪装）让容器的私有子网经由宿主机出去。这里由命名空间 ${P}host 充当宿主机，真正宿主机的网络不受影响：vethctl connect 通过 netlink 发送 RTM_NEWLINK（网桥、veth）、RTM_NEWADDR 和 RTM_NEWROUTE，再通过 nftables 加上地址伪装规则。"
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
	zh "控制组限制其中的进程能用多少资源。新的控制组就是控制组文件系统里的一个新目录；限制就是写进其中某个文件的值：cgroup v2 上是 cpu.max（“20000 100000”），v1 上是 cpu.cfs_quota_us（20000，周期为 100000 微秒）：每 100 毫秒中有 20 毫秒 CPU 时间。程序一出生就在组里（带 CLONE_INTO_CGROUP 的 clone3，或把它的 PID 写进组里）。两秒钟的忙循环应当用掉约 0.4 秒 CPU 时间：见 times 打印的第二行（子进程的用户态和内核态时间）。"
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
	zh "容器镜像是一叠只读层；容器再往最上面的一层里写。overlayfs 把它们合并显示：上层优先。删除来自下层的文件不能改动那一层，于是内核在上层记下一个白化文件（whiteout）：与该文件同名的 0,0 字符设备。请看构建 overlay 挂载的 fsopen/fsconfig/fsmount 调用。"
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
	zh "“docker exec”在正在运行的容器的命名空间里运行一个新程序。进程的每个命名空间都是 /proc/PID/ns 下的一个文件；对这个文件调用 setns(2) 就把调用者移入该命名空间。这里有一个“容器”在运行（sleep 作为 1 号进程，有自己的主机名和网络）；nsenter2 加入它的全部命名空间，在里面运行 hostname。"
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
	zh "卷就是绑定挂载：在容器启动之前，在容器自己的挂载命名空间里，把宿主机的一个目录挂到容器根中的某个路径上，所以宿主机的挂载表里从来看不到它。容器写在那里的东西在容器结束后仍留在宿主机上。根是一个 busybox 文件系统；pivot_root 让它成为容器的 /。"
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
if [ -n "$WS_ZH" ]; then
	echo "结束：正在删除本次演示创建的所有对象。"
else
	echo "The end: every object this workshop made is being removed."
fi
