#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Generate the build system: autopoint (gettext), aclocal, autoconf, automake.
set -e
cd "$(dirname "$0")"
autoreconf -fi
echo "Now run ./configure && make"
