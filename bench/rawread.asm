; The raw BIOS read rate: a boot sector that reads SECTORS sectors from
; LBA 1 with INT 13h AH=42h, 127 sectors a call, into one buffer below
; 1 MiB (no copying), then exits QEMU. Assemble with -DSECTORS=n.
BITS 16
ORG 0x7c00
    xor ax, ax
    mov ds, ax
    mov ss, ax
    mov sp, 0x7c00
    mov [drive], dl
    mov ebp, SECTORS
.next:
    mov cx, 127
    cmp ebp, 127
    jae .go
    mov cx, bp
.go:
    mov [dap + 2], cx
    mov si, dap
    mov dl, [drive]
    mov ah, 0x42
    int 0x13
    jc .fail
    movzx ecx, word [dap + 2]
    add [dap + 8], ecx
    sub ebp, ecx
    jnz .next
    mov al, 0x10                ; success: status 33
    out 0xf4, al
.fail:
    mov al, 0x11                ; failure: status 35
    out 0xf4, al
    cli
    hlt
drive: db 0
dap: db 16, 0
     dw 0, 0, 0x1000            ; count, offset, segment (0x10000)
     dq 1
    times 510 - ($ - $$) db 0
    dw 0xaa55
