; The application processors' way into long mode. The bootstrap CPU copies
; [ap_trampoline, ap_trampoline_end) to a page below 1 MiB and starts one
; AP at a time there with INIT-SIPI-SIPI (c/smp.c), after filling the
; struc ap_boot at the copy's ap_trampoline_params. The AP arrives in real
; mode at CS = page >> 4, IP = 0: everything here is addressed relative to
; the copy. Protected mode with the hand-off GDT, then long mode on the
; transition tables (the first 4 GiB, identity), then ap_entry in the
; hand-off page, which switches to the kernel's tables.

%include "handoff.inc"

global ap_trampoline, ap_trampoline_params, ap_trampoline_end
global ap_trampoline_protected, ap_trampoline_long

%define PARAMS (ap_trampoline_params - ap_trampoline)

section .rodata

align 16
ap_trampoline:
BITS 16
    cli
    cld
    mov ax, cs
    mov ds, ax
    xor ebx, ebx
    mov bx, ax
    shl ebx, 4                              ; the copy's physical address, kept to the end
    o32 lgdt [PARAMS + ap_boot.gdt_limit]
    mov eax, cr0
    or al, 1                                ; PE
    mov cr0, eax
    o32 jmp far [PARAMS + ap_boot.prot_entry]

BITS 32
ap_trampoline_protected:
    mov ax, SEL_DATA
    mov ds, ax
    mov es, ax
    mov ss, ax
    lea esi, [ebx + PARAMS]
    mov eax, [esi + ap_boot.cr4]            ; PAE (and what the kernel gets: OSFXSR...)
    mov cr4, eax
    mov eax, [esi + ap_boot.cr3]
    mov cr3, eax
    mov ecx, 0xc0000080                     ; EFER: LME, NXE
    mov eax, [esi + ap_boot.efer]
    xor edx, edx
    wrmsr
    mov eax, [esi + ap_boot.cr0]            ; PG: long mode is active from here
    mov cr0, eax
    jmp far [esi + ap_boot.long_entry]

BITS 64
ap_trampoline_long:
    mov esi, esi                            ; the upper halves are undefined after the switch
    xor eax, eax                            ; which CPU am I: the x2APIC ID (CPUID 0Bh)
    cpuid                                   ; when the CPU has that leaf, else CPUID 1
    cmp eax, 0x0b
    jb .initial_id
    mov eax, 0x0b
    xor ecx, ecx
    cpuid
    test ebx, ebx                           ; leaf 0Bh is implemented when EBX != 0
    jz .initial_id
    mov eax, edx
    jmp .check_id
.initial_id:
    mov eax, 1
    cpuid
    shr ebx, 24
    mov eax, ebx
.check_id:
    cmp eax, [rsi + ap_boot.apic_id]        ; a CPU that answered too late for its own
    jne .stray                              ; start must not take another's stack
    mov rax, [rsi + ap_boot.pat]
    test rax, rax
    jz .pat_done
    mov rdx, rax
    shr rdx, 32
    mov ecx, 0x277                          ; IA32_PAT, as the bootstrap CPU has it
    wrmsr
.pat_done:
    mov rdi, [rsi + ap_boot.cpu]
    mov rdx, [rsi + ap_boot.stack_top]
    mov rcx, [rsi + ap_boot.kernel_cr3]
    mov rax, [rsi + ap_boot.ap_entry]
    mov dword [rsi + ap_boot.answered], 1   ; after the last read: the block is reused
    jmp rax
.stray:
    cli
    hlt
    jmp .stray

align 8
ap_trampoline_params:
    times ap_boot_size db 0
ap_trampoline_end:
