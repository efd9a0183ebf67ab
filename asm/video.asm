; set_video: the video mode, chosen last in stage 2 so that every BIOS text
; message before it is readable. vga_320x200 sets mode 13h; FRAMEBUFFER=WxH
; looks for a VBE 2.0+ mode with a linear framebuffer: the exact size at 32
; bpp if there is one, else the largest mode not larger in either direction,
; 32 bpp before 24. No VBE, or no such mode: 80x25 text stays, and it says so.
; Stage 4 reads the mode from bios_handoff.

BITS 16

%include "handoff.inc"

extern bios_handoff, print, print_hex, _image_header
global set_video

%define WANT_W  _image_header + 56
%define WANT_H  _image_header + 60
%define MI      bios_handoff + HANDOFF_VBE_INFO     ; mode information block

section .stage2 progbits alloc exec

set_video:
    test byte [_image_header + 24], FEATURE_VGA_320X200
    jnz .vga13
    mov eax, [WANT_W]
    or eax, [WANT_H]
    mov si, msg_text
    jz .say
    call vbe_find
    mov si, msg_no_vbe
    jc .say_size
    mov si, msg_vbe
    call print
    mov ax, cx
    shl eax, 16
    mov cl, 4
    call print_hex
    mov si, msg_comma
    call print
    mov ax, [MI + 18]
    mov bx, [MI + 20]
    mov dl, [MI + 25]
    call print_mode
    mov ax, 0x4f02
    mov bx, [bios_handoff + HANDOFF_VBE_MODE]
    or bx, 0x4000                   ; linear framebuffer
    int 0x10
    cmp ax, 0x004f
    mov si, msg_set_failed
    jne .say_size
    mov byte [bios_handoff + HANDOFF_VIDEO], VIDEO_VBE
    ret
.vga13:
    mov si, msg_vga13
    call print
    mov ax, 0x0013
    int 0x10
    mov byte [bios_handoff + HANDOFF_VIDEO], VIDEO_VGA13
    ret
.say_size:                          ; "... for WxH, staying in 80x25 text"
    call print
    mov ax, [WANT_W]
    mov bx, [WANT_H]
    xor dl, dl
    call print_mode
    mov si, msg_staying
.say:
    jmp print

; vbe_find: CF clear and the mode in CX and [HANDOFF_VBE_MODE], its
; information in MI; CF set if there is no VBE 2.0+ or no mode fits.
vbe_find:
    mov di, vbe_controller
    mov dword [di], 'VBE2'
    mov ax, 0x4f00
    int 0x10
    cmp ax, 0x004f
    jne .fail
    cmp dword [vbe_controller], 'VESA'
    jne .fail
    mov ax, [vbe_controller + 4]
    mov [bios_handoff + HANDOFF_VBE_VERSION], ax
    cmp ah, 2
    jb .fail
    lfs si, [vbe_controller + 14]   ; the mode list
    xor ebp, ebp                    ; best score so far
    mov word [bios_handoff + HANDOFF_VBE_MODE], 0xffff
.next:
    mov cx, [fs:si]
    cmp cx, 0xffff
    je .done
    add si, 2
    push fs
    push si
    mov ax, 0x4f01
    mov di, MI
    int 0x10
    pop si
    pop fs
    cmp ax, 0x004f
    jne .next
    mov al, [MI]
    and al, 0x91                    ; supported, graphics, linear framebuffer
    cmp al, 0x91
    jne .next
    cmp byte [MI + 27], 6           ; direct colour
    jne .next
    mov bl, [MI + 25]
    cmp bl, 32
    je .depth_ok
    cmp bl, 24
    jne .next
.depth_ok:
    movzx eax, word [MI + 18]
    cmp eax, [WANT_W]
    ja .next
    movzx edx, word [MI + 20]
    cmp edx, [WANT_H]
    ja .next
    imul eax, edx                   ; score: area, then 32 bpp over 24
    shl eax, 1
    cmp bl, 32
    jne .score
    or al, 1
.score:
    cmp eax, ebp
    jbe .next
    mov ebp, eax
    mov [bios_handoff + HANDOFF_VBE_MODE], cx
    jmp .next
.done:
    mov cx, [bios_handoff + HANDOFF_VBE_MODE]
    cmp cx, 0xffff
    je .fail
    mov ax, 0x4f01                  ; the chosen mode's information, again
    mov di, MI
    int 0x10
    cmp ax, 0x004f
    jne .fail
    clc
    ret
.fail:
    stc
    ret

; print_mode: "AXxBX" in decimal, then ", DL bpp" unless DL = 0.
print_mode:
    call print_decimal
    mov si, msg_x
    call print
    mov ax, bx
    call print_decimal
    test dl, dl
    jz .end
    mov si, msg_comma
    call print
    movzx ax, dl
    call print_decimal
    mov si, msg_bpp
    call print
.end:
    ret

; print_decimal: AX in decimal.
print_decimal:
    pusha
    mov bx, 10
    xor cx, cx
.divide:
    xor dx, dx
    div bx
    push dx
    inc cx
    test ax, ax
    jnz .divide
.digit:
    pop ax
    add al, '0'
    mov [.one], al
    mov si, .one
    call print
    loop .digit
    popa
    ret
.one: db 0, 0

msg_text:       db "embedboot: stage 2: video: VGA text 80x25", 13, 10, 0
msg_vga13:      db "embedboot: stage 2: video: VGA mode 13h, 320x200, 8 bpp", 13, 10, 0
msg_vbe:        db "embedboot: stage 2: video: VBE mode 0x", 0
msg_no_vbe:     db "embedboot: stage 2: video: no VBE 2.0 mode with a linear framebuffer fits ", 0
msg_set_failed: db "embedboot: stage 2: video: setting the VBE mode failed for ", 0
msg_staying:    db ", staying in 80x25 text", 13, 10, 0
msg_comma:      db ", ", 0
msg_x:          db "x", 0
msg_bpp:        db " bpp", 13, 10, 0

section .lowbss nobits alloc write
vbe_controller: resb 512
