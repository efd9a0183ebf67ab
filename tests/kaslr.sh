# Relocatable kernels and KASLR (sourced by tests/run.sh): the check kernel
# linked at 0 as a -static-pie (RELATIVE relocations) and as -shared
# (R_X86_64_64 and GLOB_DAT too) checks its patched pointers and that
# nothing the loader maps lies inside it; with FEATURES=kaslr ten boots
# give at least eight bases; the fault catcher names functions of a
# relocated kernel; a relocation type embedboot does not apply, and the
# settings that need a relocatable kernel, are refused at build time.

section "relocatable kernels and KASLR"

# relocations_of ELF TYPE: how many TYPE relocations readelf lists.
relocations_of() {
    readelf -rW "$1" | grep -c " $2 "
}

# kernel_base LOG: where the loader put the kernel ("runs at 0x...").
kernel_base() {
    grep -a -o "relocatable kernel linked at 0x[0-9a-f]* runs at 0x[0-9a-f]*" "$1" | awk '{print $NF}'
}

# expect_relocated NAME LOG BASE_PATTERN SOURCE: the check kernel passed,
# at a base matching BASE_PATTERN, the random source it was told SOURCE.
expect_relocated() {
    local name=$1 log=$2 pattern=$3 source=$4 base
    base=$(kernel_base "$log")
    if ! grep -q "check kernel: all [0-9]* checks passed" "$log"; then
        fail "$name" "$(grep -a "FAILED\|unexpected\|embedboot: error\|panic" "$log" | head -n 3 | tr -d '\r' | tr '\n' ' ')"
    elif ! grep -q -- "$pattern" <<< "$base"; then
        fail "$name" "the kernel runs at '$base', expected $pattern"
    elif ! grep -q "random source $source" "$log"; then
        fail "$name" "$(grep -a 'random source' "$log" | tr -d '\r'), expected source $source"
    else
        pass "$name: runs at $base, checks its patched pointers and its range"
    fi
}

PIE=$TK/check-pie.elf
SHARED=$TK/check-shared.elf
n_rel=$(relocations_of $PIE R_X86_64_RELATIVE)
n_abs=$(relocations_of $SHARED R_X86_64_64)
n_got=$(relocations_of $SHARED R_X86_64_GLOB_DAT)
readelf -h $PIE | grep -q "DYN" && [ "$n_rel" -gt 0 ] && [ "$n_abs" -gt 0 ] && [ "$n_got" -gt 0 ] &&
    pass "reloc-kernels: check-pie.elf is ET_DYN with $n_rel RELATIVE; check-shared.elf has $n_abs R_X86_64_64 and $n_got GLOB_DAT" ||
    fail "reloc-kernels" "the relocatable test kernels lack the relocation types they exist for ($n_rel, $n_abs, $n_got)"

# Without kaslr: the documented fixed base, on both firmwares.
build_image reloc-pie $PIE || fail "reloc-pie build" "$(tail -n 3 "$LOGS/reloc-pie.build")"
boot reloc-pie-bios $T/reloc-pie/image.bin 60
expect_relocated reloc-pie-bios $LOGS/reloc-pie-bios.serial "^0xffffffff80000000$" 0
grep -q "runs at 0xffffffff80000000 (the fixed base); $n_rel relocations: $n_rel RELATIVE" \
    "$LOGS/reloc-pie-bios.serial" &&
    pass "reloc-pie-log: the loader says where the kernel runs and applies all $n_rel relocations" ||
    fail "reloc-pie-log" "$(grep -a 'relocatable kernel' "$LOGS/reloc-pie-bios.serial" | tr -d '\r')"
expect_uefi_boot reloc-pie-uefi $T/reloc-pie/image.bin "check kernel: all [0-9]* checks passed"
grep -qa "KiB at physical" "$LOGS/reloc-pie-uefi.serial" && ! grep -qa "in place" "$LOGS/reloc-pie-uefi.serial" &&
    pass "reloc-pie-copied: a relocatable kernel is copied, not loaded in place (its relocations are read while written)" ||
    fail "reloc-pie-copied" "$(grep -a 'KiB at physical' "$LOGS/reloc-pie-uefi.serial" | tr -d '\r')"
expect_relocated reloc-pie-uefi-base $LOGS/reloc-pie-uefi.serial "^0xffffffff80000000$" 0

build_image reloc-shared $SHARED || fail "reloc-shared build" "$(tail -n 3 "$LOGS/reloc-shared.build")"
boot reloc-shared-bios $T/reloc-shared/image.bin 60
expect_relocated reloc-shared-bios $LOGS/reloc-shared-bios.serial "^0xffffffff80000000$" 0
grep -q "[0-9]* RELATIVE, $n_abs 64, $n_got GLOB_DAT" "$LOGS/reloc-shared-bios.serial" &&
    pass "reloc-shared-log: R_X86_64_64 and GLOB_DAT against the kernel's own symbols applied" ||
    fail "reloc-shared-log" "$(grep -a 'relocatable kernel' "$LOGS/reloc-shared-bios.serial" | tr -d '\r')"

# A base of the user's, 2 MiB-aligned, in the lower half.
build_image reloc-base $PIE KERNEL_BASE=0x0000100000200000 ||
    fail "reloc-base build" "$(tail -n 3 "$LOGS/reloc-base.build")"
