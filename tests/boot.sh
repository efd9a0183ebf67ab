# Boot tests (sourced by tests/run.sh): real images in QEMU (TCG), checked
# by what the kernels report over COM1 and by QEMU's exit status.

section "boots"

build_image example build/example-kernel/kernel.elf &&
    expect_boot example "$T/example/image.bin" "example kernel: done" ||
    fail example "build: $(tail -n 3 "$LOGS/example.build")"

for k in check-high check-low; do
    build_image $k $TK/$k.elf || { fail $k "build failed"; continue; }
    expect_boot $k "$T/$k/image.bin" "all [0-9]* checks passed"
done
img=$T/check-high/image.bin
expect_modules check-high ""

# Loading in place: a kernel's frames are its file's pages at 1 MiB
# (nothing copied). check-inplace's BSS fits in its file's last pages;
# check-high's runs past its file's end, so stage 2 leaves a hole for it
# and loads the pieces after the kernel beyond (the command lines here, the
# modules in modules-3 below, which the kernel checks byte by byte).
build_image check-inplace $TK/check-inplace.elf &&
    expect_boot check-inplace "$T/check-inplace/image.bin" "all [0-9]* checks passed" ||
    fail check-inplace "build failed"
grep -qa "KiB at physical 0x101000, in place: its file's pages)" "$LOGS/check-inplace.serial" &&
    grep -qa "KiB at physical 0x10[0-9a-f]000, in place: its file's pages)" "$LOGS/check-high.serial" &&
    pass "in place on BIOS: the kernel's frames are its file's pages at 1 MiB, with a hole for a BSS past its file" ||
    fail "in place on BIOS" "$(grep -ah 'KiB at physical' "$LOGS/check-inplace.serial" "$LOGS/check-high.serial" | tr -d '\r')"

# Modules and a command line for the native protocol: one, and three (one
# of them empty); the check kernel prints each module's size, CRC-32 and
# command line and checks its mapping (read-only, NX, in the memory map).
mkdir -p "$T/mods"
head -c 100000 /dev/urandom > "$T/mods/a.bin"
echo "a small text module" > "$T/mods/b.txt"
: > "$T/mods/c.empty"
build_image modules-1 $TK/check-low.elf MODULES="$T/mods/a.bin" &&
    expect_boot modules-1 "$T/modules-1/image.bin" "all [0-9]* checks passed" &&
    expect_modules modules-1 "" "$T/mods/a.bin" ""
MOD_CMDLINE="root=/dev/x quiet it's,a;test"
build_image modules-3 $TK/check-high.elf CMDLINE="$MOD_CMDLINE" \
    MODULES="$T/mods/a.bin first one,$T/mods/b.txt,$T/mods/c.empty last  arg" &&
    expect_boot modules-3 "$T/modules-3/image.bin" "all [0-9]* checks passed" &&
    expect_modules modules-3 "$MOD_CMDLINE" "$T/mods/a.bin" "first one" "$T/mods/b.txt" "" \
        "$T/mods/c.empty" "last  arg"

# module-address: the modules from there, after each other (a make
# variable, and the manifest key); refused where it cannot be.
build_image modules-at $TK/check-high.elf MODULE_ADDRESS=0x100000000000 \
    MODULES="$T/mods/a.bin,$T/mods/b.txt" &&
    expect_boot modules-at "$T/modules-at/image.bin" "all [0-9]* checks passed" &&
    expect_modules modules-at "" "$T/mods/a.bin" "" "$T/mods/b.txt" ""
grep -qF "module 0: 100000 bytes" "$LOGS/modules-at.serial" &&
    grep -q "module 0: .*, at 0x100000000000\b" "$LOGS/modules-at.serial" &&
    grep -q "module 1: .*, at 0x100000019000\b" "$LOGS/modules-at.serial" &&
    pass "MODULE_ADDRESS=0x100000000000: the first module there, the next after its pages" ||
    fail "MODULE_ADDRESS=0x100000000000" "$(grep -a 'kernel: module' "$LOGS/modules-at.serial" | tr -d '\r')"
printf 'module-address = "0x7f0000000000"\n' > "$T/mods/manifest.toml"
build_image modules-manifest $TK/check-low.elf KERNEL_MANIFEST="$T/mods/manifest.toml" \
    MODULES="$T/mods/b.txt" &&
    expect_boot modules-manifest "$T/modules-manifest/image.bin" "all [0-9]* checks passed"
grep -q "module 0: .*, at 0x7f0000000000\b" "$LOGS/modules-manifest.serial" &&
    pass "module-address in the manifest: the module there" ||
    fail "module-address in the manifest" "$(grep -a 'kernel: module' "$LOGS/modules-manifest.serial" | tr -d '\r')"
expect_refusal refuse-module-address-kernel "MODULE_ADDRESS=0xffffffff80000000" \
    "overlaps the kernel's segments" KERNEL=$TK/check-high.elf MODULES="$T/mods/a.bin" \
    MODULE_ADDRESS=0xffffffff80000000
