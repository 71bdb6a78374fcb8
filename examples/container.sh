#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# container.sh - `docker run -it busybox /bin/sh`, built from the six
# container-utils tools: an image layer and a container layer (unionmount),
# a network namespace on a bridge (netns, vethctl), CPU, memory and pids
# limits (cgset), and new namespaces with the union as root (nsrun).
# shellcheck disable=SC2317  # the teardown functions run from on_exit

usage() {
	cat <<EOF
Usage:
 ${0##*/} [options]

Run /bin/sh as PID 1 of a busybox container made from container-utils,
and tear everything down when it ends (also after Ctrl-C or an error).

Options:
 -n, --name <name>         container name: hostname, netns, cgroup (default: busybox)
 -i, --image <dir|tar>     root layer: a directory or an OCI layer tarball
                             (default: built from Debian's busybox-static)
 -e, --exec <command>      run sh -c <command> instead of the default
     --no-net              no network: a private netns with only loopback
     --privileged          no confinement (nsrun --privileged): every capability,
                             no seccomp filter, /proc and /sys as the host's
 -k, --keep                keep the container layer (the upper directory)

 -h, --help                display this help

On a terminal the shell is interactive: Ctrl-C goes to it, and exit ends
the container.  Without a terminal on stdin (and without --exec) it runs
ps, hostname, ip addr, cat /proc/self/cgroup and id inside, and prints
their output.  The image needs /bin/sh and /bin/env.  As with Docker, the
container gets its own /etc/hostname, /etc/hosts and /etc/resolv.conf (the
host's, without loopback nameservers), bound over an init layer.

The container is confined as docker run confines it (nsrun --root does it
by default): /proc/sys, /proc/sysrq-trigger and /sys read-only, /proc/kcore,
/proc/keys and the like masked, Docker's capabilities without mknod (no
CAP_SYS_ADMIN: no mount), Docker's seccomp policy.  --privileged turns all of
it off, as docker run --privileged does; see CONFINEMENT in nsrun(1).

Environment:
 CONTAINER_BRIDGE   bridge for the containers (default: ctr0)
 CONTAINER_SUBNET   its address, made when the bridge is (default: 10.200.0.1/24)
 CU_BUILDDIR        where the built tools are (default: ../ of this script)
EOF
	exit 0
}

name=busybox image='' keep='' net=yes cmd='' confine=()
while [ $# -gt 0 ]; do
	case $1 in
	-n|--name)	name=${2:?--name needs a value}; shift ;;
	-i|--image)	image=${2:?--image needs a value}; shift ;;
	-e|--exec)	cmd=${2:?--exec needs a value}; shift ;;
	--no-net)	net='' ;;
	--privileged)	confine=(--privileged) ;;
	-k|--keep)	keep=yes ;;
	-h|--help)	usage ;;
	*)		echo "${0##*/}: unknown option: $1 (see --help)" >&2; exit 1 ;;
	esac
	shift
done
bridge=${CONTAINER_BRIDGE:-ctr0} subnet=${CONTAINER_SUBNET:-10.200.0.1/24}
dir=/run/container-utils/containers/$name

# shellcheck source=examples/lib.sh source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"	# tools in PATH, on_exit, busybox_rootfs
case $name in ''|*[!A-Za-z0-9_-]*) ex_die "bad --name: '$name' (letters, digits, - and _)" ;; esac
if [ -e "/run/netns/$name" ] || mountpoint -q "$dir/rootfs" 2>/dev/null; then
	ex_die "container $name exists (netns $name, work dir $dir)"
fi
[ -z "$image" ] || [ -e "$image" ] || ex_die "no such image: $image"

# What the shell inside runs: the article's session, or the user's command.
if [ -n "$cmd" ]; then
	program=(/bin/sh -c "$cmd")
elif [ -t 0 ]; then
	program=(/bin/sh)
else	# shellcheck disable=SC2016  # $c expands inside
	program=(/bin/sh -c 'for c in ps hostname "ip addr" "cat /proc/self/cgroup" id; do echo "/ # $c"; $c; done')
fi

# Teardown, in reverse order of the steps below.
running() { [ -e "/proc/$1" ] && [ "$(cut -d' ' -f3 "/proc/$1/stat")" != Z ]; }
stop_container() {	# kill what is in the cgroup; before it exists, cgset run
	local _
	[ -n "${ctr:-}" ] || return 0
	for _ in $(seq 40); do
		running "$ctr" || break
		cgset kill "$name" 2>/dev/null || kill -TERM "$ctr"
		sleep 0.05
	done
	running "$ctr" && kill -KILL "$ctr" && cgset delete "$name"
	wait "$ctr"
}
remove_bridge_if_unused() {
	[ -d "/sys/class/net/$bridge/brif" ] && [ -z "$(ls -A "/sys/class/net/$bridge/brif")" ] &&
		vethctl bridge del "$bridge"
}
remove_workdir() {
	if [ -n "$keep" ]; then
		find "$dir" -mindepth 1 -maxdepth 1 ! -name upper -exec rm -rf --one-file-system {} +
	else
		rm -rf --one-file-system "$dir"
		rmdir /run/container-utils/containers 2>/dev/null
	fi
}
mkdir -p "$dir"
on_exit remove_workdir

