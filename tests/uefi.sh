# UEFI tests (sourced by tests/run.sh): the images the BIOS tests boot, now
# under OVMF, checked the same way (COM1 and QEMU's exit status), plus the
# UEFI path's own errors. OVMF takes ~4 s to start an application.

section "UEFI (OVMF)"

# 1. The example image: one image.bin, both firmware types.
uefi_build example build/example-kernel/kernel.elf
expect_boot bios-and-uefi-bios "$T/example/image.bin" "example kernel: done"
expect_uefi_boot bios-and-uefi-uefi "$T/example/image.bin" "example kernel: done"
grep -q "boot info v[0-9]* at .* (BIOS" "$LOGS/bios-and-uefi-bios.serial" &&
    grep -q "boot info v[0-9]* at .* (UEFI" "$LOGS/bios-and-uefi-uefi.serial" &&
    pass "one image.bin boots on SeaBIOS and on OVMF; the kernel sees which" ||
    fail "one image.bin boots on SeaBIOS and on OVMF; the kernel sees which" "firmware not reported"

# 2. The check kernels, and their boot info invariants against BIOS.
for k in check-high check-low; do
    uefi_build $k $TK/$k.elf || { fail uefi-$k "build failed"; continue; }
    expect_boot bios-$k "$T/$k/image.bin" "all [0-9]* checks passed"
    expect_uefi_boot uefi-$k "$T/$k/image.bin" "check kernel: all [0-9]* checks passed"
    bios=$(grep "invariants:" "$LOGS/bios-$k.serial" | tr -d '\r')
    uefi=$(grep "invariants:" "$LOGS/uefi-$k.serial" | tr -d '\r')
    [ -n "$bios" ] && [ "$bios" = "$uefi" ] &&
        pass "$k: the boot info invariants are the same on BIOS and UEFI" ||
        fail "$k: the boot info invariants are the same on BIOS and UEFI" "BIOS [$bios] UEFI [$uefi]"
done
grep -q "check kernel: firmware UEFI" "$LOGS/uefi-check-high.serial" &&
    pass "boot info says UEFI" || fail "boot info says UEFI" "no 'firmware UEFI'"
img=$T/check-high/image.bin
expect_uefi_boot uefi-check-q35 "$img" "check kernel: all [0-9]* checks passed" -machine q35
expect_uefi_boot uefi-check-no-nx "$img" "check kernel: NX off" -cpu qemu64,-nx
grep -q "all [0-9]* checks passed" "$LOGS/uefi-check-no-nx.serial" &&
    pass "uefi: no NX: all checks pass" || fail "uefi: no NX: all checks pass" "checks failed"
expect_uefi_boot uefi-check-1g-ram "$img" "check kernel: all [0-9]* checks passed" -m 1G
expect_uefi_boot uefi-modules-3 "$T/modules-3/image.bin" "check kernel: all [0-9]* checks passed" &&
    expect_modules uefi-modules-3 "$MOD_CMDLINE" "$T/mods/a.bin" "first one" "$T/mods/b.txt" "" \
        "$T/mods/c.empty" "last  arg"
expect_uefi_boot uefi-example-8g "$T/example/image.bin" "example kernel: done" -m 8G
# (OVMF loads the application above 4 GiB then: a bootloader region there.)
grep -q "^  0000000100000000-[0-9a-f]* usable" "$LOGS/uefi-example-8g.serial" &&
    grep -q -- "-0000000240000000 usable" "$LOGS/uefi-example-8g.serial" &&
    pass "uefi: 8 GiB: memory above 4 GiB is usable in the memory map" ||
    fail "uefi: 8 GiB: memory above 4 GiB is usable in the memory map" \
        "$(tr -d '\r' < "$LOGS/uefi-example-8g.serial" | grep -a '^  0000000[1-9]')"

# 3. A 32 MiB kernel read from the ESP, every payload byte checked.
uefi_build payload $TK/payload-32.elf &&
    expect_uefi_boot uefi-payload-32mib "$T/payload/image.bin" "payload kernel: 32 MiB intact" \
        -drive "format=raw,file=$T/payload/image.bin,if=virtio" ||
    fail uefi-payload-32mib "build failed"
