#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Two network namespaces joined by a veth pair (S7).
# The articles: ip netns add net0; ip link add type veth; ip link set
# veth0 netns net0; ip addr add ...; ip netns exec net0 ping 10.1.1.2.
# shellcheck source=examples/lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

on_exit netns delete "${P}net0"
on_exit netns delete "${P}net1"
run netns add "${P}net0" "${P}net1"
run vethctl add "${P}veth0" "${P}veth1" --netns "${P}net0" --peer-netns "${P}net1"
run vethctl addr add "${P}veth0" 10.1.1.1/24 --netns "${P}net0"
run vethctl addr add "${P}veth1" 10.1.1.2/24 --netns "${P}net1"
run vethctl up "${P}veth0" --netns "${P}net0"
run vethctl up "${P}veth1" --netns "${P}net1"
run netns exec "${P}net0" -- ping -c1 -W1 10.1.1.2
run netns list
# Deleting the namespaces deletes the pair with them.
