/* The ELF structures embedboot reads (our own copy: stage 4 has no libc):
 * ELF64 for native kernels, ELF32 too for Multiboot ones. */
#ifndef ELF_H_EMBEDBOOT
#define ELF_H_EMBEDBOOT

#include <stdint.h>

struct elf64_ehdr {
    uint8_t  e_ident[16];
    uint16_t e_type;
    uint16_t e_machine;
    uint32_t e_version;
    uint64_t e_entry;
    uint64_t e_phoff;
    uint64_t e_shoff;
    uint32_t e_flags;
    uint16_t e_ehsize;
    uint16_t e_phentsize;
    uint16_t e_phnum;
    uint16_t e_shentsize;
    uint16_t e_shnum;
    uint16_t e_shstrndx;
};

struct elf64_phdr {
    uint32_t p_type;
    uint32_t p_flags;
    uint64_t p_offset;
    uint64_t p_vaddr;
    uint64_t p_paddr;
    uint64_t p_filesz;
    uint64_t p_memsz;
    uint64_t p_align;
};

struct elf64_shdr {
    uint32_t sh_name;
    uint32_t sh_type;
    uint64_t sh_flags;
    uint64_t sh_addr;
    uint64_t sh_offset;
    uint64_t sh_size;
    uint32_t sh_link;
    uint32_t sh_info;
    uint64_t sh_addralign;
    uint64_t sh_entsize;
};

struct elf32_ehdr {
    uint8_t  e_ident[16];
    uint16_t e_type;
    uint16_t e_machine;
    uint32_t e_version;
    uint32_t e_entry;
    uint32_t e_phoff;
    uint32_t e_shoff;
    uint32_t e_flags;
    uint16_t e_ehsize;
    uint16_t e_phentsize;
    uint16_t e_phnum;
    uint16_t e_shentsize;
    uint16_t e_shnum;
    uint16_t e_shstrndx;
};

struct elf32_phdr {
    uint32_t p_type;
    uint32_t p_offset;
    uint32_t p_vaddr;
    uint32_t p_paddr;
    uint32_t p_filesz;
    uint32_t p_memsz;
    uint32_t p_flags;
    uint32_t p_align;
};

struct elf32_shdr {
    uint32_t sh_name;
    uint32_t sh_type;
    uint32_t sh_flags;
    uint32_t sh_addr;
    uint32_t sh_offset;
    uint32_t sh_size;
    uint32_t sh_link;
    uint32_t sh_info;
    uint32_t sh_addralign;
    uint32_t sh_entsize;
};

/* A symbol table entry (the fault catcher's function names). */
struct elf64_sym {
    uint32_t st_name;
    uint8_t  st_info, st_other;
    uint16_t st_shndx;
    uint64_t st_value, st_size;
};

/* A relocatable kernel's dynamic section and relocations (c/elf_reloc.c). */
struct elf64_dyn {
    int64_t  d_tag;
    uint64_t d_val;
};

struct elf64_rela {
    uint64_t r_offset;       /* the link-time address it patches */
    uint64_t r_info;         /* symbol index << 32 | type */
    int64_t  r_addend;
};

_Static_assert(sizeof(struct elf64_ehdr) == 64 && sizeof(struct elf64_phdr) == 56 &&
               sizeof(struct elf64_shdr) == 64 && sizeof(struct elf64_sym) == 24 &&
               sizeof(struct elf64_dyn) == 16 && sizeof(struct elf64_rela) == 24,
               "ELF64 layouts");
_Static_assert(sizeof(struct elf32_ehdr) == 52 && sizeof(struct elf32_phdr) == 32 &&
               sizeof(struct elf32_shdr) == 40, "ELF32 layouts");

#define EI_CLASS    4
#define EI_DATA     5
#define EI_VERSION  6
#define ELFCLASS32  1
#define ELFCLASS64  2
#define ELFDATA2LSB 1
#define EV_CURRENT  1
#define ET_EXEC     2
#define ET_DYN      3
#define EM_X86_64   62
#define PT_LOAD     1
#define PT_DYNAMIC  2
#define PT_TLS      7
#define SHT_SYMTAB  2
#define SHT_NOBITS  8
#define STT_FUNC    2           /* st_info & 0xf */
#define STB_WEAK    2           /* st_info >> 4 */
#define SHN_UNDEF   0
#define SHN_ABS     0xfff1
/* Dynamic section tags */
#define DT_NULL     0
#define DT_PLTRELSZ 2
#define DT_STRTAB   5
#define DT_SYMTAB   6
#define DT_RELA     7
#define DT_RELASZ   8
#define DT_RELAENT  9
#define DT_STRSZ    10
#define DT_SYMENT   11
#define DT_REL      17
#define DT_RELSZ    18
#define DT_PLTREL   20
#define DT_JMPREL   23
#define DT_RELR     36
/* x86-64 relocation types embedboot applies (c/elf_reloc.c names the rest) */
#define R_X86_64_NONE      0
#define R_X86_64_64        1
#define R_X86_64_GLOB_DAT  6
#define R_X86_64_RELATIVE  8
#define PF_X        1
#define PF_W        2
#define PF_R        4

#endif
