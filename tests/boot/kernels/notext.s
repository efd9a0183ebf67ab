# A kernel with code but an empty .text: its code sits in .boot. The build
# must refuse it by the .text size check.
    .section .boot, "ax"
    .globl _start
_start:
    hlt
    jmp _start
