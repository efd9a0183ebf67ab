#!/usr/bin/env bash
# Start QEMU halted with a gdb stub on a free local port and attach gdb.
#   scripts/gdb.sh boot   IMAGE LOADER_ELF              break at 0x7c00
#   scripts/gdb.sh kernel IMAGE LOADER_ELF KERNEL_ELF   break at the kernel's entry
# With GDB_BATCH=FILE, gdb runs the commands in FILE in batch mode (tests).
set -u
what=$1 image=$2 loader=$3 kernel=${4:-}

port=""
for candidate in $(shuf -i 20000-60000 -n 20); do
    # A port nobody answers on is free (on this host's loopback).
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then
        port=$candidate
        break
    fi
done
[ -n "$port" ] || { echo "embedboot: error: no free local port for the gdb stub" >&2; exit 1; }

display=(-display none)
[ -n "${DISPLAY:-}" ] && display=()
serial=${SERIAL_LOG:-build/gdb-serial.log}
mkdir -p "$(dirname "$serial")"
qemu-system-x86_64 -accel tcg -m 256M -nic none -no-reboot "${display[@]}" \
    -drive "format=raw,file=$image,snapshot=on" -serial "file:$serial" \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    -gdb "tcp:127.0.0.1:$port" -S &
qemu=$!
trap 'kill $qemu 2>/dev/null; wait $qemu 2>/dev/null' EXIT
echo "embedboot: QEMU halted, gdb stub on 127.0.0.1:$port, COM1 in $serial" >&2

export EMBEDBOOT_GDB_REMOTE=127.0.0.1:$port    # for eb-real / eb-native
args=(-nx -q -x debug/embedboot.gdb -ex "symbol-file $loader")
if [ "$what" = boot ]; then
    # Save the stub's own target description (QEMU stays halted when gdb
    # disconnects) and start with the 16-bit one derived from it.
    gdb -nx -q --batch -ex "target remote 127.0.0.1:$port" \
        -ex "pipe maint print xml-tdesc | cat > build/gdb-qemu.xml" -ex disconnect > /dev/null 2>&1
    args+=(-ex "eb-tdesc16 build/gdb-qemu.xml")
fi
# At the reset vector gdb takes the PC (0xfff0) for a loader address and
# would print that function's arguments from 16-bit registers, which
# crashes gdb 13: no arguments until it has stopped where we asked.
args+=(-ex "set print frame-arguments none" -ex "target remote 127.0.0.1:$port"
       -ex "set print frame-arguments scalars")
if [ "$what" = kernel ]; then
    entry=$(readelf -h "$kernel" | awk '/Entry point/ { print $4 }')
    # A hardware breakpoint: the kernel's address is not mapped until
    # stage 4 switches page tables, so a software one cannot be planted.
    args+=(-ex "add-symbol-file $kernel" -ex "hbreak *$entry" -ex continue)
else
    args+=(-ex "break *0x7c00" -ex continue)
fi
[ -n "${GDB_BATCH:-}" ] && args+=(--batch -x "$GDB_BATCH")
gdb "${args[@]}"
