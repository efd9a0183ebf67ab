#!/usr/bin/env bash
# Boot benchmarks: whole-process QEMU (TCG) wall time, interleaved runs,
# median and min/max, against the firmware floor, raw BIOS reads and GRUB,
# all measured in the same run (bench/README.md).
#   bench/run.sh [RUNS]      (default 5; `make bench`)
#   bench/run.sh --smoke     one run each of the tiny cases (`make test`)
set -u
cd "$(dirname "$0")/.."
runs=${1:-5}
smoke=0
[ "$runs" = --smoke ] && { smoke=1; runs=1; }
B=build/bench
mkdir -p $B
sizes="16 64"
[ $smoke = 1 ] && sizes=""
make -s --no-print-directory test-kernels > $B/build.log 2>&1 ||
    { echo "bench: build failed, see $B/build.log" >&2; exit 1; }
for mib in $sizes; do
    make -s --no-print-directory test-kernels PAYLOAD_MIB=$mib >> $B/build.log 2>&1 ||
        { echo "bench: build failed, see $B/build.log" >&2; exit 1; }
done
# Reference images, padded like ours (SeaBIOS refuses tiny disks on some
# controllers): the floor, and raw 127-sector reads of 16 and 64 MiB.
nasm -f bin -o $B/floor.bin bench/floor.asm && truncate -s 1M $B/floor.bin
TK=build/tests/kernels
img() {   # img NAME KERNEL: the embedboot image
    make -s --no-print-directory KDIR=$B/$1 IMAGE=$B/$1.bin KERNEL=$2 image.bin >> $B/build.log 2>&1
}
grub() {  # grub NAME [PAYLOAD]: the GRUB image of the multiboot2 kernel
    nasm -f elf32 ${2:+-DPAYLOAD=\"$2\"} -o $B/$1.o bench/multiboot2.asm &&
        ld -m elf_i386 -Ttext=0x200000 -e _start -o $B/$1.elf $B/$1.o &&
        bench/grub-image.sh $B/$1.elf $B/$1.bin >> $B/build.log 2>&1
}
img tiny $TK/exit.elf && grub grub-tiny || { echo "bench: image build failed" >&2; exit 1; }
for mib in $sizes; do
    nasm -f bin -DSECTORS=$((mib * 2048)) -o $B/raw$mib.bin bench/rawread.asm &&
        truncate -s $(((mib + 1) << 20)) $B/raw$mib.bin &&
        img p$mib $TK/payload-$mib.elf && grub grub-$mib $TK/payload-$mib.bin ||
        { echo "bench: image build failed" >&2; exit 1; }
done

# name | image | drive interface | MiB loaded | raw-read case | GRUB case
cases=()
for ifc in ide virtio; do
    cases+=("floor $ifc|$B/floor.bin|$ifc|||"
            "embedboot tiny $ifc|$B/tiny.bin|$ifc|||grub tiny $ifc"
            "grub tiny $ifc|$B/grub-tiny.bin|$ifc|||")
    for mib in $sizes; do
        cases+=("raw read $mib MiB $ifc|$B/raw$mib.bin|$ifc|$mib||"
                "embedboot $mib MiB $ifc|$B/p$mib.bin|$ifc|$mib|raw read $mib MiB $ifc|grub $mib MiB $ifc"
                "grub $mib MiB $ifc|$B/grub-$mib.bin|$ifc|$mib|raw read $mib MiB $ifc|")
    done
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
first=0
[ $smoke = 1 ] && first=1                   # no warm-up in the smoke run
for ((r = first; r <= runs; r++)); do       # run 0 is the warm-up
    for c in "${cases[@]}"; do
        IFS='|' read -r name image ifc mib raw grub <<< "$c"
        t=$(one_run "$image" "$ifc")
        [ $r -gt 0 ] && times[$name]="${times[$name]:-} $t"
    done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
minmax() { tr ' ' '\n' | grep -v '^$' | sort -n | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo "-" hi }'; }

printf 'QEMU %s, TCG, %d run(s) each%s; times are whole-process wall time.\n\n' \
    "$(qemu-system-x86_64 --version | head -n 1 | awk '{ print $4 }')" "$runs" \
    "$([ $smoke = 1 ] && echo ", smoke test" || echo " after a warm-up")"
printf '%-24s %9s %13s %11s %8s %12s %10s\n' case "median ms" "min-max ms" "over floor" "MiB/s" \
    "raw/this" "GRUB/this"
failed=0
for c in "${cases[@]}"; do
    IFS='|' read -r name image ifc mib raw grub <<< "$c"
    if grep -q FAIL <<< "${times[$name]}"; then
        printf '%-24s %9s\n' "$name" FAILED
        failed=1
        continue
    fi
    m=$(median <<< "${times[$name]}")
    over=$((m - $(median <<< "${times[floor $ifc]}")))
    rate=- ratio=- vs_grub=-
    [ -n "$mib" ] && [ $over -gt 0 ] && rate=$(awk -v m=$mib -v t=$over 'BEGIN { printf "%.1f", m / (t / 1000) }')
    ratio_to() {   # ratio_to CASE: (CASE over floor) / (this over floor)
        grep -q FAIL <<< "${times[$1]}" && { echo -; return; }
        local o=$(( $(median <<< "${times[$1]}") - $(median <<< "${times[floor $ifc]}") ))
        awk -v a=$o -v b=$over 'BEGIN { if (b <= 0) print "-"; else printf "%.0f %%", 100 * a / b }'
    }
    [ -n "$raw" ] && ratio=$(ratio_to "$raw")
    [ -n "$grub" ] && vs_grub=$(ratio_to "$grub")
    printf '%-24s %9s %13s %11s %8s %12s %10s\n' "$name" "$m" "$(minmax <<< "${times[$name]}")" \
        "$over" "$rate" "$ratio" "$vs_grub"
done

loader=$(( $(objdump -h $B/tiny/bootloader.elf | awk '$2 == ".stage1" || $2 == ".loader" { print "0x" $3 }' | paste -sd+) ))
printf '\nloader bytes in the image (stage 1 + stages 2-4 + header): %d\n' "$loader"

[ $smoke = 1 ] && exit $failed
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
