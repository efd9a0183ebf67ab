; A boot sector that makes embedboot's fallback paths necessary, then
; chain-loads the real image from the second disk (DL = 0x81), as a BIOS
; would boot it. QEMU and SeaBIOS always have E820, INT 13h extensions and
; A20 on; this takes them away, one case at a time (nasm -D...):
;
;   FAIL_E820     INT 15h AX=E820h fails (CF): the loader must use E801
;   E820_BROKEN   E820 stops answering 'SMAP' after the first entry: the
;                 partial map must be dropped
;   FAIL_E801     INT 15h AX=E801h fails
;   E801_BOGUS    E801 reports an impossible 15 MiB + 1 KiB below 16 MiB
;   FAIL_88       INT 15h AH=88h fails
;   FAIL_2401     INT 15h AX=2401h (A20 on) fails
;   A20_OFF       A20 switched off through the keyboard controller and
;                 port 0x92 before the image runs
;   FAIL_EXT      INT 13h AH=41h (extensions check) fails: CHS reads
;
; Every other call goes to the BIOS's own handler. The sector copies itself
; to 0x0600 (the loader does not use 0x0600-0x07ff), so its handlers stay
; resident while the image runs.

BITS 16
ORG 0x0600

%define IVT(n)      (n) * 4
%define TARGET      0x7c00
%define FLAGS_CF    1
%define KBC_DATA    0x60
%define KBC_STATUS  0x64

start:                              ; runs at 0x7c00 until relocated
    cli
    xor ax, ax
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov sp, TARGET
    cld
    mov si, TARGET
    mov di, 0x0600
    mov cx, 256
    rep movsw
    jmp 0:relocated

relocated:
    mov eax, [IVT(0x15)]
    mov [old15], eax
    mov word [IVT(0x15)], int15
    mov word [IVT(0x15) + 2], 0
%ifdef FAIL_EXT
    mov eax, [IVT(0x13)]
    mov [old13], eax
    mov word [IVT(0x13)], int13
    mov word [IVT(0x13) + 2], 0
%endif
    sti
%ifdef A20_OFF
    call kbc_wait                   ; keyboard controller output port: A20 off
    mov al, 0xd1
    out KBC_STATUS, al
    call kbc_wait
    mov al, 0xdd
    out KBC_DATA, al
    call kbc_wait
    in al, 0x92                     ; port 0x92: A20 off (bit 0, reset, stays 0)
    and al, 0xfc
    out 0x92, al
%endif
    mov ax, 0x0201                  ; the image's MBR from the second disk
    mov cx, 0x0001
    xor dh, dh
    mov dl, 0x81
    mov bx, TARGET
    pushf                           ; the BIOS's own INT 13h
    call far [old13_or_bios]
    jc .fail
    mov dl, 0x81
    jmp 0:TARGET
.fail:
    cli
    hlt
    jmp .fail

; kbc_wait: until the 8042 takes a byte; bounded (no controller: 0xFF).
kbc_wait:
    mov cx, 0xffff
.poll:
    in al, KBC_STATUS
    cmp al, 0xff
    je .done
    test al, 2
    loopnz .poll
.done:
    ret

; Return from a hooked call with CF set (AH = 86h, "not supported") or
; clear, in the flags the INT pushed.
fail_iret:
    mov ah, 0x86
    push bp
    mov bp, sp
    or byte [bp + 6], FLAGS_CF
    pop bp
    iret
ok_iret:
    push bp
    mov bp, sp
    and byte [bp + 6], ~FLAGS_CF
    pop bp
    iret

int15:
    cmp ax, 0xe820
    je .e820
    cmp ax, 0xe801
    je .e801
    cmp ah, 0x88
    je .ext88
    cmp ax, 0x2401
    je .a20
.bios:
    jmp far [cs:old15]
.e820:
%ifdef FAIL_E820
    jmp fail_iret
%elifdef E820_BROKEN
    test ebx, ebx                   ; the first entry is real
    jz .bios
    mov eax, 0x0bad0bad             ; not 'SMAP'
    jmp ok_iret
%else
    jmp .bios
%endif
.e801:
%ifdef FAIL_E801
    jmp fail_iret
%elifdef E801_BOGUS
    mov ax, 15 * 1024 + 1
    mov cx, ax
    mov bx, 0x100
    mov dx, bx
    jmp ok_iret
%else
    jmp .bios
%endif
.ext88:
%ifdef FAIL_88
    jmp fail_iret
%else
    jmp .bios
%endif
.a20:
%ifdef FAIL_2401
    jmp fail_iret
%else
    jmp .bios
%endif

%ifdef FAIL_EXT
int13:
    cmp ah, 0x41
    jne .bios
    mov ah, 0x01                    ; invalid function
    jmp fail_iret
.bios:
    jmp far [cs:old13]
old13:          dd 0
old13_or_bios   equ old13
%else
old13_or_bios   equ IVT(0x13)
%endif
old15:          dd 0

    times 510 - ($ - $$) db 0
    dw 0xaa55
