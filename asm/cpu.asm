; check_cpu: refuse CPUs without CPUID or long mode, with a message, before
; anything slow happens; record NX and 1 GiB page support for later stages.
; Real mode: CPUID works in any mode.

BITS 16

%include "handoff.inc"

extern halt_with, print, handoff_record
global check_cpu

section .stage2 progbits alloc exec

check_cpu:
    pushfd                      ; CPUID exists if EFLAGS.ID can be toggled
    pop eax
    mov ecx, eax
    xor eax, 1 << 21
    push eax
    popfd
    pushfd
    pop eax
    push ecx
    popfd
    cmp eax, ecx
    mov si, msg_no_cpuid
    je halt_with

    mov eax, 0x80000000
    cpuid
    cmp eax, 0x80000001
    mov si, msg_no_lm
    jb halt_with
    mov eax, 0x80000001
    cpuid
    test edx, 1 << 29           ; LM
    jz halt_with

    xor al, al
    test edx, 1 << 20           ; NX
    jz .no_nx
    or al, CPU_NX
.no_nx:
    test edx, 1 << 26           ; 1 GiB pages
    jz .no_1g
    or al, CPU_1G_PAGES
.no_1g:
    push ax
    mov eax, 1
    cpuid
    pop ax
    test edx, 1 << 16           ; PAT (for a write-combining framebuffer)
    jz .no_pat
    or al, CPU_PAT
.no_pat:
    mov [handoff_record + bios_handoff.cpu_flags], al
    mov si, msg_cpu
    call print
    test al, CPU_NX
    mov si, msg_nx_on
    jnz .nx
    mov si, msg_nx_off
.nx:
    call print
    ret

msg_no_cpuid: db "this CPU has no CPUID instruction; embedboot needs an x86-64 CPU", 0
msg_no_lm:    db "this CPU does not support 64-bit long mode; embedboot needs an x86-64 CPU", 0
msg_cpu:      db "embedboot: stage 2: CPU supports long mode, ", 0
msg_nx_on:    db "NX on", 13, 10, 0
msg_nx_off:   db "NX not supported (pages stay executable)", 13, 10, 0
