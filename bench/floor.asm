; The firmware floor: a boot sector that exits QEMU at once. Whatever a
; loader adds is measured against booting this.
BITS 16
ORG 0x7c00
    mov al, 0x10
    out 0xf4, al                ; isa-debug-exit: status 33
    cli
.h: hlt
    jmp .h
    times 510 - ($ - $$) db 0
    dw 0xaa55