# The image: a read-only root layer (docker pull busybox).
if [ -z "$image" ]; then
	layer=$dir/layer; busybox_rootfs "$layer"
elif [ -d "$image" ]; then
	layer=$image
else
	layer=$dir/layer; mkdir -p "$layer"; unionmount apply "$image" "$layer"
fi

# Docker's init layer, between the image and the container layer: the
# mount points of the files made for each container below, so that they
# exist whatever the image holds and never show in the container layer
# (unionmount diff, docker diff).
mkdir -p "$dir/init/etc"
: > "$dir/init/etc/hostname"; : > "$dir/init/etc/hosts"; : > "$dir/init/etc/resolv.conf"

# The container layer: a writable upper directory over the image.
mkdir -p "$dir/upper" "$dir/rootfs"
on_exit unionmount umount "$dir/rootfs"
unionmount --lower "$dir/init:$layer" --upper "$dir/upper" "$dir/rootfs"

# The network: a named network namespace, eth0 in it, its peer on the bridge.
if [ -n "$net" ]; then
	on_exit netns delete "$name"
	netns add "$name"
	on_exit remove_bridge_if_unused
	[ -d "/sys/class/net/$bridge" ] || vethctl bridge add "$bridge" --addr "$subnet"
	on_exit vethctl disconnect "$name"
	addr=$(vethctl connect "$name" --bridge "$bridge" --addr auto)
	echo "${0##*/}: $name: eth0 ${addr:-up} on $bridge" >&2
	enter_net=(netns exec "$name" --) own_net=()
else
	enter_net=() own_net=(--net)		# docker run --network none
fi

# The files Docker makes for each container and bind-mounts over the init
# layer's: the hostname; localhost, the IPv6 names and the container's
# address in hosts; the host's resolv.conf without its loopback
# nameservers, which mean the host's own resolver and are not reachable
# from the container's network namespace (none left: Google's, as Docker).
without_loopback() {	# resolv.conf FILE without its loopback nameservers
	grep -vE '^[[:space:]]*nameserver[[:space:]]+(127\.|::1([[:space:]]|$))' "$1" 2>/dev/null || true
}
make_etc_files() {
	local resolv=$dir/resolv.conf
	printf '%s\n' "$name" > "$dir/hostname"
	{
		printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n'
		printf 'fe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\n'
		printf 'ff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n'
		[ -z "${addr:-}" ] || printf '%s\t%s\n' "${addr%/*}" "$name"
	} > "$dir/hosts"
	without_loopback /etc/resolv.conf > "$resolv"
	# systemd-resolved's stub (127.0.0.53) alone: the servers it uses
	if ! grep -q '^[[:space:]]*nameserver' "$resolv" && [ -f /run/systemd/resolve/resolv.conf ]; then
		without_loopback /run/systemd/resolve/resolv.conf > "$resolv"
	fi
	grep -q '^[[:space:]]*nameserver' "$resolv" ||
		printf 'nameserver 8.8.8.8\nnameserver 8.8.4.4\n' >> "$resolv"
}
make_etc_files
etc_files=(--volume "$dir/hostname:/etc/hostname" --volume "$dir/hosts:/etc/hosts"
	--volume "$dir/resolv.conf:/etc/resolv.conf")

# The container: a cgroup with limits, then new pid, mount, uts and ipc
# namespaces with the union as / and a fresh /proc and /dev, and the three
# files over /etc's; sh is PID 1, confined by nsrun --root's defaults
# unless --privileged.
container=(
	cgset run --name "$name" --cpu 50% --memory 128M --pids 64 --
	"${enter_net[@]}"
	nsrun "${confine[@]}" --pid --mount --uts --ipc "${own_net[@]}" --hostname "$name" \
		--root "$dir/rootfs" --mount-proc --mount-dev "${etc_files[@]}" --pidfile "$dir/pid" --
	/bin/env -i PATH=/bin:/sbin HOME=/root TERM="${TERM:-dumb}" "${program[@]}"
)
on_exit stop_container
( exec "${container[@]}" ) <&0 &	# in the background, so that a signal
ctr=$!					# to this script stops it at once
[ ! -t 0 ] || [ -n "$cmd" ] || trap : INT	# Ctrl-C belongs to the shell inside
until wait "$ctr"; rc=$?; ! running "$ctr"; do :; done
[ -z "$keep" ] || echo "${0##*/}: keeping the container layer $dir/upper (unionmount diff $dir/upper)" >&2
exit "$rc"