grep -qa "KiB at physical 0x[0-9a-f]*, in place: its file's pages)" "$LOGS/uefi-payload-32mib.serial" &&
    grep -qa "in place: its file's pages" "$LOGS/uefi-check-high.serial" &&
    pass "in place on UEFI: the application reads the kernel into the room its frames take, and loads it there" ||
    fail "in place on UEFI" "$(grep -ah 'KiB at physical' "$LOGS/uefi-payload-32mib.serial" "$LOGS/uefi-check-high.serial" | tr -d '\r')"
# Progress, as on BIOS: nothing in the first second (the 32 MiB read over
# virtio-blk takes ~0.1 s, and each line through ConOut would cost 1-2 ms);
# over IDE the same read takes seconds, and its percentage is redrawn in
# place (carriage returns), ending at 100 % on its own line.
if [ -s "$LOGS/uefi-payload-32mib.serial" ] && ! grep -qa "loading the payloads" "$LOGS/uefi-payload-32mib.serial"; then
    pass "uefi progress: a fast read shows none"
else
    fail "uefi progress: a fast read shows none" "$(grep -ac 'loading the payloads' "$LOGS/uefi-payload-32mib.serial") progress lines"
fi
expect_uefi_boot uefi-payload-32mib-ide "$T/payload/image.bin" "payload kernel: 32 MiB intact"
if LC_ALL=C grep -qa $'\rembedboot: uefi: loading the payloads: [0-9]* %\rembedboot: uefi: loading the payloads' \
       "$LOGS/uefi-payload-32mib-ide.serial" &&
   LC_ALL=C grep -qa $'loading the payloads: 100 %\r*$' "$LOGS/uefi-payload-32mib-ide.serial"; then
    pass "uefi progress: a long read redraws its percentage in place, ending at 100 %"
else
    fail "uefi progress: a long read redraws its percentage" "$(grep -ac 'loading the payloads' "$LOGS/uefi-payload-32mib-ide.serial") progress lines"
fi

# 4. Configuration and features, as the BIOS tests build them.
MAN=tests/boot/manifests/Cargo.toml
uefi_build feat-default $TK/features-default.elf &&
    expect_uefi_boot uefi-feat-default "$T/feat-default/image.bin" "features kernel: all [0-9]* checks passed"
uefi_build feat-config $TK/features-config.elf KERNEL_MANIFEST=$MAN BOOT_INFO=embedboot &&
    expect_uefi_boot uefi-feat-config "$T/feat-config/image.bin" "features kernel: all [0-9]* checks passed"
uefi_build feat-physmap $TK/features-physmap.elf FEATURES=map_physical_memory &&
    expect_uefi_boot uefi-feat-physmap-5g "$T/feat-physmap/image.bin" \
        "features kernel: all [0-9]* checks passed" -m 5G
uefi_build feat-vbe $TK/features-vbe.elf FEATURES=map_physical_memory FRAMEBUFFER=800x600 &&
    expect_uefi_boot uefi-feat-gop "$T/feat-vbe/image.bin" "features kernel: all [0-9]* checks passed"
grep -q "GOP mode [0-9]*, 800x600" "$LOGS/uefi-feat-gop.serial" &&
    pass "FRAMEBUFFER=800x600 sets that GOP mode" ||
    fail "FRAMEBUFFER=800x600 sets that GOP mode" "$(grep 'GOP' "$LOGS/uefi-feat-gop.serial")"

# 5. A GOP screenshot: the example kernel's bars at 800x600.
build_image uefi-shot build/example-kernel/kernel.elf FRAMEBUFFER=800x600 || fail uefi-shot "build failed"
mapfile -t fw < <(ovmf_args uefi-shot)
screenshot uefi-shot "$T/uefi-shot/image.bin" "${fw[@]}"
if [ $SHOT_OK = 1 ] && bars_in "$LOGS/uefi-shot.ppm" 800 600 > "$LOGS/uefi-shot.check" 2>&1; then
    pass "GOP screenshot: the example kernel's bars at 800x600"
else
    fail "GOP screenshot: the example kernel's bars at 800x600" \
        "$(cat "$LOGS/uefi-shot.shot" "$LOGS/uefi-shot.check" 2>/dev/null | head -c 300)"
