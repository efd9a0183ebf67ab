; enable_a20: the A20 line must be on before stage 2 loads above 1 MiB.
; Tries, checking after each, as a careful loader does: already on (most
; BIOSes), INT 15h AX=2401h, the 8042 keyboard controller's output port
; (waiting for a slow controller, and giving it time to switch), then port
; 0x92 ("fast A20"; its bit 0 resets the machine and is never set). If
; none works, halts naming all three. Returns SI = the method's name.

BITS 16

%include "handoff.inc"

extern halt_with
global enable_a20

%define KBC_DATA        0x60
%define KBC_STATUS      0x64
%define KBC_OUT_FULL    1           ; status: a byte waits at KBC_DATA
%define KBC_IN_FULL     2           ; status: the controller has not taken ours
%define KBC_WRITE_OUT   0xd1        ; command: write the output port
%define KBC_OUT_A20     0xdf        ; output port: A20 on, no reset
%define KBC_NULL        0xff        ; a null command (some USB legacy emulations need it)
%define PORT_92         0x92
%define PORT_92_A20     2
%define PORT_92_RESET   1
%define IO_DELAY_PORT   0x80

section .stage2 progbits alloc exec

enable_a20:
    mov cx, 1
    mov si, msg_already
    call a20_on
    jnz .on
    mov ax, 0x2401
    int 0x15
    mov cx, 32
    mov si, msg_bios
    call a20_on
    jnz .on
    call kbc_a20
    mov cx, 0xffff              ; a controller may take a while to switch
    mov si, msg_kbc
    jc .fast                    ; no controller answered: no need to wait
    call a20_on
    jnz .on
.fast:
    in al, PORT_92
    or al, PORT_92_A20
    and al, ~PORT_92_RESET
    out PORT_92, al
    mov cx, 32
    mov si, msg_fast
    call a20_on
    jnz .on
    mov si, msg_no_a20
    jmp halt_with
.on:
    ret

; a20_on: ZF clear when A20 is on. With A20 off, 0000:0200 and FFFF:0210
; are the same byte (the address wraps at 1 MiB): write one, read the
; other, up to CX times, with an I/O delay between. The byte (the real-mode
; vector of INT 80h) is restored.
a20_on:
    push fs
    push word 0xffff
    pop fs
    push ax
    mov al, [0x200]
    push ax
.again:
    inc byte [0x200]
    mov al, [0x200]
    cmp al, [fs:0x210]
    jne .done
    out IO_DELAY_PORT, al
    loop .again                 ; ZF stays set: still off
.done:
    pop ax
    mov [0x200], al
    pop ax
    pop fs
    ret

; kbc_a20: A20 on through the keyboard controller's output port. CF when
; the controller does not take a byte in time (or there is none).
kbc_a20:
    call kbc_wait
    jc .end
    mov al, KBC_WRITE_OUT
    out KBC_STATUS, al
    call kbc_wait
    jc .end
    mov al, KBC_OUT_A20
    out KBC_DATA, al
    call kbc_wait
    jc .end
    mov al, KBC_NULL
    out KBC_STATUS, al
    call kbc_wait
.end:
    ret

; kbc_wait: until the controller has taken the last byte, discarding what
; it sends; up to 100000 polls with an I/O delay each (a slow controller
; needs many). CF on timeout, or at once if the status reads 0xFF (no
; controller on the bus).
kbc_wait:
    push ecx
    mov ecx, 100000
.poll:
    out IO_DELAY_PORT, al
    in al, KBC_STATUS
    cmp al, 0xff
    je .timeout
    test al, KBC_OUT_FULL
    jz .no_output
    out IO_DELAY_PORT, al
    in al, KBC_DATA             ; discard: a key, or a reply
    jmp .next
.no_output:
    test al, KBC_IN_FULL
    jz .done                    ; CF clear
.next:
    dec ecx
    jnz .poll
.timeout:
    stc
.done:
    pop ecx
    ret

msg_already: db "A20 on", 0
msg_bios:    db "A20 on (INT 15h AX=2401h)", 0
msg_kbc:     db "A20 on (keyboard controller)", 0
msg_fast:    db "A20 on (port 0x92)", 0
msg_no_a20:  db "cannot enable A20: INT 15h AX=2401h, the keyboard controller and port 0x92 "
             db "all failed", 0
