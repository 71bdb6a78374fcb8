#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A union of two directories (S11).
# The articles: A has a and x, B has b and x;
# mount -t aufs -o dirs=./A:./B none ./C shows a, b and A's x.
# shellcheck source=examples/lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

ex_tmpdir
cd "$EX_TMP"
mkdir A B C U
echo a > A/a; echo "x from A" > A/x
echo b > B/b; echo "x from B" > B/x
on_exit unionmount umount "$EX_TMP/C"
run unionmount -l A:B C
run ls C
run cat C/x
run unionmount umount C
# With a writable upper layer: changes land in U, the layers stay as they are.
run unionmount -l A:B --upper U C
run sh -c 'echo new > C/new'
run rm C/b
run ls -l B U
run unionmount diff U
