#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Image layers, the container layer and `docker commit` (S12).
# Three layer tarballs (add, change, delete with .wh. whiteouts, an opaque
# directory) are applied and stacked; the container's changes are
# committed as a fourth layer that reproduces the container exactly.
# shellcheck source=examples/lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

ex_tmpdir
cd "$EX_TMP"
# Layer 1 adds files, layer 2 changes one and deletes one, layer 3 makes
# /app opaque (hides everything below it) and deletes /etc/motd.
mkdir -p s1/etc s1/app s2/etc s2/app s3/app s3/etc
echo "layer 1" > s1/etc/motd; echo one > s1/etc/version; echo old > s1/app/old
echo two > s2/etc/version; : > s2/app/.wh.old
: > s3/app/.wh..wh..opq; echo new > s3/app/new; : > s3/etc/.wh.motd
for n in 1 2 3; do
	tar -C "s$n" -cf "layer$n.tar" .
	mkdir "L$n"
	run unionmount apply "layer$n.tar" "L$n"
done
mkdir U rootfs
on_exit unionmount umount "$EX_TMP/rootfs"
run unionmount -l L3:L2:L1 --upper U rootfs
run find rootfs -mindepth 1
# The container writes: its changes go to the upper layer only.
echo hello > rootfs/etc/greeting; rm rootfs/etc/version
run unionmount diff U
run unionmount commit U -o container.tar
run tar -tvf container.tar
# The committed layer on top of the same three gives the same tree.
mkdir L4 again
run unionmount apply container.tar L4
on_exit unionmount umount "$EX_TMP/again"
run unionmount -l L4:L3:L2:L1 again
run diff -r rootfs again && echo "-> identical"
