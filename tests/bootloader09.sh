# The Rust bootloader crate v0.9's boot info (sourced by tests/run.sh): a
# kernel written against its BootInfo (tests/boot/kernels/bl09.c), one ELF
# per crate-feature combination since the layout moves with them, checks
# every field from the inside; on SeaBIOS and OVMF; chosen by BOOT_INFO= or
# by a Cargo.toml that depends on bootloader 0.9; and the refusals.

section "bootloader 0.9 boot info"

# expect_bl09 NAME IMAGE MIB [bios|uefi]: the kernel passed every check, and
# the map's usable memory is within 10 % of QEMU's -m.
expect_bl09() {
    local name=$1 image=$2 mib=$3 firmware=${4:-bios} usable
    if [ "$firmware" = uefi ]; then
        expect_uefi_boot "$name" "$image" "bl09 kernel: all [0-9]* checks passed" -m "${mib}M"
    else
        expect_boot "$name" "$image" "bl09 kernel: all [0-9]* checks passed" -m "${mib}M"
    fi
    usable=$(sed -n 's/.*bl09 kernel: [0-9]* regions, usable \([0-9]*\) KiB.*/\1/p' "$LOGS/$name.serial")
    if [ -n "$usable" ] && [ "$usable" -ge $((mib * 1024 * 90 / 100)) ] && [ "$usable" -le $((mib * 1024)) ]; then
        pass "$name: usable memory $usable KiB of -m ${mib}M"
    else
        fail "$name: usable memory" "${usable:-?} KiB of -m ${mib}M"
    fi
}

declare -A BL09_FEATURES=([none]="" [rec]="recursive_page_table" [phys]="map_physical_memory"
                          [both]="map_physical_memory recursive_page_table")
for v in none rec phys both; do
    build_image bl09-$v $TK/bl09-$v.elf BOOT_INFO=bootloader-0.9 FEATURES="${BL09_FEATURES[$v]}" ||
        { fail "bl09-$v: build" "$(tail -n 2 "$LOGS/bl09-$v.build")"; continue; }
    expect_bl09 bl09-$v-bios "$T/bl09-$v/image.bin" 256
done
expect_bl09 bl09-both-uefi "$T/bl09-both/image.bin" 256 uefi
expect_bl09 bl09-none-uefi "$T/bl09-none/image.bin" 512 uefi
expect_bl09 bl09-both-q35 "$T/bl09-both/image.bin" 1024 bios -machine q35

# A Cargo.toml that depends on bootloader 0.9 chooses it (and its keys and
# features apply): the blog_os way, no BOOT_INFO.
build_image bl09-cargo $TK/bl09-phys.elf KERNEL_MANIFEST=tests/boot/manifests/Cargo.toml &&
    expect_bl09 bl09-cargo "$T/bl09-cargo/image.bin" 256 ||
    fail "bl09-cargo: build" "$(tail -n 2 "$LOGS/bl09-cargo.build")"
grep -q "physical_memory_offset 0xffff800000000000" "$LOGS/bl09-cargo.serial" &&
    pass "bl09-cargo: the Cargo.toml's physical-memory-offset applies" ||
    fail "bl09-cargo: the Cargo.toml's physical-memory-offset applies" \
        "$(grep -a physical_memory_offset "$LOGS/bl09-cargo.serial")"

V011=tests/boot/manifests/bl09/v011.toml
expect_refusal bl09-refuse-v011 "$V011" \
    "bootloader \"0.11.7\" conflicts with BOOT_INFO=bootloader-0.9: embedboot gives the boot info of bootloader 0.9 only; kernels for v0.10 and v0.11 (bootloader_api) are not supported" \
    KERNEL=$TK/bl09-none.elf KERNEL_MANIFEST=$V011 BOOT_INFO=bootloader-0.9
expect_refusal bl09-refuse-v011-alone "$V011" \
    "bootloader \"0.11.7\": embedboot gives the boot info of bootloader 0.9 only" \
    KERNEL=$TK/bl09-none.elf KERNEL_MANIFEST=$V011
expect_refusal bl09-refuse-unknown "BOOT_INFO=bootloader-0.10" \
    "unknown boot info (known: embedboot, bootloader-0.9)" KERNEL=$TK/bl09-none.elf BOOT_INFO=bootloader-0.10
expect_refusal bl09-refuse-modules "MODULES" "the bootloader-0.9 boot info has no field for it" \
    KERNEL=$TK/bl09-none.elf BOOT_INFO=bootloader-0.9 MODULES=tests/boot/manifests/bl09/v011.toml
expect_refusal bl09-refuse-cmdline "CMDLINE" "the bootloader-0.9 boot info has no field for it" \
    KERNEL=$TK/bl09-none.elf BOOT_INFO=bootloader-0.9 CMDLINE=quiet
expect_refusal bl09-refuse-multiboot "BOOT_INFO=bootloader-0.9" \
    "applies to ELF kernels; a Multiboot2 kernel brings its own protocol" \
    KERNEL=$TK/multiboot.elf BOOT_INFO=bootloader-0.9
