#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Check teaching mode's narration against strace's trace of the same run.

Usage: explain-compare.py [--complete] TRACE

TRACE is the output of `strace -f -s 4096 -o TRACE ...` of a run with
CU_EXPLAIN=1, with write and the narrated calls in the traced set.  The
narration lines are taken from strace's own record of them (write(2,
"TOOL ▸ ...")), so each is tied to the process that printed it and to its
place among that process's system calls.

For every narrated call, the process's calls since its previous narration
must hold that call, as the last of its name, with the same arguments
(strings, flags as sets, numbers) and the same result.  "write FILE ← VALUE"
must be a write of VALUE to a descriptor opened on FILE; an RTM_* line a
netlink request of that type for that interface, acknowledged with that
error.  With --complete, every namespace or mount call strace saw must also
have been narrated.  Prints one line per problem and exits 1 if any, else
prints the number of narrated calls checked.
"""
import codecs
import re
import sys

NARRATED = {"clone3", "unshare", "setns", "mount", "umount2", "pivot_root",
            "open_tree", "move_mount", "mount_setattr", "fsopen", "fsconfig",
            "fsmount", "seccomp", "capset", "sethostname"}
ALIASES = {"mkdir": {"mkdir", "mkdirat"}, "rmdir": {"rmdir", "unlinkat"}}
ARROW = " \u2192 "


def split_args(s):
    """Top-level comma-separated arguments of a call's argument text."""
    args, depth, cur, i, quoted = [], 0, "", 0, False
    while i < len(s):
        c = s[i]
        if quoted:
            cur += c
            if c == "\\" and i + 1 < len(s):
                cur += s[i + 1]
                i += 1
            elif c == '"':
                quoted = False
        elif c == '"':
            quoted = True
            cur += c
        elif c in "([{":
            depth += 1
            cur += c
        elif c in ")]}":
            depth -= 1
            cur += c
        elif c == "," and depth == 0:
            args.append(cur.strip())
            cur = ""
        else:
            cur += c
        i += 1
    if cur.strip():
        args.append(cur.strip())
    return args


def unquote(s):
    """The bytes of a C string literal as strace prints it, as text."""
    body = s[1:-1] if s.endswith('"') else s[1:]
    return codecs.escape_decode(body.encode("latin-1"))[0].decode("utf-8", "replace")


def is_flags(s):
    return re.fullmatch(r"[A-Z][A-Z0-9_]*(\|[A-Z~][A-Z0-9_]*)*(\|0x[0-9a-f]+)?", s) is not None


def arg_matches(ours, theirs):
    if ours == theirs:
        return True
    if ours.startswith('"'):
        if theirs.startswith("0x"):	# strace did not decode it (mount's type with MS_BIND)
            return True
        if ours.endswith('"...') or theirs.endswith('"...'):
            a, b = ours.rstrip("."), theirs.rstrip(".")
            n = min(len(a), len(b)) - 1
            return a[:n] == b[:n]
        return False
    if ours.startswith("0x") or ours == "(nil)" or theirs.startswith("0x"):
        return True	# pointers: their value is no teaching matter
    if is_flags(ours) and is_flags(theirs):
        return set(ours.split("|")) == set(theirs.split("|"))
    if ours == "0" and is_flags(theirs):
        return False
    try:
        return int(ours, 0) == int(theirs, 0)
    except ValueError:
        return False


def struct_fields(s):
    return dict(re.findall(r"(\w+)=([^,}]+)", s))


def call_matches(name, ours, call):
    """Our narrated argument list against one strace call."""
    theirs = split_args(call["args"])
    if name == "clone3":
        flags = struct_fields(call["args"]).get("flags", "")
        return set(ours[0].split("|")) == set(flags.split("|"))
    if name == "mount_setattr":
        if len(theirs) < 4 or not all(arg_matches(a, b) for a, b in zip(ours[:3], theirs[:3])):
            return False
        mine, seen = struct_fields(ours[3]), struct_fields(theirs[3])
        return all(k in seen and arg_matches(v, seen[k]) for k, v in mine.items())
    if len(ours) == len(theirs) and any(a.startswith("{") for a in ours):
        # a struct: the fields we name, as strace shows them
        for a, b in zip(ours, theirs):
            if a.startswith("{"):
                seen = struct_fields(b)
                if not all(k in seen and arg_matches(v, seen[k]) for k, v in struct_fields(a).items()):
                    return False
            elif not arg_matches(a, b):
                return False
        return True
    if name in ("mkdir",) and call["name"] == "mkdirat":
        theirs = theirs[1:]
    if len(ours) != len(theirs):
        return False
    return all(arg_matches(a, b) for a, b in zip(ours, theirs))


