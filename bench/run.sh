#!/usr/bin/env bash
# Boot benchmarks: whole-process QEMU (TCG) wall time, interleaved runs,
# median and min/max, against the firmware floor, raw BIOS reads and GRUB,
# all measured in the same run (bench/README.md).
#   bench/run.sh [RUNS]      (default 5; `make bench`)
#   bench/run.sh --smoke     one run each of the tiny cases (`make test`)
#   BENCH_CASES=REGEX bench/run.sh 9   only the cases whose names match, with
#                            the floor and raw read each is measured against
#   BENCH_PREALLOC=1         QEMU backs all guest RAM before the guest runs
#                            (-mem-prealloc): the in-guest times then leave out
#                            the host's faults on first touch (bench/README.md)
# UEFI rows boot the same images under OVMF, over an application that
# exits at once.
set -u
cd "$(dirname "$0")/.."
runs=${1:-5}
smoke=0
[ "$runs" = --smoke ] && { smoke=1; runs=1; }
B=build/bench
mkdir -p $B
. bench/timeline.sh
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
img() {   # img NAME KERNEL [make variables...]: the embedboot image
    make -s --no-print-directory KDIR=$B/$1 IMAGE=$B/$1.bin KERNEL=$2 "${@:3}" image.bin >> $B/build.log 2>&1
}
grub() {  # grub NAME [PAYLOAD]: the GRUB image of the multiboot2 kernel
    nasm -f elf32 ${2:+-DPAYLOAD=\"$2\"} -o $B/$1.o bench/multiboot2.asm &&
        ld -m elf_i386 -Ttext=0x200000 -e _start -o $B/$1.elf $B/$1.o &&
        bench/grub-image.sh $B/$1.elf $B/$1.bin >> $B/build.log 2>&1
}
img tiny $TK/exit.elf && grub grub-tiny || { echo "bench: image build failed" >&2; exit 1; }
# The UEFI floor: the tiny image with an application that exits at once
# in place of BOOTX64.EFI (same disk, same ESP, same file name).
make -s --no-print-directory build/bench/efi-exit.efi >> $B/build.log 2>&1 &&
    cp $B/tiny.bin $B/efi-floor.bin &&
    MTOOLS_SKIP_CHECK=1 mcopy -o -i "$B/efi-floor.bin@@$(( $(od -An -tu4 -j 470 -N 4 $B/tiny.bin) * 512 ))" \
        build/bench/efi-exit.efi ::/EFI/BOOT/BOOTX64.EFI ||
    { echo "bench: UEFI floor image build failed" >&2; exit 1; }
# The UEFI raw read of N MiB: the same image with bench/efi-read.c in
# place of BOOTX64.EFI, reading the payload area through Block I/O as
# embedboot's application does, and nothing else.
efi_read() {   # efi_read MIB
    make -s --no-print-directory KDIR=$B/p$1 IMAGE=$B/p$1.bin KERNEL=$TK/payload-$1.elf \
        $B/p$1/efi-read.efi >> $B/build.log 2>&1 &&
        cp $B/p$1.bin $B/efi-read$1.bin &&
        MTOOLS_SKIP_CHECK=1 mcopy -o -i "$B/efi-read$1.bin@@$(( $(od -An -tu4 -j 470 -N 4 $B/p$1.bin) * 512 ))" \
            $B/p$1/efi-read.efi ::/EFI/BOOT/BOOTX64.EFI
}
for mib in $sizes; do
    nasm -f bin -DSECTORS=$((mib * 2048)) -o $B/raw$mib.bin bench/rawread.asm &&
        truncate -s $(((mib + 1) << 20)) $B/raw$mib.bin &&
        img p$mib $TK/payload-$mib.elf && img u$mib $TK/payload-$mib.elf CMDLINE=unread &&
        grub grub-$mib $TK/payload-$mib.bin && efi_read $mib ||
        { echo "bench: image build failed" >&2; exit 1; }
done

# name | image | drive interface | MiB loaded | raw-read case | GRUB case | floor case
# (UEFI cases run under OVMF; their floor is the exit-at-once application.)
cases=()
for ifc in ide virtio; do
    cases+=("floor $ifc|$B/floor.bin|$ifc||||floor $ifc"
            "embedboot tiny $ifc|$B/tiny.bin|$ifc|||grub tiny $ifc|floor $ifc"
            "grub tiny $ifc|$B/grub-tiny.bin|$ifc||||floor $ifc")
    for mib in $sizes; do
        cases+=("raw read $mib MiB $ifc|$B/raw$mib.bin|$ifc|$mib|||floor $ifc"
                "embedboot $mib MiB $ifc|$B/p$mib.bin|$ifc|$mib|raw read $mib MiB $ifc|grub $mib MiB $ifc|floor $ifc"
                "embedboot $mib MiB unread $ifc|$B/u$mib.bin|$ifc|$mib|raw read $mib MiB $ifc|grub $mib MiB $ifc|floor $ifc"
                "grub $mib MiB $ifc|$B/grub-$mib.bin|$ifc|$mib|raw read $mib MiB $ifc||floor $ifc")
    done
    [ $smoke = 1 ] && [ $ifc = virtio ] && continue     # OVMF is slow to start
    cases+=("uefi floor $ifc|$B/efi-floor.bin|$ifc||||uefi floor $ifc"
            "uefi embedboot tiny $ifc|$B/tiny.bin|$ifc||||uefi floor $ifc")
    for mib in $sizes; do
        cases+=("uefi raw read $mib MiB $ifc|$B/efi-read$mib.bin|$ifc|$mib|||uefi floor $ifc"
                "uefi embedboot $mib MiB $ifc|$B/p$mib.bin|$ifc|$mib|uefi raw read $mib MiB $ifc||uefi floor $ifc")
    done
done

if [ -n "${BENCH_CASES:-}" ]; then     # the matches, their floors and raw reads
    declare -A wanted
    for c in "${cases[@]}"; do
        IFS='|' read -r name image ifc mib raw grub floor <<< "$c"
        grep -qE -- "$BENCH_CASES" <<< "$name" || continue
        wanted[$name]=1 wanted[$floor]=1
        [ -n "$raw" ] && wanted[$raw]=1
    done
    kept=()
    for c in "${cases[@]}"; do
        [ -n "${wanted[${c%%|*}]:-}" ] && kept+=("$c")
    done
    cases=("${kept[@]}")
fi

one_run() {   # one_run IMAGE IFC [uefi]: prints milliseconds, or FAIL
    local image=$1 ifc=$2 t0 t1 status firmware=()
    if [ "${3:-}" = uefi ]; then
        cp /usr/share/OVMF/OVMF_VARS.fd $B/vars.fd
        firmware=(-drive "if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE.fd"
                  -drive "if=pflash,format=raw,file=$B/vars.fd")
    fi
    t0=$(date +%s%N)
    timeout 120 qemu-system-x86_64 -accel tcg -m 512M -nic none -no-reboot -display none \
        -serial file:$B/last.serial -device isa-debug-exit,iobase=0xf4,iosize=0x04 "${firmware[@]}" \
        ${BENCH_PREALLOC:+-mem-prealloc} \
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
        IFS='|' read -r name image ifc mib raw grub floor <<< "$c"
        t=$(one_run "$image" "$ifc" "${name%% *}")
        [ $r -gt 0 ] && times[$name]="${times[$name]:-} $t" && tl_collect "$name" $B/last.serial
    done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
minmax() { tr ' ' '\n' | grep -v '^$' | sort -n | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo "-" hi }'; }

printf 'QEMU %s, TCG, %d run(s) each%s%s; times are whole-process wall time.\n\n' \
    "$(qemu-system-x86_64 --version | head -n 1 | awk '{ print $4 }')" "$runs" \
    "$([ $smoke = 1 ] && echo ", smoke test" || echo " after a warm-up")" \
    "${BENCH_PREALLOC:+, guest RAM preallocated (-mem-prealloc)}"
printf '%-32s %9s %13s %11s %8s %12s %10s\n' case "median ms" "min-max ms" "over floor" "MiB/s" \
    "raw/this" "GRUB/this"
failed=0
for c in "${cases[@]}"; do
    IFS='|' read -r name image ifc mib raw grub floor <<< "$c"
    if grep -q FAIL <<< "${times[$name]}"; then
        printf '%-32s %9s\n' "$name" FAILED
        failed=1
        continue
    fi
    m=$(median <<< "${times[$name]}")
    over=$((m - $(median <<< "${times[$floor]}")))
    rate=- ratio=- vs_grub=-
    [ -n "$mib" ] && [ $over -gt 0 ] && rate=$(awk -v m=$mib -v t=$over 'BEGIN { printf "%.1f", m / (t / 1000) }')
    ratio_to() {   # ratio_to CASE: (CASE over floor) / (this over floor)
        [ -n "${times[$1]:-}" ] || { echo -; return; }     # not run (BENCH_CASES)
        grep -q FAIL <<< "${times[$1]}" && { echo -; return; }
        local o=$(( $(median <<< "${times[$1]}") - $(median <<< "${times[$floor]}") ))
        awk -v a=$o -v b=$over 'BEGIN { if (b <= 0) print "-"; else printf "%.0f %%", 100 * a / b }'
    }
    [ -n "$raw" ] && ratio=$(ratio_to "$raw")
    [ -n "$grub" ] && vs_grub=$(ratio_to "$grub")
    printf '%-32s %9s %13s %11s %8s %12s %10s\n' "$name" "$m" "$(minmax <<< "${times[$name]}")" \
        "$over" "$rate" "$ratio" "$vs_grub"
done

tl_cases=() guest_pairs=()
for c in "${cases[@]}"; do
    IFS='|' read -r name image ifc mib raw grub floor <<< "$c"
    [[ "$name" == *embedboot* ]] && tl_cases+=("$name")
    [[ "$name" == *embedboot* && -n "$raw" ]] && guest_pairs+=("$name|$raw")
done
tl_table "${tl_cases[@]}"
tl_guest_table "${guest_pairs[@]}"

loader=$(( $(objdump -h $B/tiny/bootloader.elf | awk '$2 == ".stage1" || $2 == ".loader" { print "0x" $3 }' | paste -sd+) ))
printf '\nloader bytes in the image (stage 1 + stages 2-4 + header): %d\n' "$loader"

[ $smoke = 1 ] && exit $failed
# Rebuilds: make image.bin after touching the kernel, with the cache warm
# and the disk idle (sync and a pause before each). The machine's noise
# is large for steps that write 16-64 MiB, so more runs than the boots.
rebuild_runs=${REBUILD_RUNS:-11}
rebuild_sizes=$sizes
[ "$rebuild_runs" -gt 0 ] || rebuild_sizes=""     # REBUILD_RUNS=0: the boots only
for mib in $rebuild_sizes; do
    rebuild=""
    for ((r = 0; r < rebuild_runs; r++)); do
        touch $TK/payload-$mib.elf
        sync; sleep 0.3
        t0=$(date +%s%N)
        make -s --no-print-directory KDIR=$B/p$mib IMAGE=$B/p$mib.bin KERNEL=$TK/payload-$mib.elf \
            image.bin > /dev/null 2>&1 || { echo "bench: rebuild of p$mib failed" >&2; exit 1; }
        t1=$(date +%s%N)
        rebuild="$rebuild $(( (t1 - t0) / 1000000 ))"
    done
    printf 'make image.bin after touching a %s MiB kernel: median %s ms (%s, %d runs)\n' "$mib" \
        "$(median <<< "$rebuild")" "$(minmax <<< "$rebuild")" "$rebuild_runs"
done
for mib in $sizes; do
    printf 'image.bin for the %s MiB kernel: %d bytes (payloads %d + 2 MiB = %d)\n' "$mib" \
        "$(stat -c %s $B/p$mib.bin)" "$(stat -c %s $B/p$mib/kernel.stripped)" \
        "$(( $(stat -c %s $B/p$mib/kernel.stripped) + (2 << 20) ))"
done
