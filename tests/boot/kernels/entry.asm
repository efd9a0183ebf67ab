; Test-kernel entry and fault probes.
;
; _start records the entry state exactly as embedboot left it, then jumps
; (not calls) to kmain so kmain sees the same stack. The exception stubs let
; kmain probe an address: a fault during a probe is recorded and execution
; resumes after it; any other exception is reported and fails the test.

BITS 64

extern kmain, unexpected_exception
global _start, entry_state, exception_stubs, probe

section .text.entry progbits alloc exec

_start:
    mov [rel entry_state + 0], rsp
    mov [rel entry_state + 8], rbp
    mov rax, [rsp]
    mov [rel entry_state + 16], rax         ; return address
    pushfq
    pop rax
    mov [rel entry_state + 24], rax         ; rflags
    mov [rel entry_state + 32], rsi         ; the rest should all be zero
    mov [rel entry_state + 40], rbx
    mov [rel entry_state + 48], rcx
    mov [rel entry_state + 56], rdx
    mov [rel entry_state + 64], r8
    mov [rel entry_state + 72], r15
    mov [rel entry_state + 80], rdi
    xor eax, eax
    jmp kmain

; int probe(int kind, void *addr): kind 0 = read a byte, 1 = write it back,
; 2 = call it (it should hold a `ret`). Returns 1 if the access faulted.
probe:
    lea rax, [rel .faulted]
    mov [rel resume_rip], rax
    mov [rel resume_rsp], rsp
    mov byte [rel probing], 1
    cmp edi, 1
    je .write
    ja .exec
    mov al, [rsi]
    jmp .done
.write:
    mov al, [rsi]
    mov [rsi], al
    jmp .done
.exec:
    call rsi
.done:
    mov byte [rel probing], 0
    xor eax, eax
    ret
.faulted:
    mov byte [rel probing], 0
    mov eax, 1
    ret

%assign i 0
%rep 32
stub%[i]:
%if i != 8 && i != 10 && i != 11 && i != 12 && i != 13 && i != 14 && i != 17
    push 0                                  ; no error code from the CPU
%endif
    push i
    jmp exception_common
%assign i i + 1
%endrep

exception_common:                           ; vector, error, rip, cs, rflags, rsp, ss
    cmp byte [rel probing], 0
    je .unexpected
    mov rax, [rel resume_rip]
    mov [rsp + 16], rax
    mov rax, [rel resume_rsp]
    mov [rsp + 40], rax
    add rsp, 16
    iretq
.unexpected:
    mov rdi, [rsp]
    mov rsi, [rsp + 16]
    mov rdx, [rsp + 8]
    mov rcx, cr2
    and rsp, -16
    call unexpected_exception               ; does not return

section .data.rel.ro                        ; pointers: relocated in a relocatable kernel
exception_stubs:
%assign i 0
%rep 32
    dq stub%[i]
%assign i i + 1
%endrep

section .bss
entry_state: resq 12
resume_rip:  resq 1
resume_rsp:  resq 1
probing:     resb 1