def result_matches(ours, theirs):
    ours = ours.strip()
    m = re.match(r"-1 (E[A-Z0-9]+)", ours)
    if m:
        return theirs.startswith("-1 " + m.group(1))
    return theirs.split()[0] == ours.split()[0] if theirs.split() else False


# strace decodes a netlink socket's messages only when it can find the
# socket's protocol, which it cannot for a socket opened in another netns.
RTM_NUMBERS = {"RTM_NEWLINK": 16, "RTM_DELLINK": 17, "RTM_SETLINK": 19,
               "RTM_NEWADDR": 20, "RTM_DELADDR": 21, "RTM_NEWROUTE": 24,
               "RTM_DELROUTE": 25, "RTM_NEWNSID": 88}


def nl_type_matches(rtm, args):
    return ("nlmsg_type=%s," % rtm in args or
            "nlmsg_type=%#x /*" % RTM_NUMBERS.get(rtm, -1) in args)


def nl_has_name(name, args):
    raw = "".join("\\x%02x" % b for b in name.encode()) + "\\x00"
    return '"%s"' % name in args or raw in args


class Proc:
    def __init__(self, fds=None):
        self.pending = []
        self.fds = dict(fds or {})


def parse(path):
    """Events per process, in order: ("call", dict) or ("say", text)."""
    events, unfinished = [], {}
    line_re = re.compile(r"^(\d+)\s+(.*)$")
    for raw in open(path, encoding="latin-1"):
        m = line_re.match(raw.rstrip("\n"))
        if not m:
            continue
        pid, rest = int(m.group(1)), m.group(2)
        if rest.startswith(("+++", "---")):
            continue
        if rest.endswith("<unfinished ...>"):
            unfinished[pid] = rest[: -len("<unfinished ...>")].rstrip()
            continue
        m = re.match(r"<\.\.\. (\w+) resumed>(.*)$", rest)
        if m:
            rest = unfinished.pop(pid, m.group(1) + "(") + m.group(2)
        m = re.match(r"^(\w+)\((.*)\)\s+= (.*)$", rest)
        if not m:
            continue
        events.append((pid, {"name": m.group(1), "args": m.group(2), "result": m.group(3)}))
    return events


def check(path, complete):
    procs, problems, checked = {}, [], 0

    def proc(pid):
        return procs.setdefault(pid, Proc())

    for pid, call in parse(path):
        p = proc(pid)
        name = call["name"]
        if name in ("clone", "clone3", "fork", "vfork") and re.match(r"\d+", call["result"]):
            child = int(call["result"].split()[0])
            if child > 0 and child not in procs:
                procs[child] = Proc(p.fds)
        if name in ("openat", "open") and re.match(r"\d+", call["result"]):
            a = split_args(call["args"])
            fname = a[1] if name == "openat" else a[0]
            if fname.startswith('"'):
                p.fds[int(call["result"].split()[0])] = unquote(fname)
        if name == "write":
            a = split_args(call["args"])
            if a and a[0] == "2" and len(a) > 1 and a[1].startswith('"'):
                text = unquote(a[1])
                if " \u25b8 " in text:
                    for line in text.splitlines():
                        if " \u25b8 " in line:
                            checked += say(pid, p, line.split(" \u25b8 ", 1)[1], problems)
                    continue
        p.pending.append(call)
    if complete:
        for pid, p in procs.items():
            left = [c for c in p.pending if c["name"] in NARRATED]
            for c in left:
                problems.append("%d: not narrated: %s(%s) = %s" % (pid, c["name"], c["args"][:200], c["result"]))
    for msg in problems:
        print(msg)
    if not problems:
        print("%d narrated calls agree with strace" % checked)
    return 1 if problems else 0


