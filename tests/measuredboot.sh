# Measured boot tests (sourced by tests/run.sh): a software TPM (Debian's
# swtpm) on QEMU's TIS interface; the tpm test kernel reads PCRs 8 and 9
# back through the TIS registers, and the test compares them with the
# values it computes on the host from the payloads, in the order the
# loader measures them (README: Measured boot).

section "Measured boot (swtpm)"

# start_swtpm NAME [--tpm2]: a fresh TPM for one boot (it ends when QEMU
# disconnects); its QEMU arguments in TPM_ARGS.
start_swtpm() {
    local dir=$T/$1.tpm
    rm -rf "$dir" && mkdir -p "$dir"
    swtpm socket ${2:-} --tpmstate dir="$dir" --ctrl type=unixio,path="$dir/sock" \
        --terminate > "$LOGS/$1.swtpm" 2>&1 &
    SWTPM_PID=$!
    for _ in $(seq 50); do [ -S "$dir/sock" ] && break; sleep 0.1; done
    TPM_ARGS=(-chardev "socket,id=chrtpm,path=$dir/sock" -tpmdev emulator,id=tpm0,chardev=chrtpm
              -device tpm-tis,tpmdev=tpm0)
}

stop_swtpm() {
    kill $SWTPM_PID 2>/dev/null
    wait $SWTPM_PID 2>/dev/null
}

# extend STATE ALG FILE: STATE = ALG(STATE || ALG(FILE)), as a TPM extends.
extend() {
    openssl dgst -"$2" -binary "$3" > "$1.digest" &&
        cat "$1" "$1.digest" | openssl dgst -"$2" -binary > "$1.new" && mv "$1.new" "$1"
}

# expected_pcrs KDIR ALG: "8 HEX" and "9 HEX" for the image in KDIR, from
# the files the build embedded: the command lines (TPM_CMDLINE,
# TPM_MODULE_ARGS), the image header, the kernel, the module (TPM_MODULE).
expected_pcrs() {
    local kdir=$1 alg=$2 bytes=32 s=$T/pcr
    [ "$alg" = sha1 ] && bytes=20
    head -c $bytes /dev/zero > $s.8
    head -c $bytes /dev/zero > $s.9
    printf '%s' "$TPM_CMDLINE" > $s.cmdline
    printf '%s' "$TPM_MODULE_ARGS" > $s.args
    extend $s.8 $alg $s.cmdline
    extend $s.8 $alg $s.args
    extend $s.8 $alg "$kdir/header.bin"
    extend $s.9 $alg "$kdir/kernel.stripped"
    extend $s.9 $alg "$TPM_MODULE"
    printf '8 %s\n9 %s\n' "$(od -An -v -tx1 $s.8 | tr -d ' \n')" "$(od -An -v -tx1 $s.9 | tr -d ' \n')"
}

# expect_pcrs NAME KDIR ALG: the kernel's PCR lines equal the host's.
expect_pcrs() {
    local name=$1 got want
    got=$(tr -d '\r' < "$LOGS/$name.serial" | sed -n "s/^tpm kernel: PCR \([89]\) $3 /\1 /p")
    want=$(expected_pcrs "$2" "$3")
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
