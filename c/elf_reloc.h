/* A relocatable (ET_DYN) kernel's dynamic relocations. The ELF checks
 * (host and boot) find and check them: every table inside the file's
 * loaded data, every type one embedboot applies (R_X86_64_RELATIVE, _64
 * and _GLOB_DAT), every target inside a segment, every symbol defined.
 * Once the base is chosen, the plan is slid to it and the loader writes
 * each value into the kernel's frames (kernel_relocate, kernel_load.h). */
#ifndef ELF_RELOC_H
#define ELF_RELOC_H

#include <stdint.h>

#include "elf.h"

/* Where the relocations are, as file offsets of the checked kernel. */
struct elf_relocs {
    uint64_t rela, rela_count;           /* DT_RELA */
    uint64_t plt, plt_count;             /* DT_JMPREL (RELA too) */
    uint64_t symtab, symtab_end;         /* DT_SYMTAB, and the end of its segment's file data */
    uint64_t relative, absolute, got;    /* how many of each type: RELATIVE, 64, GLOB_DAT */
};

struct load_plan;
struct elf_result;

/* Check the relocations the PT_DYNAMIC segment `dynamic` (program header
 * `index`) describes and record them in plan->relocs; the plan's segments
 * are already checked. 0, or -1 with the reason in *r. */
int elf_reloc_check(const uint8_t *image, uint64_t size, const struct elf64_phdr *dynamic,
                    unsigned index, struct load_plan *plan, struct elf_result *r);

/* How many relocation entries there are (both tables), and entry i. */
uint64_t elf_reloc_count(const struct load_plan *plan);
/* How many of them write something (all but R_X86_64_NONE). */
uint64_t elf_reloc_applied(const struct load_plan *plan);

struct elf64_rela elf_reloc_entry(const uint8_t *image, const struct load_plan *plan, uint64_t i);

/* The 8 bytes a checked relocation of type RELATIVE, 64 or GLOB_DAT
 * writes when the kernel lies `slide` bytes above its link address. */
uint64_t elf_reloc_value(const uint8_t *image, const struct load_plan *plan,
                         const struct elf64_rela *rela, uint64_t slide);

/* Move the plan's addresses (segments, entry, span, TLS template) by
 * `slide`, a multiple of plan->align. */
void load_plan_slide(struct load_plan *plan, uint64_t slide);

/* "R_X86_64_JUMP_SLOT", or "an unknown type". */
const char *elf_reloc_name(uint64_t type);

#endif
