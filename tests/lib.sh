# Helpers for tests/run.sh: counting, building images, booting QEMU.
# Every QEMU run is under `timeout`; every test prints one PASS/FAIL line.

PASSED=0
FAILED=0
SKIPPED=0
FAILED_NAMES=()
T=build/t                       # per-test kernel dirs and images
LOGS=build/test-logs

pass() {
    PASSED=$((PASSED + 1))
    printf 'PASS %s\n' "$1"
}

fail() {
    FAILED=$((FAILED + 1))
    FAILED_NAMES+=("$1")
    printf 'FAIL %s: %s\n' "$1" "$2"
}

skip() {
    SKIPPED=$((SKIPPED + 1))
    printf 'SKIP %s: %s\n' "$1" "$2"
}

section() {
    printf '\n== %s\n' "$1"
}

# build_image NAME KERNEL [make variables...]: image at $T/NAME/image.bin.
build_image() {
    local name=$1 kernel=$2
    shift 2
    make -s --no-print-directory KDIR="$T/$name" IMAGE="$T/$name/image.bin" \
        KERNEL="$kernel" "$@" image.bin > "$LOGS/$name.build" 2>&1
}

OVMF_CODE=/usr/share/OVMF/OVMF_CODE.fd
OVMF_VARS=/usr/share/OVMF/OVMF_VARS.fd

# ovmf_args NAME: the firmware, with a fresh copy of its variable store.
ovmf_args() {
    cp "$OVMF_VARS" "$T/$1.vars"
    printf '%s\n' -drive "if=pflash,format=raw,readonly=on,file=$OVMF_CODE" \
        -drive "if=pflash,format=raw,file=$T/$1.vars"
}

# uefi_build NAME KERNEL [make variables...]: as build_image, if the BIOS
# tests have not built it already.
uefi_build() {
    local name=$1
    [ -f "$T/$name/image.bin" ] || build_image "$@"
}

# expect_uefi_boot NAME IMAGE PATTERN [qemu args...]: boots under OVMF to
# success; COM1 has the application's lines and PATTERN.
expect_uefi_boot() {
    local name=$1 image=$2 pattern=$3
    shift 3
    local fw drive=(-drive "format=raw,file=$image")
    [[ "$*" == *-drive* ]] && drive=()     # the test brings its own disk
    mapfile -t fw < <(ovmf_args "$name")
    boot "$name" "$image" 120 "${drive[@]}" "${fw[@]}" "$@"
    local log="$LOGS/$name.serial"
    if [ "$BOOT_STATUS" -ne 33 ]; then
        fail "$name" "QEMU status $BOOT_STATUS, expected 33; last lines: $(tail -n 3 "$log" | tr '\r\n' '  ')"
    elif ! grep -q "embedboot: uefi: started" "$log" || ! grep -q "embedboot: uefi: .*jumping to the kernel" "$log" ||
         ! grep -q "embedboot: uefi: boot services exited" "$log"; then
        fail "$name" "no UEFI application lines on COM1"
    elif grep -q "embedboot: stage" "$log"; then
        fail "$name" "the BIOS stages ran, not the UEFI application"
    else
        grep -q -- "$pattern" "$log" && pass "$name" || fail "$name" "no '$pattern' on COM1"
    fi
}

# wait_for_line LOG PATTERN PID [TENTHS]: until LOG has PATTERN (0), or
# the process PID ends or TENTHS tenths of a second pass (default 900).
wait_for_line() {
    local waited=0
    until grep -q -- "$2" "$1" 2>/dev/null; do
        if ! kill -0 "$3" 2>/dev/null || [ $waited -ge "${4:-900}" ]; then return 1; fi
        sleep 0.1
        waited=$((waited + 1))
    done
}

