# Linux (sourced by tests/run.sh): Debian's own kernel, busybox and
# memtest86+, fetched with apt-get download (scripts/debian-payloads.sh,
# cached in build/debs, checked against the packages' md5sums), booted from
# embedboot images on SeaBIOS and OVMF, IDE and virtio-blk. The initramfs's
# /init (tests/linux/init) reports what the kernel got on COM1.

section "Linux (Debian's kernel, busybox and memtest86+)"

LX=$T/linux
mkdir -p "$LX"
if ! scripts/debian-payloads.sh linux-image-cloud-amd64 busybox-static memtest86+ \
        > "$LOGS/debian-payloads.log" 2>&1; then
    fail "Debian packages for the Linux tests" "$(tail -n 2 "$LOGS/debian-payloads.log")"
    return 0
fi
sed 's/^/  /' "$LOGS/debian-payloads.log"
KPKG=$(readlink build/debs/linux-image-cloud-amd64)
KVER=${KPKG#linux-image-}
VMLINUZ=build/debs/$KPKG/boot/vmlinuz-$KVER
MEMTEST=build/debs/memtest86+/boot/memtest86+x64.bin
tests/linux/mkinitrd.sh build/debs/busybox-static/bin/busybox "$LX/small.cpio.gz"
tests/linux/mkinitrd.sh build/debs/busybox-static/bin/busybox "$LX/big.cpio.gz" 64
CMDLINE_TEST="console=ttyS0 quiet panic=-1 embedboot.test=it's,a;test"

# linux_boot NAME IMAGE bios|uefi ide|virtio MIB [qemu args...]: COM1 to
# $LOGS/NAME.serial, QEMU's status in BOOT_STATUS (0: /init powered off).
linux_boot() {
    local name=$1 image=$2 firmware=$3 disk=$4 mib=$5 fw=()
    shift 5
    local drive="format=raw,file=$image,snapshot=on"
    [ "$disk" = virtio ] && drive="$drive,if=virtio"
    [ "$firmware" = uefi ] && mapfile -t fw < <(ovmf_args "$name")
    timeout 120 "${QEMU_BASE[@]}" -m "${mib}M" -drive "$drive" "${fw[@]}" \
        -serial "file:$LOGS/$name.serial" "$@" > "$LOGS/$name.qemu" 2>&1
    BOOT_STATUS=$?
}

# expect_linux NAME IMAGE FIRMWARE DISK MIB CMDLINE [MD5]: /init ran with
# the exact command line, the kernel's version and about MIB of memory.
expect_linux() {
    local name=$1 image=$2 firmware=$3 disk=$4 mib=$5 cmdline=$6 md5=${7:-}
    linux_boot "$name" "$image" "$firmware" "$disk" "$mib"
    local log=$LOGS/$name.serial kib
    kib=$(sed -n 's/.*linux-test: MemTotal: *\([0-9]*\) kB.*/\1/p' "$log")
    if [ "$BOOT_STATUS" -ne 0 ] || ! grep -q "linux-test: done" "$log"; then
        fail "$name" "status $BOOT_STATUS; $(grep -a -m 3 -E 'error|panic|Kernel' "$log" | tr '\r\n' '  ')"
    elif ! grep -qF "linux-test: uname $KVER" "$log"; then
        fail "$name" "not $KVER: $(grep -a 'uname' "$log")"
    elif ! grep -qF "linux-test: cmdline [$cmdline]" "$log"; then
        fail "$name" "command line: $(grep -a 'cmdline' "$log")"
    elif [ -z "$kib" ] || [ "$kib" -lt $((mib * 1024 * 9 / 10)) ] || [ "$kib" -gt $((mib * 1024)) ]; then
        fail "$name" "MemTotal ${kib:-?} kB, not within 10 % of $mib MiB"
    elif [ -n "$md5" ] && ! grep -qF "linux-test: payload md5 $md5" "$log"; then
        fail "$name" "the initrd's payload: $(grep -a 'payload' "$log"), expected $md5"
    else
        pass "$name: $KVER, MemTotal $kib kB of $mib MiB, the command line intact${md5:+, 64 MiB payload intact}"
    fi
}

build_image linux "$VMLINUZ" INITRD="$LX/small.cpio.gz" CMDLINE="$CMDLINE_TEST" ||
    fail "linux: build" "$(tail -n 3 "$LOGS/linux.build")"
expect_linux linux-bios-ide "$T/linux/image.bin" bios ide 512 "$CMDLINE_TEST"
expect_linux linux-bios-virtio "$T/linux/image.bin" bios virtio 512 "$CMDLINE_TEST"
expect_linux linux-uefi-ide "$T/linux/image.bin" uefi ide 512 "$CMDLINE_TEST"
expect_linux linux-uefi-virtio "$T/linux/image.bin" uefi virtio 512 "$CMDLINE_TEST"
# 6 GiB on UEFI: the initrd goes as high as memory allows, above 4 GiB
# (XLF_CAN_BE_LOADED_ABOVE_4G, ext_ramdisk_image).
expect_linux linux-uefi-6g "$T/linux/image.bin" uefi virtio 6144 "$CMDLINE_TEST"
grep -q "uefi: initrd at 0x1[0-9a-f]\{8\} " "$LOGS/linux-uefi-6g.serial" &&
    pass "linux: with 6 GiB the initrd is placed above 4 GiB" ||
    fail "linux: with 6 GiB the initrd is placed above 4 GiB" "$(grep -a 'initrd at' "$LOGS/linux-uefi-6g.serial")"
grep -q "embedboot: stage 4: timeline, ms after the loader's start (TSC [0-9]* MHz): stage 2 .* kernel entry [0-9.]*" \
    "$LOGS/linux-bios-ide.serial" &&
    pass "linux: the loader logs its boot timeline before entering Linux" ||
    fail "linux: the loader logs its boot timeline before entering Linux" \
        "$(grep -a 'timeline' "$LOGS/linux-bios-ide.serial" | tr -d '\r')"
grep -q "linux-test: Secure boot disabled" "$LOGS/linux-uefi-ide.serial" &&
    pass "linux: on UEFI with Secure Boot off the kernel is told so (boot_params.secure_boot)" ||
    fail "linux: on UEFI with Secure Boot off the kernel is told so" "no 'Secure boot disabled' from /init"

# Secure Boot and measured boot with Debian's kernel: the image signed with
# the snakeoil key, under the Secure Boot firmware with a TPM 2.0. The
# kernel says Secure Boot is enabled, and its own TPM driver reads PCRs 8
# and 9 equal to what the host computes from the files.
if sb_key=$(snakeoil_key) && build_image linux-sb "$VMLINUZ" INITRD="$LX/small.cpio.gz" \
    CMDLINE="$CMDLINE_TEST" SIGN_KEY="$sb_key" SIGN_CERT=$SB_CERT; then
    start_swtpm linux-sb --tpm2
    OVMF_CODE=$SB_CODE OVMF_VARS=$SB_VARS linux_boot linux-sb "$T/linux-sb/image.bin" uefi virtio 512 \
        "${SB_QEMU[@]}" "${TPM_ARGS[@]}"
    stop_swtpm
    log=$LOGS/linux-sb.serial
    got=$(tr -d '\r' < "$log" | sed -n 's/^linux-test: tpm pcr-sha256 \([89]\) /\1 /p' | tr A-F a-f)
    want=$(expected_pcrs $T/linux-sb sha256 "$CMDLINE_TEST" "$LX/small.cpio.gz" -)
    if [ "$BOOT_STATUS" -ne 0 ] || ! grep -q "linux-test: done" "$log"; then
        fail "linux-sb-tpm" "status $BOOT_STATUS; $(grep -a -m 3 -E 'error|panic|Kernel' "$log" | tr '\r\n' '  ')"
    elif ! grep -q "linux-test: Secure boot enabled" "$log"; then
        fail "linux-sb-tpm" "the kernel did not say 'Secure boot enabled': $(grep -a 'Secure' "$log" | tr -d '\r')"
    elif [ "$got" != "$want" ]; then
        fail "linux-sb-tpm" "PCRs from Linux: ${got:-none} / host: $want"
    else
        pass "linux-sb-tpm: Debian's kernel, signed image under Secure Boot: 'Secure boot enabled', and PCRs 8 and 9 read by its TPM driver equal the host's computation"
    fi
    # The initrd changed after signing, its checksum kept: refused by name.
    cp "$T/linux-sb/image.bin" "$T/linux-sb-initrd.bin"
    build/tests/patchimg "$T/linux-sb-initrd.bin" $(( $(image_lba $T/linux-sb) * 512 )) \
        "$(image_symbol $T/linux-sb _image_header)" 64 0x4242 keepsum module0 &&
        sb_error linux-sb-tampered-initrd "$T/linux-sb-initrd.bin" \
            "Secure Boot: the initrd on the disk does not match the SHA-256 digest signed into this application" ||
        fail "linux-sb-tampered-initrd" "patchimg could not keep the initrd's checksum"
else
    fail "linux-sb: build" "$(tail -n 3 "$LOGS/linux-sb.build" 2>/dev/null)"
fi
grep -q "stage 4: Linux, boot protocol 2.15, kernel at 0x1000000" "$LOGS/linux-bios-ide.serial" &&
    pass "linux: the kernel goes to its pref_address (16 MiB) on BIOS" ||
    fail "linux: the kernel goes to its pref_address (16 MiB) on BIOS" \
        "$(grep -a 'stage 4: Linux' "$LOGS/linux-bios-ide.serial")"

# A 64 MiB initrd: the blob at 1 MiB then covers pref_address, so the kernel
# moves out of its own way; /init checks the payload's MD5.
build_image linux-big "$VMLINUZ" INITRD="$LX/big.cpio.gz" CMDLINE="console=ttyS0 quiet panic=-1" ||
    fail "linux-big: build" "$(tail -n 3 "$LOGS/linux-big.build")"
expect_linux linux-big-bios "$T/linux-big/image.bin" bios virtio 512 \
    "console=ttyS0 quiet panic=-1" "$(cat "$LX/big.cpio.gz.md5")"
expect_linux linux-big-uefi "$T/linux-big/image.bin" uefi virtio 512 \
    "console=ttyS0 quiet panic=-1" "$(cat "$LX/big.cpio.gz.md5")"

# Rebuilds: a touched initrd re-runs its embed, the header, ar and the
# links; the kernel is neither checked nor embedded again.
touch "$LX/small.cpio.gz"
make --no-print-directory KDIR="$T/linux" IMAGE="$T/linux/image.bin" KERNEL="$VMLINUZ" \
    INITRD="$LX/small.cpio.gz" CMDLINE="$CMDLINE_TEST" image.bin > "$LOGS/linux-rebuild.log" 2>&1
steps=$(awk '{ print $1 }' "$LOGS/linux-rebuild.log" | tr '\n' ' ')
if grep -q "EMBED *$LX/small.cpio.gz" "$LOGS/linux-rebuild.log" &&
   ! grep -qE "KCHECK|STRIP|EMBED *$T/linux/kernel" "$LOGS/linux-rebuild.log"; then
    pass "linux: touching the initrd re-runs only its embed and the link ($steps)"
else
    fail "linux: touching the initrd re-runs only its embed and the link" "$steps"
fi

# The graphical console: FRAMEBUFFER=1024x768, no serial console: Linux's
# framebuffer console shows /init's lines on the GOP framebuffer (efifb).
build_image linux-fb "$VMLINUZ" INITRD="$LX/small.cpio.gz" CMDLINE="quiet panic=-1" \
    FRAMEBUFFER=1024x768 || fail "linux-fb: build" "$(tail -n 3 "$LOGS/linux-fb.build")"
mapfile -t fw < <(ovmf_args linux-fb)
if scripts/screenshot.sh "$T/linux-fb/image.bin" "$LOGS/linux-fb.ppm" -m 512M "${fw[@]}" \
        2> "$LOGS/linux-fb.shot"; then
    read -r _ lit _ rows _ colours < <(build/tests/ppmtool text "$LOGS/linux-fb.ppm" 1024 768)
    # 20 lines of /init's text and the kernel's: thousands of lit pixels in
    # hundreds of rows, on a dark screen (not a blank or a white one).
    if [ "${rows:-0}" -ge 200 ] && [ "${lit:-0}" -ge 5000 ] && [ "${lit:-0}" -le 200000 ]; then
        pass "linux-fb: Linux's console text on the 1024x768 GOP framebuffer ($lit lit pixels in $rows rows)"
    else
        fail "linux-fb: Linux's console text on the 1024x768 GOP framebuffer" \
            "lit ${lit:-?} rows ${rows:-?} colours ${colours:-?} ($(build/tests/ppmtool text "$LOGS/linux-fb.ppm" 1024 768))"
    fi
else
    fail "linux-fb: Linux's console text on the 1024x768 GOP framebuffer" "$(cat "$LOGS/linux-fb.shot")"
fi

# memtest86+: a bzImage that is not relocatable and wants 1 MiB, where the
# BIOS blob lies; it runs until stopped, so the test waits for its banner
# and the memory it found: the RAM of -m 512M less what the firmware keeps
# (1 MiB on SeaBIOS, about 6 on OVMF).
expect_memtest() {   # expect_memtest NAME bios|uefi
    local name=$1 firmware=$2 fw=() log=$LOGS/$1.serial
    [ "$firmware" = uefi ] && mapfile -t fw < <(ovmf_args "$name")
    rm -f "$log"
    timeout 90 "${QEMU_BASE[@]}" -m 512M -drive "format=raw,file=$T/memtest/image.bin,snapshot=on" \
        "${fw[@]}" -serial "file:$log" > "$LOGS/$name.qemu" 2>&1 &
    local pid=$! waited=0 text="" mb=""
    while [ $waited -lt 800 ] && kill -0 $pid 2>/dev/null; do
        text=$(sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g' "$log" 2>/dev/null | tr -s ' ')
        mb=$(grep -ao "Memory : [0-9]*MB" <<< "$text" | head -n 1 | tr -dc 0-9)
        grep -q "Memtest86+ v6.10" <<< "$text" && [ -n "$mb" ] && break
        sleep 0.1
        waited=$((waited + 1))
    done
    kill $pid 2>/dev/null
    wait $pid 2>/dev/null
    if grep -q "Memtest86+ v6.10" <<< "$text" && [ -n "$mb" ] && [ "$mb" -ge 500 ] && [ "$mb" -le 512 ]; then
        pass "$name: memtest86+ 6.10 runs and sees $mb MB of 512"
    else
        fail "$name: memtest86+ 6.10 runs and sees 500-512 MB" "${mb:-no} MB; $(tail -c 300 <<< "$text" | tr '\r\n' '  ')"
    fi
}
build_image memtest "$MEMTEST" CMDLINE="console=ttyS0,115200" ||
    fail "memtest: build" "$(tail -n 3 "$LOGS/memtest.build")"
expect_memtest memtest-bios bios
expect_memtest memtest-uefi uefi

# Bad input, at build time: each refused, naming the file and the field.
head -c 5000000 "$VMLINUZ" > "$LX/truncated.bzImage"
expect_refusal linux-truncated "$LX/truncated.bzImage" "its header (setup_sects, syssize) says" \
    KERNEL="$LX/truncated.bzImage"
cp "$VMLINUZ" "$LX/old.bzImage"
printf '\x0a\x02' | dd of="$LX/old.bzImage" bs=1 seek=$((0x206)) conv=notrunc status=none
expect_refusal linux-protocol-2.10 "$LX/old.bzImage" "version 2.10: boot protocol older than 2.12" \
    KERNEL="$LX/old.bzImage"
cp "$VMLINUZ" "$LX/no64.bzImage"
printf '\x00' | dd of="$LX/no64.bzImage" bs=1 seek=$((0x236)) conv=notrunc status=none
expect_refusal linux-no-64bit-entry "$LX/no64.bzImage" "no 64-bit entry (XLF_KERNEL_64)" \
    KERNEL="$LX/no64.bzImage"
cp "$VMLINUZ" "$LX/setup.bzImage"
printf '\xc8' | dd of="$LX/setup.bzImage" bs=1 seek=$((0x1f1)) conv=notrunc status=none
expect_refusal linux-setup-sects "$LX/setup.bzImage" "setup_sects 200: implausible" \
    KERNEL="$LX/setup.bzImage"
expect_refusal linux-cmdline-5000 "$VMLINUZ" \
    "command line of 5000 bytes is longer than the kernel's cmdline_size, 2047" \
    KERNEL="$VMLINUZ" CMDLINE="$(head -c 5000 /dev/zero | tr '\0' x)"
expect_refusal linux-initrd-not-a-file "$LX" "not a file (INITRD=" KERNEL="$VMLINUZ" INITRD="$LX"
expect_refusal linux-two-modules "" "a Linux kernel takes one, its initrd" KERNEL="$VMLINUZ" \
    MODULES="$LX/small.cpio.gz,$LX/small.cpio.gz"
gzip -c "$VMLINUZ" > "$LX/vmlinuz.gz"
build_image linux-gzip "$LX/vmlinuz.gz" && [ "$(cat "$T/linux-gzip/kind")" = linux ] &&
    cmp -s "$T/linux-gzip/kernel.stripped" "$VMLINUZ" &&
    pass "linux-gzip: a gzip-compressed kernel is decompressed at build time" ||
    fail "linux-gzip: a gzip-compressed kernel is decompressed at build time" \
        "$(tail -n 2 "$LOGS/linux-gzip.build")"
printf '\x13\x37\xc0\xde%.0s' $(seq 100) > "$LX/random.bin"
expect_refusal linux-unknown-kind "$LX/random.bin" "nor a Multiboot kernel: it starts with 13 37 c0 de" \
    KERNEL="$LX/random.bin"
expect_refusal linux-features "" "FEATURES apply to ELF kernels" KERNEL="$VMLINUZ" FEATURES=sse

# The Linux benchmark's harness, one run of its smallest rows (make bench
# runs all of them).
if bench/linux.sh --smoke > "$LOGS/bench-linux-smoke.out" 2>&1 &&
   grep -qE "^small initrd, ide +[0-9]+ +[0-9]+" "$LOGS/bench-linux-smoke.out"; then
    pass "bench/linux.sh --smoke: QEMU's loader, embedboot and GRUB each booted Linux and were timed"
else
    fail "bench/linux.sh --smoke: QEMU's loader, embedboot and GRUB each booted Linux and were timed" \
        "$(tail -n 3 "$LOGS/bench-linux-smoke.out")"
fi

# At boot: an initrd larger than the machine's memory; one that fits the
# machine but not beside the kernel.
head -c $((100 << 20)) /dev/urandom > "$LX/huge.initrd"
build_image linux-huge "$VMLINUZ" INITRD="$LX/huge.initrd" CMDLINE="console=ttyS0" ||
    fail "linux-huge: build" "$(tail -n 3 "$LOGS/linux-huge.build")"
expect_halt linux-huge-64m "$T/linux-huge/image.bin" \
    "not enough memory for the kernel image: needs 0x" -m 64M
expect_halt linux-huge-160m "$T/linux-huge/image.bin" \
    "the initrd (102400 KiB) does not fit in this machine's free memory" -m 160M
