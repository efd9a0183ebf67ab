; The initrd object of an image without INITRD: an empty .initrd and the
; symbols an embedded initrd would have (the Makefile archives this in its
; place), so the loader links the same way with or without one.

section .initrd progbits alloc noexec nowrite align=1
global _initrd_start_addr, _initrd_end_addr, _initrd_size
_initrd_start_addr:
_initrd_end_addr:
_initrd_size equ 0
