; The GDT descriptor stages 2 and 3 load (32-bit base: they run below
; 4 GiB). The GDT itself is in the hand-off page (asm/handoff.asm).

%include "handoff.inc"

extern gdt

global gdt_descriptor

section .handoff progbits alloc exec

gdt_descriptor:
    dw GDT_SIZE - 1
    dd gdt
