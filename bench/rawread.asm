; The raw BIOS read rate: a boot sector that reads SECTORS sectors from
; LBA 1 with INT 13h AH=42h, 127 sectors a call, into one buffer below
; 1 MiB (no copying), then exits QEMU. Assemble with -DSECTORS=n.
; It times its reads with the TSC and writes "rawread: TSC ticks 0x<hex>"
; to COM1, so bench/run.sh can compare them with embedboot's own timeline
; (same clock, no QEMU or firmware start-up in the figure).
BITS 16
ORG 0x7c00
%define COM1 0x3f8
%define LSR  5                  ; line status register: bit 5, transmitter empty
    xor ax, ax
    mov ds, ax
    mov ss, ax
    mov sp, 0x7c00
    mov [drive], dl
    rdtsc
    mov [start], eax
    mov [start + 4], edx
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
    rdtsc
    sub eax, [start]
    sbb edx, [start + 4]
    mov [start], eax            ; the count, kept from print's AL and DX
    mov [start + 4], edx
    mov si, msg
    call print
    mov eax, [start + 4]        ; high half, then low
    call hex32
    mov eax, [start]
    call hex32
    mov si, crlf
    call print
    mov al, 0x10                ; success: status 33
    out 0xf4, al
.fail:
    mov al, 0x11                ; failure: status 35
    out 0xf4, al
    cli
    hlt

; hex32: EAX as eight hex digits on COM1.
hex32:
    mov cx, 8
.digit:
    rol eax, 4
    push eax
    and al, 0x0f
    add al, '0'
    cmp al, '9'
    jbe .out
    add al, 'a' - '0' - 10
.out:
    call putc
    pop eax
    loop .digit
    ret

; print: the zero-terminated string at SI on COM1.
print:
    lodsb
    test al, al
    jz .done
    call putc
    jmp print
.done:
    ret

; putc: AL on COM1, once the transmitter is empty.
putc:
    push ax
    mov dx, COM1 + LSR
.wait:
    in al, dx
    test al, 0x20
    jz .wait
    pop ax
    mov dx, COM1
    out dx, al
    ret

msg:  db "rawread: TSC ticks 0x", 0
crlf: db 13, 10, 0
drive: db 0
start: dq 0
dap: db 16, 0
     dw 0, 0, 0x1000            ; count, offset, segment (0x10000)
     dq 1
    times 510 - ($ - $$) db 0
    dw 0xaa55
