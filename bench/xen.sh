#!/usr/bin/env bash
# Xen boot benchmark (issue 16): Debian's Xen 4.17 with Debian's Linux as
# dom0 and the busybox initramfs as its modules, the Multiboot test's
# setup (tests/multiboot.sh), to the moment Xen has freed its init memory
# and hands the CPU to dom0 (its own COM1 line), three ways in the same
# run: QEMU's own Multiboot loader (-kernel, the reference), embedboot's
# image, and GRUB 2 (grub-pc-bin, multiboot2 + module2) from a FAT
# partition; on IDE and virtio-blk. GRUB/this compares the two loaders over
# QEMU's. Xen boots a little differently from QEMU's Multiboot 1 entry than
# from a Multiboot2 loader, so the raw INT 13h read of as many bytes as Xen
# and its modules (over the firmware floor) is compared with the loader's
# own time instead: its timeline's kernel entry, ms after stage 1.
#   bench/xen.sh [RUNS]      (default 3; `make bench`)
set -u
cd "$(dirname "$0")/.."
runs=${1:-3}
B=build/bench/xen
mkdir -p $B
. bench/timeline.sh
scripts/debian-payloads.sh xen-hypervisor-4.17-amd64 linux-image-amd64 busybox-static \
    > $B/payloads.log 2>&1 || { echo "bench: $(tail -n 1 $B/payloads.log)" >&2; exit 1; }
zcat build/debs/xen-hypervisor-4.17-amd64/boot/xen-4.17-amd64.gz > $B/xen.elf ||
    { echo "bench: Xen does not decompress" >&2; exit 1; }
dom0=$(ls build/debs/linux-image-amd64/boot/vmlinuz-*)
xen_cmdline="console=com1 com1=115200 noreboot"
dom0_cmdline="console=hvc0 quiet"
tests/linux/mkinitrd.sh build/debs/busybox-static/bin/busybox $B/small.cpio.gz &&
    make -s --no-print-directory KDIR=$B/ours IMAGE=$B/ours.bin KERNEL=$B/xen.elf \
        CMDLINE="$xen_cmdline" MODULES="$dom0 $dom0_cmdline,$B/small.cpio.gz" image.bin > $B/build.log 2>&1 &&
    bench/grub-image.sh $B/xen.elf $B/grub.bin --mb2 "$xen_cmdline" "$dom0" "$dom0_cmdline" \
        $B/small.cpio.gz "" >> $B/build.log 2>&1 &&
    bytes=$(( $(stat -c %s $B/xen.elf) + $(stat -c %s "$dom0") + $(stat -c %s $B/small.cpio.gz) )) &&
    nasm -f bin -DSECTORS=$(( (bytes + 511) / 512 )) -o $B/raw.bin bench/rawread.asm &&
    truncate -s $(( bytes + (1 << 20) )) $B/raw.bin &&
    nasm -f bin -o $B/floor.bin bench/floor.asm && truncate -s 1M $B/floor.bin ||
    { echo "bench: building the images failed, see $B/build.log" >&2; exit 1; }

# name | how | interface
cases=("direct|direct|")
for ifc in ide virtio; do
    cases+=("floor $ifc|exit:$B/floor.bin|$ifc" "raw $ifc|exit:$B/raw.bin|$ifc"
            "embedboot $ifc|xen:$B/ours.bin|$ifc" "grub $ifc|xen:$B/grub.bin|$ifc")
done

# one_run HOW IFC: milliseconds to isa-debug-exit (floor, raw read) or to
# Xen's "Freed ... init memory" on COM1 (polled every 10 ms), or FAIL.
one_run() {
    local how=$1 ifc=$2 t0 t1 pid args log=$B/last.serial
    case $how in
        direct) args=(-kernel $B/xen.elf -append "$xen_cmdline"
                      -initrd "$dom0 $dom0_cmdline,$B/small.cpio.gz") ;;
        *) args=(-drive "format=raw,file=${how#*:},if=$ifc,snapshot=on") ;;
    esac
    rm -f $log
    t0=$(date +%s%N)
    timeout 300 qemu-system-x86_64 -accel tcg -m 1024M -nic none -no-reboot -display none \
        -serial file:$log -device isa-debug-exit,iobase=0xf4,iosize=0x04 "${args[@]}" \
        > /dev/null 2>&1 &
    pid=$!
    if [ "${how%%:*}" = exit ]; then
        wait $pid
        [ $? -eq 33 ] && t1=$(date +%s%N) && echo "$(( (t1 - t0) / 1000000 ))" || echo FAIL
        return
    fi
    while kill -0 $pid 2>/dev/null && ! grep -q "Freed .* init memory" $log 2>/dev/null; do
        sleep 0.01
    done
    t1=$(date +%s%N)
    kill $pid 2>/dev/null
    wait $pid 2>/dev/null
    grep -q "Freed .* init memory" $log && echo "$(( (t1 - t0) / 1000000 ))" || echo FAIL
}

declare -A times
for ((r = 0; r <= runs; r++)); do           # run 0 is the warm-up
    for c in "${cases[@]}"; do
        IFS='|' read -r name how ifc <<< "$c"
        t=$(one_run "$how" "$ifc")
        [ $r -gt 0 ] && times[$name]="${times[$name]:-} $t" && tl_collect "$name" $B/last.serial
    done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
ms() { grep -q FAIL <<< "${times[$1]:-FAIL}" && echo FAIL || median <<< "${times[$1]}"; }
pct() { awk -v a=$1 -v b=$2 'BEGIN { if (b <= 0) print "-"; else printf "%.0f %%", 100 * a / b }'; }

printf 'Xen 4.17 + dom0 %s + initramfs (%d MiB), %d run(s) each after a warm-up; wall time to\n' \
    "$(basename "$dom0")" $((bytes >> 20)) "$runs"
printf 'Xen'"'"'s "Freed ... init memory" on COM1.\n\n'
printf '%-8s %9s %9s %11s %14s %10s %10s %9s %11s\n' case "direct ms" "ours ms" "over direct" \
    "GRUB ms" "GRUB/this" "loader ms" "raw read" "raw/loader"
failed=0
for ifc in ide virtio; do
    d=$(ms direct) e=$(ms "embedboot $ifc") g=$(ms "grub $ifc") r=$(ms "raw $ifc") f=$(ms "floor $ifc")
    if [ "$d$e$g$r$f" != "${d//FAIL}${e//FAIL}${g//FAIL}${r//FAIL}${f//FAIL}" ]; then
        printf '%-8s %9s\n' "$ifc" FAILED
        failed=1
        continue
    fi
    # The loader's own time: its timeline's kernel entry, ms after stage 1.
    loader=$(tr ' ' '\n' <<< "${tl["embedboot $ifc|kernel entry"]:-}" | grep -v '^$' | sort -n |
             awk '{ a[NR] = $1 } END { print int(a[int((NR + 1) / 2)]) }')
    printf '%-8s %9s %9s %11s %14s %10s %10s %9s %11s\n' "$ifc" "$d" "$e" "$((e - d))" \
        "$g ($([ $e -lt $g ] && echo ahead || echo behind))" "$(pct $((g - d)) $((e - d)))" \
        "${loader:--}" "$((r - f))" "$(pct $((r - f)) "${loader:-0}")"
done
tl_table "embedboot ide" "embedboot virtio"
exit $failed
