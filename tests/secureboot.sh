# Secure Boot tests (sourced by tests/run.sh), with Debian's OVMF build that
# enforces Secure Boot and has a test key enrolled (snakeoil): the image is
# signed with that key (SIGN_KEY, SIGN_CERT), and what lies outside the
# signed application is checked against the digests signed into it.

section "Secure Boot (OVMF snakeoil)"

sb_ok=1
for f in $SB_CODE $SB_VARS $SB_KEY $SB_CERT; do
    [ -f "$f" ] || { fail "Secure Boot: Debian's ovmf has $f" "missing: the tests need the snakeoil firmware"; sb_ok=0; }
done
plain_key=$(snakeoil_key) || { fail "Secure Boot: the snakeoil key opens with its password" \
    "$(head -n 2 "$LOGS/sb-key.log")"; sb_ok=0; }

# 1. Signing at build time, and what it refuses.
expect_refusal sign-key-only "" "signing needs both SIGN_KEY and SIGN_CERT" \
    KERNEL=$TK/check-high.elf SIGN_KEY="$plain_key"
expect_refusal sign-missing-key "$T/no-such.key" "not a file" \
    KERNEL=$TK/check-high.elf SIGN_KEY="$T/no-such.key" SIGN_CERT=$SB_CERT
expect_refusal sign-encrypted-key $SB_KEY "the key is encrypted" \
    KERNEL=$TK/check-high.elf SIGN_KEY=$SB_KEY SIGN_CERT=$SB_CERT
# sbsign itself refusing (a key where the certificate goes), and sbsign
# missing from PATH (every other tool of /usr/bin still there).
expect_refusal sign-bad-cert "$SB_KEY" "sbsign could not sign BOOTX64-disk.EFI" \
    KERNEL=$TK/check-high.elf SIGN_KEY="$plain_key" SIGN_CERT=$SB_KEY
