#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# pty-run.py PROGRAM [ARG...]: run PROGRAM on a new pseudo-terminal that is
# its controlling terminal (stdin, stdout, stderr), print what it wrote.
# For the TIOCSTI test of tests/security.bats.  With PTY_RUN_ENTER=TEXT in
# the environment, it types Enter each time the program has printed TEXT
# once more (tests/workshop.bats: the workshop waits for Enter on a terminal).
import os, pty, sys, subprocess
master, slave = pty.openpty()
def pre():
    os.setsid()
    import fcntl, termios
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)
p = subprocess.Popen(sys.argv[1:], stdin=slave, stdout=slave, stderr=slave, preexec_fn=pre)
os.close(slave)
out = b""
enter = os.environ.get("PTY_RUN_ENTER", "").encode()
answered = 0
while True:
    try:
        d = os.read(master, 4096)
    except OSError:
        break
    if not d:
        break
    out += d
    while enter and out.count(enter) > answered:
        os.write(master, b"\n")
        answered += 1
p.wait()
sys.stdout.write(out.decode(errors="replace"))
