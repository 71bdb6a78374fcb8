#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Three network namespaces on one bridge (S8), as docker0 joins containers.
# The articles: ip link add br0 type bridge; a veth per namespace with its
# host end on br0; 10.0.1.1-3/24; every pair pings.
# shellcheck source=examples/lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

on_exit vethctl bridge del "${P}br0"
run vethctl bridge add "${P}br0"
for n in 1 2 3; do
	on_exit netns delete "${P}ns$n"
	on_exit vethctl disconnect "${P}ns$n"
	run netns add "${P}ns$n"
	run vethctl connect "${P}ns$n" --bridge "${P}br0" --addr "10.0.1.$n/24"
done
for a in 1 2 3; do
	for b in 1 2 3; do
		[ "$a" = "$b" ] || run netns exec "${P}ns$a" -- ping -c1 -W1 "10.0.1.$b"
	done
done
run vethctl list