no_sbsign=$T/path-without-sbsign
mkdir -p "$no_sbsign" && ln -sf /usr/bin/* /usr/local/bin/* "$no_sbsign"/ && rm -f "$no_sbsign/sbsign"
PATH=$no_sbsign expect_refusal sign-no-sbsign "" "sbsign is missing (Debian package sbsigntool" \
    KERNEL=$TK/check-high.elf SIGN_KEY="$plain_key" SIGN_CERT=$SB_CERT

if [ $sb_ok = 1 ] && build_image sb-check $TK/check-high.elf SIGN_KEY="$plain_key" SIGN_CERT=$SB_CERT; then
    img=$T/sb-check/image.bin
    MTOOLS_SKIP_CHECK=1 mcopy -o -i "$img@@$(image_esp_offset "$img")" ::/EFI/BOOT/BOOTX64.EFI "$T/sb-app.efi"
    sbverify --cert $SB_CERT "$T/sb-app.efi" > "$LOGS/sb-verify.log" 2>&1 &&
        pass "SIGN_KEY: the ESP's application is signed (sbverify)" ||
        fail "SIGN_KEY: the ESP's application is signed (sbverify)" "$(tail -n 2 "$LOGS/sb-verify.log")"

    # 2. The signed image boots with Secure Boot on, and the kernel is told;
    # under ordinary OVMF it boots too, told that Secure Boot is off.
    sb_boot sb-signed "$img" "check kernel: all [0-9]* checks passed"
    grep -q "check kernel: secure boot on" "$LOGS/sb-signed.serial" &&
        grep -q "embedboot: uefi: Secure Boot is on: checking the payloads" "$LOGS/sb-signed.serial" &&
        pass "Secure Boot on: the payloads are checked and the boot info says so" ||
        fail "Secure Boot on: the payloads are checked and the boot info says so" \
            "$(grep -a 'ecure boot' "$LOGS/sb-signed.serial" | tr -d '\r' | tr '\n' ' ')"
    expect_uefi_boot sb-signed-off "$img" "check kernel: secure boot off"

    # 3. A kernel blob changed after signing, with its checksum kept (12 more
    # bytes changed to match): the checksum passes, the signed digest does not.
    cp "$img" "$T/sb-tampered.bin"
    size=$(stat -c %s "$T/sb-check/kernel.stripped")
    if build/tests/patchimg "$T/sb-tampered.bin" $(( $(image_lba $T/sb-check) * 512 )) \
        "$(image_symbol $T/sb-check _image_header)" $((size - 8)) 0x4242 keepsum; then
        sb_error sb-tampered "$T/sb-tampered.bin" \
            "Secure Boot: the kernel on the disk does not match the SHA-256 digest signed into this application"
        expect_uefi_boot sb-tampered-off "$T/sb-tampered.bin" "check kernel: all [0-9]* checks passed"
    else
        fail "Secure Boot: a tampered image" "patchimg could not keep the checksum"
    fi
else
    [ $sb_ok = 1 ] && fail "Secure Boot: signed image build" "$(tail -n 3 "$LOGS/sb-check.build")"
fi

# 3b. A module and the command lines changed after signing, each with its
# checksum kept: each refused by name.
echo "a module the signature covers" > "$T/sb-module.txt"
if [ $sb_ok = 1 ] && build_image sb-mod $TK/check-high.elf SIGN_KEY="$plain_key" SIGN_CERT=$SB_CERT \
        CMDLINE="signed command line" MODULES="$T/sb-module.txt signed arguments"; then
    for piece in module0 strings; do
        cp "$T/sb-mod/image.bin" "$T/sb-$piece.bin"
        build/tests/patchimg "$T/sb-$piece.bin" $(( $(image_lba $T/sb-mod) * 512 )) \
            "$(image_symbol $T/sb-mod _image_header)" 2 0x4242 keepsum $piece ||
            fail "Secure Boot: tampered $piece" "patchimg could not keep its checksum"
    done
    sb_error sb-tampered-module "$T/sb-module0.bin" \
        "Secure Boot: module 0 on the disk does not match the SHA-256 digest signed into this application"
    sb_error sb-tampered-strings "$T/sb-strings.bin" \
        "Secure Boot: the command lines on the disk does not match the SHA-256 digest"
else
    [ $sb_ok = 1 ] && fail "Secure Boot: signed module image build" "$(tail -n 3 "$LOGS/sb-mod.build")"
fi

# 4. The firmware refuses an image that is not signed: OVMF's boot manager
# says "Access Denied" for the disk and never starts the application.
if [ $sb_ok = 1 ] && uefi_build check-high $TK/check-high.elf; then
    log=$LOGS/sb-unsigned.serial
    OVMF_CODE=$SB_CODE OVMF_VARS=$SB_VARS ovmf_until sb-unsigned "$T/check-high/image.bin" \
        "No bootable option" "${SB_QEMU[@]}"
    said=$(grep -a "failed to load Boot.*HARDDISK" "$log" | tr -d '\r' | sed 's/.*: //')
    if [ "$said" = "Access Denied" ] && ! grep -q "embedboot: uefi" "$log"; then
        pass "Secure Boot on: the firmware refuses the unsigned image (OVMF: '$said')"
    else
        fail "Secure Boot on: the firmware refuses the unsigned image" \
            "firmware said '${said:-nothing}'; last lines: $(tail -n 2 "$log" | tr '\r\n' '  ')"
    fi
fi

# 4b. The same unsigned image with its application signed by hand (sbsign
# after the build, not SIGN_KEY): the firmware runs it, but it reads the
# header from the disk and carries no digests, so it refuses to vouch.
if [ $sb_ok = 1 ] && [ -f "$T/check-high/image.bin" ]; then
    hand=$T/sb-hand-signed.bin
    cp "$T/check-high/image.bin" "$hand"
    if MTOOLS_SKIP_CHECK=1 mcopy -o -i "$hand@@$(image_esp_offset "$hand")" ::/EFI/BOOT/BOOTX64.EFI \
            "$T/sb-hand.efi" &&
        sbsign --key "$plain_key" --cert $SB_CERT --output "$T/sb-hand-signed.efi" "$T/sb-hand.efi" \
            > "$LOGS/sb-hand.sbsign" 2>&1 &&
        MTOOLS_SKIP_CHECK=1 mcopy -o -i "$hand@@$(image_esp_offset "$hand")" "$T/sb-hand-signed.efi" \
            ::/EFI/BOOT/BOOTX64.EFI; then
        sb_error sb-hand-signed "$hand" \
            "Secure Boot: this application carries no signed digests of the image header and payloads"
    else
        fail "Secure Boot: an unsigned image's application signed by hand" "$(tail -n 2 "$LOGS/sb-hand.sbsign")"
    fi
fi

# 5. KERNEL_ON_ESP with Secure Boot on: the signed kernel's own file boots,
# another kernel copied over it is refused.
if [ $sb_ok = 1 ] && build_image sb-on-esp $TK/check-high.elf KERNEL_ON_ESP=1 \
    SIGN_KEY="$plain_key" SIGN_CERT=$SB_CERT; then
    on=$T/sb-on-esp/image.bin
    sb_boot sb-on-esp-same "$on" "check kernel: running at 0xffffffff80000000"
    grep -q 'checking \\kernel.elf from the boot volume' "$LOGS/sb-on-esp-same.serial" &&
        pass "Secure Boot on: \\kernel.elf that matches the signed digest boots" ||
        fail "Secure Boot on: \\kernel.elf that matches the signed digest boots" "the file was not used"
    cp "$on" "$T/sb-on-esp-swapped.bin"
    MTOOLS_SKIP_CHECK=1 mcopy -o -i "$T/sb-on-esp-swapped.bin@@$(image_esp_offset "$on")" \
        $TK/check-low.elf ::/kernel.elf
    sb_error sb-on-esp-swapped "$T/sb-on-esp-swapped.bin" \
        "Secure Boot: \\kernel.elf on the ESP (KERNEL_ON_ESP: with Secure Boot on, only the signed kernel"
else
    [ $sb_ok = 1 ] && fail "Secure Boot: KERNEL_ON_ESP build" "$(tail -n 3 "$LOGS/sb-on-esp.build")"
fi

# 6. make BOOTX64.EFI with the key: the application alone, signed.
if [ $sb_ok = 1 ]; then
    rm -f "$T/sb-alone.efi"
    make -s --no-print-directory KDIR="$T/sb-alone" EFI_APP="$T/sb-alone.efi" KERNEL=$TK/check-high.elf \
        SIGN_KEY="$plain_key" SIGN_CERT=$SB_CERT "$T/sb-alone.efi" > "$LOGS/sb-alone.build" 2>&1
    sbverify --cert $SB_CERT "$T/sb-alone.efi" > "$LOGS/sb-alone.verify" 2>&1 &&
        pass "make BOOTX64.EFI SIGN_KEY=...: the application alone, signed (sbverify)" ||
        fail "make BOOTX64.EFI SIGN_KEY=...: the application alone, signed (sbverify)" \
            "$(tail -n 2 "$LOGS/sb-alone.build" "$LOGS/sb-alone.verify" | tr '\n' ' ')"
fi
