#!/bin/sh
# Generate the build system: autopoint (gettext), aclocal, autoconf, automake.
set -e
cd "$(dirname "$0")"
autoreconf -fi
echo "Now run ./configure && make"
