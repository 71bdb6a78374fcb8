#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/confine-bundle.sh CONFIG.JSON - give an OCI bundle's config the
# confinement nsrun --root applies by default, for a fair comparison with
# crun/runc: the same capabilities (Docker's, without CAP_MKNOD), masked and
# read-only paths, read-only /sys, and the same seccomp policy (the syscall
# names are read from common/ns-seccomp.c, the one place they are kept).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
config=$1
names=$(awk '/^static const char \*const allowed\[\] = \{/ { on = 1; next }
	on && /^\};/ { exit } on' "$top/common/ns-seccomp.c" |
	grep -o '"[a-z0-9_]*"' | jq -s -c '. + ["chroot"]')
[ "$(jq length <<< "$names")" -gt 300 ] || { echo "confine-bundle.sh: cannot read the syscall list" >&2; exit 1; }
jq --argjson names "$names" '
	.process.capabilities = ([
		"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
		"CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
		"CAP_NET_RAW", "CAP_SYS_CHROOT", "CAP_AUDIT_WRITE", "CAP_SETFCAP"] as $c
		| { bounding: $c, effective: $c, permitted: $c })
	| .linux.maskedPaths = ["/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys",
		"/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
		"/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap"]
	| .linux.readonlyPaths = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]
	| .linux.seccomp = {
		defaultAction: "SCMP_ACT_ERRNO", defaultErrnoRet: 1,
		architectures: ["SCMP_ARCH_X86_64"],
		syscalls: ([{ names: $names, action: "SCMP_ACT_ALLOW" }]
			+ [0, 8, 131072, 131080, 4294967295 | { names: ["personality"],
				action: "SCMP_ACT_ALLOW", args: [{ index: 0, value: ., op: "SCMP_CMP_EQ" }] }]
			+ [{ names: ["socket"], action: "SCMP_ACT_ALLOW",
				args: [{ index: 0, value: 40, op: "SCMP_CMP_NE" }] },
			   { names: ["clone"], action: "SCMP_ACT_ALLOW",
				args: [{ index: 0, value: 2114060288, valueTwo: 0, op: "SCMP_CMP_MASKED_EQ" }] },
			   { names: ["clone3"], action: "SCMP_ACT_ERRNO", errnoRet: 38 }])
	}' "$config" > "$config.new"
mv "$config.new" "$config"