def take(p, found, problems, pid, what):
    """Consume the pending calls up to @found; earlier narrated kinds are unexplained."""
    i = p.pending.index(found)
    for c in p.pending[:i]:
        if c["name"] in NARRATED and COMPLETE:
            problems.append("%d: not narrated before %s: %s(%s) = %s"
                            % (pid, what, c["name"], c["args"][:200], c["result"]))
    del p.pending[: i + 1]


def say(pid, p, body, problems):
    body = re.sub(r"\x1b\[[0-9;]*m", "", body)
    if body.startswith("# "):
        return 0
    text, _, _concept = body.partition("  [")
    call_part, sep, result = text.partition(ARROW)
    if not sep:
        problems.append("%d: no result in: %s" % (pid, body))
        return 0
    m = re.match(r"^write (\S+) \u2190 (\".*\")$", call_part)
    if m:
        fname, value = m.group(1), m.group(2)
        for c in reversed(p.pending):
            a = split_args(c["args"])
            if c["name"] == "write" and len(a) >= 2 and a[1] == value:
                fd = int(a[0]) if a[0].isdigit() else -1
                if p.fds.get(fd) != fname:
                    problems.append("%d: write of %s to fd %d, open on %s, narrated as %s"
                                    % (pid, value, fd, p.fds.get(fd), fname))
                elif not result_matches(result, c["result"]):
                    problems.append("%d: result %s narrated as %s: %s" % (pid, c["result"], result, body))
                take(p, c, problems, pid, body)
                return 1
        problems.append("%d: no such write in strace: %s" % (pid, body))
        return 0
    m = re.match(r"^(RTM_[A-Z]+)\S*(?: \"([^\"]+)\")?", call_part)
    if m:
        rtm, ifname = m.group(1), m.group(2)
        for i in range(len(p.pending) - 1, -1, -1):
            c = p.pending[i]
            if c["name"] in ("sendto", "sendmsg") and nl_type_matches(rtm, c["args"]) and \
               (not ifname or nl_has_name(ifname, c["args"])):
                acks = [a for a in p.pending[i + 1:] if a["name"] in ("recvfrom", "recvmsg")
                        and "error=" in a["args"]]
                err = re.search(r"error=(-?E?[A-Z0-9]+|0)", acks[-1]["args"]).group(1) if acks else "?"
                want = "0" if result.strip().startswith("0") else \
                    "-" + re.match(r"-1 (E[A-Z0-9]+)", result.strip()).group(1)
                if err != want:
                    problems.append("%d: netlink answered %s, narrated %s: %s" % (pid, err, result, body))
                take(p, acks[-1] if acks else c, problems, pid, body)
                return 1
        problems.append("%d: no %s request in strace: %s" % (pid, rtm, body))
        return 0
    m = re.match(r"^(\w+)\((.*)\)$", call_part)
    if not m:
        if call_part.startswith("nft_run_cmd_from_buffer"):
            return 0	# a library call: its netlink traffic is libnftables'
        problems.append("%d: cannot parse: %s" % (pid, body))
        return 0
    name, ours = m.group(1), split_args(m.group(2))
    if name == "nft_run_cmd_from_buffer":
        return 0
    names = ALIASES.get(name, {name})
    same = [c for c in p.pending if c["name"] in names]
    if not same:
        problems.append("%d: not in strace: %s" % (pid, body))
        return 0
    last = same[-1]
    if not call_matches(name, ours, last):
        problems.append("%d: arguments differ: narrated %s(%s), strace %s(%s)"
                        % (pid, name, ", ".join(ours), last["name"], last["args"][:300]))
    elif not result_matches(result, last["result"]):
        problems.append("%d: result differs: narrated %s, strace %s: %s"
                        % (pid, result, last["result"], body))
    take(p, last, problems, pid, body)
    return 1


if __name__ == "__main__":
    args = sys.argv[1:]
    COMPLETE = "--complete" in args
    args = [a for a in args if a != "--complete"]
    if len(args) != 1:
        sys.exit("usage: explain-compare.py [--complete] TRACE")
    sys.exit(check(args[0], COMPLETE))
