/* The physical memory map: raw firmware entries in, a clean list out
 * (sorted, non-overlapping, merged), then marked with what the loader did. */
#ifndef MEMMAP_H
#define MEMMAP_H

#include <stdint.h>

#include "../include/embedboot.h"

#define MEMMAP_MAX 1024      /* regions in any map the loader builds */

struct memmap {
    struct embedboot_memory_region *region;
    unsigned count, capacity;
    struct embedboot_memory_region *scratch;   /* `capacity` entries for memmap_mark;
                                                   NULL: the map is never marked */
};

struct raw_region {
    uint64_t base, length;
    uint32_t type;           /* firmware type (E820 or UEFI) */
};

/* Kind for a raw E820 type: 1-5 map to themselves, others are UNKNOWN. */
uint32_t memmap_kind_of_e820(uint32_t type);

/* Kind for a UEFI memory type, after ExitBootServices. */
uint32_t memmap_kind_of_efi(uint32_t type);

/* Build a clean map from raw entries in any order, overlapping, empty or
 * wrapping. Where entries overlap, the more restrictive kind wins (usable <
 * bootloader < ACPI reclaimable < ACPI NVS < unknown < reserved < bad). Returns 0, or -1
 * if the result would not fit in the capacity. */
int memmap_sanitise(struct memmap *map, const struct raw_region *raw, unsigned n);

/* The same for another firmware's types (UEFI's), with its own kinds. */
int memmap_sanitise_kinds(struct memmap *map, const struct raw_region *raw, unsigned n,
                          uint32_t (*kind_of)(uint32_t type));

/* dst = src. Returns 0, or -1 if src does not fit. */
int memmap_copy(struct memmap *dst, const struct memmap *src);

/* The E820 type a kernel of another protocol (Linux, Multiboot) gets for a
 * region of the final map: every kind the loader made is RAM (1) again,
 * the firmware's kinds keep their meaning, the framebuffer is left out (0).
 * Unknown kinds keep their E820 type on BIOS and are reserved on UEFI. */
uint32_t memmap_e820_type(const struct embedboot_memory_region *r, uint32_t firmware);

/* The end of the highest region (0 for an empty map). */
uint64_t memmap_end(const struct memmap *map);

/* Give [start, end) the kind `kind`. With only_kind != 0, only the parts
 * that currently have that kind change; otherwise everything in the range
 * does, and holes in it become new regions. Works in map->scratch. Returns 0
 * or -1 (no room, or no scratch space). */
int memmap_mark(struct memmap *map, uint64_t start, uint64_t end, uint32_t kind,
                uint32_t only_kind);

#endif
