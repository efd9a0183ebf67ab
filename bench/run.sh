#!/usr/bin/env bash
# Boot benchmarks: whole-process QEMU (TCG) wall time, interleaved runs,
# median and min/max, against the firmware floor measured in the same run.
#   bench/run.sh [RUNS]      (default 5; `make bench`)
set -u
cd "$(dirname "$0")/.."
runs=${1:-5}
B=build/bench
mkdir -p $B
make -s --no-print-directory test-kernels PAYLOAD_MIB=16 > $B/build.log 2>&1 &&
make -s --no-print-directory test-kernels PAYLOAD_MIB=64 >> $B/build.log 2>&1 ||
    { echo "bench: build failed, see $B/build.log" >&2; exit 1; }
# Reference images, padded like ours (SeaBIOS refuses tiny disks on some
# controllers): the floor, and raw 127-sector reads of 16 and 64 MiB.
nasm -f bin -o $B/floor.bin bench/floor.asm && truncate -s 1M $B/floor.bin
for mib in 16 64; do
    nasm -f bin -DSECTORS=$((mib * 2048)) -o $B/raw$mib.bin bench/rawread.asm &&
        truncate -s $(((mib + 1) << 20)) $B/raw$mib.bin
done
TK=build/tests/kernels
img() {   # img NAME KERNEL
    make -s --no-print-directory KDIR=$B/$1 IMAGE=$B/$1.bin KERNEL=$2 image.bin >> $B/build.log 2>&1
}
img tiny $TK/exit.elf && img p16 $TK/payload-16.elf && img p64 $TK/payload-64.elf ||
    { echo "bench: image build failed" >&2; exit 1; }

# name | image | drive interface | MiB loaded | raw-read case to compare with
cases=()
for ifc in ide virtio; do
    cases+=("floor $ifc|$B/floor.bin|$ifc||"
            "raw read 16 MiB $ifc|$B/raw16.bin|$ifc|16|"
            "raw read 64 MiB $ifc|$B/raw64.bin|$ifc|64|"
            "embedboot tiny $ifc|$B/tiny.bin|$ifc||"
            "embedboot 16 MiB $ifc|$B/p16.bin|$ifc|16|raw read 16 MiB $ifc"
            "embedboot 64 MiB $ifc|$B/p64.bin|$ifc|64|raw read 64 MiB $ifc")
done

one_run() {   # prints milliseconds, or FAIL
    local image=$1 ifc=$2 t0 t1 status
    t0=$(date +%s%N)
    timeout 120 qemu-system-x86_64 -accel tcg -m 512M -nic none -no-reboot -display none \
        -serial none -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
        -drive "format=raw,file=$image,if=$ifc" > /dev/null 2>&1
    status=$?
    t1=$(date +%s%N)
    [ $status -eq 33 ] && echo "$(( (t1 - t0) / 1000000 ))" || echo FAIL
}

declare -A times
for ((r = 0; r <= runs; r++)); do            # run 0 is the warm-up
    for c in "${cases[@]}"; do
        IFS='|' read -r name image ifc mib raw <<< "$c"
        t=$(one_run "$image" "$ifc")
        [ $r -gt 0 ] && times[$name]="${times[$name]:-} $t"
    done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
minmax() { tr ' ' '\n' | grep -v '^$' | sort -n | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo "-" hi }'; }

printf 'QEMU %s, TCG, %d runs each after a warm-up; times are whole-process wall time.\n\n' \
    "$(qemu-system-x86_64 --version | head -n 1 | awk '{ print $4 }')" "$runs"
printf '%-26s %9s %13s %11s %8s %13s\n' case "median ms" "min-max ms" "over floor" "MiB/s" "vs raw read"
for c in "${cases[@]}"; do
    IFS='|' read -r name image ifc mib raw <<< "$c"
    if grep -q FAIL <<< "${times[$name]}"; then
        printf '%-26s %9s\n' "$name" FAILED
        continue
    fi
    m=$(median <<< "${times[$name]}")
    over=$((m - $(median <<< "${times[floor $ifc]}")))
    rate=- ratio=-
    [ -n "$mib" ] && [ $over -gt 0 ] && rate=$(awk -v m=$mib -v t=$over 'BEGIN { printf "%.1f", m / (t / 1000) }')
    if [ -n "$raw" ] && ! grep -q FAIL <<< "${times[$raw]}"; then
        rover=$(( $(median <<< "${times[$raw]}") - $(median <<< "${times[floor $ifc]}") ))
        ratio=$(awk -v a=$rover -v b=$over 'BEGIN { printf "%.0f %%", 100 * a / b }')
    fi
    printf '%-26s %9s %13s %11s %8s %13s\n' "$name" "$m" "$(minmax <<< "${times[$name]}")" "$over" "$rate" "$ratio"
done

loader=$(( $(objdump -h $B/tiny/bootloader.elf | awk '$2 == ".stage1" || $2 == ".loader" { print "0x" $3 }' | paste -sd+) ))
printf '\nloader bytes in the image (stage 1 + stages 2-4 + header): %d\n' "$loader"

rebuild=""
for ((r = 0; r < runs; r++)); do
    touch $TK/payload-64.elf
    t0=$(date +%s%N)
    make -s --no-print-directory KDIR=$B/p64 IMAGE=$B/p64.bin KERNEL=$TK/payload-64.elf image.bin > /dev/null 2>&1
    t1=$(date +%s%N)
    rebuild="$rebuild $(( (t1 - t0) / 1000000 ))"
done
printf 'make image.bin after touching a 64 MiB kernel: median %s ms (%s)\n' \
    "$(median <<< "$rebuild")" "$(minmax <<< "$rebuild")"
