#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# docker exec: enter the namespaces of a running container (S13).
# The articles: docker inspect --format '{{ .State.Pid }}'; ls -l
# /proc/PID/ns; setns() into each of them.
# shellcheck source=examples/lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

ex_tmpdir
# The "running container": sleep as PID 1 with its own pid, uts and net.
nsrun --pid --mount-proc --uts --hostname "${P}c1" --net \
	--pidfile "$EX_TMP/pid" sleep 100 &
on_exit kill "$!"
while [ ! -s "$EX_TMP/pid" ]; do sleep 0.05; done
pid=$(cat "$EX_TMP/pid")
# PID 1 ignores signals it has no handler for; SIGKILL ends the namespace.
on_exit kill -KILL "$pid"
run ls -l "/proc/$pid/ns"
run nsenter2 -t "$pid" --all hostname
run nsenter2 -t "$pid" --all ps -e
run nsenter2 -t "$pid" --list