boot reloc-base-bios $T/reloc-base/image.bin 60
expect_relocated reloc-base-bios $LOGS/reloc-base-bios.serial "^0x100000200000$" 0

# KASLR: ten BIOS boots without RDRAND (QEMU's default CPU: the TSC jitter
# and the clock), two at a time; at least eight different bases, each run
# checking its range is clear of everything else mapped.
build_image kaslr $PIE FEATURES=kaslr || fail "kaslr build" "$(tail -n 3 "$LOGS/kaslr.build")"
disk=(-drive "format=raw,file=$T/kaslr/image.bin,snapshot=on")    # two readers: no write lock
for i in 0 2 4 6 8; do
    boot kaslr-$i $T/kaslr/image.bin 60 "${disk[@]}" &
    boot kaslr-$((i + 1)) $T/kaslr/image.bin 60 "${disk[@]}"
    wait
done
bases=() bad=""
for i in 0 1 2 3 4 5 6 7 8 9; do
    log=$LOGS/kaslr-$i.serial
    grep -q "check kernel: all [0-9]* checks passed" "$log" && grep -q "random source 2" "$log" ||
        bad="$bad kaslr-$i: $(grep -a "FAILED\|random source\|embedboot: error" "$log" | head -n 2 | tr -d '\r' | tr '\n' ' ')"
    bases+=("$(kernel_base "$log")")
done
distinct=$(printf '%s\n' "${bases[@]}" | grep . | sort -u | wc -l)
outside=$(printf '%s\n' "${bases[@]}" | grep -vc "^0xffffffff[89a-f]")
if [ -n "$bad" ]; then
    fail "kaslr-ten-boots" "$bad"
elif [ "$distinct" -lt 8 ] || [ "$outside" -ne 0 ]; then
    fail "kaslr-ten-boots" "$distinct different bases, $outside outside the top 2 GiB: ${bases[*]}"
else
    pass "kaslr-ten-boots: $distinct different bases in 10 boots, all in the top 2 GiB, every kernel's range clear (${bases[*]:0:3} ...)"
fi

# RDRAND where the CPU has it; OVMF; a range of the user's.
boot kaslr-rdrand $T/kaslr/image.bin 60 -cpu max
expect_relocated kaslr-rdrand $LOGS/kaslr-rdrand.serial "^0xffffffff[89a-f]" 1
grep -q "KASLR from RDRAND" "$LOGS/kaslr-rdrand.serial" &&
    pass "kaslr-rdrand-log: the loader says the base came from RDRAND" ||
    fail "kaslr-rdrand-log" "$(grep -a 'relocatable kernel' "$LOGS/kaslr-rdrand.serial" | tr -d '\r')"
expect_uefi_boot kaslr-uefi $T/kaslr/image.bin "check kernel: all [0-9]* checks passed"
expect_relocated kaslr-uefi-base $LOGS/kaslr-uefi.serial "^0xffffffff[89a-f]" 2
build_image kaslr-range $PIE FEATURES=kaslr KASLR_RANGE_START=0xffffc00000000000 \
    KASLR_RANGE_SIZE=0x200000000 || fail "kaslr-range build" "$(tail -n 3 "$LOGS/kaslr-range.build")"
boot kaslr-range-bios $T/kaslr-range/image.bin 60
expect_relocated kaslr-range-bios $LOGS/kaslr-range-bios.serial "^0xffffc00[01][0-9a-f]\{8\}$" 2

# The fault catcher names the functions of a relocated kernel.
build_image kaslr-fault $TK/fault-pie.elf FEATURES=kaslr CMDLINE=ud2 ||
    fail "kaslr-fault build" "$(tail -n 3 "$LOGS/kaslr-fault.build")"
expect_fault kaslr-fault-bios $T/kaslr-fault/image.bin bios "#UD invalid opcode (vector 6)" execute_ud2

# Refused at build time, each with its reason.
expect_refusal reloc-irelative $TK/ifunc.elf "R_X86_64_IRELATIVE (type 37) is not supported" \
    KERNEL=$TK/ifunc.elf
expect_refusal kaslr-needs-pie "FEATURES=kaslr" "the kaslr feature needs a relocatable kernel (ET_DYN)" \
    KERNEL=$TK/check-high.elf FEATURES=kaslr
expect_refusal reloc-base-needs-pie "KERNEL_BASE=0xffff900000000000" "applies to a relocatable (ET_DYN) kernel" \
    KERNEL=$TK/check-high.elf KERNEL_BASE=0xffff900000000000
expect_refusal reloc-base-and-kaslr "KERNEL_BASE=0xffff900000000000" "conflicts with the kaslr feature" \
    KERNEL=$PIE KERNEL_BASE=0xffff900000000000 FEATURES=kaslr
expect_refusal kaslr-range-needs-kaslr "KASLR_RANGE_START=0xffff900000000000" \
    "is set but the kaslr feature is not enabled" KERNEL=$PIE KASLR_RANGE_START=0xffff900000000000
expect_refusal reloc-base-unaligned "KERNEL_BASE=0xffff900000000800" "is not page-aligned" \
    KERNEL=$PIE KERNEL_BASE=0xffff900000000800
expect_refusal kaslr-range-no-room "kaslr-range-start" "no room for the kernel" \
    KERNEL=$PIE FEATURES=kaslr KASLR_RANGE_SIZE=0x1000
