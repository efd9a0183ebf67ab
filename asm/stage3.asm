; Stage 3: protected mode to long mode. Zeroes the loader's .bss, identity
; maps the first 4 GiB with 2 MiB pages (enough for stage 4 to reach the
; blob, every frame it may allocate, and the VGA buffer), turns on PAE, LME,
; NXE (when the CPU has NX), paging and CR0.WP, and calls stage 4 in C.
; The CPU checks ran in stage 2, in real mode, before the kernel was loaded.

%include "handoff.inc"

extern _bss_start, _bss_end, handoff_record, stage4_main, stage3_log
global stage3_start, stage4_stack_top

%define PTE_P   1
%define PTE_W   2
%define PTE_PS  0x80
%define EFER    0xc0000080

section .stage3 progbits alloc exec

BITS 32
stage3_start:
    LOAD_DATA_SEGMENTS
    MARK_TIME T_STAGE3

    mov edi, _bss_start
    mov ecx, _bss_end
    sub ecx, edi
    shr ecx, 2
    xor eax, eax
    rep stosd
    mov esp, stage4_stack_top

    mov eax, pdpt + PTE_P + PTE_W
    mov [pml4], eax
    mov edi, pdpt               ; PDPT[0..3] -> the four page directories
    mov eax, pd + PTE_P + PTE_W
    mov ecx, 4
.pdpt:
    mov [edi], eax
    add edi, 8
    add eax, 4096
    loop .pdpt
    mov edi, pd                 ; 2048 x 2 MiB = 4 GiB
    mov eax, PTE_P + PTE_W + PTE_PS
    xor edx, edx                ; high half of each entry
    mov ecx, 2048
.pd:
    mov [edi], eax
    mov [edi + 4], edx
    add eax, 0x200000
    adc edx, 0
    add edi, 8
    loop .pd

    mov eax, cr4
    or eax, 1 << 5              ; PAE
    mov cr4, eax
    mov eax, pml4
    mov cr3, eax
    mov ecx, EFER
    rdmsr
    or eax, 1 << 8              ; LME
    test byte [handoff_record + bios_handoff.cpu_flags], CPU_NX
    jz .no_nx
    or eax, 1 << 11             ; NXE
.no_nx:
    wrmsr
    mov eax, cr0
    or eax, (1 << 31) | (1 << 16) ; PG, WP
    mov cr0, eax
    jmp SEL_CODE64:long_mode

BITS 64
long_mode:
    LOAD_DATA_SEGMENTS
    mov rsp, stage4_stack_top   ; rsp + 8 is 16-byte aligned at the callee
    call stage3_log
    mov edi, handoff_record
    call stage4_main            ; does not return
.halt:
    cli
    hlt
    jmp .halt

section .bss nobits alloc write
alignb 4096
pml4:   resb 4096
pdpt:   resb 4096
pd:     resb 4 * 4096
stage4_stack:
        resb 16384
stage4_stack_top:
