/* A Multiboot kernel's header and load plan, shared by the host checks
 * (embed/kcheck.c, embed/mkheader.c) and the core: which header (2 before
 * 1, unless forced), what it asks for, and where each piece of the file
 * goes in physical memory (ELF32/ELF64 segments by p_paddr, or the address
 * fields of the "a.out kludge"). */
#ifndef MULTIBOOT_IMAGE_H
#define MULTIBOOT_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "multiboot.h"

#define MB_MAX_PIECES 16

enum mb_error {
    MB_OK,
    MB_BAD_CHECKSUM,          /* a magic with a bad checksum, and no valid header */
    MB_ARCHITECTURE,          /* MB2 for another architecture */
    MB_HEADER_TRUNCATED,      /* header_length or a tag runs past the file or the header */
    MB_REQUIRED_FLAGS,        /* MB1 requirement bits embedboot does not know */
    MB_UNKNOWN_TAG,           /* a required MB2 header tag embedboot does not know */
    MB_UNSUPPORTED_TAG,       /* a required MB2 header tag embedboot does not do */
    MB_UNSUPPORTED_REQUEST,   /* a required information request embedboot cannot give */
    MB_ADDRESS_FIELDS,        /* address fields outside the file or inconsistent */
    MB_NOT_LOADABLE,          /* neither ELF nor address fields */
    MB_ELF,                   /* a malformed ELF */
    MB_TOO_MANY_PIECES,
    MB_PIECE_LOW,             /* below 1 MiB, which the loader keeps */
    MB_PIECE_HIGH,            /* not below 4 GiB: a 32-bit kernel */
    MB_ENTRY,                 /* the entry point is not in what is loaded, or above 4 GiB */
    MB_SECTION_HEADERS,       /* the ELF section header table is malformed */
    MB_SECTION,               /* a section to load lies outside the file */
};

struct mb_result {
    enum mb_error error;
    uint64_t value, limit;
};

/* One piece of the kernel in physical memory: file bytes, then zeroes. */
struct mb_piece {
    uint64_t phys, offset, filesz, memsz;
};

struct multiboot_image {
    int version;                      /* 1 or 2 */
    uint64_t header_offset;           /* in the file */
    uint32_t mb1_flags;
    uint32_t requests_required;       /* MB2 information tags asked for, bit per type (< 32) */
    uint32_t requests_optional;
    int page_align_modules;
    int want_framebuffer;             /* MB1 video flag, or the MB2 framebuffer tag */
    uint32_t fb_width, fb_height, fb_depth;
    int want_text;                    /* MB1 mode_type 1: EGA text */
    uint64_t entry;                   /* 32-bit, physical */
    uint64_t load_start, load_end;    /* the pieces' span */
    unsigned count;
    struct mb_piece piece[MB_MAX_PIECES];
    int elf;                          /* loaded from ELF (ELF sections can be given) */
    int elf64;                        /* ELFCLASS64 (Multiboot kernels may be either) */
    uint64_t shoff;                   /* the section headers in the file; shnum 0: none */
    unsigned shnum, shentsize, shstrndx;
    uint64_t sections_size;           /* bytes for the sections no segment loads */
    int efi_boot_services;            /* MB2 tag 7: enter with boot services running */
    uint64_t efi64_entry;             /* MB2 tag 9: the 64-bit EFI entry, or 0 */
};

/* The MB2 information tags embedboot can give (bit per type). */
#define MB2_GIVABLE ((1u << MB2_TAG_CMDLINE) | (1u << MB2_TAG_LOADER_NAME) | \
                     (1u << MB2_TAG_MODULE) | (1u << MB2_TAG_BASIC_MEMINFO) | \
                     (1u << MB2_TAG_MMAP) | (1u << MB2_TAG_FRAMEBUFFER) | \
                     (1u << MB2_TAG_ELF_SECTIONS) | (1u << MB2_TAG_ACPI_OLD) | \
                     (1u << MB2_TAG_ACPI_NEW) | (1u << MB2_TAG_EFI64) | \
                     (1u << MB2_TAG_EFI_MMAP) | (1u << MB2_TAG_EFI64_IH) | \
                     (1u << MB2_TAG_LOAD_BASE_ADDR))

/* Whether the file has a Multiboot header (a magic, valid or not) within
 * the search ranges. */
int multiboot_present(const uint8_t *file, uint64_t size);

/* The header (MB2 first, MB1 with force_v1) and the load plan. 0, or -1
 * with the reason in *why. */
int multiboot_check(const uint8_t *file, uint64_t size, int force_v1,
                    struct multiboot_image *mb, struct mb_result *why);

/* One ELF32 or ELF64 section header, widened. */
struct mb_section {
    uint32_t type;
    uint64_t addr, offset, size, align;
};

/* Section i of the table at shdrs (mb's class and entry size). */
struct mb_section multiboot_section(const struct multiboot_image *mb, const uint8_t *shdrs,
                                    unsigned i);
void multiboot_section_set_addr(const struct multiboot_image *mb, uint8_t *shdrs, unsigned i,
                                uint64_t addr);

/* Whether section i is one the loader loads besides the segments, as
 * GRUB does: not the null section, not allocated (sh_addr 0), with bytes
 * in the file. */
int multiboot_section_loaded(unsigned i, const struct mb_section *s);

/* The section's offset in the one area that holds all such sections, in
 * table order, each at its alignment (up to a page); *used grows. */
uint64_t multiboot_section_place(const struct mb_section *s, uint64_t *used);

void multiboot_error_message(const struct mb_result *r, char *buf, size_t n);

#endif