# ovmf_until NAME IMAGE PATTERN [qemu args...]: boots IMAGE under OVMF
# (OVMF_CODE, OVMF_VARS) until COM1 has PATTERN, QEMU ends or 90 s pass.
ovmf_until() {
    local name=$1 image=$2 pattern=$3
    shift 3
    local log="$LOGS/$name.serial" fw
    mapfile -t fw < <(ovmf_args "$name")
    rm -f "$log"
    timeout 120 "${QEMU_BASE[@]}" -m 256M -drive "format=raw,file=$image" "${fw[@]}" \
        -serial "file:$log" "$@" > "$LOGS/$name.qemu" 2>&1 &
    local pid=$!
    wait_for_line "$log" "$pattern" $pid
    kill $pid 2>/dev/null
    wait $pid 2>/dev/null
}

# expect_uefi_error NAME IMAGE MESSAGE STATUS [qemu args...]: the
# application prints MESSAGE (through ConOut, which OVMF also shows on
# COM1), starts no kernel and returns the error STATUS to the firmware,
# which says so ("Load Error", "Unsupported", "Out of Resources").
expect_uefi_error() {
    local name=$1 image=$2 message=$3 status=$4
    shift 4
    local log="$LOGS/$name.serial"
    ovmf_until "$name" "$image" "failed to start Boot.*embedboot\|BdsDxe: failed to start" "$@"
    if ! grep -qF -- "embedboot: error: $message" "$log"; then
        fail "$name" "no 'embedboot: error: $message'; last lines: $(tail -n 3 "$log" 2>/dev/null | tr '\r\n' '  ')"
    elif grep -q "jumping to the kernel" "$log"; then
        fail "$name" "the kernel was started"
    elif ! grep -q "BdsDxe: failed to start .*: $status" "$log"; then
        fail "$name" "the firmware did not get '$status' back: $(grep -a 'failed to start' "$log" | tr -d '\r')"
    else
        pass "$name"
    fi
}

# Secure Boot: Debian's OVMF build that enforces it, with a test key
# enrolled (snakeoil). Its flash is secure (SMM) only on q35 with SMM on.
SB_CODE=/usr/share/OVMF/OVMF_CODE_4M.snakeoil.fd
SB_VARS=/usr/share/OVMF/OVMF_VARS_4M.snakeoil.fd
SB_KEY=/usr/share/ovmf/PkKek-1-snakeoil.key
SB_CERT=/usr/share/ovmf/PkKek-1-snakeoil.pem
SB_QEMU=(-machine q35,smm=on -global driver=cfi.pflash01,property=secure,value=on)

# snakeoil_key: prints the path of a passphrase-free copy of the test key
# (sbsign cannot ask for the password), made once.
snakeoil_key() {
    local key=$T/sb-key.pem
    [ -s "$key" ] || openssl pkey -passin pass:snakeoil -in $SB_KEY -out "$key" 2> "$LOGS/sb-key.log" ||
        return 1
    echo "$key"
}

# sb_boot NAME IMAGE PATTERN [qemu args...]: boots under the Secure Boot
# firmware to success.
sb_boot() {
    local name=$1 image=$2 pattern=$3
    shift 3
    OVMF_CODE=$SB_CODE OVMF_VARS=$SB_VARS expect_uefi_boot "$name" "$image" "$pattern" "${SB_QEMU[@]}" "$@"
}

# sb_error NAME IMAGE MESSAGE: the application refuses with MESSAGE.
sb_error() {
    OVMF_CODE=$SB_CODE OVMF_VARS=$SB_VARS expect_uefi_error "$1" "$2" "$3" "Load Error" "${SB_QEMU[@]}"
}

# start_swtpm NAME [--tpm2]: a fresh software TPM (swtpm) for one boot, on
# QEMU's TIS interface; it ends when QEMU disconnects. Its QEMU arguments
# in TPM_ARGS.
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

