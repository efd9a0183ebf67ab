# Measured boot tests (sourced by tests/run.sh): a software TPM (Debian's
# swtpm) on QEMU's TIS interface; the tpm test kernel reads PCRs 8 and 9
# back through the TIS registers, and the test compares them with the
# values it computes on the host from the payloads, in the order the
# loader measures them (README: Measured boot).

section "Measured boot (swtpm)"

# expect_pcrs NAME KDIR ALG: the kernel's PCR lines equal the host's.
expect_pcrs() {
    local name=$1 got want
    got=$(tr -d '\r' < "$LOGS/$name.serial" | sed -n "s/^tpm kernel: PCR \([89]\) $3 /\1 /p")
    want=$(expected_pcrs "$2" "$3" "$TPM_CMDLINE" "$TPM_MODULE" "$TPM_MODULE_ARGS")
    if [ -n "$got" ] && [ "$got" = "$want" ]; then
        pass "$name: PCRs 8 and 9 ($3) read back from the TPM equal the host's computation"
    else
        fail "$name: PCRs 8 and 9 ($3)" "TPM: ${got:-none} / host: $want" 
    fi
}

TPM_CMDLINE="root=/dev/tpm measured=yes"
TPM_MODULE=tests/boot/kernels/tpm.c
TPM_MODULE_ARGS="config one"
if ! command -v swtpm > /dev/null; then
    fail "measured boot: swtpm" "swtpm is missing (Debian package swtpm; scripts/deps.sh installs it)"
elif build_image tpm $TK/tpm.elf FEATURES=map_physical_memory CMDLINE="$TPM_CMDLINE" \
    MODULES="$TPM_MODULE $TPM_MODULE_ARGS"; then
    img=$T/tpm/image.bin

    # 1. SeaBIOS with a TPM 1.2: INT 1Ah measures (SHA-1).
    start_swtpm tpm-bios-12
    expect_boot tpm-bios-12 "$img" "tpm kernel: measured yes" "${TPM_ARGS[@]}"
    stop_swtpm
    expect_pcrs tpm-bios-12 $T/tpm sha1

    # 2. SeaBIOS with a TPM 2.0: its INT 1Ah (up to 1.17) sends a TPM 1.2
    # digest in TPM2_PCR_Extend, which the TPM refuses; the loader says so,
    # and the boot goes on unmeasured.
    start_swtpm tpm-bios-20 --tpm2
    expect_boot tpm-bios-20 "$img" "tpm kernel: measured no" "${TPM_ARGS[@]}"
    stop_swtpm
    grep -q "cannot extend a TPM 2.0 through INT 1Ah" "$LOGS/tpm-bios-20.serial" &&
        pass "SeaBIOS with a TPM 2.0: the refused extend is reported, the kernel told 'not measured'" ||
        fail "SeaBIOS with a TPM 2.0: the refused extend is reported" \
            "$(grep -a 'tpm' "$LOGS/tpm-bios-20.serial" | tr -d '\r' | head -n 3 | tr '\n' ' ')"

    # 3. OVMF with a TPM 2.0: EFI_TCG2_PROTOCOL measures (SHA-256 bank read).
    start_swtpm tpm-uefi-20 --tpm2
    expect_uefi_boot tpm-uefi-20 "$img" "tpm kernel: measured yes" "${TPM_ARGS[@]}"
    stop_swtpm
    expect_pcrs tpm-uefi-20 $T/tpm sha256

    # 4. No TPM: one line, no measurements, the flag clear; never an error.
    expect_boot tpm-bios-none "$img" "tpm kernel: measured no"
    grep -q "embedboot: stage 4: tpm: none" "$LOGS/tpm-bios-none.serial" &&
        pass "BIOS without a TPM: one line, nothing measured" ||
        fail "BIOS without a TPM: one line, nothing measured" "no 'tpm: none' line"
    expect_uefi_boot tpm-uefi-none "$img" "tpm kernel: measured no"
    grep -q "embedboot: uefi: tpm: .*nothing measured" "$LOGS/tpm-uefi-none.serial" &&
        pass "UEFI without a TPM: one line, nothing measured" ||
        fail "UEFI without a TPM: one line, nothing measured" "no 'nothing measured' line"
else
    fail "measured boot: tpm image build" "$(tail -n 3 "$LOGS/tpm.build")"
fi
