/* The Rust bootloader crate v0.9's boot information (include/
 * bootloader_0_9.h), from what the core decided: its memory map of 4 KiB
 * frames and types, and the feature-dependent fields. Pure: the host
 * tests run it. */
#ifndef BOOTLOADER09_INFO_H
#define BOOTLOADER09_INFO_H

#include <stdint.h>

#include "../../include/bootloader_0_9.h"
#include "../memmap.h"

struct bl09_input {
    const struct memmap *map;             /* the final map, sorted, non-overlapping */
    unsigned features;                    /* BL09_RECURSIVE_PAGE_TABLE, BL09_MAP_PHYSICAL_MEMORY */
    uint64_t recursive_page_table_addr;   /* the PML4's address through the recursive entry */
    uint64_t physical_memory_offset;
    struct bl09_tls_template tls;         /* zero without a TLS segment */
};

/* The crate's type for one of the core's memory kinds; -1 for a region
 * the crate's map never had (the framebuffer, which is not RAM). */
int bl09_region_type(uint32_t kind);

/* The map as the crate gives it, into `out` (room for `capacity`, at least
 * the map's count + 1): frame 0 its own FrameZero region, usable regions
 * shrunk to whole frames and the others grown to them (usable memory gives
 * way where they then overlap), touching neighbours of one type joined;
 * beyond 64 regions, reserved, ACPI NVS and bad regions are joined across
 * the holes between them (the kernel never uses any of those). Returns the
 * count, which may still exceed 64. */
unsigned bl09_convert_map(const struct bl09_input *in, struct bl09_memory_region *out,
                          unsigned capacity);

/* The whole structure at `info` (8-aligned, bl09_boot_info_size(features)
 * bytes).
 * 0, or the number of regions needed when more than 64. */
unsigned bl09_fill(void *info, const struct bl09_input *in, struct bl09_memory_region *scratch,
                   unsigned scratch_capacity);

#endif
