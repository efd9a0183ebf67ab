; load_kernel: copy the kernel blob from disk to 1 MiB. The BIOS can only
; read below 1 MiB, so each read (at most 127 sectors, the common BIOS limit)
; lands in a 64 KiB-aligned bounce buffer and is then copied up with 32-bit
; addressing in unreal mode. Unreal mode is re-entered before every copy
; because a BIOS call may reload the segment registers' hidden limits.
; The copy moves 64 bytes an iteration through SSE registers: under an
; emulator a guest instruction costs about the same whatever it moves, and
; this loop runs for every byte loaded (64 MiB over virtio under QEMU's TCG:
; 54 ms against 169 with rep movsd, bench/README.md). SSE is on for the load
; only; CR0 and CR4 are put back after.
; When the kernel can be loaded in place (image header: kernel_room_pages),
; the pieces after it (modules, command lines) go that far from 1 MiB
; instead of on its next page, so that its BSS has the pages between; the
; hole's size goes to stage 4 in the hand-off record (0: the kernel is
; copied, or there is no room for the hole).
; A load that takes more than a second shows its progress, a percentage
; redrawn in place (carriage return) on the screen and COM1, at most twice
; a second.

BITS 16

%include "handoff.inc"

extern _kernel_lba, _kernel_sectors, _kernel_start_addr, _image_header
extern handoff_record, dap, read_sectors, print, print_error, print_hex
extern halt_with, halt_newline, gdt_descriptor, print_decimal
global load_kernel

%define BOUNCE_SEGMENT 0x7000
%define MAX_SECTORS    127
%define BIOS_TICKS     0x46c        ; BIOS data area: timer ticks, 18.2 a second
%define TICKS_QUIET    18           ; no progress for the first second
%define TICKS_BETWEEN  9            ; then at most one line every half second
%define PAGE_SIZE      4096
%define CR0_MP         (1 << 1)
%define CR0_EM         (1 << 2)
%define CR0_TS         (1 << 3)
%define CR4_OSFXSR     (1 << 9)

section .stage2 progbits alloc exec

load_kernel:
    call check_kernel_fits
    call sse_on
    mov eax, _kernel_lba
    mov [dap + disk_address_packet.lba], eax
    mov dword [dap + disk_address_packet.lba + 4], 0
    mov word [dap + disk_address_packet.offset], 0
    mov word [dap + disk_address_packet.segment], BOUNCE_SEGMENT
    mov edi, _kernel_start_addr
    mov ebp, _kernel_sectors
    mov eax, [BIOS_TICKS]
    mov [load_start_tick], eax
    mov [progress_tick], eax
.next:
    mov ecx, MAX_SECTORS
    cmp ebp, ecx
    jae .to_hole
    mov ecx, ebp
.to_hole:                       ; no read runs past the kernel's piece into the hole
    mov eax, [sectors_to_hole]
    test eax, eax
    jz .count
    cmp ecx, eax
    jbe .count
    mov ecx, eax
.count:
    mov [dap + disk_address_packet.count], cx
    call read_sectors
    jc disk_error
    call enter_unreal
    call copy_up
    add [dap + disk_address_packet.lba], ecx
    sub ebp, ecx
    jz .loaded
    cmp dword [sectors_to_hole], 0
    je .progress
    sub [sectors_to_hole], ecx
    jnz .progress
    add edi, [handoff_record + bios_handoff.kernel_hole]
.progress:
    call show_progress
    jmp .next
.loaded:
    call sse_off
    cmp byte [progress_shown], 0
    je .message
    mov si, msg_return          ; over the progress line
    call print
.message:
    mov si, msg_loaded
    call print
    mov eax, _kernel_sectors
    mov cl, 8
    call print_hex
    mov si, msg_sectors
    call print
    ret

; copy_up: ECX sectors from the bounce buffer to EDI (advanced past them),
; 64 bytes an iteration; ECX is kept.
copy_up:
    push ecx
    mov esi, BOUNCE_SEGMENT << 4
    shl ecx, 3                  ; sectors to 64-byte blocks
.block:
    movups xmm0, [esi]
    movups xmm1, [esi + 16]
    movups xmm2, [esi + 32]
    movups xmm3, [esi + 48]
    movups [edi], xmm0
    movups [edi + 16], xmm1
    movups [edi + 32], xmm2
    movups [edi + 48], xmm3
    add esi, 64
    add edi, 64
    dec ecx
    jnz .block
    pop ecx
    ret

; sse_on: SSE instructions for the copy (CR4.OSFXSR, CR0.MP without EM or TS), the
; BIOS's CR0 and CR4 kept for sse_off. Every long-mode CPU has SSE2, and
; check_cpu has made sure of long mode.
sse_on:
    mov eax, cr0
    mov [saved_cr0], eax
    and al, ~(CR0_EM | CR0_TS)
    or al, CR0_MP
    mov cr0, eax
    mov eax, cr4
    mov [saved_cr4], eax
    or eax, CR4_OSFXSR
    mov cr4, eax
    ret

sse_off:
    mov eax, [saved_cr4]
    mov cr4, eax
    mov eax, [saved_cr0]
    mov cr0, eax
    ret

