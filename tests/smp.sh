# The other CPUs (sourced by tests/run.sh): with FEATURES=smp the smp test
# kernel (tests/boot/kernels/smp.c) finds every CPU QEMU has in the boot
# info's list, starts each on kernel code through its goto_address, and
# checks that each increments a shared counter and reports its own APIC ID
# once, on its own stack above a guard page: -smp 4 on pc and q35, SeaBIOS
# and OVMF (where they are started after ExitBootServices); -smp 1, a list
# of one. Two boots run at a time.

section "SMP: the other CPUs"

build_image smp-4 $TK/smp.elf FEATURES=smp CMDLINE="cpus=4" || fail "smp-4 build" "$(tail -n 3 "$LOGS/smp-4.build")"
build_image smp-1 $TK/smp.elf FEATURES=smp CMDLINE="cpus=1" || fail "smp-1 build" "$(tail -n 3 "$LOGS/smp-1.build")"

# smp_boot NAME IMAGE bios|uefi [qemu args...]: a boot of its own (a
# snapshot of the image: two may run at once), COM1 in $LOGS/NAME.serial.
smp_boot() {
    local name=$1 image=$2 firmware=$3 fw=()
    shift 3
    [ "$firmware" = uefi ] && mapfile -t fw < <(ovmf_args "$name")
    boot "$name" "$image" 180 -drive "format=raw,file=$image,snapshot=on" "${fw[@]}" "$@"
}

# expect_smp NAME CPUS: the kernel passed, the loader started CPUS - 1.
expect_smp() {
    local name=$1 cpus=$2 log=$LOGS/$1.serial
    local started="$(($2 - 1)) of $(($2 - 1)) application processors started"
    [ "$cpus" = 1 ] && started="the MADT lists 1 CPUs"
    if ! grep -q "smp kernel: all [0-9]* checks passed" "$log"; then
        fail "$name" "$(grep -a "FAILED\|unexpected\|did not answer\|error" "$log" | head -n 3 | tr -d '\r' | tr '\n' ' ')"
    elif ! grep -q "SMP: $started" "$log"; then
        fail "$name" "$(grep -a 'SMP' "$log" | tr -d '\r' | tr '\n' ' ')"
    elif [[ "$name" == *uefi* ]] && [ "$cpus" -gt 1 ] &&
         ! [ "$(grep -an 'boot services exited' "$log" | head -n 1 | cut -d: -f1)" -lt \
             "$(grep -an 'SMP: .* application processors started' "$log" | cut -d: -f1)" ] 2>/dev/null; then
        fail "$name" "the CPUs were not started after ExitBootServices"
    else
        pass "$name: $cpus CPUs listed, $(grep -c 'ran kernel code, reported 1 time' "$log") ran kernel code and reported their APIC ID once"
    fi
}

smp_boot smp-bios-pc $T/smp-4/image.bin bios -smp 4 &
smp_boot smp-bios-q35 $T/smp-4/image.bin bios -M q35 -smp 4
wait
expect_smp smp-bios-pc 4
expect_smp smp-bios-q35 4
smp_boot smp-uefi-pc $T/smp-4/image.bin uefi -smp 4 &
smp_boot smp-uefi-q35 $T/smp-4/image.bin uefi -M q35 -smp 4
wait
expect_smp smp-uefi-pc 4
expect_smp smp-uefi-q35 4
smp_boot smp-bios-one $T/smp-1/image.bin bios -smp 1 &
smp_boot smp-uefi-one $T/smp-1/image.bin uefi -smp 1
wait
expect_smp smp-bios-one 1
expect_smp smp-uefi-one 1

expect_refusal smp-bootloader09 "FEATURES=smp" "the bootloader-0.9 boot info has no field for it" \
    KERNEL=$TK/bl09-none.elf BOOT_INFO=bootloader-0.9 FEATURES=smp
