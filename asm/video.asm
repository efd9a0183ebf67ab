; set_video: the video mode, chosen last in stage 2 so that every BIOS text
; message before it is readable. vga_320x200 sets mode 13h; FRAMEBUFFER=WxH
; looks for a VBE 2.0+ mode with a linear framebuffer: the exact size at 32
; bpp if there is one, else the largest mode not larger in either direction,
; 32 bpp before 24. No VBE, or no such mode: 80x25 text stays, and it says so.
; Stage 4 reads the mode from bios_handoff.

BITS 16

%include "handoff.inc"

extern handoff_record, print, print_hex, _image_header
global set_video, print_decimal

%define WANT_W  _image_header + image_header.framebuffer_width
%define WANT_H  _image_header + image_header.framebuffer_height
%define MI      handoff_record + bios_handoff.vbe_mode_info     ; mode information block
%define MODE(field) MI + vbe_mode_info. %+ field
%define RECORD(field) handoff_record + bios_handoff. %+ field

; VBE controller information (function 4F00h): only stage 2 reads it.
struc vbe_controller_info
    .signature:     resd 1          ; 'VBE2' in, 'VESA' out
    .version:       resw 1          ; BCD
    .oem_string:    resd 1
    .capabilities:  resd 1
    .mode_list:     resd 1          ; far pointer to 0xFFFF-terminated modes
    .rest:          resb 512 - 18
endstruc

section .stage2 progbits alloc exec

set_video:
    test byte [_image_header + image_header.features], FEATURE_VGA_320X200
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
    mov ax, [MODE(width)]
    mov bx, [MODE(height)]
    mov dl, [MODE(bits_per_pixel)]
    call print_mode
    mov ax, 0x4f02
    mov bx, [RECORD(vbe_mode)]
    or bx, 0x4000                   ; linear framebuffer
    int 0x10
    cmp ax, 0x004f
    mov si, msg_set_failed
    jne .say_size
    mov byte [RECORD(video)], VIDEO_VBE
    ret
.vga13:
    mov si, msg_vga13
    call print
    mov ax, 0x0013
    int 0x10
    mov byte [RECORD(video)], VIDEO_VGA13
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

; vbe_find: CF clear and the mode in CX and the record's vbe_mode, its
; information in MI; CF set if there is no VBE 2.0+ or no mode fits.
vbe_find:
    mov di, vbe_controller
    mov dword [di + vbe_controller_info.signature], 'VBE2'
    mov ax, 0x4f00
    int 0x10
    cmp ax, 0x004f
    jne .fail
    cmp dword [vbe_controller + vbe_controller_info.signature], 'VESA'
    jne .fail
    mov ax, [vbe_controller + vbe_controller_info.version]
    mov [RECORD(vbe_version)], ax
    cmp ah, 2
    jb .fail
    lfs si, [vbe_controller + vbe_controller_info.mode_list]
    xor ebp, ebp                    ; best score so far
    mov word [RECORD(vbe_mode)], 0xffff
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
    mov al, [MODE(attributes)]
    and al, VBE_ATTR_SUPPORTED | VBE_ATTR_GRAPHICS | VBE_ATTR_LINEAR
    cmp al, VBE_ATTR_SUPPORTED | VBE_ATTR_GRAPHICS | VBE_ATTR_LINEAR
    jne .next
    cmp byte [MODE(memory_model)], VBE_MODEL_DIRECT
    jne .next
    mov bl, [MODE(bits_per_pixel)]
    cmp bl, 32
    je .depth_ok
    cmp bl, 24
    jne .next
.depth_ok:
    movzx eax, word [MODE(width)]
    cmp eax, [WANT_W]
    ja .next
    movzx edx, word [MODE(height)]
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
    mov [RECORD(vbe_mode)], cx
    jmp .next
.done:
    mov cx, [RECORD(vbe_mode)]
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
vbe_controller: resb vbe_controller_info_size