# expected_pcrs KDIR ALG CMDLINE MODULE ARGS: "8 HEX" and "9 HEX", computed
# from the files the build in KDIR embedded, in the order the loader
# measures (README: Measured boot): the command line, the module's
# arguments (ARGS "-": a Linux initrd, which has none), the image header;
# the kernel, the module.
expected_pcrs() {
    local kdir=$1 alg=$2 bytes=32 s=$T/pcr
    [ "$alg" = sha1 ] && bytes=20
    head -c $bytes /dev/zero > $s.8
    head -c $bytes /dev/zero > $s.9
    printf '%s' "$3" > $s.cmdline
    extend $s.8 $alg $s.cmdline
    if [ "$5" != - ]; then
        printf '%s' "$5" > $s.args
        extend $s.8 $alg $s.args
    fi
    extend $s.8 $alg "$kdir/header.bin"
    extend $s.9 $alg "$kdir/kernel.stripped"
    extend $s.9 $alg "$4"
    printf '8 %s\n9 %s\n' "$(od -An -v -tx1 $s.8 | tr -d ' \n')" "$(od -An -v -tx1 $s.9 | tr -d ' \n')"
}

QEMU_BASE=(qemu-system-x86_64 -accel tcg -nic none -no-reboot -display none
           -device isa-debug-exit,iobase=0xf4,iosize=0x04)

# boot NAME IMAGE TIMEOUT [qemu args...]: COM1 to $LOGS/NAME.serial; sets
# BOOT_STATUS to QEMU's exit status (33 = the kernel's success code).
boot() {
    local name=$1 image=$2 limit=$3
    shift 3
    local drive=(-drive "format=raw,file=$image")
    [[ "$*" == *-drive* ]] && drive=()     # the test brings its own disk
    timeout "$limit" "${QEMU_BASE[@]}" -m 256M "${drive[@]}" \
        -serial "file:$LOGS/$name.serial" "$@" > "$LOGS/$name.qemu" 2>&1
    BOOT_STATUS=$?
}

# expect_boot NAME IMAGE PATTERN [qemu args...]: boots to success and the
# serial log has every stage's line and PATTERN.
expect_boot() {
    local name=$1 image=$2 pattern=$3
    shift 3
    boot "$name" "$image" 60 "$@"
    local log="$LOGS/$name.serial"
    if [ "$BOOT_STATUS" -ne 33 ]; then
        fail "$name" "QEMU status $BOOT_STATUS, expected 33; last lines: $(tail -n 3 "$log" | tr '\r\n' '  ')"
        return
    fi
    for stage in "stage 1" "stage 2" "stage 3" "stage 4"; do
        grep -q "embedboot: $stage" "$log" || { fail "$name" "no '$stage' log line"; return; }
    done
    grep -q -- "$pattern" "$log" && pass "$name" || fail "$name" "no '$pattern' on COM1"
}

# vga_text PORT: the 80x25 text screen, read through the QEMU monitor.
vga_text() {
    exec 9<>"/dev/tcp/127.0.0.1/$1" || return 1
    printf 'xp /2000xh 0xb8000\nquit\n' >&9
    local cells n=0 cell c
    cells=$(timeout 5 cat <&9 | tr -d '\r' | grep -E '^[0-9a-f]+:' | cut -d: -f2)
    exec 9>&-
    for cell in $cells; do            # 0xAACC: attribute, character
        c=$((cell & 0xff))
        if [ $c -ge 32 ] && [ $c -lt 127 ]; then printf "\\x$(printf %x $c)"; else printf ' '; fi
        n=$((n + 1))
        [ $((n % 80)) -eq 0 ] && printf '\n'
    done
}

