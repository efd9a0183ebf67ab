# Configuration and features (sourced by tests/run.sh): the features kernel
# built per configuration checks from the inside what it was configured for.

section "configuration and features"

MAN=tests/boot/manifests/Cargo.toml
build_image feat-default $TK/features-default.elf &&
    expect_boot feat-default "$T/feat-default/image.bin" "features kernel: all [0-9]* checks passed" ||
    fail feat-default "build: $(tail -n 2 "$LOGS/feat-default.build")"
grep -q "an SSE instruction faults: ok" "$LOGS/feat-default.serial" &&
    pass "without sse an SSE instruction faults" ||
    fail "without sse an SSE instruction faults" "no such check line"

# Every key and two features from a Rust kernel's Cargo.toml, on pc and q35
# (the RSDP is checked through the physical-memory offset on both).
# BOOT_INFO=embedboot: this kernel reads embedboot's boot info, although the
# Cargo.toml depends on bootloader 0.9 (which would choose the crate's).
build_image feat-config $TK/features-config.elf KERNEL_MANIFEST=$MAN BOOT_INFO=embedboot &&
    expect_boot feat-config-pc "$T/feat-config/image.bin" "features kernel: all [0-9]* checks passed" ||
    fail feat-config-pc "build: $(tail -n 2 "$LOGS/feat-config.build")"
expect_boot feat-config-q35 "$T/feat-config/image.bin" "features kernel: all [0-9]* checks passed" \
    -machine q35

# Make variables: recursive_page_table and vga_320x200, a 16-page stack.
build_image feat-mixed $TK/features-mixed.elf FEATURES="recursive_page_table vga_320x200" \
    KERNEL_STACK_SIZE=16 &&
    expect_boot feat-mixed "$T/feat-mixed/image.bin" "features kernel: all [0-9]* checks passed" ||
    fail feat-mixed "build: $(tail -n 2 "$LOGS/feat-mixed.build")"

# map_physical_memory at a chosen offset, with memory above 4 GiB, with
# 1 GiB pages and without (2 MiB pages).
build_image feat-physmap $TK/features-physmap.elf FEATURES=map_physical_memory &&
    expect_boot feat-physmap-5g "$T/feat-physmap/image.bin" "features kernel: all [0-9]* checks passed" \
        -m 5G -cpu qemu64,+pdpe1gb ||
    fail feat-physmap-5g "build: $(tail -n 2 "$LOGS/feat-physmap.build")"
grep -q "highest usable byte 0x1[0-9a-f]\{8\}" "$LOGS/feat-physmap-5g.serial" &&
    pass "memory above 4 GiB reached through the offset" ||
    fail "memory above 4 GiB reached through the offset" "$(grep highest "$LOGS/feat-physmap-5g.serial")"
expect_boot feat-physmap-2m "$T/feat-physmap/image.bin" "features kernel: all [0-9]* checks passed" \
    -cpu qemu64,-pdpe1gb

# Make variables override a manifest that says otherwise (sse, 64 pages).
build_image feat-override $TK/features-mixed.elf KERNEL_MANIFEST=tests/boot/manifests/override.toml \
    FEATURES="recursive_page_table vga_320x200" KERNEL_STACK_SIZE=16 &&
    expect_boot feat-override "$T/feat-override/image.bin" "features kernel: all [0-9]* checks passed" ||
    fail feat-override "build: $(tail -n 2 "$LOGS/feat-override.build")"

section "configuration errors"

mk() { printf '%s\n' "$2" > "$T/bad/$1.toml"; echo "$T/bad/$1.toml"; }
GOOD=$TK/check-high.elf
expect_refusal cfg-no-manifest nothere.toml "no such file" KERNEL=$GOOD KERNEL_MANIFEST=nothere.toml
f=$(mk unquoted 'kernel-stack-address = 0xFFFFFF8000000000')
expect_refusal cfg-unquoted-address "$f" \
    'kernel-stack-address: 0xFFFFFF8000000000 does not fit a TOML integer; addresses are quoted strings' \
    KERNEL=$GOOD KERNEL_MANIFEST=$f
f=$(mk integer 'boot-info-address = 4398046511104')
expect_refusal cfg-integer-address "$f" 'boot-info-address: addresses are quoted strings, write "0x40000000000"' \
    KERNEL=$GOOD KERNEL_MANIFEST=$f
