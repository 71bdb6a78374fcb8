#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# PID namespace (SCENARIOS S1): the program is PID 1 of its own world.
# The articles: unshare --fork --pid --mount-proc bash; ps aux.
# shellcheck source=examples/lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

# A fresh /proc shows only the new namespace: ps is PID 1 and alone.
run nsrun --pid --mount-proc ps -eo pid,comm
run nsrun --pid --mount-proc sh -c 'echo "my PID is $$"'

# nsrun forks by itself (no --fork needed), but without --mount-proc the
# host's /proc is still mounted, so ps still sees every host process.
# shellcheck disable=SC2016  # expanded by the inner shell
run nsrun --pid sh -c 'echo "my PID is $$, yet ps lists $(ps -e --no-headers | wc -l) processes"'
