# Debugging and deployment (sourced by tests/run.sh): gdb driven in batch
# mode against real QEMU runs, and every `make usb` refusal.

section "debugging (gdb)"

# make_in KDIR IMAGE: the variables that select a test's image.
ex=$T/example
loader=$ex/bootloader.elf

# 1. `make gdb` (no KERNEL: the example kernel) stops at 0x7c00 with CS:IP
#    0000:7c00, and x/i decodes stage 1 as 16-bit code.
after_bpb=$(nm "$loader" | awk '$3 == "after_bpb" { print $1 }' | sed 's/^0*//')
printf 'p/x $cs\np/x $pc\nx/1i $pc\nx/2i 0x7c5f\nkill\n' > "$LOGS/gdb-boot.cmd"
GDB_BATCH="$LOGS/gdb-boot.cmd" SERIAL_LOG="$LOGS/gdb-boot.serial" timeout 60 \
    make -s --no-print-directory gdb KDIR=$ex IMAGE=$ex/image.bin > "$LOGS/gdb-boot.out" 2>&1
out=$LOGS/gdb-boot.out
if grep -q "Breakpoint 1, _start () at asm/stage1.asm" "$out" && grep -q '^\$1 = 0x0$' "$out" &&
   grep -q '^\$2 = 0x7c00$' "$out" &&
   grep -qE "^=> 0x7c00 <_start>:[[:space:]]+jmp[[:space:]]+0x$after_bpb <after_bpb>\$" "$out" &&
   grep -qE "0x7c5f <normalised>:[[:space:]]+xor[[:space:]]+%ax,%ax\$" "$out" &&
   grep -qE "0x7c61 <normalised\+2>:[[:space:]]+mov[[:space:]]+%ax,%ds\$" "$out"; then
    pass "make gdb: stops at 0000:7c00, x/i decodes stage 1 as 16-bit code"
else
    fail "make gdb: stops at 0000:7c00, x/i decodes stage 1 as 16-bit code" "$(tail -n 8 "$out" | tr '\n' ' ')"
fi

# 2. Each stage's breakpoint, the mode switches, stage 4 with C symbols.
printf 'eb-stages\ncontinue\ncontinue\neb-native\ncontinue\ncontinue\neb-e820\ncontinue\neb-pagetables $rdi\nkill\n' \
    > "$LOGS/gdb-stages.cmd"
GDB_BATCH="$LOGS/gdb-stages.cmd" SERIAL_LOG="$LOGS/gdb-stages.serial" timeout 90 \
    scripts/gdb.sh boot $ex/image.bin "$loader" > "$LOGS/gdb-stages.out" 2>&1
out=$LOGS/gdb-stages.out
missing=""
for want in "stage2_start () at asm/stage2.asm" "stage3_start () at" "long_mode () at" \
            "stage4_main (handoff=0x1000) at c/bios/stage4.c" "enter_kernel () at asm/handoff.asm" \
            "[embedboot] real mode" "[embedboot] protected mode" "[embedboot] long mode" \
            "entries (E820)" "0xffffffff80000000-0xffffffff8000"; do
    grep -qF -- "$want" "$out" || missing="$missing [$want]"
done
[ -z "$missing" ] && pass "gdb: stage breakpoints, mode switches, E820 and page-table dumps" ||
    fail "gdb: stage breakpoints, mode switches, E820 and page-table dumps" "missing$missing"

# 3. make gdb-kernel: stopped at the kernel's entry with its symbols.
printf 'bt 1\nkill\n' > "$LOGS/gdb-kernel.cmd"
GDB_BATCH="$LOGS/gdb-kernel.cmd" SERIAL_LOG="$LOGS/gdb-kernel.serial" timeout 90 \
    make -s --no-print-directory gdb-kernel KDIR=$ex IMAGE=$ex/image.bin \
    KERNEL=build/example-kernel/kernel.elf > "$LOGS/gdb-kernel.out" 2>&1
grep -q "_start (info=0x10000000000) at example-kernel/kernel.c" "$LOGS/gdb-kernel.out" &&
    pass "make gdb-kernel: stops at the kernel's entry with its symbols" ||
    fail "make gdb-kernel: stops at the kernel's entry with its symbols" \
        "$(tail -n 5 "$LOGS/gdb-kernel.out" | tr '\n' ' ')"

section "deployment (make usb)"

