# Graphics (sourced by tests/run.sh): VBE modes and mode 13h, checked on real
# QEMU screenshots of what the example kernel draws.

section "graphics"

EX=build/example-kernel/kernel.elf
for mode in 640x480 800x600 1024x768 1280x720; do
    w=${mode%x*} h=${mode#*x}
    name=vbe-$mode
    build_image $name $EX FRAMEBUFFER=$mode || { fail $name "build failed"; continue; }
    screenshot $name "$T/$name/image.bin"
    [ $SHOT_OK = 1 ] || { fail $name "no screenshot; $(tail -n 2 "$LOGS/$name.serial")"; continue; }
    if out=$(bars_in "$LOGS/$name.ppm" $w $h) &&
       grep -q "video: VBE mode 0x[0-9A-Fa-f]*, $w""x$h, 32 bpp" "$LOGS/$name.serial"; then
        pass "$name: screenshot has the mode's size and the colour bars in place"
    else
        fail "$name: screenshot has the mode's size and the colour bars in place" "$out"
    fi
done
grep -q "fd000000-00000000fd300000 framebuffer" "$LOGS/vbe-1024x768.serial" &&
    pass "VBE framebuffer is a framebuffer region in the memory map" ||
    fail "VBE framebuffer is a framebuffer region in the memory map" "no such region"

# No exact mode: the largest one not larger, 800x600 for 1000x700.
build_image vbe-closest $EX FRAMEBUFFER=1000x700 && screenshot vbe-closest "$T/vbe-closest/image.bin"
out=$(build/tests/ppmtool check "$LOGS/vbe-closest.ppm" 800 600 2>&1) &&
    grep -q "video: VBE mode 0x[0-9A-Fa-f]*, 800x600, 32 bpp" "$LOGS/vbe-closest.serial" &&
    pass "FRAMEBUFFER=1000x700 picks 800x600, the closest mode not larger" ||
    fail "FRAMEBUFFER=1000x700 picks 800x600, the closest mode not larger" "$out"

# Mode 13h: the VGA palette's versions of the same bars. QEMU's screendump
# shows this mode pixel-doubled, 640x400.
PAL_BARS=(255,255,255 255,255,85 85,255,255 85,255,85 255,85,255 255,85,85 85,85,255 0,0,0)
build_image vga13 $EX FEATURES=vga_320x200 && screenshot vga13 "$T/vga13/image.bin"
if [ $SHOT_OK = 1 ]; then
    # shellcheck disable=SC2046
    out=$(build/tests/ppmtool check "$LOGS/vga13.ppm" 640 400 $(bar_points 640 400 "${PAL_BARS[@]}") \
          320,340,0,0,170) && pass "vga_320x200: screenshot (doubled to 640x400) with the bars" ||
        fail "vga_320x200: screenshot (doubled to 640x400) with the bars" "$out"
else
    fail "vga_320x200: screenshot (doubled to 640x400) with the bars" "no screenshot"
fi

# No VGA at all: no VBE, so text mode stays and the loader says so.
build_image vbe-novga $EX FRAMEBUFFER=1024x768 &&
    expect_boot vbe-novga "$T/vbe-novga/image.bin" "example kernel: done" -vga none
grep -q "video: no VBE 2.0 mode with a linear framebuffer fits 1024x768, staying in 80x25 text" \
    "$LOGS/vbe-novga.serial" && pass "no VBE: the text fallback is announced" ||
    fail "no VBE: the text fallback is announced" "$(grep video "$LOGS/vbe-novga.serial")"

# From the inside: the mapping is write-combining (PAT entry 1 via PWT) and NX.
build_image feat-vbe $TK/features-vbe.elf FEATURES=map_physical_memory FRAMEBUFFER=800x600 &&
    expect_boot feat-vbe "$T/feat-vbe/image.bin" "features kernel: all [0-9]* checks passed" \
        -cpu qemu64,+pat ||
    fail feat-vbe "build: $(tail -n 2 "$LOGS/feat-vbe.build")"

expect_refusal cfg-framebuffer "FRAMEBUFFER=big" '"big" is not a size like "1024x768"' \
    KERNEL=$EX FRAMEBUFFER=big
expect_refusal cfg-framebuffer-vga13 "FRAMEBUFFER=800x600" "conflicts with the vga_320x200 feature" \
    KERNEL=$EX FRAMEBUFFER=800x600 FEATURES=vga_320x200
