#!/usr/bin/env bash
# Run every fuzzer for SECONDS (default 60) on its corpus and report.
#   tests/fuzz/run.sh [SECONDS]        (make fuzz; make test runs 3 s each)
# Prints one "fuzz NAME: N executions, M crashes" line per harness; exits
# non-zero if any harness found a crash (kept in build/fuzz/NAME-crashes/).
set -u
cd "$(dirname "$0")/../.."
seconds=${1:-60}
F=build/fuzz
status=0
hex2bin() {   # hex2bin HEX...: the bytes
    local h
    for h in "$@"; do
        for ((i = 0; i < ${#h}; i += 2)); do printf "\\x${h:i:2}"; done
    done
}
seed() {   # seed NAME: the corpus directory, seeded once
    local c=$F/$1-corpus
    mkdir -p "$c" "$F/$1-crashes"
    case $1 in
        elf) cp build/tests/kernels/*.elf "$c"/ 2>/dev/null ;;
        toml) cp tests/boot/manifests/*.toml "$c"/ ;;
        multiboot) cp build/tests/kernels/multiboot.elf "$c"/ 2>/dev/null ;;
        bzimage)  # Debian's kernels' first 64 KiB, when the Linux tests fetched them
            for k in build/debs/*/boot/vmlinuz-* build/debs/memtest86+/boot/memtest86+x64.bin; do
                [ -f "$k" ] && head -c 65536 "$k" > "$c/$(basename "$k")"
            done ;;
        memmap)   # QEMU pc's map, as raw entries
            hex2bin 0000000000000000 00fc090000000000 01000000 00000000 \
                0000100000000000 0000ee0700000000 01000000 00000000 \
                00000000fd000000 0000000003000000 02000000 00000000 > "$c/qemu-pc" ;;
    esac
    echo "$c"
}
for name in elf memmap toml bzimage multiboot; do
    corpus=$(seed $name)
    log=$F/$name.log
    "$F/fuzz_$name" -max_total_time="$seconds" -print_final_stats=1 \
        -artifact_prefix="$F/$name-crashes/" "$corpus" > "$log" 2>&1
    rc=$?
    runs=$(awk '/stat::number_of_executed_units/ { print $2 }' "$log")
    crashes=$(ls "$F/$name-crashes" | wc -l)
    echo "fuzz $name: ${runs:-0} executions in ${seconds} s, $crashes crashes"
    [ $rc -eq 0 ] && [ "$crashes" -eq 0 ] || status=1
done
exit $status
