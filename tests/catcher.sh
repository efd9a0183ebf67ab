# The fault catcher (sourced by tests/run.sh): a kernel that faults before
# it loads its own IDT gets the loader's report on COM1 and on the screen,
# with the function it faulted in, and the machine stays halted (no triple
# fault, no reset). On SeaBIOS (VGA text, and a VBE framebuffer in a
# screendump) and on OVMF.

section "fault catcher"

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

for how in pointer ud2 stack; do
    build_image fault-$how $TK/fault.elf CMDLINE=$how || fail "fault-$how build" "$(tail -n 3 "$LOGS/fault-$how.build")"
done
expect_fault fault-pointer-bios $T/fault-pointer/image.bin bios \
    "#PF page fault (vector 14), error code 0x2" write_through_bad_pointer
grep -q "CR2 0x00000000dead0000" "$LOGS/fault-pointer-bios.serial" &&
    grep -q "callers: 0x[0-9a-f]* (kmain+0x" "$LOGS/fault-pointer-bios.serial" &&
    pass "fault catcher: CR2 is the bad pointer, and kmain is among the callers on the stack" ||
    fail "fault catcher: CR2 is the bad pointer, and kmain is among the callers on the stack" \
        "$(grep -a 'CR2\|callers' "$LOGS/fault-pointer-bios.serial" | tr -d '\r' | tr '\n' ' ')"
expect_fault fault-ud2-bios $T/fault-ud2/image.bin bios "#UD invalid opcode (vector 6)" execute_ud2
expect_fault fault-stack-bios $T/fault-stack/image.bin bios "#DF double fault (vector 8)" recurse_forever
grep -q "the kernel stack overflowed into its guard page" "$LOGS/fault-stack-bios.serial" &&
    pass "fault catcher: a stack overflow is a double fault on the catcher's own stack, named as such" ||
    fail "fault catcher: a stack overflow is named as such" "no guard-page line"
for how in pointer stack; do
    line="#PF page fault (vector 14)" func=write_through_bad_pointer
    [ $how = stack ] && line="#DF double fault (vector 8)" func=recurse_forever
    expect_fault fault-$how-uefi $T/fault-$how/image.bin uefi "$line" $func
done

# On a linear framebuffer the report is drawn, white on red, from the top.
if build_image fault-vbe $TK/fault.elf CMDLINE=pointer FRAMEBUFFER=800x600; then
    expect_fault fault-vbe $T/fault-vbe/image.bin vbe "#PF page fault (vector 14)" write_through_bad_pointer
    build/tests/ppmtool check "$LOGS/fault-vbe.ppm" 800 600 796,4,160,0,0 796,150,160,0,0 \
        400,400,0,0,0 > "$LOGS/fault-vbe.check" 2>&1 &&
        pass "fault catcher: on an 800x600 VBE framebuffer the report is drawn (screendump)" ||
        fail "fault catcher: on an 800x600 VBE framebuffer the report is drawn" "$(cat "$LOGS/fault-vbe.check")"
else
    fail "fault-vbe build" "$(tail -n 3 "$LOGS/fault-vbe.build")"
fi
