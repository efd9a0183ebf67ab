/* Kernel ELF validation and load plan: the same code runs on the host when
 * the image is built (embed/kcheck.c) and in stage 4 before loading. */
#ifndef ELF_CHECK_H
#define ELF_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "elf.h"
#include "elf_reloc.h"
#include "page.h"

#define ELF_MAX_PHDRS     128            /* more is refused as absurd */
#define KERNEL_MIN_VADDR  0x100000ull    /* below 1 MiB belongs to the loader */
#define KERNEL_MAX_SIZE   (1ull << 30)   /* blob bytes; stage 2 loads below 4 GiB */

enum elf_error {
    ELF_OK,
    ELF_TOO_LARGE,
    ELF_TRUNCATED,
    ELF_NOT_ELF,
    ELF_CLASS32,
    ELF_BIG_ENDIAN,
    ELF_BAD_VERSION,
    ELF_NOT_X86_64,
    ELF_BAD_TYPE,
    ELF_BAD_PHENTSIZE,
    ELF_TOO_MANY_PHDRS,
    ELF_PHDRS_OUTSIDE,
    ELF_NO_LOAD,
    ELF_SEG_PAST_EOF,
    ELF_SEG_FILESZ,
    ELF_SEG_WRAPS,
    ELF_SEG_NONCANONICAL,
    ELF_SEG_LOW,
    ELF_SEG_OVERLAP,
    ELF_ENTRY_NOT_EXEC,
    ELF_MULTIPLE_TLS,
    ELF_DYNAMIC_OUTSIDE,     /* relocatable kernels (c/elf_reloc.c) from here */
    ELF_BAD_ALIGN,
    ELF_DYNAMIC_POINTER,
    ELF_DYNAMIC_ENTSIZE,
    ELF_DYNAMIC_REL,
    ELF_DYNAMIC_RELR,
    ELF_RELOC_TYPE,
    ELF_RELOC_TARGET,
    ELF_RELOC_SYMBOL,
    ELF_RELOC_UNDEFINED,
};

struct elf_result {
    enum elf_error error;
    unsigned index;          /* program header concerned */
    unsigned other;          /* the second one, for overlaps */
    uint64_t value;          /* the offending number (type, address, count) */
    uint64_t where;          /* a relocation's target address */
    char name[48];           /* a relocation's symbol */
};

struct load_segment {
    uint64_t vaddr, memsz;
    uint64_t offset, filesz;
    uint32_t flags;          /* PF_* */
    unsigned phdr;           /* its program header's index */
    uint64_t first_page;     /* index of its first page in the kernel's frames */
};

struct load_plan {
    uint64_t entry;
    uint64_t vstart, vend;   /* virtual span of all segments */
    uint64_t pages;          /* distinct pages, shared boundary pages once */
    unsigned count;          /* loadable, non-empty segments, sorted by vaddr */
    struct load_segment seg[ELF_MAX_PHDRS];
    int has_tls;
    struct elf64_phdr tls;
    int relocatable;         /* ET_DYN: placed at a base the loader picks */
    uint64_t align;          /* the largest PT_LOAD p_align, at least a page */
    struct elf_relocs relocs;
};

/* Validate `image` (size bytes) and fill `plan`. Returns 0 or -1 with the
 * reason in *r. Zero-size PT_LOAD segments are skipped, not refused. */
int elf_load_plan(const void *image, uint64_t size, struct load_plan *plan,
                  struct elf_result *r);

/* The segment holding [vaddr, vaddr + bytes), or 0. */
const struct load_segment *load_plan_segment(const struct load_plan *plan, uint64_t vaddr,
                                             uint64_t bytes);

/* Physical address of kernel byte `vaddr`, inside segment `s`, when the
 * kernel's pages start at frame address `base`. */
uint64_t load_plan_phys(const struct load_segment *s, uint64_t base, uint64_t vaddr);

/* Loading in place: when every segment's file data sits in the file at the
 * distance from the kernel's first frame that its frames would (the file is
 * page-congruent, as linkers lay out ELF files), the file's own pages can
 * be the kernel's frames and nothing is copied (c/kernel_load.c); only
 * gaps, page tails and BSS are zeroed, over file bytes no segment holds.
 * That saves a pass over the kernel and, under a hypervisor, the first
 * touch of as many fresh frames. Not for a relocatable kernel: its
 * relocations are read from the file while they are written into the
 * frames.
 *
 * The offset from the file's first byte at which the kernel's frames begin
 * when loaded in place (a multiple of the page size), or LOAD_NOT_IN_PLACE.
 * The frames end plan->pages pages later: the file must lie in at least
 * that much memory, its start page-aligned. */
#define LOAD_NOT_IN_PLACE UINT64_MAX
uint64_t load_plan_in_place_offset(const struct load_plan *plan);

/* The reason as one line of text ("program header 2: ..."). */
void elf_error_message(const struct elf_result *r, char *buf, size_t n);

/* ... for the relocation errors (c/elf_reloc.c). */
void elf_reloc_message(const struct elf_result *r, char *buf, size_t n);

/* Record error e in *r; returns -1. */
int elf_fail(struct elf_result *r, enum elf_error e, unsigned index, uint64_t value);

#endif
