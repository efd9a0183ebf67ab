; read_memory_map: the BIOS memory map into bios_handoff, raw. E820 first;
; if the BIOS has none, E801, then INT 15h AH=88h, each turned into E820-style
; entries so that stage 4 has one format to sanitise. Entries are kept as the
; BIOS gives them (unsorted, overlapping, unknown types): stage 4 cleans up.

BITS 16

%include "handoff.inc"

extern bios_handoff, print, print_hex, halt_with
global read_memory_map

%define SMAP 0x534d4150

section .stage2 progbits alloc exec

read_memory_map:
    call e820
    jnc .done
    call e801
    jnc .done
    call int88
    mov si, msg_no_map
    jc halt_with
.done:
    mov [bios_handoff + HANDOFF_MEMORY_SOURCE], al
    mov si, msg_map
    call print
    mov eax, [bios_handoff + HANDOFF_E820_COUNT]
    shl eax, 16
    mov cl, 4
    call print_hex
    mov si, msg_entries
    call print
    ret

; e820: CF on failure, else AL = MEMORY_E820.
e820:
    mov di, bios_handoff + HANDOFF_E820
    xor ebx, ebx
    xor bp, bp                  ; entries stored
.next:
    mov dword [di + 20], 1      ; ACPI 3 attributes: "valid" unless told otherwise
    mov eax, 0xe820
    mov edx, SMAP
    mov ecx, E820_ENTRY_SIZE
    int 0x15
    jc .end                     ; CF: no E820 (first call) or end of list
    cmp eax, SMAP
    jne .end
    cmp cl, 20                  ; ACPI 3 entry marked "ignore this"?
    jbe .keep
    test byte [di + 20], 1
    jz .skip
.keep:
    inc bp
    add di, E820_ENTRY_SIZE
    cmp bp, E820_MAX
    je .end
.skip:
    test ebx, ebx
    jnz .next
.end:
    mov [bios_handoff + HANDOFF_E820_COUNT], bp
    cmp bp, 1                   ; CF when nothing was stored
    mov al, MEMORY_E820
    ret

; e801: AX/CX = KiB from 1 MiB to 16 MiB, BX/DX = 64 KiB blocks above 16 MiB.
e801:
    xor cx, cx
    xor dx, dx
    mov ax, 0xe801
    int 0x15
    jc .fail
    jcxz .use_ax                ; some BIOSes answer in AX/BX only
    mov ax, cx
    mov bx, dx
.use_ax:
    call add_low_memory
    movzx eax, ax
    shl eax, 10
    mov ecx, 0x100000
    call add_usable
    movzx eax, bx
    shl eax, 16
    mov ecx, 0x1000000
    call add_usable
    mov al, MEMORY_E801
    clc
.fail:
    ret

; int88: AX = KiB above 1 MiB (at most 64 MiB).
int88:
    mov ah, 0x88
    int 0x15
    jc .fail
    call add_low_memory
    movzx eax, ax
    shl eax, 10
    mov ecx, 0x100000
    call add_usable
    mov al, MEMORY_88H
    clc
.fail:
    ret

; add_low_memory: conventional memory from INT 12h as a usable entry.
add_low_memory:
    pusha
    int 0x12                    ; AX = KiB below the EBDA
    movzx eax, ax
    shl eax, 10
    xor ecx, ecx
    call add_usable
    popa
    ret

; add_usable: append a usable entry of EAX bytes at ECX (nothing if EAX = 0).
add_usable:
    pushad
    test eax, eax
    jz .skip
    mov di, [bios_handoff + HANDOFF_E820_COUNT]
    imul di, di, E820_ENTRY_SIZE
    add di, bios_handoff + HANDOFF_E820
    mov [di], ecx               ; base
    mov dword [di + 4], 0
    mov [di + 8], eax           ; length
    mov dword [di + 12], 0
    mov dword [di + 16], 1      ; usable
    mov dword [di + 20], 1
    inc word [bios_handoff + HANDOFF_E820_COUNT]
.skip:
    popad
    ret

msg_no_map:  db "the BIOS reports no memory map (E820, E801 and AH=88h all failed)", 0
msg_map:     db "embedboot: stage 2: memory map: 0x", 0
msg_entries: db " entries", 13, 10, 0
