; The hand-off page: the one GDT and enter_kernel. These bytes stay mapped
; (identity) in the kernel's address space, so GDTR is still valid at kernel
; entry, and execution continues across the CR3 write.
;
; On BIOS they run where they are linked (stages 2 and 3 use the GDT too).
; The UEFI application copies [handoff_start, handoff_end) to a page of its
; own, because the firmware's GDT lives in memory the kernel may reuse:
; everything here is therefore position-independent.
;
; Accessed bits are preset in the descriptors: the CPU never has to write
; to them, and the kernel maps this page read-only.

%include "handoff.inc"

BITS 64

global handoff_start, handoff_end, gdt, enter_kernel, enter_linux, enter_multiboot
global enter_multiboot_efi64, ap_entry

section .handoff progbits alloc exec

align 16
handoff_start:
gdt:
    dq 0                        ; null
    dq 0x00af9b000000ffff       ; 0x08: 64-bit code, DPL 0
    dq 0x00cf93000000ffff       ; 0x10: data, flat 4 GiB
    dq 0x00cf9b000000ffff       ; 0x18: 32-bit code, flat 4 GiB
    dq 0, 0                     ; 0x20: the fault catcher's TSS (filled before the entry)
%if $ - gdt != GDT_SIZE
%error "GDT_SIZE in handoff.inc is wrong"
%endif

; The GDT the Linux 64-bit boot protocol asks for (boot.rst): __BOOT_CS
; (0x10) flat code, __BOOT_DS (0x18) flat data.
linux_gdt:
    dq 0
    dq 0
    dq 0x00af9b000000ffff       ; 0x10: 64-bit code, DPL 0
    dq 0x00cf93000000ffff       ; 0x18: data, flat 4 GiB
%if $ - linux_gdt != LINUX_GDT_SIZE
%error "LINUX_GDT_SIZE in handoff.inc is wrong"
%endif

;   void enter_kernel(u64 pml4, u64 entry, u64 stack_top, u64 boot_info,
;                     rdi       rsi        rdx            rcx
;                     const struct boot_idtr *idtr, u64 tss_selector)
;                     r8                            r9
enter_kernel:
    cli                         ; the contract: interrupts off (UEFI may have left them on)
    LOAD_GDT_AND_CS gdt, GDT_SIZE, SEL_CODE64, .reloaded   ; this copy of the GDT
.reloaded:
    LOAD_DATA_SEGMENTS          ; also zeroes the FS and GS bases
    lidt [r8]                   ; the fault catcher's IDT (kernel addresses: used from
    ltr r9w                     ; the kernel's first instruction on) and its TSS
    mov cr3, rdi
    mov rsp, rdx
    push 0                      ; return address: rsp + 8 = stack_top, aligned
    push rsi                    ; consumed by the ret below
    mov rdi, rcx
    xor esi, esi
    xor eax, eax
    ZERO_SCRATCH_REGISTERS
    cld                         ; the ABI wants DF = 0 at a call
    ret                         ; to the entry, leaving the zero return address

;   void enter_linux(u64 entry, u64 boot_params)
;                    rdi        rsi
; Linux's 64-bit entry (boot.rst): its GDT with CS = __BOOT_CS and DS = ES
; = SS = __BOOT_DS, the current identity map, interrupts off, rsi = the
; zero page. The stack is the loader's until Linux sets up its own.
enter_linux:
    cli
    LOAD_GDT_AND_CS linux_gdt, LINUX_GDT_SIZE, LINUX_SEL_CODE, .reloaded
.reloaded:
    mov ax, LINUX_SEL_DATA
    mov ds, ax
    mov es, ax
    mov ss, ax
    xor eax, eax
    mov fs, ax
    mov gs, ax
    ZERO_SCRATCH_REGISTERS
    cld
    jmp rdi

;   void enter_multiboot(u64 entry, u64 magic, u64 info)
;                        rdi        rsi        rdx
; Multiboot's machine state: 32-bit protected mode with flat 4 GiB
; segments, paging off, A20 on, interrupts off, EAX = magic, EBX = the
; information. Long mode is left through compatibility mode: this page is
; identity-mapped below 4 GiB, so it runs on after CR0.PG goes.
enter_multiboot:
    cli
    LOAD_GDT_AND_CS gdt, GDT_SIZE, SEL_CODE32, .compat
BITS 32
.compat:
    mov ebp, edx                ; the information: rdmsr below writes EDX
    mov eax, cr0                ; paging off: long mode ends (EFER.LMA clears)
    and eax, 0x7fffffff
    mov cr0, eax
    mov ecx, 0xc0000080         ; EFER.LME and NXE off
    rdmsr
    and eax, ~((1 << 8) | (1 << 11))
    wrmsr
    xor eax, eax                ; nothing of the paging setup stays on
    mov cr4, eax
    mov cr3, eax
    mov ax, SEL_DATA
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    mov ss, ax
    mov eax, esi                ; the magic
    mov ebx, ebp                ; the information
    xor ecx, ecx
    xor edx, edx
    xor esi, esi
    xor ebp, ebp
    cld
    jmp edi
BITS 64

;   void enter_multiboot_efi64(u64 entry, u64 magic, u64 info)
; The Multiboot2 EFI amd64 entry (header tags 7 and 9): 64-bit mode, the
; firmware's GDT, IDT and page tables, boot services still running; EAX =
; the magic, EBX = the information.
enter_multiboot_efi64:
    mov eax, esi
    mov ebx, edx
    jmp rdi
; An application processor, from the AP trampoline (asm/ap_trampoline.asm):
;   rdi = its struct embedboot_cpu, rcx = the kernel's CR3, rdx = its stack
;   top (kernel addresses). It waits for the kernel to write a function to
;   the entry's goto_address and calls it as the kernel's entry is called,
;   with rdi = the entry, interrupts off and no IDT (TR unset: the fault
;   catcher's IST stack is the bootstrap CPU's).
ap_entry:
    mov cr3, rcx
    mov rsp, rdx
    lidt [rel no_idt]
    LOAD_DATA_SEGMENTS
.wait:
    pause
    mov rax, [rdi + CPU_GOTO_ADDRESS]
    test rax, rax
    jz .wait
    push 0                      ; return address: rsp + 8 = the stack top, aligned
    push rax
    xor esi, esi
    xor eax, eax
    ZERO_SCRATCH_REGISTERS
    cld
    ret

align 8
no_idt:
    dw 0
    dq 0
handoff_end:
