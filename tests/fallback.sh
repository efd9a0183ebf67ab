# The BIOS fallback paths (sourced by tests/run.sh). QEMU and SeaBIOS always
# have E820, INT 13h extensions and A20 on, so a harness boot sector
# (tests/fallback/harness.asm) takes them away case by case and chain-loads
# the check kernel's image from the second disk with DL = 0x81.

section "BIOS fallbacks (harness on disk 0x80, image on 0x81)"

img=$T/check-high/image.bin
harness() {   # harness NAME NASM_DEFINES...: $T/harness-NAME.bin
    local name=$1
    shift
    nasm -f bin "$@" -o "$T/harness-$name.bin" tests/fallback/harness.asm
}
disks() {     # the QEMU drives for a harness case
    echo "-drive format=raw,file=$T/harness-$1.bin,index=0"
    echo "-drive format=raw,file=$img,index=1,snapshot=on"
}
usable_kib() { sed -n 's/.*check kernel: [0-9]* regions, \([0-9]*\) KiB usable.*/\1/p' "$LOGS/fallback-$1.serial"; }

# fallback NAME "DEFINES" "LOG LINE" [qemu args...]: the check kernel
# passes every check, and the loader's log has LOG LINE.
fallback() {
    local name=$1 defines=$2 line=$3
    shift 3
    harness "$name" $defines || { fail "fallback-$name" "harness did not assemble"; return; }
    boot "fallback-$name" "" 60 $(disks "$name") "$@"
    local log="$LOGS/fallback-$name.serial"
    if [ "$BOOT_STATUS" -ne 33 ] || ! grep -q "all [0-9]* checks passed" "$log"; then
        fail "fallback-$name" "status $BOOT_STATUS; $(tail -n 2 "$log" | tr '\r\n' '  ')"
    elif ! grep -q "boot drive 0x81" "$log"; then
        fail "fallback-$name" "not chain-loaded from disk 0x81"
    elif ! grep -qF -- "$line" "$log"; then
        fail "fallback-$name" "no '$line' in the log"
    else
        pass "fallback-$name: $line"
    fi
}

fallback plain "" "stage 2: A20 on"
full=$(usable_kib plain)

fallback chs "-DFAIL_EXT" "no INT 13h extensions: CHS reads, 0x0010 heads, 0x003F sectors per track"
fallback a20-bios "-DA20_OFF" "A20 on (INT 15h AX=2401h)"
fallback a20-kbc "-DA20_OFF -DFAIL_2401" "A20 on (keyboard controller)"
fallback chs-a20-kbc "-DFAIL_EXT -DA20_OFF -DFAIL_2401" "A20 on (keyboard controller)"

# Memory: E801 describes the same RAM as E820 here, so the kernel must see
# exactly as much usable memory; AH=88h stops at 63 MiB above 1 MiB.
fallback e801 "-DFAIL_E820" "memory map from E801"
fallback e820-broken "-DE820_BROKEN" "E820 stopped answering 'SMAP' partway: map dropped"
fallback e88 "-DFAIL_E820 -DFAIL_E801" "memory map from INT 15h AH=88h"
fallback e801-bogus "-DFAIL_E820 -DE801_BOGUS" "E801 reports more than 15 MiB below 16 MiB: ignored"
for name in e801 e820-broken; do
    [ -n "$full" ] && [ "$(usable_kib $name)" = "$full" ] &&
        pass "fallback-$name: the kernel sees all $full KiB, as with E820" ||
        fail "fallback-$name: the kernel sees all $full KiB, as with E820" "$(usable_kib $name) KiB"
done
for name in e88 e801-bogus; do
    kib=$(usable_kib $name)
    # 63 MiB above 1 MiB and 639 KiB below, less the loader's and kernel's own.
    [ -n "$kib" ] && [ "$kib" -gt $((60 * 1024)) ] && [ "$kib" -le $((64 * 1024)) ] &&
        pass "fallback-$name: the kernel sees the 63 MiB AH=88h reports ($kib KiB usable)" ||
        fail "fallback-$name: the kernel sees the 63 MiB AH=88h reports" "${kib:-no} KiB"
done

harness no-memory -DFAIL_E820 -DFAIL_E801 -DFAIL_88
expect_halt fallback-no-memory "" \
    "the BIOS reports no memory map (E820, E801 and AH=88h all failed)" $(disks no-memory)
