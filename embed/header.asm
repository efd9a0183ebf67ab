; The image header and the command lines, as mkheader wrote them
; (HEADER, STRINGS: their files), in the sections linker.ld places:
; $(KDIR)/header.o, one assembler run.
section .image_header progbits alloc noexec nowrite align=16
global _image_header
_image_header:
    incbin HEADER

section .image_strings progbits alloc noexec nowrite align=1
global _image_strings
_image_strings:
    incbin STRINGS