fi

# 6. Errors: printed, no kernel, an error status back to the firmware.
uefi_build feat-mixed $TK/features-mixed.elf FEATURES="recursive_page_table vga_320x200" &&
    expect_uefi_error uefi-vga-320x200 "$T/feat-mixed/image.bin" \
        "the vga_320x200 feature needs VGA mode 13h, which UEFI does not offer" Unsupported
expect_uefi_error uefi-no-gop "$T/feat-vbe/image.bin" \
    "FRAMEBUFFER=800x600 needs a framebuffer, but the firmware has no Graphics Output Protocol" \
    Unsupported -vga none
uefi_build bigbss $TK/bigbss.elf &&
    expect_uefi_error uefi-no-memory "$T/bigbss/image.bin" \
        "not enough memory: the kernel needs" "Out of Resources"

# A kernel damaged on the disk, where the application on the ESP reads it
# from (one copy, the blob stage 2 reads too): the checksum catches a
# flipped byte; a kernel swapped with the checksum fixed up (in the one
# header, at LBA 1, which the application reads too) is caught by the ELF
# checks.
kdir=$T/check-high
blob=$(( $(image_lba $kdir) * 512 ))
hdr=$(image_symbol $kdir _image_header)
for c in corrupt hostile; do cp "$img" "$T/uefi-$c.bin"; done
build/tests/patchimg "$T/uefi-corrupt.bin" $blob $hdr 0x1000 0x4242
build/tests/patchimg "$T/uefi-hostile.bin" $blob $hdr 18 183 fixsum
expect_uefi_error uefi-corrupted-kernel "$T/uefi-corrupt.bin" "kernel image corrupted: checksum " "Load Error"
expect_uefi_error uefi-hostile-kernel "$T/uefi-hostile.bin" "kernel: not an x86-64 ELF (e_machine 183" "Load Error"

# One copy: image.bin's application embeds no payload (it is smaller than
# the kernel) and the image is at most the payloads plus 2 MiB; the same
# application on a disk that is not its image.bin says so.
uefi_build payload $TK/payload-32.elf
MTOOLS_SKIP_CHECK=1 mcopy -o -i "$T/payload/image.bin@@$(image_esp_offset "$T/payload/image.bin")" \
    ::/EFI/BOOT/BOOTX64.EFI "$T/payload-app.efi"
img_bytes=$(stat -c %s "$T/payload/image.bin") app_bytes=$(stat -c %s "$T/payload-app.efi")
pay_bytes=$(stat -c %s "$T/payload/kernel.stripped")
if [ "$app_bytes" -lt $((1 << 20)) ] && [ "$img_bytes" -le $((pay_bytes + (2 << 20))) ]; then
    pass "one copy: a $((pay_bytes >> 20)) MiB kernel gives a $((img_bytes >> 20)) MiB image; the ESP's application is $((app_bytes >> 10)) KiB"
else
    fail "one copy" "image $img_bytes bytes for a $pay_bytes-byte kernel, application $app_bytes bytes"
fi
esp_only=$T/esp-only.bin
dd if="$T/example/image.bin" of="$esp_only" bs=512 skip=$(( $(image_esp_offset "$T/example/image.bin") / 512 )) status=none
expect_uefi_error uefi-esp-only "$esp_only" \
    "the disk this application was loaded from does not hold its image.bin" "Load Error"
# The header the application reads at LBA 1 from another embedboot's
# image.bin (its version field changed): refused by name, not misread.
cp "$T/example/image.bin" "$T/other-version.bin"
printf '\143\000' | dd of="$T/other-version.bin" bs=1 seek=$((512 + 4)) conv=notrunc status=none
expect_uefi_error uefi-header-version "$T/other-version.bin" \
    "the image header on the disk is version 99 (656 bytes), this application reads version 7" "Load Error"