usb() {   # usb NAME MESSAGE [variables...]: make usb refuses with MESSAGE
    local name=$1 message=$2
    shift 2
    if env "$@" make -s --no-print-directory usb KDIR=$ex IMAGE=$ex/image.bin \
        KERNEL=build/example-kernel/kernel.elf "${USB_VARS[@]}" < /dev/null > "$LOGS/$name.out" 2>&1; then
        fail "$name" "make usb succeeded"
    elif grep -qF -- "$message" "$LOGS/$name.out"; then
        pass "$name"
    else
        fail "$name" "expected '$message', got: $(tail -n 2 "$LOGS/$name.out")"
    fi
}
USB_VARS=()
usb usb-no-dev "DEV is not set: make usb DEV=/dev/sdX"
USB_VARS=(DEV=$T/nothere)
usb usb-missing "$T/nothere: no such device"
head -c 4096 /dev/urandom > "$T/stick.img"
USB_VARS=(DEV=$T/stick.img)
usb usb-regular-file "is a regular file, not a device (DEV_IS_FILE=1 writes to a file)"
USB_VARS=(DEV=/dev/null)
usb usb-not-block "/dev/null is not a block device"
make -s --no-print-directory usb KDIR=$ex IMAGE=$ex/image.bin KERNEL=build/example-kernel/kernel.elf \
    DEV=$T/stick.img DEV_IS_FILE=1 < /dev/null > "$LOGS/usb-file.out" 2>&1 &&
    cmp -s "$T/stick.img" $ex/image.bin && pass "usb: a file target gets a byte-identical image" ||
    fail "usb: a file target gets a byte-identical image" "$(tail -n 2 "$LOGS/usb-file.out")"

# The device checks, on loop devices (real block devices backed by files),
# with the machine described by files where the loop device cannot be made
# to look like a stick (removable, mounted, holding /).
loop=""
cp $ex/image.bin "$T/loopdisk.img" && truncate -s 4M "$T/loopdisk.img"
loop=$(losetup -f --show -P "$T/loopdisk.img" 2>/dev/null) || loop=""
if [ -z "$loop" ] || [ ! -b "$loop" ]; then
    for t in usb-partition usb-root usb-mounted usb-swap usb-fixed usb-too-small usb-no-confirm \
             usb-write-device; do
        skip "$t" "no loop devices on this machine (losetup failed)"
    done
else
    n=$(basename "$loop")
    fake=$T/fake-sys                   # the loop device, described as a stick
    mkdir -p "$fake/class/block" "$fake/block/$n/device" "$fake/block/$n/${n}p1"
    ln -s "../../block/$n" "$fake/class/block/$n"
    echo 1 > "$fake/block/$n/removable"
    echo 8192 > "$fake/block/$n/size"
    echo "Test Stick" > "$fake/block/$n/device/model"
    echo 1 > "$fake/block/$n/${n}p1/partition"
    part=$T/fake-part                  # ...and as a partition of another disk
    mkdir -p "$part/class/block" "$part/block/sdz/$n"
    ln -s "../../block/sdz/$n" "$part/class/block/$n"
    echo 1 > "$part/block/sdz/$n/partition"
    printf '%s / ext4 rw 0 0\n' "$loop" > "$T/mounts-root"
    printf '/dev/vda1 / ext4 rw 0 0\n%sp1 /mnt vfat rw 0 0\n' "$loop" > "$T/mounts-part"
    printf 'Filename Type Size Used Priority\n%s partition 4096 0 -2\n' "$loop" > "$T/swaps"
    printf '/dev/vda1 / ext4 rw 0 0\n' > "$T/mounts-none"
    printf 'Filename Type Size Used Priority\n' > "$T/swaps-none"
    quiet=(EMBEDBOOT_MOUNTS=$T/mounts-none EMBEDBOOT_SWAPS=$T/swaps-none)
    USB_VARS=(DEV=$loop)
    usb usb-partition "$loop is a partition; give the whole device (sdz)" "${quiet[@]}" \
        EMBEDBOOT_SYSFS=$part
    usb usb-root "$loop holds the root filesystem" EMBEDBOOT_MOUNTS=$T/mounts-root
    usb usb-mounted "is in use: ${loop}p1 is mounted on /mnt" EMBEDBOOT_MOUNTS=$T/mounts-part \
        EMBEDBOOT_SYSFS=$fake
    usb usb-swap "is in use: $loop is a swap area" EMBEDBOOT_MOUNTS=$T/mounts-none EMBEDBOOT_SWAPS=$T/swaps
    usb usb-fixed "is neither removable nor USB-attached" "${quiet[@]}"
    echo 64 > "$fake/block/$n/size"
    usb usb-too-small "holds 0 MiB, less than the image's" "${quiet[@]}" EMBEDBOOT_SYSFS=$fake
    echo 8192 > "$fake/block/$n/size"
    usb usb-no-confirm "no confirmation (not a terminal): run again with YES=1" "${quiet[@]}" \
        EMBEDBOOT_SYSFS=$fake
    if env "${quiet[@]}" EMBEDBOOT_SYSFS=$fake make -s --no-print-directory usb KDIR=$ex \
        IMAGE=$ex/image.bin KERNEL=build/example-kernel/kernel.elf DEV=$loop YES=1 \
        < /dev/null > "$LOGS/usb-write-device.out" 2>&1 &&
       cmp -s -n "$(stat -c %s $ex/image.bin)" "$loop" $ex/image.bin &&
       grep -q "Test Stick, 4 MiB" "$LOGS/usb-write-device.out"; then
        pass "usb: writes a checked block device (model and size shown), byte-identical"
    else
        fail "usb: writes a checked block device (model and size shown), byte-identical" \
            "$(tail -n 3 "$LOGS/usb-write-device.out")"
    fi
    losetup -d "$loop"
fi
