; The Multiboot test kernel's entry: both headers (Multiboot2 first, as a
; loader that knows both uses; PROTOCOL=multiboot1 takes the older), a
; stack, then mbcheck(magic, info) in C. The machine state at entry is
; saved before anything changes it.

BITS 32

section .multiboot2 progbits alloc noexec nowrite align=8
mb2_header:
    dd 0xe85250d6, 0, mb2_end - mb2_header
    dd -(0xe85250d6 + (mb2_end - mb2_header))
    align 8
    dw 1, 0                         ; information request, required:
    dd 8 + 4 * 7
    dd 1, 2, 3, 4, 6, 9, 21         ; cmdline, loader, modules, meminfo, mmap, ELF, load base
    align 8
    dw 1, 1                         ; optional:
    dd 8 + 4 * 5
    dd 8, 12, 14, 15, 17            ; framebuffer, EFI64, ACPI old/new, EFI mmap
    align 8
    dw 6, 0                         ; modules page-aligned
    dd 8
    dw 0, 0                         ; end
    dd 8
mb2_end:

section .multiboot1 progbits alloc noexec nowrite align=4
    dd 0x1badb002, 3, -(0x1badb002 + 3)   ; page-aligned modules, memory information

section .text
global _start, entry_state
extern mbcheck
_start:
    mov [entry_state], eax
    mov [entry_state + 4], ebx
    pushfd
    pop dword [entry_state + 8]
    mov ecx, cr0
    mov [entry_state + 12], ecx
    mov cx, cs
    mov [entry_state + 16], cx
    mov cx, ds
    mov [entry_state + 18], cx
    mov cx, ss
    mov [entry_state + 20], cx
    mov esp, stack_top
    call mbcheck
.halt:
    cli
    hlt
    jmp .halt

section .bss
alignb 16
entry_state: resd 6
stack: resb 16384
stack_top:
