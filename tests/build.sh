# Build-time tests (sourced by tests/run.sh): the pipeline, the image layout,
# and every refused input with its message.

section "build pipeline and image layout"

GOOD=$TK/check-high.elf

if build_image pipeline "$GOOD"; then
    pass "pipeline: image builds"
else
    fail "pipeline: image builds" "$(tail -n 5 "$LOGS/pipeline.build")"
fi
img=$T/pipeline/image.bin

# Stage 1: one sector, jmp short + nop, 0xAA55, and a partition table with
# a bootable entry covering LBA 1 to the end of the BIOS part, then the ESP.
size=$(stat -c %s "$img")
bytes() { od -An -v -tx1 -j "$1" -N "$2" "$img" | tr -d ' \n'; }
le32() { od -An -v -tu4 -j "$1" -N 4 "$img" | tr -d ' '; }
[ $((size % 512)) -eq 0 ] && [ $size -ge $((1 << 20)) ] && pass "image: whole sectors, at least 1 MiB" \
    || fail "image: whole sectors, at least 1 MiB" "$size bytes"
[ "$(bytes 510 2)" = 55aa ] && pass "stage 1: ends in 0xAA55" || fail "stage 1: ends in 0xAA55" "$(bytes 510 2)"
[[ "$(bytes 0 3)" == eb??90 ]] && pass "stage 1: jmp short + nop over the BPB" \
    || fail "stage 1: jmp short + nop over the BPB" "$(bytes 0 3)"
stage1_bytes=$(objdump -h build/stages/stage1.o | awk '$2 == ".stage1" { print $3 }')
[ "$((16#${stage1_bytes:-0}))" = 512 ] && pass "stage 1: exactly 512 bytes" || fail "stage 1: exactly 512 bytes" "$stage1_bytes"
used=$(symbol_value $T/pipeline _image_sectors)
if [ "$(bytes 446 1)" = 80 ] && [ "$(le32 454)" = 1 ] && [ "$(le32 458)" = $((used - 1)) ] &&
   [ $used -le $((size / 512)) ]; then
    pass "stage 1: a bootable partition covering the BIOS loader and kernel"
else
    fail "stage 1: a bootable partition covering the BIOS loader and kernel" \
        "flag $(bytes 446 1) start $(le32 454) count $(le32 458), loader + kernel $used sectors"
fi
esp=$(le32 470) esp_count=$(le32 474)
if [ "$(bytes 462 1)" = 00 ] && [ "$(bytes 466 1)" = ef ] && [ $((esp % 2048)) -eq 0 ] &&
   [ $esp -ge $used ] && [ $((esp + esp_count)) -eq $((size / 512)) ] &&
   [ "$(bytes 478 32)" = "$(printf '0%.0s' {1..64})" ]; then
    pass "stage 1: second entry is the ESP (type 0xEF, 1 MiB-aligned, to the end of the image)"
else
    fail "stage 1: second entry is the ESP (type 0xEF, 1 MiB-aligned, to the end of the image)" \
        "type $(bytes 466 1) start $esp count $esp_count, image $((size / 512)) sectors"
fi
rm -f "$T/pipeline/BOOTX64.copy"
if MTOOLS_SKIP_CHECK=1 mcopy -i "$img@@$((esp * 512))" ::/EFI/BOOT/BOOTX64.EFI "$T/pipeline/BOOTX64.copy" &&
   cmp -s "$T/pipeline/BOOTX64.copy" build/uefi/BOOTX64-disk.EFI &&
   [ "$(od -An -c -N 2 "$T/pipeline/BOOTX64.copy" | tr -d ' ')" = MZ ]; then
    pass "ESP: a FAT file system holding EFI/BOOT/BOOTX64.EFI, the application built to read the header and kernel from the disk"
else
    fail "ESP: a FAT file system holding EFI/BOOT/BOOTX64.EFI, the application built to read the kernel from the disk" \
        "not readable with mtools at sector $esp, or not the built application"
fi
# The BPB area is zero: nothing of ours a BIOS could overwrite.
[ "$(bytes 3 87 | tr -d 0)" = "" ] && pass "stage 1: BPB area holds no code" \
    || fail "stage 1: BPB area holds no code" "$(bytes 3 87)"

# Rebuilds: touching the kernel re-runs only the embed steps; a new path or
# setting rebuilds; V=1 shows every pipeline command.
touch "$GOOD"
out=$(make --no-print-directory KDIR=$T/pipeline IMAGE="$img" KERNEL="$GOOD" image.bin 2>&1)
if grep -q EMBED <<< "$out" && ! grep -qE '^ +(NASM|CC) ' <<< "$out"; then
    pass "rebuild: touching the kernel re-runs only the embed and link steps"
else
    fail "rebuild: touching the kernel re-runs only the embed and link steps" "$(tr '\n' ' ' <<< "$out")"
