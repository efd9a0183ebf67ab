#!/usr/bin/env bash
# The whole test suite: host unit tests, build-time refusals, QEMU boots of
# test kernels that check their environment from the inside, and boot-time
# failures. One PASS/FAIL line per test, then "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
. tests/lib.sh

rm -rf "$T" "$LOGS" build/tests/unit       # never run a stale test binary
mkdir -p "$T" "$LOGS"
TK=build/tests/kernels

section "build"
if make -s --no-print-directory unit-tests test-kernels test-tools example-kernel \
    > "$LOGS/build.log" 2>&1; then
    pass "build: unit tests, test kernels, tools"
else
    fail "build: unit tests, test kernels, tools" "$(tail -n 5 "$LOGS/build.log")"
fi

section "unit tests (ASan + UBSan)"
for t in build/tests/unit/test_*; do
    [ -x "$t" ] || continue
    "$t" > "$LOGS/$(basename "$t").out" 2> "$LOGS/$(basename "$t").err"
    status=$?
    while read -r verdict name; do
        case $verdict in
            ok) pass "unit $name" ;;
            FAIL) fail "unit $name" "$(head -c 600 "$LOGS/$(basename "$t").err")" ;;
        esac
    done < "$LOGS/$(basename "$t").out"
    [ $status -le 1 ] || fail "unit $(basename "$t")" "crashed (status $status): $(tail -n 3 "$LOGS/$(basename "$t").err")"
done

# TESTS="build uefi" runs some parts only (the unit tests always run).
for part in ${TESTS:-build boot fallback config graphics debug robust uefi secureboot measuredboot catcher kaslr smp linux multiboot bootloader09 rust}; do
    . tests/$part.sh
done

printf '\n'
[ $FAILED -eq 0 ] || printf 'failed: %s\n' "${FAILED_NAMES[*]}"
if [ $SKIPPED -gt 0 ]; then
    printf '%d passed, %d failed, %d skipped\n' "$PASSED" "$FAILED" "$SKIPPED"
else
    printf '%d passed, %d failed\n' "$PASSED" "$FAILED"
fi
[ $FAILED -eq 0 ]
