; The one GDT, used by stage 2 (unreal and protected mode), stage 3 (long
; mode) and left loaded for the kernel. It lives in the hand-off section,
; whose pages stay mapped in the kernel's address space, so GDTR is still
; valid at kernel entry. Accessed bits are preset: the CPU never has to
; write to the descriptors, which the kernel maps read-only.

%include "handoff.inc"

global gdt_descriptor

section .handoff progbits alloc exec

align 16
gdt:
    dq 0                        ; null
    dq 0x00af9b000000ffff       ; 0x08: 64-bit code, DPL 0
    dq 0x00cf93000000ffff       ; 0x10: data, flat 4 GiB
    dq 0x00cf9b000000ffff       ; 0x18: 32-bit code, flat 4 GiB
gdt_end:

gdt_descriptor:
    dw gdt_end - gdt - 1
    dd gdt