# 7. KERNEL_ON_ESP=1: \kernel.elf on the ESP overrides the embedded kernel;
# without the file the embedded one boots; a bad file is refused.
if build_image on-esp $TK/check-high.elf KERNEL_ON_ESP=1; then
    on=$T/on-esp/image.bin
    MTOOLS_SKIP_CHECK=1 mcopy -i "$on@@$(image_esp_offset "$on")" ::/kernel.elf "$T/on-esp/kernel.copy" &&
        cmp -s "$T/on-esp/kernel.copy" "$T/on-esp/kernel.stripped" &&
        pass "KERNEL_ON_ESP=1: the kernel is on the ESP as \\kernel.elf" ||
        fail "KERNEL_ON_ESP=1: the kernel is on the ESP as \\kernel.elf" "not there or not the kernel"
    for c in swapped missing bad; do cp "$on" "$T/on-esp-$c.bin"; done
    export MTOOLS_SKIP_CHECK=1
    mcopy -o -i "$T/on-esp-swapped.bin@@$(image_esp_offset "$on")" $TK/check-low.elf ::/kernel.elf
    mdel -i "$T/on-esp-missing.bin@@$(image_esp_offset "$on")" ::/kernel.elf
    mcopy -o -i "$T/on-esp-bad.bin@@$(image_esp_offset "$on")" $TK/entry.o ::/kernel.elf
    unset MTOOLS_SKIP_CHECK
    expect_uefi_boot uefi-on-esp-swapped "$T/on-esp-swapped.bin" "check kernel: all [0-9]* checks passed"
    grep -q 'checking \\kernel.elf from the boot volume' "$LOGS/uefi-on-esp-swapped.serial" &&
        tr -d '\r' < "$LOGS/uefi-on-esp-swapped.serial" | grep -q "^check kernel: running at 0x100000$" &&
        pass "KERNEL_ON_ESP=1: a \\kernel.elf copied onto the ESP boots instead of the embedded one" ||
        fail "KERNEL_ON_ESP=1: a \\kernel.elf copied onto the ESP boots instead of the embedded one" \
            "$(grep -a 'kernel.elf\|running at' "$LOGS/uefi-on-esp-swapped.serial" | tr -d '\r' | tr '\n' ' ')"
    expect_uefi_boot uefi-on-esp-missing "$T/on-esp-missing.bin" \
        "check kernel: running at 0xffffffff80000000"
    grep -q 'no \\kernel.elf, using the embedded kernel' "$LOGS/uefi-on-esp-missing.serial" &&
        pass "KERNEL_ON_ESP=1: without \\kernel.elf the embedded kernel boots, and it says so" ||
        fail "KERNEL_ON_ESP=1: without \\kernel.elf the embedded kernel boots, and it says so" "no message"
    expect_uefi_error uefi-on-esp-bad "$T/on-esp-bad.bin" \
        "kernel: ELF type 1 is not an executable" "Load Error"
else
    fail "KERNEL_ON_ESP=1 build" "$(tail -n 3 "$LOGS/on-esp.build")"
fi

# 8. make BOOTX64.EFI builds the application alone.
rm -f "$T/alone.efi"
make -s --no-print-directory KDIR="$T/alone" EFI_APP="$T/alone.efi" \
    KERNEL=build/example-kernel/kernel.elf "$T/alone.efi" > "$LOGS/alone.build" 2>&1
if [ -f "$T/alone.efi" ] && [ ! -e "$T/alone/image.bin" ] && [ ! -e "$T/alone/bootloader.elf" ] &&
   objdump -p "$T/alone.efi" | grep -q "(EFI application)"; then
    pass "make BOOTX64.EFI: only the EFI application (PE32+, EFI subsystem)"
else
    fail "make BOOTX64.EFI: only the EFI application (PE32+, EFI subsystem)" "$(tail -n 3 "$LOGS/alone.build")"
fi
# That application embeds the kernel: it boots from an ESP of its own.
own=$T/alone-esp.img
if scripts/mkesp.sh "$own" "$T/alone.efi" > "$LOGS/alone-esp.log" 2>&1; then
    expect_uefi_boot uefi-alone "$own" "example kernel: done"
    grep -q "reading the payloads from the disk" "$LOGS/uefi-alone.serial" &&
        fail "uefi-alone: the payloads are embedded" "it read them from the disk" ||
        pass "uefi-alone: make BOOTX64.EFI embeds the payloads and boots from any ESP"
else
    fail "uefi-alone" "$(cat "$LOGS/alone-esp.log")"
fi