# expect_halt NAME IMAGE MESSAGE [qemu args...]: the loader prints MESSAGE
# on COM1 and on the screen, then stays halted: no reset, no triple fault
# (-no-reboot would end QEMU), no kernel.
expect_halt() {
    local name=$1 image=$2 message=$3
    shift 3
    local log="$LOGS/$name.serial" port=$((20000 + RANDOM % 20000))
    local drive=(-drive "format=raw,file=$image")
    [[ "$*" == *-drive* ]] && drive=()     # the test brings its own disk
    rm -f "$log"
    timeout 60 "${QEMU_BASE[@]}" -m 256M "${drive[@]}" -serial "file:$log" \
        -monitor "tcp:127.0.0.1:$port,server,nowait" "$@" > "$LOGS/$name.qemu" 2>&1 &
    local pid=$!
    if ! wait_for_line "$log" "$message" $pid 400; then
        kill $pid 2>/dev/null
        wait $pid 2>/dev/null
        fail "$name" "no '$message' on COM1; last lines: $(tail -n 3 "$log" 2>/dev/null | tr '\r\n' '  ')"
        return
    fi
    sleep 1
    if ! kill -0 $pid 2>/dev/null; then
        wait $pid
        fail "$name" "QEMU ended (status $?) after the message: not halted"
        return
    fi
    local screen
    screen=$(vga_text $port)
    kill $pid 2>/dev/null
    wait $pid 2>/dev/null
    if grep -q "jumping to the kernel" "$log"; then
        fail "$name" "the kernel was started"
    elif ! grep -qF -- "${message:0:60}" <<< "$(tr -d '\n' <<< "$screen")"; then
        fail "$name" "message not on the VGA screen"
    else
        pass "$name"
    fi
}

# expect_refusal NAME FILE MESSAGE [make variables...]: the image build
# fails with an "embedboot: error:" line naming FILE (if not empty) and
# saying MESSAGE, and leaves no image behind.
expect_refusal() {
    local name=$1 file=$2 message=$3
    shift 3
    local image="$T/$name/image.bin" line
    mkdir -p "$T/$name"
    echo stale > "$image"               # a previous build must not survive
    if make -s --no-print-directory KDIR="$T/$name" IMAGE="$image" "$@" image.bin \
        > "$LOGS/$name.build" 2>&1; then
        fail "$name" "the build succeeded"
        return
    fi
    line=$(grep -m 1 "embedboot: error: " "$LOGS/$name.build")
    if ! grep -qF -- "$message" <<< "$line" || ! grep -qF -- "$file" <<< "$line"; then
        fail "$name" "expected '$file' and '$message', got: ${line:-$(tail -n 2 "$LOGS/$name.build")}"
    elif [ -e "$image" ]; then
        fail "$name" "an image was left behind"
    else
        pass "$name"
    fi
}

# screenshot NAME IMAGE [qemu args...]: $LOGS/NAME.ppm once the kernel says
# "drawn" (scripts/screenshot.sh); SHOT_OK=1 on success.
screenshot() {
    local name=$1 image=$2
    shift 2
    SHOT_OK=0
    scripts/screenshot.sh "$image" "$LOGS/$name.ppm" "$@" 2> "$LOGS/$name.shot" && SHOT_OK=1
}

# The example kernels' eight colour bars, left to right.
RGB_BARS=(255,255,255 255,255,0 0,255,255 0,255,0 255,0,255 255,0,0 0,0,255 0,0,0)

# bar_points W H [RGB...]: the ppmtool arguments for the eight colour bars
# (top third) and the navy panel below, as the example kernel draws them.
bar_points() {
    local w=$1 h=$2 k=0
    shift 2
    for c in "$@"; do
        printf '%d,%d,%s ' $(( (2 * k + 1) * w / 16 )) $((h / 6)) "$c"
        k=$((k + 1))
    done
}

# bars_in PPM W H: a WxH screendump shows the eight RGB bars and the navy
# panel, as the example kernels draw them (ppmtool says what differs).
bars_in() {
    # shellcheck disable=SC2046
    build/tests/ppmtool check "$1" "$2" "$3" $(bar_points "$2" "$3" "${RGB_BARS[@]}") \
        $(($2 / 2)),$(($3 * 5 / 6)),0,0,128
}

