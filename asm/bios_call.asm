; A BIOS interrupt from stage 4: down from long mode to real mode, INT 1Ah
; (the TCG BIOS interface, measured boot), and back up. Stage 4 runs on
; stage 3's identity map with interrupts off; the BIOS still owns the IVT,
; the PIC and low memory, so its handlers run as they would for stage 2.
;
;   void bios_int1a(struct bios_regs *regs);    (c/bios/bios_call.h)
;
; The registers go in and come back through `regs` (anywhere stage 4 can
; reach); they are copied to a buffer below 64 KiB for the real-mode part.
; Data the call points at (ES:DI, DS:SI) must lie below 1 MiB.

%include "handoff.inc"

extern gdt_descriptor, enable_a20
global bios_int1a

%define EFER        0xc0000080
%define REAL_STACK  0x7c00          ; stage 1's stack: free once stage 2 has run

%define THUNK_CODE16  0x08          ; selectors in thunk_gdt
%define THUNK_DATA16  0x10

section .stage2 progbits alloc exec

BITS 64
bios_int1a:
    push rbx
    push rbp
    push r12
    push r13
    push r14
    push r15
    mov [saved_rsp], rsp
    mov [regs_ptr], rdi
    mov rsi, rdi                    ; the registers, to where real mode reaches
    mov edi, thunk_regs
    mov ecx, bios_regs_size
    rep movsb
    sidt [saved_idtr]
    mov rax, cr3
    mov [saved_cr3], eax            ; stage 3's tables lie below 4 GiB
    push SEL_CODE32                 ; to 32-bit compatibility mode
    push compat
    retfq

BITS 32
compat:
    LOAD_DATA_SEGMENTS
    mov eax, cr0                    ; paging off: the CPU leaves long mode
    and eax, ~(1 << 31)
    mov cr0, eax
    mov ecx, EFER
    rdmsr
    and eax, ~(1 << 8)              ; LME off (NXE stays)
    wrmsr
    lgdt [thunk_gdt_descriptor]
    jmp THUNK_CODE16:protected16

BITS 16
protected16:
    mov ax, THUNK_DATA16            ; 64 KiB limits, as real mode expects
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    mov ss, ax
    mov eax, cr0
    and eax, ~1                     ; PE off
    mov cr0, eax
    jmp 0:real

real:
    xor ax, ax
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    mov ss, ax
    mov sp, REAL_STACK
    lidt [real_idtr]
    mov eax, [thunk_regs + bios_regs.eax]
    mov ebx, [thunk_regs + bios_regs.ebx]
    mov ecx, [thunk_regs + bios_regs.ecx]
    mov edx, [thunk_regs + bios_regs.edx]
    mov esi, [thunk_regs + bios_regs.esi]
    mov edi, [thunk_regs + bios_regs.edi]
    mov es, [thunk_regs + bios_regs.es]
    mov ds, [thunk_regs + bios_regs.ds]    ; last: it moves the data segment
    int 0x1a
    pushfd
    push ds
    push es
    push 0
    pop ds
    mov [thunk_regs + bios_regs.eax], eax
    mov [thunk_regs + bios_regs.ebx], ebx
    mov [thunk_regs + bios_regs.ecx], ecx
    mov [thunk_regs + bios_regs.edx], edx
    mov [thunk_regs + bios_regs.esi], esi
    mov [thunk_regs + bios_regs.edi], edi
    pop word [thunk_regs + bios_regs.es]
    pop word [thunk_regs + bios_regs.ds]
    pop dword [thunk_regs + bios_regs.eflags]
    cli                             ; the handler may have enabled interrupts
    ; A20 again: SeaBIOS puts port 0x92's A20 bit back as it found it, and
    ; on QEMU that is the line the keyboard controller may have switched on.
    call enable_a20
    o32 lgdt [gdt_descriptor]       ; and back up, as stages 2 and 3 went
    mov eax, cr0
    or eax, 1
    mov cr0, eax
    jmp dword SEL_CODE32:protected32

BITS 32
protected32:
    LOAD_DATA_SEGMENTS
    mov eax, [saved_cr3]            ; PAE is still on in CR4
    mov cr3, eax
    mov ecx, EFER
    rdmsr
    or eax, 1 << 8                  ; LME
    wrmsr
    mov eax, cr0
    or eax, 1 << 31                 ; paging on: long mode again
    mov cr0, eax
    jmp SEL_CODE64:long64

BITS 64
long64:
    LOAD_DATA_SEGMENTS
    lidt [saved_idtr]
    mov rsp, [saved_rsp]
    mov rdi, [regs_ptr]             ; the registers back to the caller
    mov esi, thunk_regs
    mov ecx, bios_regs_size
    rep movsb
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbp
    pop rbx
    ret

align 8
thunk_gdt:
    dq 0
    dq 0x00009a000000ffff           ; 0x08: 16-bit code, base 0, 64 KiB
    dq 0x000092000000ffff           ; 0x10: 16-bit data, base 0, 64 KiB
thunk_gdt_descriptor:
    dw $ - thunk_gdt - 1
    dd thunk_gdt
real_idtr:
    dw 0x3ff                        ; the real-mode interrupt vector table
    dd 0

section .lowbss nobits alloc write
alignb 8
saved_rsp:      resq 1
regs_ptr:       resq 1
saved_idtr:     resb 10
saved_cr3:      resd 1
thunk_regs:     resb bios_regs_size
