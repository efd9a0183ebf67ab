# The fault catcher (sourced by tests/run.sh): a kernel that faults before
# it loads its own IDT gets the loader's report on COM1 and on the screen,
# with the function it faulted in, and the machine stays halted (no triple
# fault, no reset). On SeaBIOS (VGA text, and a VBE framebuffer in a
# screendump) and on OVMF.

section "fault catcher"

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
