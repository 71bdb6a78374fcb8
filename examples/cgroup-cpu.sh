#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A cgroup holds a busy loop to 20 % of one CPU (S10).
# The articles: mkdir /sys/fs/cgroup/cpu/container; echo 20000 >
# cpu.cfs_quota_us; echo PID > tasks; top shows 20 %.
# shellcheck source=examples/lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

on_exit cgset delete "${P}cpu"
run cgset create "${P}cpu" --cpu 20%
sh -c 'while :; do :; done' &
loop=$!
on_exit kill "$loop"
run cgset add "${P}cpu" "$loop"
sleep 3
# %CPU: the loop's CPU time over its lifetime, held near 20.
run ps -o pid,etime,time,%cpu,comm -p "$loop"
run cgset show "${P}cpu"
