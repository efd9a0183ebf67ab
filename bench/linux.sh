#!/usr/bin/env bash
# Linux boot benchmark: Debian's cloud kernel with a busybox initramfs, to
# /init's poweroff, three ways in the same run: QEMU's own -kernel/-initrd
# loader (the floor), embedboot's image, GRUB 2 (grub-pc-bin) from a FAT
# partition; on IDE and virtio-blk, with a small and a 64 MiB initrd. The
# raw INT 13h read of as many bytes as the kernel and initrd (over the
# firmware floor) is measured too: embedboot should add no more than that
# plus 50 ms over QEMU's loader (bench/README.md).
#   bench/linux.sh [RUNS]      (default 5; `make bench`)
#   bench/linux.sh --smoke     one run, small initrd, IDE (`make test`)
set -u
cd "$(dirname "$0")/.."
runs=${1:-5}
smoke=0
[ "$runs" = --smoke ] && { smoke=1; runs=1; }
B=build/bench/linux
mkdir -p $B
. bench/timeline.sh
scripts/debian-payloads.sh linux-image-cloud-amd64 busybox-static > $B/payloads.log 2>&1 ||
    { echo "bench: $(tail -n 1 $B/payloads.log)" >&2; exit 1; }
kpkg=$(readlink build/debs/linux-image-cloud-amd64)
vmlinuz=build/debs/$kpkg/boot/vmlinuz-${kpkg#linux-image-}
cmdline="console=ttyS0 quiet panic=-1"
initrds="small big" ifcs="ide virtio"
[ $smoke = 1 ] && { initrds=small; ifcs=ide; }

nasm -f bin -o $B/floor.bin bench/floor.asm && truncate -s 1M $B/floor.bin
for i in $initrds; do
    tests/linux/mkinitrd.sh build/debs/busybox-static/bin/busybox $B/$i.cpio.gz \
        $([ $i = big ] && echo 64) &&
    make -s --no-print-directory KDIR=$B/$i IMAGE=$B/embedboot-$i.bin KERNEL="$vmlinuz" \
        INITRD=$B/$i.cpio.gz CMDLINE="$cmdline" image.bin > $B/build.log 2>&1 &&
    bench/grub-image.sh "$vmlinuz" $B/grub-$i.bin $B/$i.cpio.gz "$cmdline" >> $B/build.log 2>&1 &&
    bytes=$(( $(stat -c %s "$vmlinuz") + $(stat -c %s $B/$i.cpio.gz) )) &&
    nasm -f bin -DSECTORS=$(( (bytes + 511) / 512 )) -o $B/raw-$i.bin bench/rawread.asm &&
    truncate -s $(( bytes + (1 << 20) )) $B/raw-$i.bin ||
    { echo "bench: building the $i images failed, see $B/build.log" >&2; exit 1; }
done

# name | how | initrd | interface
cases=()
for i in $initrds; do
    cases+=("direct $i|direct|$i|")
    for ifc in $ifcs; do
        cases+=("floor $ifc|disk:$B/floor.bin|$i|$ifc" "raw $i $ifc|disk:$B/raw-$i.bin|$i|$ifc"
                "embedboot $i $ifc|disk:$B/embedboot-$i.bin|$i|$ifc"
                "grub $i $ifc|disk:$B/grub-$i.bin|$i|$ifc")
    done
done

one_run() {   # one_run HOW INITRD IFC: milliseconds, or FAIL
    local how=$1 initrd=$2 ifc=$3 t0 t1 status args
    if [ "$how" = direct ]; then
        args=(-kernel "$vmlinuz" -initrd $B/$initrd.cpio.gz -append "$cmdline")
    else
        args=(-drive "format=raw,file=${how#disk:},if=$ifc,snapshot=on")
    fi
    t0=$(date +%s%N)
    timeout 120 qemu-system-x86_64 -accel tcg -m 512M -nic none -no-reboot -display none \
        -serial file:$B/last.serial -device isa-debug-exit,iobase=0xf4,iosize=0x04 "${args[@]}" \
        > /dev/null 2>&1
    status=$?
    t1=$(date +%s%N)
    # Linux powers off (0); the raw-read and floor sectors exit with 33.
    if [ $status -eq 33 ] || { [ $status -eq 0 ] && grep -q "linux-test: done" $B/last.serial; }; then
        echo "$(( (t1 - t0) / 1000000 ))"
    else
        echo FAIL
    fi
}

declare -A times
first=0
[ $smoke = 1 ] && first=1
for ((r = first; r <= runs; r++)); do       # run 0 is the warm-up
    declare -A seen=()                      # the floor rows are listed per initrd
    for c in "${cases[@]}"; do
        IFS='|' read -r name how initrd ifc <<< "$c"
        [ -n "${seen[$name]:-}" ] && continue
        seen[$name]=1
        t=$(one_run "$how" "$initrd" "$ifc")
        [ $r -gt 0 ] && times[$name]="${times[$name]:-} $t" && tl_collect "$name" $B/last.serial
    done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
ms() { grep -q FAIL <<< "${times[$1]:-FAIL}" && echo FAIL || median <<< "${times[$1]}"; }

printf 'Linux %s, %d run(s) each%s; whole-process wall time to /init powering off.\n\n' \
    "${kpkg#linux-image-}" "$runs" "$([ $smoke = 1 ] && echo ", smoke test" || echo " after a warm-up")"
printf '%-22s %10s %10s %12s %14s %8s %10s %9s %10s\n' case "direct ms" "ours ms" "over direct" \
    "raw read+50" "goal" "GRUB ms" "raw/this" "GRUB/this"
failed=0
for i in $initrds; do
    for ifc in $ifcs; do
        d=$(ms "direct $i") e=$(ms "embedboot $i $ifc") g=$(ms "grub $i $ifc")
        r=$(ms "raw $i $ifc") f=$(ms "floor $ifc")
        if [ "$d$e$g$r$f" != "${d//FAIL}${e//FAIL}${g//FAIL}${r//FAIL}${f//FAIL}" ]; then
            printf '%-22s %10s\n' "$i initrd, $ifc" FAILED
            failed=1
            continue
        fi
        over=$((e - d)) budget=$((r - f + 50))
        # The ratios of issue 16: the raw read's cost over its floor, and
        # GRUB's over QEMU's loader, each to ours over QEMU's loader.
        pct() { awk -v a=$1 -v b=$2 'BEGIN { if (b <= 0) print "-"; else printf "%.0f %%", 100 * a / b }'; }
        printf '%-22s %10s %10s %12s %14s %8s %10s %9s %10s\n' "$i initrd, $ifc" "$d" "$e" "$over" "$budget" \
            "$([ $over -le $budget ] && echo met || echo missed)" \
            "$g ($([ $e -lt $g ] && echo ahead || echo behind))" "$(pct $((r - f)) $over)" \
            "$(pct $((g - d)) $over)"
    done
done
tl_rows=()
for i in $initrds; do for ifc in $ifcs; do tl_rows+=("embedboot $i $ifc"); done; done
tl_table "${tl_rows[@]}"
exit $failed
