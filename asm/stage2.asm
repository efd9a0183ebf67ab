; Stage 2: real mode, at 0x7e00. Programs the UART and the screen, enables
; A20, checks the CPU, reads the memory map, loads the kernel blob to 1 MiB
; and enters protected mode (stage 3) with NMIs masked. Each job is in a
; file of its own.

BITS 16

%include "handoff.inc"

extern boot_drive, chs_sectors, chs_heads, print, putc, halt, halt_newline, halt_with, crlf
extern enable_a20, check_cpu, read_memory_map, load_kernel, set_video, gdt_descriptor
extern stage3_start, dap, read_sectors, _stage1_sectors, _loader_rest_sectors
global stage2_start, print_hex, handoff_record

%define COM1 0x3f8

section .stage2 progbits alloc exec

%define STAGE1_TSC 0x7c00 - 4       ; stage 1 pushed its TSC's low half there

stage2_start:                   ; the TSC now (MARK_TIME, spelt out for gdb's line)
    rdtsc
    mov [handoff_record + bios_handoff.timeline + 8 * T_STAGE2], eax
    mov [handoff_record + bios_handoff.timeline + 8 * T_STAGE2 + 4], edx
    mov ecx, [STAGE1_TSC]       ; and stage 1's, from its low half: less than
                                ; 2^32 ticks ago, so the high half is ours,
    mov [handoff_record + bios_handoff.timeline + 8 * T_LOADER_START], ecx
    cmp eax, ecx                ; less one if the low half wrapped since
    sbb edx, 0
    mov [handoff_record + bios_handoff.timeline + 8 * T_LOADER_START + 4], edx
    call read_rest              ; first: the code below may lie past what stage 1 read
    mov si, uart_init           ; COM1: 115200 8N1, FIFOs on
.uart:
    lodsw                       ; al = register, ah = value
    mov dx, COM1
    add dl, al
    xchg al, ah
    out dx, al
    cmp si, uart_init_end
    jne .uart

    mov ax, 0x0003              ; 80x25 colour text; clears the screen
    int 0x10

    mov si, msg_stage1          ; stage 1 had no room for its own line
    call print
    mov al, [boot_drive]
    mov [handoff_record + bios_handoff.boot_drive], al
    shl eax, 24
    mov cl, 2
    call print_hex
    mov si, msg_read
    call print
    call report_chs
    call enable_a20
    push si                     ; how A20 came on
    mov si, msg_stage2
    call print
    pop si
    call print
    mov si, crlf
    call print

    call check_cpu

    mov ax, 0xec00              ; tell the BIOS we will run in long mode only
    mov bl, 2
    int 0x15

    call read_memory_map
    call load_kernel
    MARK_TIME T_DISK_READ
    call set_video              ; last: BIOS text output ends here
    MARK_TIME T_VIDEO

    mov si, msg_pmode
    call print
    cli
    mov al, CMOS_NMI_MASK       ; no NMI until the kernel's own handlers
    out CMOS_INDEX, al          ; (the protocols unmask it at the entry)
    o32 lgdt [gdt_descriptor]
    mov eax, cr0
    or al, 1                    ; PE
    mov cr0, eax
    jmp dword SEL_CODE32:stage3_start

; read_rest: the loader's sectors after the first 65 (stage 1 read those)
; to 0x10000, where the link put them; halts with stage 1's message.
read_rest:
    mov cx, _loader_rest_sectors
    jcxz .done
    mov [dap + disk_address_packet.count], cx
    mov word [dap + disk_address_packet.offset], 0
    mov word [dap + disk_address_packet.segment], 0x1000
    mov dword [dap + disk_address_packet.lba], 1 + _stage1_sectors
    call read_sectors
    jnc .done
    mov si, msg_rest_failed
    jmp halt_with
.done:
    ret

; report_chs: say so when stage 1 found no INT 13h extensions and reads
; with CHS (every read of the kernel does too).
report_chs:
    cmp word [chs_sectors], 0
    je .end
    mov si, msg_chs
    call print
    mov eax, [chs_heads]
    shl eax, 16
    mov cl, 4
    call print_hex
    mov si, msg_chs_heads
    call print
    mov eax, [chs_sectors]
    shl eax, 16
    call print_hex
    mov si, msg_chs_sectors
    call print
.end:
    ret

; print_hex: the top CL hex digits of EAX.
print_hex:
    pushad
    movzx cx, cl
.digit:
    rol eax, 4
    push ax
    and al, 0x0f                ; nibble to ASCII
    add al, 0x90
    daa
    adc al, 0x40
    daa
    call putc
    pop ax
    loop .digit
    popad
    ret

uart_init:                      ; (register offset, value) pairs
    db 1, 0x00                  ; no interrupts
    db 3, 0x80                  ; DLAB
    db 0, 0x01                  ; divisor 1: 115200 baud
    db 1, 0x00
    db 3, 0x03                  ; 8N1
    db 2, 0xc7                  ; FIFOs on and cleared
    db 4, 0x03                  ; DTR, RTS
uart_init_end:

msg_stage1: db "embedboot: stage 1: boot drive 0x", 0
msg_read:   db ", loader read", 13, 10, 0
msg_stage2: db "embedboot: stage 2: ", 0
msg_chs:    db "embedboot: stage 2: no INT 13h extensions: CHS reads, 0x", 0
msg_chs_heads:   db " heads, 0x", 0
msg_chs_sectors: db " sectors per track", 13, 10, 0
msg_pmode:  db "embedboot: stage 2: entering protected mode", 13, 10, 0
msg_rest_failed: db "disk read failed (the loader's last sectors)", 0

section .lowbss nobits alloc write
handoff_record:
    resb bios_handoff_size
