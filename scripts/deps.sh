#!/usr/bin/env bash
# Install the Debian packages embedboot needs, only those that are missing.
# Idempotent and quiet when everything is present; needs root or sudo otherwise.
set -euo pipefail

packages=(gcc binutils nasm make qemu-system-x86 gdb ovmf mtools console-setup-linux cpio
          clang libclang-rt-14-dev bochs bochsbios vgabios grub-pc-bin
          sbsigntool swtpm swtpm-tools tpm2-tools)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
