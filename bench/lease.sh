#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The lease store's own CPU per ADD and per DEL at N records (bench/lease.c),
# without the kernel's links: the growth from the first 100 ADDs to the
# last 100.  The store is on a private tmpfs (as /run is on a distribution;
# a private mount namespace, so nothing else sees it), and with ASIS=1 also
# where /run/container-utils/leases is on this machine.
#   bench/lease.sh BUILDDIR [N...]      (default N: 1000; needs root)
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:?usage: lease.sh BUILDDIR [N...]}" && pwd)
shift
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
${CC:-cc} -O2 -I"$build" -I"$src/common" -include "$build/config.h" \
	-o "$work/lease" "$src/bench/lease.c" "$build/.libs/libcommon.a" -lmnl -ljansson
mkdir -p /run/container-utils/leases
for n in "${@:-1000}"; do
	echo "## tmpfs"
	# shellcheck disable=SC2016  # expanded by the inner sh
	unshare -m --propagation private sh -c '
		mount -t tmpfs cu-lease-bench /run/container-utils/leases &&
		"$1" "$2" && "$1" "$2" nat' sh "$work/lease" "$n"
	if [ "${ASIS:-0}" = 1 ]; then
		echo "## $(findmnt -n -o FSTYPE -T /run/container-utils/leases)"
		"$work/lease" "$n"
		"$work/lease" "$n" nat
	fi
done
