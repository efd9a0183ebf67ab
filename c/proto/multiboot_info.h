/* The Multiboot 1 and Multiboot2 information structures, built from what
 * the core knows, into one area below 4 GiB. Pure: the host tests run it. */
#ifndef MULTIBOOT_INFO_H
#define MULTIBOOT_INFO_H

#include "../boot_build.h"
#include "../multiboot.h"

#define MB_LOADER_NAME "embedboot"

struct mb_info_input {
    const struct boot_machine *machine;   /* firmware, framebuffer, RSDP, EFI tables */
    const struct memmap *map;             /* the final firmware map, unmarked */
    const char *cmdline;
    unsigned module_count;
    struct mb_info_module {
        uint64_t start, size;
        const char *cmdline;
    } module[IMAGE_MODULES_MAX];
    const uint8_t *shdrs;                 /* the ELF section headers, or NULL */
    uint32_t shnum, shentsize, shstrndx;
    uint64_t load_base;                   /* the lowest address loaded */
    int efi_boot_services;                /* entered with boot services running: tag 18 */
};

/* The information for `version` (1 or 2) at `area` (identity-mapped:
 * its address is physical), at most `capacity` bytes. Returns the
 * structure's physical address, or 0 if it does not fit. */
uint64_t multiboot_build_info(int version, void *area, uint64_t capacity,
                              const struct mb_info_input *in);

/* Bytes the information may take at most for this input's sizes. */
uint64_t multiboot_info_bound(const struct mb_info_input *in, unsigned max_regions,
                              uint64_t efi_memmap_bytes);

#endif
