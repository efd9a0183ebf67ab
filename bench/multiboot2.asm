; The GRUB side of the benchmarks: a multiboot2 kernel that exits QEMU at
; once (GRUB enters it in 32-bit protected mode), carrying the payload file
; PAYLOAD (nasm -DPAYLOAD="...") when given. It does not check its payload,
; which favours GRUB in the comparison.
BITS 32
section .multiboot
align 8
mb2_start:
    dd 0xe85250d6, 0, mb2_end - mb2_start, -(0xe85250d6 + (mb2_end - mb2_start))
    dw 0, 0
    dd 8
mb2_end:
section .text
global _start
_start:
    mov al, 0x10
    out 0xf4, al
.h: hlt
    jmp .h

%ifdef PAYLOAD
section .data
align 8
    incbin PAYLOAD
%endif