fi
# Unsigned, the ESP's application reads the header from the disk: the same
# file for every kernel, so a new kernel neither relinks it nor rebuilds the ESP.
if ! grep -qE '^ +ESP |BOOTX64' <<< "$out"; then
    pass "rebuild: touching the kernel leaves the EFI application and the ESP alone"
else
    fail "rebuild: touching the kernel leaves the EFI application and the ESP alone" "$(tr '\n' ' ' <<< "$out")"
fi
out=$(make --no-print-directory KDIR=$T/pipeline IMAGE="$img" KERNEL="$GOOD" image.bin 2>&1)
grep -qE 'EMBED|LD ' <<< "$out" && fail "rebuild: nothing to do when nothing changed" "$out" \
    || pass "rebuild: nothing to do when nothing changed"
cp "$GOOD" "$T/pipeline/other.elf"
out=$(make --no-print-directory KDIR=$T/pipeline IMAGE="$img" KERNEL="$T/pipeline/other.elf" image.bin 2>&1)
grep -q EMBED <<< "$out" && pass "rebuild: a new KERNEL path rebuilds" \
    || fail "rebuild: a new KERNEL path rebuilds" "$(tr '\n' ' ' <<< "$out")"
out=$(make --no-print-directory V=1 KDIR=$T/pipeline IMAGE="$img" KERNEL="$GOOD" image.bin 2>&1)
missing=""
for cmd in "build/host/kcheck" "size -A" "objcopy --strip-debug" "objcopy -I binary -O elf64-x86-64 -B i386:x86-64" \
           "--rename-section .data=.kernel" "=_kernel_start_addr" "=_kernel_end_addr" "=_kernel_size" \
           "crsT" "ld -n" "-T linker.ld" "objcopy -O binary" "scripts/mkesp.sh" "--rename-section .data=.esp"; do
    grep -qF -- "$cmd" <<< "$out" || missing="$missing [$cmd]"
done
[ -z "$missing" ] && pass "V=1 prints every pipeline command" || fail "V=1 prints every pipeline command" "missing$missing"

section "build-time refusals"

# Every host tool reports errors with the one prefix, usage mistakes too.
prefix_ok=1
for run in "build/host/kcheck" "build/host/kcheck /nonexistent" "build/host/mkheader" \
           "build/host/mkheader $TK/check-high.elf $T/x.bin --bogus"; do
    line=$($run 2>&1 >/dev/null | head -n 1)
    [[ "$line" == "embedboot: error: "* ]] || { prefix_ok=0; fail "host tools: one error prefix" "$run: $line"; }
done
[ $prefix_ok = 1 ] && pass "host tools: one error prefix ('embedboot: error: '), usage mistakes too"

mkdir -p "$T/bad"
printf 'this is not a kernel\n' > "$T/bad/text.elf"
expect_refusal refuse-unset "" "KERNEL is not set" KERNEL=
expect_refusal refuse-missing build/t/none.elf "no such file" KERNEL=build/t/none.elf
expect_refusal refuse-directory tests "not a regular file" KERNEL=tests
expect_refusal refuse-not-elf "$T/bad/text.elf" "not an ELF file" KERNEL="$T/bad/text.elf"
expect_refusal refuse-object $TK/entry.o "ELF type 1 is not an executable" KERNEL=$TK/entry.o
expect_refusal refuse-empty-text $TK/notext.elf "empty .text section" KERNEL=$TK/notext.elf
printf '\037\213\010\000not deflate data' > "$T/bad/broken.gz"
expect_refusal refuse-gzip-broken "$T/bad/broken.gz" "gzip-compressed, and it does not decompress" \
    KERNEL="$T/bad/broken.gz"

# Modules and command lines.
printf 'module' > "$T/bad/mod.bin"
expect_refusal refuse-module-missing "$T/bad/none.bin" "not a file (MODULES=" KERNEL="$GOOD" \
    MODULES="$T/bad/mod.bin,$T/bad/none.bin args"
expect_refusal refuse-module-directory "$T/bad" "not a file (MODULES=" KERNEL="$GOOD" MODULES="$T/bad"
expect_refusal refuse-initrd-and-modules "" "INITRD and MODULES both given" KERNEL="$GOOD" \
    INITRD="$T/bad/mod.bin" MODULES="$T/bad/mod.bin"
expect_refusal refuse-initrd-elf "" "INITRD is the Linux spelling of one module" KERNEL="$GOOD" \
    INITRD="$T/bad/mod.bin"
expect_refusal refuse-17-modules "" "MODULES: 17 modules, more than 16" KERNEL="$GOOD" \
    MODULES="$(for i in $(seq 17); do printf '%s,' "$T/bad/mod.bin"; done)"
expect_refusal refuse-long-cmdlines "$T/bad/mod.bin" "the command lines take more than 4096 bytes" \
    KERNEL="$GOOD" CMDLINE="$(head -c 3000 /dev/zero | tr '\0' c)" \
    MODULES="$T/bad/mod.bin $(head -c 2000 /dev/zero | tr '\0' m)"