expect_refusal refuse-module-address-none "MODULE_ADDRESS=0x100000000000" \
    "is set but no module has any bytes to map" KERNEL=$TK/check-high.elf \
    MODULE_ADDRESS=0x100000000000
expect_refusal refuse-module-address-multiboot "MODULE_ADDRESS=0x100000000000" \
    "module-address applies to ELF kernels; a Multiboot2 kernel does not take it" \
    KERNEL=$TK/multiboot.elf MODULES="$T/mods/b.txt" MODULE_ADDRESS=0x100000000000

expect_boot check-q35 "$img" "all [0-9]* checks passed" -machine q35
expect_boot check-no-nx "$img" "all [0-9]* checks passed" -cpu qemu64,-nx
grep -q "NX not supported" "$LOGS/check-no-nx.serial" &&
    grep -q "check kernel: NX off" "$LOGS/check-no-nx.serial" &&
    pass "no NX: the loader says so, the kernel sees it off" ||
    fail "no NX: the loader says so, the kernel sees it off" "no NX message"

# Dirty RAM: 64 MiB of 0xa5 from 1 MiB up before the BIOS runs, so BSS,
# page tails, page tables and the stack are only zero if the loader zeroes.
head -c $((64 << 20)) /dev/zero | tr '\0' '\245' > "$T/dirty.bin"
expect_boot check-dirty-ram "$img" "all [0-9]* checks passed" \
    -device "loader,file=$T/dirty.bin,addr=0x100000,force-raw=on"

# A 32 MiB kernel, every payload byte checked by the kernel (virtio-blk:
# SeaBIOS reads it ~20x faster than IDE under TCG).
build_image payload $TK/payload-32.elf &&
    expect_boot payload-32mib "$T/payload/image.bin" "payload kernel: 32 MiB intact" \
        -drive "format=raw,file=$T/payload/image.bin,if=virtio" ||
    fail payload-32mib "build failed"
# On IDE the same load takes seconds: its progress is redrawn in place
# (carriage returns) and the log's lines stay whole.
expect_boot payload-32mib-ide "$T/payload/image.bin" "payload kernel: 32 MiB intact"
if LC_ALL=C grep -qa $'\rembedboot: stage 2: loading the kernel image: [0-9]* %\rembedboot: stage 2: loading' \
       "$LOGS/payload-32mib-ide.serial" &&
   LC_ALL=C grep -qa $'%\rembedboot: stage 2: kernel image loaded at 1 MiB' "$LOGS/payload-32mib-ide.serial"; then
    pass "progress: a long load redraws its percentage in place, then the loaded line"
else
    fail "progress: a long load redraws its percentage" "$(grep -ac 'loading the kernel image' "$LOGS/payload-32mib-ide.serial") progress lines"
fi

section "boot-time failures"

expect_halt no-long-mode "$T/example/image.bin" \
    "this CPU does not support 64-bit long mode" -cpu qemu32
expect_halt not-enough-memory-blob "$T/payload/image.bin" \
    "not enough memory for the kernel image: needs 0x" -m 32M \
    -drive "format=raw,file=$T/payload/image.bin,if=virtio"
build_image bigbss $TK/bigbss.elf &&
    expect_halt not-enough-memory-kernel "$T/bigbss/image.bin" \
        "not enough memory: the kernel needs" -m 128M ||
    fail not-enough-memory-kernel "build failed"

# Disk read errors: an image cut short inside the kernel blob (stage 2) and
# right after stage 1 (stage 1's own read).
head -c $(( ($(image_lba $T/payload) + 2) * 512 )) "$T/payload/image.bin" > "$T/cut-blob.bin"
expect_halt disk-error-stage2 "$T/cut-blob.bin" "disk read failed, BIOS status 0x"
head -c 512 "$T/example/image.bin" > "$T/cut-loader.bin"
expect_halt disk-error-stage1 "$T/cut-loader.bin" "embedboot: error: disk read failed"

# A corrupted kernel blob is caught by its checksum before it is parsed; a
# kernel swapped after the build (checksum fixed up) by stage 4's ELF checks.
kdir=$T/check-high
blob=$(( $(image_lba $kdir) * 512 ))
hdr=$(image_symbol $kdir _image_header)
for c in corrupt hostile-machine hostile-phoff; do cp "$img" "$T/$c.bin"; done
build/tests/patchimg "$T/corrupt.bin" $blob $hdr 0x1000 0x4242
expect_halt corrupted-image "$T/corrupt.bin" "kernel image corrupted: checksum "
build/tests/patchimg "$T/hostile-machine.bin" $blob $hdr 18 183 fixsum
expect_halt hostile-kernel-machine "$T/hostile-machine.bin" \
    "kernel: not an x86-64 ELF (e_machine 183"
build/tests/patchimg "$T/hostile-phoff.bin" $blob $hdr 34 0xfff0 fixsum
expect_halt hostile-kernel-phoff "$T/hostile-phoff.bin" "kernel: program header table at offset"
