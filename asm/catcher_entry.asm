; The fault catcher's header and entry points (c/catcher/catcher.h). Linked
; with c/catcher/report.c at 0 (c/catcher/catcher.ld) and copied anywhere:
; every reference is RIP-relative, the header's are offsets.

BITS 64

extern catcher_report, catcher_config, catcher_end
global catcher_stubs

%define CATCHER_MAGIC 0x43464245

section .catcher_header progbits alloc
    dd CATCHER_MAGIC
    dd catcher_end
    dd catcher_stubs
    dd catcher_config

section .text

; One stub per exception vector, 16 bytes apart: a 0 where the CPU pushes
; no error code, then the vector, then the common path.
%macro STUB 1
    align 16
%if %1 != 8 && (%1 < 10 || %1 > 14) && %1 != 17 && %1 != 21 && %1 != 29 && %1 != 30
    push 0                          ; else the CPU pushed an error code
%endif
    push %1
    jmp fault_common
%endmacro

align 16
catcher_stubs:
%assign v 0
%rep 32
    STUB v
%assign v v + 1
%endrep

; struct fault_frame below RSP, then the report, which does not return.
fault_common:
    push rax
    push rbx
    push rcx
    push rdx
    push rsi
    push rdi
    push rbp
    push r8
    push r9
    push r10
    push r11
    push r12
    push r13
    push r14
    push r15
    mov rdi, rsp
    and rsp, -16
    cld
    call catcher_report
.halt:
    cli
    hlt
    jmp .halt