# Payloads that cannot end below 4 GiB at 1 MiB (stage 2's addresses are
# 32-bit): refused from the files' sizes, before anything reads them (the
# module is sparse: 4 GiB of nothing on the disk).
truncate -s 4G "$T/bad/huge.bin"
expect_refusal refuse-payloads-4gib "1 module(s), the command lines) take 409" "they must end below 4 GiB: at most 4095 MiB" \
    KERNEL="$GOOD" MODULES="$T/bad/huge.bin"
rm -f "$T/bad/huge.bin"
printf 'a\0b' > "$T/bad/nul.cmdline"
line=$(build/host/mkheader "$GOOD" "$T/bad/nul.hdr" --cmdline-file "$T/bad/nul.cmdline" 2>&1 >/dev/null)
[[ "$line" == "embedboot: error: CMDLINE: a command line with a NUL"* ]] &&
    pass "refuse-cmdline-nul: a command line with a NUL is refused" ||
    fail "refuse-cmdline-nul: a command line with a NUL is refused" "$line"
while IFS='|' read -r case message; do
    build/tests/mkbad "$case" "$GOOD" "$T/bad/$case.elf" ||
        { fail "refuse-$case" "mkbad failed"; continue; }
    expect_refusal "refuse-$case" "$T/bad/$case.elf" "$message" KERNEL="$T/bad/$case.elf"
done <<'EOF'
truncated|truncated ELF file
elf32|32-bit ELF (ELFCLASS32)
big_endian|big-endian ELF
not_x86_64|not an x86-64 ELF (e_machine 183
not_exec|ELF type 1 is not an executable
phdrs_outside|program header table at offset
phnum_absurd|5000 program headers, more than the 128 allowed
no_load|no loadable segment
seg_past_eof|segment data extends past the end of the file
filesz_gt_memsz|p_filesz is larger than p_memsz
overlap|segments overlap
noncanonical|non-canonical address range
wraps|wraps around
below_1mib|below 1 MiB
entry_not_exec|is not inside an executable segment
EOF

# Reproducible: the same kernel and settings give the same image.bin, byte
# for byte, from a second copy of the source tree in another directory, a
# kernel file at another path and a build at another time; only
# SOURCE_DATE_EPOCH changes it (the ESP's file times).
REPRO=$PWD/$T/repro
rm -rf "$REPRO" && mkdir -p "$REPRO/elsewhere/tree" "$REPRO/k"
tar -C . --exclude=./build --exclude=./image.bin --exclude=./BOOTX64.EFI -cf - . | tar -C "$REPRO/elsewhere/tree" -xf -
cp "$GOOD" "$REPRO/k/kernel-copy.elf"
sleep 1
repro_build() {   # repro_build TREE OUT KERNEL [make variables]: an image in OUT
    local tree=$1 out=$2 kernel=$3
    shift 3
    make -s --no-print-directory -C "$tree" KDIR="$out" IMAGE="$out/image.bin" KERNEL="$kernel" \
        CMDLINE="same settings" "$@" image.bin > "$out.build" 2>&1
}
mkdir -p "$REPRO/a" "$REPRO/b" "$REPRO/c" "$REPRO/d"
if repro_build "$PWD" "$REPRO/a" "$PWD/$GOOD" &&
   repro_build "$REPRO/elsewhere/tree" "$REPRO/b" "$REPRO/k/kernel-copy.elf"; then
    if cmp -s "$REPRO/a/image.bin" "$REPRO/b/image.bin"; then
        pass "reproducible: two trees, two kernel paths, two times: the same image.bin, byte for byte"
    else
        fail "reproducible: the same image.bin from another tree" \
            "$(cmp -l "$REPRO/a/image.bin" "$REPRO/b/image.bin" | wc -l) bytes differ, the first: $(cmp "$REPRO/a/image.bin" "$REPRO/b/image.bin")"
    fi
    repro_build "$PWD" "$REPRO/c" "$PWD/$GOOD" SOURCE_DATE_EPOCH=1700000000
    SOURCE_DATE_EPOCH=1700000000 repro_build "$REPRO/elsewhere/tree" "$REPRO/d" "$REPRO/k/kernel-copy.elf"
    if ! cmp -s "$REPRO/a/image.bin" "$REPRO/c/image.bin" && cmp -s "$REPRO/c/image.bin" "$REPRO/d/image.bin"; then
        pass "reproducible: SOURCE_DATE_EPOCH (a make variable or the environment) sets the ESP's file times"
    else
        fail "reproducible: SOURCE_DATE_EPOCH" "$(cmp "$REPRO/c/image.bin" "$REPRO/d/image.bin")"
    fi
else
    fail "reproducible: builds" "$(tail -n 3 "$REPRO/a.build" "$REPRO/b.build")"
fi
