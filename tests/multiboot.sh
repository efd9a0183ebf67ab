# Multiboot (sourced by tests/run.sh): the Multiboot test kernel written
# here (tests/boot/kernels/mb/), which checks its machine state and every
# field it gets, booted by Multiboot2 and by Multiboot 1 (PROTOCOL=
# multiboot1) with 0, 1 and 3 modules on SeaBIOS and OVMF; Debian's Xen
# with Debian's Linux and a busybox initramfs as modules; and the inputs
# that must be refused.

section "Multiboot 1 and 2"

MBK=$TK/multiboot.elf
MB=$T/mb
mkdir -p "$MB"
head -c 300000 /dev/urandom > "$MB/a.bin"
echo "multiboot module text" > "$MB/b.txt"
: > "$MB/c.empty"

# expect_mb NAME IMAGE bios|uefi "CMDLINE" FILE ARGS...: the kernel passed
# every check, with the command line and modules as Multiboot gives them:
# each begins with its file's name, as GRUB's do.
expect_mb() {
    local name=$1 image=$2 firmware=$3 cmdline=$4
    shift 4
    if [ "$firmware" = uefi ]; then
        expect_uefi_boot "$name" "$image" "check kernel: all [0-9]* checks passed"
    else
        boot "$name" "$image" 60
        if [ "$BOOT_STATUS" -eq 33 ] && grep -q "check kernel: all [0-9]* checks passed" "$LOGS/$name.serial"; then
            pass "$name"
        else
            fail "$name" "status $BOOT_STATUS; $(grep -a -m 3 'FAILED\|error' "$LOGS/$name.serial" | tr '\r\n' '  ')"
        fi
    fi
    local expected=() f
    while [ $# -ge 2 ]; do
        f=$(basename "$1")
        expected+=("$1" "$f${2:+ $2}")
        shift 2
    done
    expect_modules "$name" "multiboot.elf${cmdline:+ $cmdline}" "${expected[@]}"
}

build_image mb2-0 "$MBK" &&
    expect_mb mb2-bios-0 "$T/mb2-0/image.bin" bios ""
build_image mb2-1 "$MBK" CMDLINE="one module" MODULES="$MB/a.bin" &&
    expect_mb mb2-bios-1 "$T/mb2-1/image.bin" bios "one module" "$MB/a.bin" ""
build_image mb2-3 "$MBK" CMDLINE="three modules it's" \
    MODULES="$MB/a.bin first one,$MB/b.txt,$MB/c.empty last  arg" &&
    expect_mb mb2-bios-3 "$T/mb2-3/image.bin" bios "three modules it's" \
        "$MB/a.bin" "first one" "$MB/b.txt" "" "$MB/c.empty" "last  arg"
grep -q "check kernel: Multiboot2" "$LOGS/mb2-bios-3.serial" &&
    grep -q "stage 4: Multiboot2 kernel at 0x100000" "$LOGS/mb2-bios-3.serial" &&
    pass "mb2: the header with both gets Multiboot2; loaded at 1 MiB, where the payloads arrived" ||
    fail "mb2: the header with both gets Multiboot2; loaded at 1 MiB, where the payloads arrived" \
        "$(grep -a 'Multiboot' "$LOGS/mb2-bios-3.serial" | head -n 2)"
build_image mb1-3 "$MBK" PROTOCOL=multiboot1 CMDLINE="multiboot one" \
    MODULES="$MB/a.bin first one,$MB/b.txt,$MB/c.empty last  arg" &&
    expect_mb mb1-bios-3 "$T/mb1-3/image.bin" bios "multiboot one" \
        "$MB/a.bin" "first one" "$MB/b.txt" "" "$MB/c.empty" "last  arg"
grep -q "check kernel: Multiboot 1" "$LOGS/mb1-bios-3.serial" &&
    pass "mb1: PROTOCOL=multiboot1 boots the kernel by its Multiboot 1 header" ||
    fail "mb1: PROTOCOL=multiboot1 boots the kernel by its Multiboot 1 header" "not Multiboot 1"
expect_mb mb2-uefi-3 "$T/mb2-3/image.bin" uefi "three modules it's" \
    "$MB/a.bin" "first one" "$MB/b.txt" "" "$MB/c.empty" "last  arg"
grep -q "check kernel: tags 0x.....[0-9a-f]*" "$LOGS/mb2-uefi-3.serial" &&
    [ $(( 0x$(sed -n 's/.*check kernel: tags 0x\([0-9a-f]*\).*/\1/p' "$LOGS/mb2-uefi-3.serial") & 0x21000 )) -eq $((0x21000)) ] &&
    pass "mb2 on UEFI: the EFI system table and the EFI memory map are given" ||
    fail "mb2 on UEFI: the EFI system table and the EFI memory map are given" \
        "$(grep -a 'tags 0x' "$LOGS/mb2-uefi-3.serial")"
build_image mb1-1 "$MBK" PROTOCOL=multiboot1 CMDLINE="one module" MODULES="$MB/a.bin" &&
    expect_mb mb1-uefi-1 "$T/mb1-1/image.bin" uefi "one module" "$MB/a.bin" ""

# Pixels: with "hold" the kernel draws the colour bars on the RGB
# framebuffer it was given, using the channel positions it was told, and
# stays for a screendump; the bars must be there, in their colours.
expect_mb_pixels() {   # expect_mb_pixels NAME IMAGE W H [qemu args...]
    local name=$1 image=$2 w=$3 h=$4 out=""
    shift 4
    screenshot "$name" "$image" "$@"
    if [ $SHOT_OK = 1 ] && out=$(bars_in "$LOGS/$name.ppm" $w $h) &&
       grep -q "check kernel: all checks passed" "$LOGS/$name.serial"; then
        pass "$name: the kernel drew on its ${w}x${h} RGB framebuffer; the screendump has the bars"
    else
        fail "$name: pixels on the RGB framebuffer" \
            "${out:-$(grep -a -m 2 'FAILED\|framebuffer\|error' "$LOGS/$name.serial" | tr '\r\n' '  ')}"
    fi
}
build_image mb2-fb "$MBK" CMDLINE="hold" FRAMEBUFFER=800x600 &&
    expect_mb_pixels mb2-fb-bios "$T/mb2-fb/image.bin" 800 600
mapfile -t MB_FW < <(ovmf_args mb2-fb-uefi)
cp "$T/mb2-fb/image.bin" "$T/mb2-fb/uefi.bin" 2>/dev/null &&
    expect_mb_pixels mb2-fb-uefi "$T/mb2-fb/uefi.bin" 800 600 "${MB_FW[@]}"
build_image mb1-fb "$MBK" PROTOCOL=multiboot1 CMDLINE="hold" FRAMEBUFFER=1024x768 &&
    expect_mb_pixels mb1-fb-bios "$T/mb1-fb/image.bin" 1024 768

# Xen: Debian's hypervisor (gzip, ELF32, both headers: Multiboot2 is used),
# Debian's Linux as dom0 and the busybox initramfs, as GRUB would start it.
# expect_xen NAME bios|uefi MIB HOW: Xen's own lines on COM1, until it has
# freed its init memory (it then hands the CPU to dom0).
expect_xen() {
    local name=$1 firmware=$2 mib=$3 how=$4 fw=() pid ram missing=""
    [ "$firmware" = uefi ] && mapfile -t fw < <(ovmf_args "$name")
    rm -f "$LOGS/$name.serial"
    timeout 200 "${QEMU_BASE[@]}" -m "${mib}M" -drive "format=raw,file=$T/xen/image.bin,if=virtio,snapshot=on" \
        "${fw[@]}" -serial "file:$LOGS/$name.serial" > "$LOGS/$name.qemu" 2>&1 &
    pid=$!
    for _ in $(seq 1800); do
        grep -q "Freed .* init memory" "$LOGS/$name.serial" 2>/dev/null && break
        kill -0 $pid 2>/dev/null || break
        sleep 0.1
    done
    kill $pid 2>/dev/null
    wait $pid 2>/dev/null
    ram=$(sed -n 's/.*System RAM: \([0-9]*\)MB.*/\1/p' "$LOGS/$name.serial")
    for line in "Bootloader: embedboot" "Command line: $XEN_CMDLINE" "Dom0 kernel: 64-bit" \
                "Init. ramdisk:" "Freed "; do
        grep -qF "$line" "$LOGS/$name.serial" || missing="$missing [$line]"
    done
    if [ -z "$missing" ] && [ -n "$ram" ] && [ "$ram" -ge $((mib * 95 / 100)) ] && [ "$ram" -le "$mib" ]; then
        pass "$name: Xen 4.17 ($how) reports embedboot, the command line, ${ram} MB of $mib, a 64-bit dom0 and its ramdisk, and frees its init memory"
    else
        fail "$name: Xen 4.17 on $firmware" "missing:${missing:- none}; System RAM ${ram:-?} MB"
    fi
}
if scripts/debian-payloads.sh xen-hypervisor-4.17-amd64 linux-image-amd64 busybox-static \
        > "$LOGS/debian-xen.log" 2>&1; then
    sed 's/^/  /' "$LOGS/debian-xen.log"
    XEN=build/debs/xen-hypervisor-4.17-amd64/boot/xen-4.17-amd64.gz
    DOM0=$(ls build/debs/linux-image-amd64/boot/vmlinuz-*)
    [ -f "$T/linux/small.cpio.gz" ] ||
        tests/linux/mkinitrd.sh build/debs/busybox-static/bin/busybox "$MB/small.cpio.gz"
    XEN_INITRD=$T/linux/small.cpio.gz
    [ -f "$XEN_INITRD" ] || XEN_INITRD=$MB/small.cpio.gz
    XEN_CMDLINE="console=com1 com1=115200 noreboot"
    build_image xen "$XEN" CMDLINE="$XEN_CMDLINE" MODULES="$DOM0 console=hvc0 quiet,$XEN_INITRD" ||
        fail "xen: build" "$(tail -n 3 "$LOGS/xen.build")"
    expect_xen xen-bios bios 1024 "through its Multiboot2 entry, after the loader's 32-bit hand-off"
    expect_xen xen-uefi uefi 1024 "through the Multiboot2 EFI amd64 entry, boot services running"
else
    fail "Debian packages for the Xen test" "$(tail -n 2 "$LOGS/debian-xen.log")"
fi

# Refused at build time, each naming the field.
MB2_AT=$(LC_ALL=C grep -obUaP '\xd6\x50\x52\xe8' "$MBK" | head -n 1 | cut -d: -f1)
MB1_AT=$(LC_ALL=C grep -obUaP '\x02\xb0\xad\x1b' "$MBK" | head -n 1 | cut -d: -f1)
patch_copy() {   # patch_copy OUT OFFSET BYTES...: the test kernel with bytes changed
    local out=$1 at=$2
    shift 2
    cp "$MBK" "$out"
    printf "$*" | dd of="$out" bs=1 seek="$at" conv=notrunc status=none
}
patch_copy "$MB/badsum.elf" $((MB2_AT + 12)) '\x01'
printf '\x01' | dd of="$MB/badsum.elf" bs=1 seek=$((MB1_AT + 8)) conv=notrunc status=none
expect_refusal mb-bad-checksum "$MB/badsum.elf" "Multiboot2 header at offset 0x$(printf %x $MB2_AT): bad checksum" \
    KERNEL="$MB/badsum.elf"
patch_copy "$MB/smbios.elf" $((MB2_AT + 24)) '\x0d'          # the first requested tag: SMBIOS
expect_refusal mb-unsupported-request "$MB/smbios.elf" \
    "information request: tag 13 is required and embedboot cannot give it" KERNEL="$MB/smbios.elf"
patch_copy "$MB/unknown.elf" $((MB2_AT + 88)) '\x63'         # the module-alignment tag, now 99
expect_refusal mb-unknown-tag "$MB/unknown.elf" "Multiboot2 header tag 99: unknown and not optional" \
    KERNEL="$MB/unknown.elf"
printf 'BITS 32\nORG 0x200000\n    dd 0x1badb002, 0x10003, -(0x1badb002 + 0x10003)\n    dd 0x100000, 0x200000, 0, 0, 0x200020\n    times 64 db 0x90\n' > "$MB/kludge.asm"
nasm -f bin -o "$MB/kludge.bin" "$MB/kludge.asm"
expect_refusal mb-address-fields "$MB/kludge.bin" "Multiboot address fields: 0x100000 lies outside the file" \
    KERNEL="$MB/kludge.bin"
patch_copy "$MB/shentsize.elf" 46 '\x05'                    # e_shentsize 5: not an ELF32 one
expect_refusal mb-section-headers "$MB/shentsize.elf" \
    "Multiboot kernel: malformed ELF section headers at offset 0x" KERNEL="$MB/shentsize.elf"
SHOFF=$(od -An -tu4 -j 32 -N 4 "$MBK" | tr -d ' ')
SYMTAB=$(readelf -SW "$MBK" | sed -n 's/^ *\[ *\([0-9]*\)\] \.symtab .*/\1/p')
patch_copy "$MB/symtab.elf" $((SHOFF + SYMTAB * 40 + 16)) '\xf0\xff\xff\x0f'   # .symtab's sh_offset
expect_refusal mb-section-outside "$MB/symtab.elf" \
    "Multiboot kernel: ELF section $SYMTAB lies outside the file" KERNEL="$MB/symtab.elf"
expect_refusal mb-initrd "" "INITRD is the Linux spelling of one module; a Multiboot kernel takes MODULES" \
    KERNEL="$MBK" INITRD="$MB/a.bin"

# At boot: a module larger than the machine's memory.
head -c $((100 << 20)) /dev/urandom > "$MB/huge.bin"
build_image mb-huge "$MBK" MODULES="$MB/huge.bin" || fail "mb-huge: build" "$(tail -n 3 "$LOGS/mb-huge.build")"
expect_halt mb-huge-64m "$T/mb-huge/image.bin" "not enough memory for the kernel image: needs 0x" -m 64M

# GRUB as the reference: the same Multiboot2 test kernel, modules and
# command line booted by GRUB 2 (grub-pc-bin, multiboot2 and module2 from a
# FAT partition), compared field by field with what embedboot gives. The
# differences, each explained in the README: GRUB 2 gives command lines
# without the file names (embedboot gives them first, as GRUB Legacy and
# QEMU do, and Xen expects from any loader but GRUB 2), its own loader name,
# and two tags embedboot does not (5, the BIOS boot device; 10, APM).
GRUB_CMDLINE="three modules, compared"
bench/grub-image.sh "$MBK" "$MB/grub.bin" --mb2 "$GRUB_CMDLINE" "$MB/a.bin" "first one" "$MB/b.txt" "" \
    > "$LOGS/grub-mb2.build" 2>&1
build_image mb2-cmp "$MBK" CMDLINE="$GRUB_CMDLINE" MODULES="$MB/a.bin first one,$MB/b.txt"
boot grub-mb2 "$MB/grub.bin" 60
boot mb2-cmp "$T/mb2-cmp/image.bin" 60
field() {   # field NAME PATTERN: the kernel's line for PATTERN
    grep -a "check kernel: $2" "$LOGS/$1.serial" | tr -d '\r'
}
cmp_lines=(
    "module 0: 300000 bytes, crc32"
    "module 1: [0-9]* bytes, crc32"
    "[0-9]* KiB RAM in the memory map"
    "framebuffer type"
    "ELF sections:"
)
differences=""
for p in "${cmp_lines[@]}"; do
    ours=$(field mb2-cmp "$p" | sed 's/, cmdline \[.*//')
    grubs=$(field grub-mb2 "$p" | sed 's/, cmdline \[.*//')
    [ -n "$ours" ] && [ "$ours" = "$grubs" ] || differences="$differences [$p: '$ours' vs '$grubs']"
done
[ "$(field mb2-cmp 'cmdline \[')" = "check kernel: cmdline [multiboot.elf $GRUB_CMDLINE] ($(( ${#GRUB_CMDLINE} + 14 )) bytes)" ] &&
    [ "$(field grub-mb2 'cmdline \[')" = "check kernel: cmdline [$GRUB_CMDLINE] (${#GRUB_CMDLINE} bytes)" ] ||
    differences="$differences [command lines: $(field mb2-cmp 'cmdline \[') / $(field grub-mb2 'cmdline \[')]"
grep -qaF "cmdline [a.bin first one]" "$LOGS/mb2-cmp.serial" && grep -qaF "cmdline [first one]" "$LOGS/grub-mb2.serial" ||
    differences="$differences [module command lines]"
ours=$(sed -n 's/.*check kernel: tags 0x\([0-9a-f]*\).*/\1/p' "$LOGS/mb2-cmp.serial")
grubs=$(sed -n 's/.*check kernel: tags 0x\([0-9a-f]*\).*/\1/p' "$LOGS/grub-mb2.serial")
[ -n "$ours" ] && [ -n "$grubs" ] && [ $(( 0x$ours | (1 << 5) | (1 << 10) )) -eq $(( 0x$grubs )) ] ||
    differences="$differences [tags: ours 0x$ours, GRUB's 0x$grubs]"
[ -z "$differences" ] &&
    pass "grub-compare: the same modules, CRCs, memory, map, framebuffer and ELF sections as GRUB 2; only the explained differences" ||
    fail "grub-compare: Multiboot2 field by field against GRUB 2" "$differences"
