; Stage 1: the master boot record. Real mode, 512 bytes, loaded at 0x7c00.
;
; Sets up a known machine state, enables A20, checks for INT 13h extensions
; and loads stages 2-4 (and the image header) to 0x7e00 with one read (the
; linker keeps them below 64 KiB). Its print, hex and disk-read routines are
; reused by stage 2, so they exist only once. Stage 2 programs the UART;
; until then COM1 output runs at whatever rate the BIOS left it. Stage 1 has
; no room for a progress line; stage 2 prints it on its behalf.

BITS 16

extern _loader_sectors, _esp_lba, _esp_sectors, _image_sectors, stage2_start
global _start, boot_drive, dap, print, print_error, putc
global halt_with, halt, read_sectors, crlf

%define COM1 0x3f8

section .stage1 progbits alloc exec

_start:
    jmp short after_bpb         ; BPB-safe: some BIOSes write bytes 3..0x59
    nop
    times 0x5a - ($ - $$) db 0  ; dummy BIOS parameter block

after_bpb:
    jmp 0:normalised            ; some BIOSes enter at 07c0:0000

normalised:
    cli
    xor ax, ax
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov sp, 0x7c00
    push word 0xffff            ; FS = ffff for the A20 wrap-around check
    pop fs
    sti
    cld
    mov [boot_drive], dl

    mov ah, 0x41                ; INT 13h extensions present? (DL = drive)
    mov bx, 0x55aa
    int 0x13
    mov si, msg_no_ext
    jc halt_with
    cmp bx, 0xaa55
    jne halt_with
    test cl, 1                  ; packet (AH=42h) access supported
    jz halt_with

    call enable_a20
    call read_sectors           ; dap is prefilled: stages 2-4 to 0x7e00
    mov si, msg_disk
    jnc stage2_start

; halt_with: print "embedboot: error: " and the message at SI, then stop.
halt_with:
    call print_error
    mov si, crlf
    call print
halt:
    cli
    hlt
    jmp halt

; enable_a20: BIOS, then keyboard controller, then port 0x92, checking after
; each. Port 0x92 bit 0 is fast reset and is never set.
enable_a20:
    mov ax, 0x2401
    int 0x15
    call a20_on
    jnz .ok
    call kbc_wait
    mov al, 0xd1                ; write output port
    out 0x64, al
    call kbc_wait
    mov al, 0xdf                ; A20 on
    out 0x60, al
    call kbc_wait
    call a20_on
    jnz .ok
    in al, 0x92
    or al, 2
    and al, 0xfe
    out 0x92, al
    call a20_on
    jnz .ok
    mov si, msg_no_a20
    jmp halt_with
.ok:
    ret

; a20_on: ZF clear when A20 is enabled (0000:0500 and ffff:0510 differ).
a20_on:
    mov byte [0x500], 0
    mov byte [fs:0x510], 0xff
    cmp byte [0x500], 0xff
    ret

; kbc_wait: wait until the 8042 input buffer is empty, bounded so that a
; missing controller cannot hang us.
kbc_wait:
    xor cx, cx
.spin:
    in al, 0x64
    test al, 2
    loopnz .spin
    ret

; read_sectors: read as the disk address packet `dap` says. A failed read
; is retried after a disk reset. CF set on failure, with the BIOS status in
; AH; all other registers preserved.
read_sectors:
    pusha
    mov cx, [dap + 2]
    mov bp, 3                   ; attempts
.try:
    mov [dap + 2], cx           ; a failed call may have rewritten the count
    mov si, dap
    mov dl, [boot_drive]
    mov ah, 0x42
    int 0x13
    jnc .done
    xchg di, ax                 ; keep the status
    xor ah, ah                  ; reset the disk system, then retry
    int 0x13
    xchg di, ax
    stc
    dec bp
    jnz .try
.done:
    mov bp, sp                  ; hand AX back through popa
    mov [bp + 14], ax
    popa
    ret

; print_error: "embedboot: error: " and the message at SI.
print_error:
    push si
    mov si, msg_error
    call print
    pop si
; print: zero-terminated string at SI to screen and COM1. Preserves registers.
print:
    pusha
.next:
    lodsb
    test al, al
    jz .end
    call putc
    jmp .next
.end:
    popa
    ret

; putc: AL to the BIOS teletype and to COM1. The wait for the UART is
; bounded so a machine without one does not hang.
putc:
    pusha
    xchg di, ax
    mov dx, COM1 + 5
    mov cx, 0xffff
.wait:
    in al, dx
    test al, 0x20
    loopz .wait
    mov dl, COM1 & 0xff
    xchg ax, di
    out dx, al
    mov bx, 0x0007
    mov ah, 0x0e
    int 0x10
    popa
    ret

msg_error:  db "embedboot: error: ", 0
crlf:       db 13, 10, 0
msg_no_a20: db "cannot enable A20", 0
msg_no_ext: db "no INT 13h extensions", 0
msg_disk:   db "disk read failed", 0

boot_drive: db 0
dap:        db 16, 0            ; disk address packet: size, reserved
            dw _loader_sectors  ; count
            dw 0, 0x07e0        ; offset, segment
            dq 1                ; LBA

    times 0x1b8 - ($ - $$) db 0
    dd 0x454d4244               ; disk signature "DBME"
    dw 0

; Partition table: a bootable entry covering the loader and the kernel
; (LBA 1 to the end of the BIOS part), then the EFI system partition that
; UEFI firmware boots from. CHS fields say "use LBA".
    db 0x80                     ; bootable
    db 0x00, 0x02, 0x00         ; CHS of LBA 1
    db 0xda                     ; type: non-filesystem data
    db 0xfe, 0xff, 0xff         ; CHS beyond 1024 cylinders
    dd 1
    dd _image_sectors - 1
    db 0x00                     ; not bootable (UEFI ignores the flag)
    db 0xfe, 0xff, 0xff
    db 0xef                     ; type: EFI system partition
    db 0xfe, 0xff, 0xff
    dd _esp_lba
    dd _esp_sectors
    times 32 db 0

    dw 0xaa55
