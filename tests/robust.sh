# Robustness (sourced by tests/run.sh): a machine matrix, injected disk
# errors, kernels swapped after the build, and short fuzzing runs.

section "machine matrix"

img=$T/check-high/image.bin
matrix() {   # matrix NAME [qemu args...]: the check kernel passes there
    local name=matrix-$1
    shift
    boot $name "$img" 60 "$@"
    if [ "$BOOT_STATUS" -eq 33 ] && grep -q "all [0-9]* checks passed" "$LOGS/$name.serial"; then
        pass "$name"
    else
        fail "$name" "status $BOOT_STATUS; $(tail -n 2 "$LOGS/$name.serial" | tr '\r\n' '  ')"
    fi
}
d=(-drive "if=none,id=d0,format=raw,file=$img,snapshot=on")
matrix ahci -machine q35 -m 128M
matrix virtio-blk -drive "format=raw,file=$img,if=virtio,snapshot=on"
matrix usb-storage -device qemu-xhci "${d[@]}" -device usb-storage,drive=d0
matrix nvme "${d[@]}" -device nvme,drive=d0,serial=embedboot
matrix 32mib -m 32M
matrix 1gib -m 1G
matrix 4gib -m 4G
matrix 8gib -m 8G
matrix 4cpus -smp 4
matrix 1g-pages -cpu qemu64,+pdpe1gb
matrix cpu-max -cpu max
build_image example-8g build/example-kernel/kernel.elf >/dev/null 2>&1
boot example-8g "$T/example/image.bin" 60 -m 8G
grep -q "0000000100000000-0000000240000000 usable" "$LOGS/example-8g.serial" &&
    pass "8 GiB: memory above 4 GiB is usable in the memory map" ||
    fail "8 GiB: memory above 4 GiB is usable in the memory map" "$(grep -c usable "$LOGS/example-8g.serial") usable lines"

# Bochs: another BIOS and CPU model. Its flat disks need a whole geometry;
# its debugger (built into Debian's Bochs) is told to continue, and quits at
# the test kernel's magic breakpoint once it has no more input.
mkdir -p "$T/bochs"
cp "$img" "$T/bochs/disk.img" && truncate -s $((4 * 16 * 63 * 512)) "$T/bochs/disk.img"
cat > "$T/bochs/bochsrc" <<BOCHS
megs: 128
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/bochs/VGABIOS-lgpl-latest
ata0-master: type=disk, path=$T/bochs/disk.img, mode=flat, cylinders=4, heads=16, spt=63
boot: disk
display_library: rfb, options="timeout=0"
com1: enabled=1, mode=file, dev=$LOGS/bochs.serial
log: $LOGS/bochs.log
cpu: model=corei7_sandy_bridge_2600k
sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy
speaker: enabled=0
magic_break: enabled=1
BOCHS
printf 'c\n' | timeout 120 bochs -q -f "$T/bochs/bochsrc" > "$LOGS/bochs.out" 2>&1
grep -q "all [0-9]* checks passed" "$LOGS/bochs.serial" 2>/dev/null &&
    pass "bochs: the check kernel passes under Bochs (BIOS-bochs-latest, Sandy Bridge)" ||
    fail "bochs: the check kernel passes under Bochs (BIOS-bochs-latest, Sandy Bridge)" \
        "$(tail -n 2 "$LOGS/bochs.serial" 2>/dev/null; grep -v ^ALSA "$LOGS/bochs.out" | grep -m 2 -E 'PANIC|exiting')"

section "disk errors (blkdebug)"

lba=$(image_lba $T/check-high)
printf '[inject-error]\nevent = "read_aio"\nerrno = "5"\nsector = "%d"\nonce = "on"\n' $((lba + 2)) > "$T/transient.conf"
printf '[inject-error]\nevent = "read_aio"\nerrno = "5"\nsector = "%d"\n' $((lba + 2)) > "$T/permanent.conf"
blk() { echo "driver=raw,file.driver=blkdebug,file.config=$T/$1.conf,file.image.filename=$img"; }
boot disk-transient "$img" 60 -drive "$(blk transient)"
[ "$BOOT_STATUS" -eq 33 ] && pass "a transient read error is retried and the boot succeeds" ||
    fail "a transient read error is retried and the boot succeeds" "status $BOOT_STATUS"
expect_halt disk-permanent "$img" \
    "disk read failed, BIOS status 0x0C at LBA 0x$(printf %08X $lba)" -drive "$(blk permanent)"

section "kernels swapped after the build (checksum fixed up)"

kdir=$T/check-high
blob=$(( $(image_lba $kdir) * 512 ))
hdr=$(image_symbol $kdir _image_header)
while IFS='|' read -r name at value message; do
    cp "$img" "$T/$name.bin"
    build/tests/patchimg "$T/$name.bin" $blob $hdr $at $value fixsum
    expect_halt hostile-$name "$T/$name.bin" "kernel: $message"
done <<'HOSTILE'
type|16|1|ELF type 1 is not an executable
phnum|56|5000|5000 program headers, more than the 128 allowed
entry|26|0x8fff|entry point 0xffffffff8fff0000 is not inside an executable segment
class|4|0x0101|32-bit ELF
HOSTILE

section "fuzzing (3 s each; make fuzz runs longer)"

if make -s --no-print-directory fuzzers > "$LOGS/fuzz-build.log" 2>&1; then
    while read -r line; do
        case $line in
            *", 0 crashes") pass "$line" ;;
            fuzz*) fail "$line" "see build/fuzz/" ;;
        esac
    done < <(tests/fuzz/run.sh 3)
else
    fail "fuzzers build" "$(tail -n 3 "$LOGS/fuzz-build.log")"
fi

section "benchmark harness (smoke: one run each, tiny kernels)"

if bench/run.sh --smoke > "$LOGS/bench-smoke.out" 2>&1 &&
   grep -qE "^embedboot tiny ide +[0-9]+" "$LOGS/bench-smoke.out" &&
   grep -qE "^grub tiny virtio +[0-9]+" "$LOGS/bench-smoke.out"; then
    pass "bench/run.sh --smoke: every case booted and was timed"
else
    fail "bench/run.sh --smoke: every case booted and was timed" "$(tail -n 4 "$LOGS/bench-smoke.out")"
fi
# The timeline table: every BIOS point for the BIOS row, the UEFI row
# without stages 2-4 (ms with one decimal).
bios_row='^embedboot tiny ide( +[0-9]+\.[0-9]){9}$'
uefi_row='^uefi embedboot tiny ide +-( +[0-9]+\.[0-9]){2} +- +-( +[0-9]+\.[0-9]){4}$'
grep -qE "$bios_row" "$LOGS/bench-smoke.out" && grep -qE "$uefi_row" "$LOGS/bench-smoke.out" &&
    pass "bench/run.sh --smoke: the loader's boot timeline per stage, BIOS and UEFI" ||
    fail "bench/run.sh --smoke: the loader's boot timeline per stage, BIOS and UEFI" \
        "$(grep -A 4 'boot timeline' "$LOGS/bench-smoke.out")"

