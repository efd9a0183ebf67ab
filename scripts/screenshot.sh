#!/usr/bin/env bash
# Boot IMAGE in QEMU until the kernel prints "drawn" on COM1, then save a
# screendump (PPM) to OUT. Extra arguments go to QEMU.
#   scripts/screenshot.sh IMAGE OUT.ppm [qemu args...]
set -u
image=$1 out=$2
shift 2
log=${out%.*}.serial
port=$((20000 + RANDOM % 20000))
rm -f "$log" "$out"
timeout 60 qemu-system-x86_64 -accel tcg -m 256M -nic none -no-reboot -display none \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 -drive "format=raw,file=$image" \
    -serial "file:$log" -monitor "tcp:127.0.0.1:$port,server,nowait" "$@" > /dev/null 2>&1 &
qemu=$!
trap 'kill $qemu 2>/dev/null; wait $qemu 2>/dev/null' EXIT
for _ in $(seq 400); do
    grep -q "drawn" "$log" 2>/dev/null && break
    kill -0 $qemu 2>/dev/null || break
    sleep 0.1
done
grep -q "drawn" "$log" 2>/dev/null || { echo "screenshot: the kernel never said it had drawn" >&2; exit 1; }
exec 9<>"/dev/tcp/127.0.0.1/$port" && printf 'screendump %s\n' "$(realpath -m "$out")" >&9
for _ in $(seq 50); do [ -s "$out" ] && break; sleep 0.1; done
sleep 0.2
exec 9>&-
[ -s "$out" ] || { echo "screenshot: no screendump" >&2; exit 1; }