f=$(mk unknown '[package]
name = "k"
[package.metadata.bootloader]
kernel-stack-adress = "0x1000"')
expect_refusal cfg-unknown-key "$f" "kernel-stack-adress: unknown key on line 4" KERNEL=$GOOD KERNEL_MANIFEST=$f
f=$(mk duplicate 'kernel-stack-size = 8
kernel-stack-size = 16')
expect_refusal cfg-duplicate-key "$f" "line 2: duplicate key 'kernel-stack-size'" KERNEL=$GOOD KERNEL_MANIFEST=$f
f=$(mk badnumber 'physical-memory-offset = "0xFFFF8000_0000_0000"')
expect_refusal cfg-bad-number "$f" 'physical-memory-offset: "0xFFFF8000_0000_0000" is not a number' \
    KERNEL=$GOOD KERNEL_MANIFEST=$f
f=$(mk stackzero 'kernel-stack-size = 0')
expect_refusal cfg-stack-size "$f" "kernel-stack-size: 0 is not a stack size" KERNEL=$GOOD KERNEL_MANIFEST=$f
f=$(mk float 'kernel-stack-size = 1.5')
expect_refusal cfg-toml-syntax "$f" "line 1: '1.5': floats and dates are not supported" \
    KERNEL=$GOOD KERNEL_MANIFEST=$f
f=$(mk nofeature 'physical-memory-offset = "0xFFFF800000000000"')
expect_refusal cfg-offset-without-feature "$f" \
    "physical-memory-offset: is set but the map_physical_memory feature is not enabled" \
    KERNEL=$GOOD KERNEL_MANIFEST=$f
f=$(mk unknownfeature 'features = ["turbo"]')
expect_refusal cfg-unknown-feature "$f" "unknown feature 'turbo'" KERNEL=$GOOD KERNEL_MANIFEST=$f
expect_refusal cfg-unknown-feature-var "FEATURES=sse turbo" "unknown feature 'turbo'" \
    KERNEL=$GOOD "FEATURES=sse turbo"
expect_refusal cfg-unaligned "KERNEL_STACK_ADDRESS=0x1000800" "0x1000800 is not page-aligned" \
    KERNEL=$GOOD KERNEL_STACK_ADDRESS=0x1000800
expect_refusal cfg-noncanonical "BOOT_INFO_ADDRESS=0x0000800000000000" "is not a canonical address range" \
    KERNEL=$GOOD BOOT_INFO_ADDRESS=0x0000800000000000
expect_refusal cfg-below-1mib "KERNEL_STACK_ADDRESS=0x8000" "0x8000 is below 1 MiB" \
    KERNEL=$GOOD KERNEL_STACK_ADDRESS=0x8000
expect_refusal cfg-overlaps-kernel "BOOT_INFO_ADDRESS=0xffffffff80001000" "overlaps the kernel's segments" \
    KERNEL=$GOOD BOOT_INFO_ADDRESS=0xffffffff80001000
expect_refusal cfg-overlap "BOOT_INFO_ADDRESS=0x10000002000" \
    "overlaps the kernel stack (kernel-stack-address)" \
    KERNEL=$GOOD KERNEL_STACK_ADDRESS=0x10000000000 BOOT_INFO_ADDRESS=0x10000002000
build/tests/mkbad two_tls $TK/features-default.elf "$T/bad/two_tls.elf"
expect_refusal refuse-two-tls "$T/bad/two_tls.elf" "more than one PT_TLS segment" KERNEL="$T/bad/two_tls.elf"

# Caught only at boot, with the machine's real sizes: QEMU's memory map
# reaches 1 TiB, so a physical map there runs into a stack placed 512 GiB
# above the offset, which the build (assuming 4 GiB) let through.
build_image cfg-boot-overlap $TK/check-high.elf FEATURES=map_physical_memory \
    PHYSICAL_MEMORY_OFFSET=0xffff800000000000 KERNEL_STACK_ADDRESS=0xffff808000000000 &&
    expect_halt cfg-boot-overlap "$T/cfg-boot-overlap/image.bin" \
        "configuration: physical-memory-offset: region 0xffff800000000000-0xffff810000000000 overlaps the kernel stack" ||
    fail cfg-boot-overlap "build: $(tail -n 2 "$LOGS/cfg-boot-overlap.build")"

# The example kernel with every feature on.
build_image example-features build/example-kernel/kernel.elf \
    FEATURES="map_physical_memory recursive_page_table sse vga_320x200" &&
    expect_boot example-features "$T/example-features/image.bin" "example kernel: done" ||
    fail example-features "build: $(tail -n 2 "$LOGS/example-features.build")"
