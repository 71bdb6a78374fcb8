#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Read an strace -f trace of a --dry-run and print every call in it that
changes the system or needs a privilege; exit 1 when there is one.

A plan may read (open files read-only, query netlink, stat, list), and it
may write to its own output; it may not mount, enter or make namespaces,
write a file, make or remove a directory or link, load a filter, drop a
capability, signal a process, attach a loop device, or send a netlink
request that creates, deletes or changes an object.  The trace is taken
with tests/helpers/dryrun.bash's cu_dryrun, which asks strace for the
calls below only.

Usage: dryrun-check.py TRACE
"""
import re
import sys

# Calls that change the system whatever their arguments (and whether they
# succeed or fail: a plan must not even try them).
ALWAYS = {
    "mount", "umount2", "pivot_root", "chroot", "unshare", "setns",
    "move_mount", "mount_setattr", "fsopen", "fsconfig", "fsmount", "fspick",
    "sethostname", "setdomainname", "capset", "seccomp", "mknod", "mknodat",
    "mkdir", "mkdirat", "rmdir", "unlink", "unlinkat", "rename", "renameat",
    "renameat2", "link", "linkat", "symlink", "symlinkat", "chmod", "fchmod",
    "fchmodat", "chown", "fchown", "fchownat", "lchown", "truncate",
    "ftruncate", "setxattr", "lsetxattr", "fsetxattr", "removexattr",
    "lremovexattr", "fremovexattr", "kill", "tgkill", "tkill",
    "pidfd_send_signal", "bpf", "init_module", "finit_module",
    "delete_module",
}

# Write-opening flags: a plan opens files to read them only.
WRITE_FLAGS = ("O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC", "O_APPEND")
# Files any program may open for writing without changing the system.
HARMLESS = ("/dev/null", "/dev/tty", "/dev/pts/")

# rtnetlink: type 16 and up, in fours: NEW, DEL, GET, SET.  nfnetlink
# (nftables, subsystem 10 << 8): the GET messages are these.
NFT_GET = {1, 4, 7, 10, 13, 16, 19, 23}
NAMED_CHANGE = re.compile(r"nlmsg_type=(RTM_(NEW|DEL|SET)\w+|"
                          r"NFNL_SUBSYS_NFTABLES<<8\|NFT_MSG_(NEW|DEL|DESTROY)\w+|"
                          r"NFNL_MSG_BATCH_BEGIN)")
TYPE = re.compile(r"nlmsg_type=(0x[0-9a-f]+|\d+)")
CLONE_NEW = re.compile(r"CLONE_NEW[A-Z]+")
LINE = re.compile(r"^(?:\[pid\s+)?(\d+)\]?\s+(\w+)\((.*)$")


def netlink_change(args):
    """A netlink request that creates, deletes or changes an object."""
    if NAMED_CHANGE.search(args):
        return True
    if re.search(r"NLM_F_(CREATE|EXCL|REPLACE|APPEND)", args):
        return True
    for m in TYPE.finditer(args):
        t = int(m.group(1), 0)
        if 16 <= t < 0x100 and t % 4 != 2:
            return True
        if t >= 0x100 and (t & 0xff) not in NFT_GET:
            return True
    return False


def signal_zero(name, args):
    """kill(pid, 0) and the like only ask whether a process is alive."""
    pos = {"kill": 1, "tkill": 1, "pidfd_send_signal": 1, "tgkill": 2}.get(name)
    if pos is None:
        return False
    a = [x.strip() for x in args.split(",")]
    return len(a) > pos and a[pos] == "0"


def offending(name, args):
    if signal_zero(name, args):
        return False
    if name in ALWAYS:
        return True
    if name in ("clone", "clone3"):
        return bool(CLONE_NEW.search(args))
    if name == "open_tree":
        return "OPEN_TREE_CLONE" in args
    if name == "prctl":
        return args.startswith("PR_CAPBSET_DROP") or \
            args.startswith("PR_SET_SECCOMP")
    if name in ("open", "openat", "openat2", "creat"):
        m = re.search(r'"([^"]*)"', args)
        path = m.group(1) if m else ""
        if path.startswith(HARMLESS):
            return False
        return name == "creat" or any(f in args for f in WRITE_FLAGS)
    if name in ("sendto", "sendmsg"):
        return netlink_change(args)
    if name == "ioctl":
        return bool(re.search(r"LOOP_(CTL_ADD|CTL_GET_FREE|CONFIGURE|SET_FD|"
                              r"SET_STATUS|CLR_FD|CTL_REMOVE)", args))
    return False


def main():
    bad = []
    with open(sys.argv[1], encoding="utf-8", errors="replace") as f:
        for line in f:
            m = LINE.match(line.strip())
            if m and offending(m.group(2), m.group(3)):
                bad.append(line.rstrip())
    for b in bad:
        print("changes the system:", b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
