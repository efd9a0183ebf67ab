#!/usr/bin/env bash
# The Linux tests' initramfs: Debian's static busybox and tests/linux/init,
# newc cpio, gzip; with PAYLOAD_MIB, a random /payload.bin of that size
# (its MD5 in OUT.md5) for the large-initrd test.
#   tests/linux/mkinitrd.sh BUSYBOX OUT [PAYLOAD_MIB]
set -euo pipefail
busybox=$1 out=$2 mib=${3:-0}
root=$out.root
rm -rf "$root"
mkdir -p "$root/bin"
cp "$busybox" "$root/bin/busybox"
cp "$(dirname "$0")/init" "$root/init"
chmod 755 "$root/init" "$root/bin/busybox"
if [ "$mib" -gt 0 ]; then
    head -c $((mib << 20)) /dev/urandom > "$root/payload.bin"
    md5sum "$root/payload.bin" | cut -d ' ' -f 1 > "$out.md5"
fi
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) | gzip -1 > "$out"
rm -rf "$root"
