#!/usr/bin/env bash
# Boot a raw image in QEMU (TCG) with COM1 on this terminal: with SeaBIOS,
# or with `--uefi` first, with OVMF (UEFI; a fresh copy of its variable
# store each time). With no display ($DISPLAY unset) QEMU runs headless. A kernel that writes v to
# port 0xf4 ends QEMU with status (v << 1) | 1; the example kernel's
# success code 0x10 (status 33) is reported as success. MEM sets the memory
# (default 512M, enough for a Linux kernel and a small initramfs).
set -u
firmware=()
if [ "${1:-}" = --uefi ]; then
    shift
    vars=$(mktemp)
    trap 'rm -f "$vars"' EXIT
    cp /usr/share/OVMF/OVMF_VARS.fd "$vars"
    firmware=(-drive "if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE.fd"
              -drive "if=pflash,format=raw,file=$vars")
fi
image=${1:-image.bin}
shift || true
display=(-display none)
[ -n "${DISPLAY:-}" ] && display=()
qemu-system-x86_64 -accel tcg -m "${MEM:-512M}" -nic none -no-reboot \
    -drive format=raw,file="$image" "${firmware[@]}" \
    -serial stdio "${display[@]}" \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 "$@"
status=$?
[ $status -eq 33 ] && exit 0
exit $status
