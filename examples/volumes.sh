#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Volumes (S14): a host directory bound into the container's root.
# The articles: docker run -v /home:/test; docker run -v /test.
# shellcheck source=examples/lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

ex_tmpdir
cd "$EX_TMP"
busybox_rootfs rootfs
mkdir home; echo "from the host" > home/hello
run nsrun --root rootfs -v "$EX_TMP/home:/test" sh -c 'cat /test/hello; echo hi > /test/f'
run cat home/f
run nsrun --root rootfs -v "$EX_TMP/home:/test:ro" sh -c 'echo hi > /test/g' ||
	echo "-> refused: the volume is read-only"
# An anonymous volume: a fresh, empty, writable directory, gone afterwards.
run nsrun --root rootfs -v /test sh -c 'ls -A /test; echo x > /test/y; ls /test'
# None of these mounts ever shows on the host.
run grep -c "$EX_TMP" /proc/self/mountinfo || echo "-> not in the host's mount table"
