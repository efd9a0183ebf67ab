#!/bin/sh
# mkesp.sh OUT BOOTX64.EFI [KERNEL]: the EFI system partition of image.bin,
# a FAT file system made with mtools (no mounting, no root): the
# application as EFI/BOOT/BOOTX64.EFI, the removable-media path every UEFI
# firmware looks for, and with KERNEL_ON_ESP=1 the kernel as \kernel.elf.
# Sized to fit with an eighth and 64 KiB to spare, in whole MiB (1 MiB for
# the application alone: image.bin's reads its payloads from the disk); mformat picks FAT12/16/32
# for the size (UEFI firmware reads all three on removable media).
# Reproducible: a fixed volume ID and label, and every directory entry's
# time from SOURCE_DATE_EPOCH (mtools reads it), 1980-01-01 (FAT's first
# day) when it is not set, so the same inputs give the same bytes.
set -eu
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-315532800}
out=$1 app=$2 kernel=${3:-}

bytes=$(stat -c %s "$app")
[ -n "$kernel" ] && bytes=$((bytes + $(stat -c %s "$kernel")))
mib=$(( (bytes + bytes / 8 + 65536 + 1048575) / 1048576 ))    # FAT and directories: 64 KiB

export MTOOLS_SKIP_CHECK=1
rm -f "$out"
truncate -s "${mib}M" "$out"
mformat -i "$out" -v EMBEDBOOT -N 454d4244 ::
mmd -i "$out" ::/EFI ::/EFI/BOOT
mcopy -i "$out" "$app" ::/EFI/BOOT/BOOTX64.EFI
[ -z "$kernel" ] || mcopy -i "$out" "$kernel" ::/kernel.elf
