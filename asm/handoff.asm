; enter_kernel: switch to the kernel's page tables and jump to its entry.
; This page is identity-mapped both in stage 4's tables and the kernel's, so
; execution continues across the CR3 write.
;
;   void enter_kernel(u64 pml4, u64 entry, u64 stack_top, u64 boot_info)
;                     rdi       rsi        rdx            rcx

BITS 64

global enter_kernel

section .handoff progbits alloc exec

enter_kernel:
    mov cr3, rdi
    mov rsp, rdx
    push 0                      ; return address: rsp + 8 = stack_top, aligned
    push rsi                    ; consumed by the ret below
    mov rdi, rcx
    xor esi, esi
    xor eax, eax                ; nothing of the loader leaks into the kernel
    xor ebx, ebx
    xor ecx, ecx
    xor edx, edx
    xor ebp, ebp
    xor r8d, r8d
    xor r9d, r9d
    xor r10d, r10d
    xor r11d, r11d
    xor r12d, r12d
    xor r13d, r13d
    xor r14d, r14d
    xor r15d, r15d
    cld                         ; the ABI wants DF = 0 at a call
    ret                         ; to the entry, leaving the zero return address
