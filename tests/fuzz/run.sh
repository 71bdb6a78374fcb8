#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Build every tests/fuzz/fuzz_NAME.c with clang's libFuzzer, ASan and UBSan
# against all of common/, and run each for a bounded time on its seeds in
# tests/fuzz/corpus/NAME/.  `make fuzz` calls this with the build's flags.
#
# Usage: run.sh SRCDIR BUILDDIR SECONDS [JOBS [NAME...]]
# Environment (from make): CU_FUZZ_CC, CU_FUZZ_CPPFLAGS, CU_FUZZ_CFLAGS,
# CU_FUZZ_LIBS.  Prints "ok - fuzz_NAME" or "not ok - fuzz_NAME" per
# harness (with the crashing input saved under BUILDDIR/fuzz/artifacts/),
# then "fuzz: N passed, N failed, 0 skipped".
set -uo pipefail
src=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
seconds=${3:-10}
jobs=${4:-1}
shift 4 2>/dev/null || shift $#
cc=${CU_FUZZ_CC:-clang}
work=$build/fuzz
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
cflags="-g -O1 -fno-omit-frame-pointer $san ${CU_FUZZ_CPPFLAGS:-} ${CU_FUZZ_CFLAGS:-}"
pass=0 fail=0

mkdir -p "$work/obj" "$work/bin" "$work/corpus" "$work/artifacts" "$work/logs"

names=("$@")
if [ "${#names[@]}" -eq 0 ]; then
	for f in "$src"/tests/fuzz/fuzz_*.c; do
		[ -e "$f" ] || continue
		n=$(basename "$f" .c)
		names+=("${n#fuzz_}")
	done
fi

report() {	# name ok|fail message
	if [ "$2" = ok ]; then
		echo "ok - fuzz_$1${3:+ # $3}"; pass=$((pass + 1))
	else
		echo "not ok - fuzz_$1: $3"; fail=$((fail + 1))
	fi
}

# common/ once, instrumented for coverage and the sanitizers.
objs=()
for c in "$src"/common/*.c; do
	# not library code: nsenter2's freestanding exec trampoline (own _start)
	[ "$(basename "$c")" = exec-seal-tramp.c ] && continue
	o=$work/obj/$(basename "$c" .c).o
	# shellcheck disable=SC2086 # flag lists
	if ! "$cc" $cflags -fsanitize=fuzzer-no-link -c "$c" -o "$o" 2> "$work/logs/cc-$(basename "$c").log"; then
		cat "$work/logs/cc-$(basename "$c").log"
		report common fail "cannot compile $c with $cc"
		echo "fuzz: $pass passed, $fail failed, 0 skipped"
		exit 1
	fi
	objs+=("$o")
done

build_one() {	# name
	# shellcheck disable=SC2086 # flag lists
	"$cc" $cflags -fsanitize=fuzzer -I"$src/tests/fuzz" \
		"$src/tests/fuzz/fuzz_$1.c" "${objs[@]}" ${CU_FUZZ_LIBS:-} \
		-o "$work/bin/fuzz_$1" > "$work/logs/build-$1.log" 2>&1
}

run_one() {	# name: exit status of the fuzzer, log in logs/NAME.log
	local seeds=$src/tests/fuzz/corpus/$1
	mkdir -p "$work/corpus/$1" "$work/artifacts/$1"
	[ -d "$seeds" ] || seeds=
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1} \
	UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
	timeout -k 10 $((seconds + 60)) "$work/bin/fuzz_$1" \
		-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		-max_len=512 -print_final_stats=1 \
		-artifact_prefix="$work/artifacts/$1/" \
		"$work/corpus/$1" ${seeds:+"$seeds"} \
		< /dev/null > "$work/logs/$1.log" 2>&1
}

for n in "${names[@]}"; do
	if [ ! -f "$src/tests/fuzz/fuzz_$n.c" ]; then
		report "$n" fail "no tests/fuzz/fuzz_$n.c"
	elif ! build_one "$n"; then
		report "$n" fail "build failed"; sed 's/^/#   /' "$work/logs/build-$n.log" | tail -20
	fi
done

# run them, JOBS at a time
declare -A pids=()
for n in "${names[@]}"; do
	[ -x "$work/bin/fuzz_$n" ] || continue
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
		wait -n
	done
	run_one "$n" &
	pids[$n]=$!
done
for n in "${names[@]}"; do
	[ -n "${pids[$n]:-}" ] || continue
	if wait "${pids[$n]}"; then
		runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$work/logs/$n.log" | grep -oE '[0-9]+$')
		report "$n" ok "${runs:-?} runs in ${seconds}s"
	else
		crash=$(find "$work/artifacts/$n" -type f 2>/dev/null | head -1)
		report "$n" fail "crash or timeout${crash:+, input saved as $crash}"
		grep -E 'ERROR|SUMMARY|property failed|runtime error|^ +#[0-9]' "$work/logs/$n.log" | head -25 | sed 's/^/#   /'
	fi
done
echo "fuzz: $pass passed, $fail failed, 0 skipped"
[ "$fail" -eq 0 ]