# Places inside a built image, from its linker symbols.
symbol_value() {          # symbol_value KDIR SYMBOL
    printf '%d' $((16#$(nm "$1/bootloader.elf" | awk -v s="$2" '$3 == s { print $1 }')))
}
image_symbol() {          # image_symbol KDIR SYMBOL -> byte offset in the image
    printf '%d' $(( $(symbol_value "$1" "$2") - 0x7c00 ))
}
image_esp_offset() {      # image_esp_offset IMAGE -> the ESP's byte offset (MBR entry 2)
    printf '%d' $(( $(od -An -tu4 -j 470 -N 4 "$1" | tr -d ' ') * 512 ))
}
image_lba() {             # image_lba KDIR -> the kernel blob's first sector
    symbol_value "$1" _kernel_lba
}

# crc32 FILE: its CRC-32 (IEEE), in hex, from gzip's trailer.
crc32_of() {
    printf '%08x' "$((16#$(gzip -c "$1" | tail -c 8 | od -An -tx4 -N 4 | tr -d ' ')))"
}

# expect_modules NAME CMDLINE FILE ARGS [FILE ARGS...]: the check kernel's
# log ($LOGS/NAME.serial) shows that command line and each module with its
# size, CRC-32 and command line, in order.
expect_modules() {
    local name=$1 cmdline=$2 log=$LOGS/$1.serial i=0 line
    shift 2
    grep -qF "check kernel: cmdline [$cmdline] (${#cmdline} bytes)" "$log" ||
        { fail "$name: modules" "command line: $(grep -a 'kernel: cmdline' "$log")"; return; }
    while [ $# -ge 2 ]; do
        line="check kernel: module $i: $(stat -c %s "$1") bytes, crc32 $(crc32_of "$1"), cmdline [$2]"
        grep -qF "$line" "$log" || { fail "$name: modules" "no '$line'"; return; }
        shift 2
        i=$((i + 1))
    done
    grep -q "check kernel: module $i:" "$log" && { fail "$name: modules" "more than $i modules"; return; }
    pass "$name: the command line and $i module(s) arrive intact, in order, with their command lines"
}

# expect_fault NAME IMAGE bios|uefi LINE FUNCTION [qemu args...]: COM1 has
# "kernel fault: LINE" and the RIP in FUNCTION, the machine is still
# halted a second later, and on BIOS the VGA text screen has LINE too.
expect_fault() {
    local name=$1 image=$2 firmware=$3 line=$4 func=$5
    shift 5
    local log="$LOGS/$name.serial" port=$((20000 + RANDOM % 20000)) fw=() screen=""
    [ "$firmware" = uefi ] && mapfile -t fw < <(ovmf_args "$name")
    rm -f "$log"
    timeout 120 "${QEMU_BASE[@]}" -m 256M -drive "format=raw,file=$image" "${fw[@]}" \
        -serial "file:$log" -monitor "tcp:127.0.0.1:$port,server,nowait" "$@" \
        > "$LOGS/$name.qemu" 2>&1 &
    local pid=$!
    wait_for_line "$log" "kernel fault: halted" $pid
    sleep 1
    local running=0
    kill -0 $pid 2>/dev/null && running=1
    [ $running = 1 ] && [ "$firmware" = bios ] && screen=$(vga_text $port | tr -d '\n')
    [ "$firmware" = vbe ] && [ $running = 1 ] && {
        exec 9<>"/dev/tcp/127.0.0.1/$port"
        printf 'screendump %s\n' "$LOGS/$name.ppm" >&9
        sleep 1
        exec 9>&-
    }
    kill $pid 2>/dev/null
    wait $pid 2>/dev/null
    if ! grep -qF "embedboot: kernel fault: $line" "$log"; then
        fail "$name" "no 'kernel fault: $line' on COM1; last lines: $(tail -n 3 "$log" 2>/dev/null | tr '\r\n' '  ')"
    elif ! grep -q "RIP 0x[0-9a-f]* ($func+0x[0-9a-f]*)" "$log"; then
        fail "$name" "the RIP is not shown in $func: $(grep -a 'RIP' "$log" | tr -d '\r')"
    elif [ $running = 0 ]; then
        fail "$name" "QEMU ended after the report: not halted (a reset or triple fault)"
    elif [ "$firmware" = bios ] && ! grep -qF "kernel fault: $line" <<< "$screen"; then
        fail "$name" "the report is not on the VGA text screen"
    else
        pass "$name: 'kernel fault: $line' in $func, on COM1 and the screen, then halted"
    fi
}
