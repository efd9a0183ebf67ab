; read_memory_map: the BIOS memory map into the hand-off record, raw. E820
; first; if the BIOS has none (or a broken one), E801, then INT 15h AH=88h,
; each turned into E820-style entries so that stage 4 has one format to
; sanitise. Entries are kept as the BIOS gives them (unsorted, overlapping,
; unknown types): stage 4 cleans up. Halts, naming all three, if none works.

BITS 16

%include "handoff.inc"

extern handoff_record, print, print_hex, halt_with
global read_memory_map

%define SMAP        0x534d4150
%define E801_LOW_MAX (15 * 1024)    ; KiB from 1 MiB to 16 MiB, less a 1 MiB hole

%define RECORD(field) handoff_record + bios_handoff. %+ field

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
    mov [RECORD(memory_source)], al
    mov si, msg_map
    call print
    mov eax, [RECORD(e820_count)]
    shl eax, 16
    mov cl, 4
    call print_hex
    mov si, msg_entries
    call print
    ret

; e820: CF on failure, else AL = MEMORY_E820. A BIOS that stops answering
; 'SMAP' partway may have given a partial map, or garbage: it is dropped.
e820:
    mov di, RECORD(e820)
    xor ebx, ebx
    xor bp, bp                  ; entries stored
.next:
    mov dword [di + e820_entry.acpi_attributes], 1  ; "valid" unless told otherwise
    mov eax, 0xe820
    mov edx, SMAP
    mov ecx, e820_entry_size
    int 0x15
    jc .end                     ; CF: no E820 (first call) or end of list
    cmp eax, SMAP
    jne .broken
    cmp cl, 20                  ; ACPI 3 entry marked "ignore this"?
    jbe .keep
    test byte [di + e820_entry.acpi_attributes], 1
    jz .skip
.keep:
    inc bp
    add di, e820_entry_size
    cmp bp, E820_MAX
    je .end
.skip:
    test ebx, ebx
    jnz .next
.end:
    mov [RECORD(e820_count)], bp
    cmp bp, 1                   ; CF when nothing was stored
    mov al, MEMORY_E820
    ret
.broken:
    mov si, msg_broken
    call print
    xor bp, bp
    jmp .end

; e801: AX/CX = KiB from 1 MiB to 16 MiB, BX/DX = 64 KiB blocks above 16
; MiB. More than 15 MiB below 16 MiB is impossible (CF); less means a hole
; below 16 MiB, and what is above it is not counted.
e801:
    xor cx, cx
    xor dx, dx
    mov ax, 0xe801
    int 0x15
    jc .fail
    mov si, cx
    or si, dx
    jz .use_ax                  ; some BIOSes answer in AX/BX only
    mov ax, cx
    mov bx, dx
.use_ax:
    cmp ax, E801_LOW_MAX
    ja .impossible
    je .high
    xor bx, bx                  ; a hole below 16 MiB: stop there
.high:
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
    ret
.impossible:
    mov si, msg_bad_e801
    call print
    stc
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
    mov di, [RECORD(e820_count)]
    imul di, di, e820_entry_size
    add di, RECORD(e820)
    mov [di + e820_entry.base], ecx
    mov dword [di + e820_entry.base + 4], 0
    mov [di + e820_entry.length], eax
    mov dword [di + e820_entry.length + 4], 0
    mov dword [di + e820_entry.type], 1     ; usable
    mov dword [di + e820_entry.acpi_attributes], 1
    inc word [RECORD(e820_count)]
.skip:
    popad
    ret

msg_no_map:   db "the BIOS reports no memory map (E820, E801 and AH=88h all failed)", 0
msg_broken:   db "embedboot: stage 2: E820 stopped answering 'SMAP' partway: map dropped", 13, 10, 0
msg_bad_e801: db "embedboot: stage 2: E801 reports more than 15 MiB below 16 MiB: ignored", 13, 10, 0
msg_map:      db "embedboot: stage 2: memory map: 0x", 0
msg_entries:  db " entries", 13, 10, 0
