/* The boot information of the Rust `bootloader` crate v0.9 (as v0.9.33
 * lays it out), which embedboot gives an ELF kernel built with
 * BOOT_INFO=bootloader-0.9, or whose Cargo.toml depends on bootloader 0.9:
 * `rdi` points at it, as the crate's `&'static BootInfo`. For kernels in C
 * that read it, and for embedboot itself. All fields little-endian.
 *
 * The crate's `#[repr(C)] struct BootInfo` has fields that exist only with
 * some crate features, so what follows the memory map moves:
 *
 *     struct bl09_memory_map memory_map;       offset 0, 1544 bytes
 *     u64 recursive_page_table_addr;           only with recursive_page_table
 *     u64 physical_memory_offset;              only with map_physical_memory
 *     struct bl09_tls_template tls_template;   all zero without a TLS segment
 *     u8 non_exhaustive;                       0, then padding to 8 bytes
 *
 * bl09_tls_offset() and bl09_boot_info_size() give the places. */
#ifndef EMBEDBOOT_BOOTLOADER_0_9_H
#define EMBEDBOOT_BOOTLOADER_0_9_H

#include <stdint.h>

#define BL09_MEMORY_MAP_ENTRIES 64
#define BL09_FRAME_SIZE         4096

/* MemoryRegionType, a C-like enum: the same numbers, in the same order. */
enum bl09_region_type {
    BL09_USABLE = 0,
    BL09_IN_USE = 1,
    BL09_RESERVED = 2,
    BL09_ACPI_RECLAIMABLE = 3,
    BL09_ACPI_NVS = 4,
    BL09_BAD_MEMORY = 5,
    BL09_KERNEL = 6,
    BL09_KERNEL_STACK = 7,
    BL09_PAGE_TABLE = 8,
    BL09_BOOTLOADER = 9,
    BL09_FRAME_ZERO = 10,
    BL09_EMPTY = 11,                 /* the unused entries after next_entry_index */
    BL09_BOOT_INFO = 12,
    BL09_PACKAGE = 13,               /* embedboot: a module (MODULES=), not given here */
};

/* FrameRange and the type: frames [start, end) of 4 KiB. */
struct bl09_memory_region {
    uint64_t start_frame_number;
    uint64_t end_frame_number;       /* exclusive */
    uint32_t region_type;            /* enum bl09_region_type */
    uint32_t padding;
};

struct bl09_memory_map {
    struct bl09_memory_region entries[BL09_MEMORY_MAP_ENTRIES];
    uint64_t next_entry_index;       /* the regions in use, sorted by start */
};

struct bl09_tls_template {
    uint64_t start_addr;             /* virtual */
    uint64_t file_size;
    uint64_t mem_size;
};

/* The crate features that change the layout (Cargo features of the
 * bootloader dependency; embedboot's FEATURES of the same names). */
#define BL09_RECURSIVE_PAGE_TABLE  (1u << 0)
#define BL09_MAP_PHYSICAL_MEMORY   (1u << 1)

#define BL09_MEMORY_MAP_SIZE 1544u

static inline unsigned bl09_recursive_offset(void)
{
    return BL09_MEMORY_MAP_SIZE;
}

static inline unsigned bl09_physical_memory_offset_offset(unsigned features)
{
    return BL09_MEMORY_MAP_SIZE + ((features & BL09_RECURSIVE_PAGE_TABLE) ? 8u : 0u);
}

static inline unsigned bl09_tls_offset(unsigned features)
{
    return bl09_physical_memory_offset_offset(features) +
           ((features & BL09_MAP_PHYSICAL_MEMORY) ? 8u : 0u);
}

static inline unsigned bl09_boot_info_size(unsigned features)
{
    return (bl09_tls_offset(features) + (unsigned)sizeof(struct bl09_tls_template) + 1u + 7u) & ~7u;
}

_Static_assert(sizeof(struct bl09_memory_region) == 24, "MemoryRegion");
_Static_assert(sizeof(struct bl09_memory_map) == BL09_MEMORY_MAP_SIZE, "MemoryMap");
_Static_assert(sizeof(struct bl09_tls_template) == 24, "TlsTemplate");

#endif
