#!/usr/bin/env bash
# Build a raw disk image that boots a kernel with GRUB from Debian's
# grub-pc-bin, without mounting anything: boot.img in the MBR, core.img
# right after it, a FAT partition from 1 MiB made with mtools holding
# /boot/grub/grub.cfg (timeout=0) and the payloads.
#   bench/grub-image.sh KERNEL OUT                    a multiboot2 kernel
#   bench/grub-image.sh VMLINUZ OUT INITRD CMDLINE     Linux, with its initrd
#   bench/grub-image.sh KERNEL OUT --mb2 CMDLINE [MODULE ARGS]...
#                                                      multiboot2 with modules
set -eu
kernel=$1 out=$2 initrd=${3:-} cmdline=${4:-}
modules=()
if [ "$initrd" = --mb2 ]; then
    initrd=""
    shift 4
    modules=("$@")
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
grub-mkimage -O i386-pc -o "$work/core.img" -p '(hd0,msdos1)/boot/grub' \
    biosdisk part_msdos fat multiboot2 linux normal configfile boot
if [ -n "$initrd" ]; then
    printf 'set timeout=0\nlinux /kernel %s\ninitrd /initrd\nboot\n' "$cmdline" > "$work/grub.cfg"
else
    { printf 'set timeout=0\nmultiboot2 /kernel %s\n' "$cmdline"
      for ((i = 0; i < ${#modules[@]}; i += 2)); do
          printf 'module2 /module%d %s\n' $((i / 2)) "${modules[i + 1]}"
      done
      printf 'boot\n'; } > "$work/grub.cfg"
fi
payload=$(( $(stat -c %s "$kernel") + ${initrd:+$(stat -c %s "$initrd")} + 0 ))
for ((i = 0; i < ${#modules[@]}; i += 2)); do
    payload=$((payload + $(stat -c %s "${modules[i]}")))
done
size_mib=$(( (payload >> 20) + 8 ))                        # partition: the payloads and room
sectors=$((size_mib * 2048))
rm -f "$out"
truncate -s $(( (size_mib + 1) << 20 )) "$out"
dd if=/usr/lib/grub/i386-pc/boot.img of="$out" bs=440 count=1 conv=notrunc status=none
dd if="$work/core.img" of="$out" bs=512 seek=1 conv=notrunc status=none
le32() { printf "\\x$(printf %02x $(($1 & 255)))\\x$(printf %02x $((($1 >> 8) & 255)))\\x$(printf %02x $((($1 >> 16) & 255)))\\x$(printf %02x $((($1 >> 24) & 255)))"; }
{ printf '\x80\x00\x00\x00\x0c\x00\x00\x00'; le32 2048; le32 $sectors; } |
    dd of="$out" bs=1 seek=446 conv=notrunc status=none           # one bootable FAT32 LBA entry
printf '\x55\xaa' | dd of="$out" bs=1 seek=510 conv=notrunc status=none
mformat -i "$out@@1M" -T $sectors -h 16 -s 63 ::
mmd -i "$out@@1M" ::/boot ::/boot/grub
mcopy -i "$out@@1M" "$work/grub.cfg" ::/boot/grub/grub.cfg
mcopy -i "$out@@1M" "$kernel" ::/kernel
[ -z "$initrd" ] || mcopy -i "$out@@1M" "$initrd" ::/initrd
for ((i = 0; i < ${#modules[@]}; i += 2)); do
    mcopy -i "$out@@1M" "${modules[i]}" "::/module$((i / 2))"
done
