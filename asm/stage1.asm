; Stage 1: the master boot record. Real mode, 512 bytes, loaded at 0x7c00.
;
; Sets up a known machine state, finds out how to read the disk (INT 13h
; extensions, or else CHS with the BIOS's geometry, as some BIOSes boot USB
; sticks) and loads the first 65 sectors of stages 2-4 (and the image
; header) to 0x7e00 with one read; stage 2 reads the rest. Its print, hex and disk-read
; routines are reused by stage 2, so they exist only once. Stage 2 programs
; the UART and enables A20 (only its loads go above 1 MiB); until then COM1
; output runs at whatever rate the BIOS left it. Stage 1 has no room for a
; progress line; stage 2 prints it on its behalf.

BITS 16

%include "handoff.inc"

extern _stage1_sectors, _esp_lba, _esp_sectors, _image_sectors, stage2_start
global _start, boot_drive, chs_sectors, chs_heads, dap, print, print_error, putc
global halt_with, halt, halt_newline, read_sectors, crlf

%define COM1 0x3f8

section .stage1 progbits alloc exec

_start:
    jmp short after_bpb         ; BPB-safe: some BIOSes write bytes 3..0x59
    nop
; The BIOS parameter block's place: only variables set at run time live
; here, after the BIOS may have written it.
boot_drive: db 0
chs_heads:  dd 0                ; CHS: heads (set when chs_sectors is)
    times 0x5a - ($ - $$) db 0

after_bpb:
    jmp 0:normalised            ; some BIOSes enter at 07c0:0000

normalised:                     ; mov ss holds interrupts off for mov sp
    xor ax, ax
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov sp, 0x7c00
    sti
    cld
    mov [boot_drive], dl

    mov ah, 0x41                ; INT 13h extensions present? (DL = drive)
    mov bx, 0x55aa
    int 0x13
    jc .chs
    cmp bx, 0xaa55
    jne .chs
    shr cl, 1                   ; packet (AH=42h) access supported (bit 0)
    jc .read
.chs:                           ; no extensions: CHS with the BIOS's geometry
    mov ah, 0x08
    mov dl, [boot_drive]
    xor di, di                  ; ES:DI = 0 guards against BIOS bugs
    int 0x13
    push ds                     ; AH=08h may set ES
    pop es
    jc .read                    ; no geometry either: the read fails, and says so
    and cx, 0x3f                ; sectors per track
    jz .read
    mov [chs_sectors], cx
    movzx edx, dh               ; heads = last head + 1
    inc dx
    mov [chs_heads], edx
.read:
    rdtsc                       ; the boot timeline's start (DL is used up to
    push eax                    ; here): stage 2 reads the low half at 0x7bfc
    call read_sectors           ; dap is prefilled: stages 2-4 to 0x7e00
    mov si, msg_disk
    jnc stage2_start

; halt_with: print "embedboot: error: " and the message at SI, then stop.
halt_with:
    call print_error
halt_newline:
    mov si, crlf
    call print
halt:
    cli
    hlt
    jmp halt

; read_sectors: read what the disk address packet `dap` says, retried
; after a disk reset. CF set on failure, with the BIOS status in AH; dap
; and all other registers preserved (32-bit).
read_sectors:
    pushad
    mov bp, 3                   ; attempts
.try:
    call read_once
    jnc .done
    push ax
    xor ah, ah                  ; reset the disk system, then retry
    mov dl, [boot_drive]
    int 0x13
    pop ax
    dec bp
    jnz .try
    stc
.done:
    mov bp, sp                  ; hand AX back through popad
    mov [bp + 28], ax
    popad
    ret

; read_once: the whole request once: AH=42h, or with CHS (chs_sectors set)
; in pieces that end at a track's end. CF and AH as the BIOS left them.
; Preserves BP and the segment registers.
read_once:
    mov dl, [boot_drive]
    mov di, [dap + disk_address_packet.count]
    cmp word [chs_sectors], 0
    jne .chs
    mov si, dap
    mov ah, 0x42
    int 0x13
    mov [dap + disk_address_packet.count], di   ; a failed call may rewrite it
    ret
.chs:
    mov esi, [dap + disk_address_packet.lba]
    push es
    les bx, [dap + disk_address_packet.offset]
.piece:                         ; ESI = LBA, DI = sectors left, ES:BX = buffer
    mov eax, esi
    xor edx, edx
    mov ecx, [chs_sectors]
    div ecx                     ; EAX = track, DX = its sector - 1
    sub cx, dx                  ; sectors to the track's end
    cmp cx, di
    jbe .fits
    mov cx, di
.fits:
    push cx                     ; the piece's size
    inc dx
    push dx                     ; its first sector, from 1
    xor edx, edx
    div dword [chs_heads]       ; EAX = cylinder, DX = head
    mov dh, dl
    pop cx
    mov ch, al                  ; cylinder bits 0-7; bits 8-9 in CL 6-7
    shl ah, 6
    or cl, ah
    pop ax
    push ax
    mov ah, 0x02
    mov dl, [boot_drive]
    int 0x13
    pop cx
    jc .end
    add esi, ecx
    sub di, cx
    shl cx, 5                   ; sectors to paragraphs
    mov dx, es
    add dx, cx
    mov es, dx
    test di, di                 ; clears CF
    jnz .piece
.end:
    pop es
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
    xor cx, cx                  ; at most 65536 polls
.wait:
    in al, dx
    test al, 0x20
    loopz .wait
    mov dl, COM1 & 0xff
    xchg ax, di
    out dx, al
    xor bx, bx                  ; page 0
    mov ah, 0x0e
    int 0x10
    popa
    ret

msg_error:       db "embedboot: error: ", 0
crlf:            db 13, 10, 0
msg_disk:        db "disk read failed", 0

chs_sectors: dd 0               ; 0: INT 13h extensions; else CHS geometry
dap:                            ; disk address packet: stages 2-4 to 0x7e00
    istruc disk_address_packet
    at disk_address_packet.size,    db disk_address_packet_size
    at disk_address_packet.count,   dw _stage1_sectors
    at disk_address_packet.offset,  dw 0
    at disk_address_packet.segment, dw 0x07e0
    at disk_address_packet.lba,     dq 1
    iend

    free_bytes equ 0x1b8 - ($ - $$)
    times free_bytes db 0
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