; show_progress: "embedboot: stage 2: loading the kernel image: N %" from
; the start of the line, once the load has taken a second, then every half
; second. EBP = sectors still to read.
show_progress:
    pushad
    mov eax, [BIOS_TICKS]
    mov ebx, eax
    sub ebx, [load_start_tick]
    cmp ebx, TICKS_QUIET
    jb .done
    mov ebx, eax
    sub ebx, [progress_tick]
    cmp ebx, TICKS_BETWEEN
    jb .done
    mov [progress_tick], eax
    mov byte [progress_shown], 1
    mov eax, _kernel_sectors    ; done * 100 / total: fits 32 bits below 40M sectors
    sub eax, ebp
    mov ecx, 100
    mul ecx
    mov ecx, _kernel_sectors
    div ecx
    mov si, msg_progress
    call print
    call print_decimal          ; AX: 0-99
    mov si, msg_percent
    call print
.done:
    popad
    ret

; check_kernel_fits: the blob must lie in one usable E820 region that starts
; at or below 1 MiB; stage 4 checks the rest with the sanitised map. The
; hole after the kernel's piece is made only where it fits too.
check_kernel_fits:
    mov dword [handoff_record + bios_handoff.kernel_hole], 0   ; lowbss: not zeroed
    mov si, handoff_record + bios_handoff.e820
    mov cx, [handoff_record + bios_handoff.e820_count]
    xor edx, edx                ; best: bytes available from 1 MiB
.entry:
    cmp dword [si + e820_entry.type], 1     ; usable
    jne .skip
    cmp dword [si + e820_entry.base + 4], 0 ; starts below 4 GiB
    jne .skip
    mov eax, [si + e820_entry.base]
    cmp eax, _kernel_start_addr
    ja .skip
    mov ebx, eax                ; end = base + length, clamped to 4 GiB
    add ebx, [si + e820_entry.length]
    jc .big
    cmp dword [si + e820_entry.length + 4], 0
    je .end
.big:
    mov ebx, 0xffffffff
.end:
    sub ebx, _kernel_start_addr
    jbe .skip
    cmp ebx, edx
    jbe .skip
    mov edx, ebx
.skip:
    add si, e820_entry_size
    loop .entry

    mov eax, _kernel_sectors
    shl eax, 9                  ; below 4 GiB - 1 MiB: mkheader refuses more
    cmp edx, eax
    jae choose_hole             ; EDX - EAX: the room beyond the blob
    push edx
    push eax
    mov si, msg_no_room
    call print_error
    pop eax
    mov cl, 8
    call print_hex
    mov si, msg_no_room2
    call print
    pop eax
    call print_hex
    mov si, msg_no_room3
    call print
    jmp halt_newline

; choose_hole: the hole after the kernel's piece, kernel_room_pages pages
; less the piece's own, if the EDX - EAX bytes beyond the blob hold it; the
; piece's sectors, where the load turns to the pieces after the hole.
choose_hole:
    sub edx, eax
    mov eax, [_image_header + image_header.kernel_size]
    add eax, PAGE_SIZE - 1      ; the piece: the kernel's bytes to the page
    and eax, -PAGE_SIZE         ; (the blob fits below 4 GiB, so the kernel does)
    mov ecx, [_image_header + image_header.kernel_room_pages]
    cmp ecx, 1 << (32 - 12)     ; 4 GiB or more: no hole in 32-bit memory
    jae .none
    shl ecx, 12
    sub ecx, eax                ; the hole: the room beyond the piece
    jbe .none
    cmp ecx, edx
    ja .none
    mov [handoff_record + bios_handoff.kernel_hole], ecx
    shr eax, 9
    mov [sectors_to_hole], eax
.none:
    ret

; disk_error: AH = BIOS status; the LBA is still in dap.
disk_error:
    mov si, msg_disk
    call print_error
    shl eax, 16
    mov cl, 2
    call print_hex
    mov si, msg_lba
    call print
    mov eax, [dap + disk_address_packet.lba]
    mov cl, 8
    call print_hex
    jmp halt_newline

; enter_unreal: load DS and ES with flat 4 GiB descriptors, back in real
; mode. Their hidden limits stay 4 GiB until something reloads them in
; protected mode.
enter_unreal:
    push eax
    cli
    o32 lgdt [gdt_descriptor]
    mov eax, cr0
    or al, 1
    mov cr0, eax
    jmp short .pm               ; serialise
.pm:
    push word SEL_DATA
    pop ds
    push word SEL_DATA
    pop es
    and al, 0xfe
    mov cr0, eax
    xor ax, ax
    mov ds, ax
    mov es, ax
    sti
    pop eax
    ret

sectors_to_hole: dd 0           ; left to read before the hole; 0: no hole (any more)
saved_cr0:       dd 0
saved_cr4:       dd 0
load_start_tick: dd 0
progress_tick:   dd 0
progress_shown:  db 0
msg_progress: db 13, "embedboot: stage 2: loading the kernel image: ", 0
msg_percent:  db " %", 0
msg_return:   db 13, 0
msg_loaded:   db "embedboot: stage 2: kernel image loaded at 1 MiB, 0x", 0
msg_sectors:  db " sectors", 13, 10, 0
msg_disk:     db "disk read failed, BIOS status 0x", 0
msg_lba:      db " at LBA 0x", 0
msg_no_room:  db "not enough memory for the kernel image: needs 0x", 0
msg_no_room2: db " bytes of usable RAM at 1 MiB, the BIOS reports 0x", 0
msg_no_room3: db " bytes there", 0
