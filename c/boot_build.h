/* The firmware-neutral core: every decision about where things go.
 *
 * A boot flows one way. The front end (c/bios/, c/uefi/) describes the
 * machine; the core checks the kernel, sizes what the build needs, takes
 * frames from the free memory the front end names, loads and maps the
 * kernel and everything the contract maps beside it, and marks the final
 * memory map; the protocol back end (c/proto/) fills its hand-off and
 * enters the kernel. Physical addresses are pointers: both front ends run
 * identity-mapped. */
#ifndef BOOT_BUILD_H
#define BOOT_BUILD_H

#include <stdint.h>

#include "../include/embedboot.h"
#include "elf_check.h"
#include "frames.h"
#include "image_header.h"
#include "memmap.h"
#include "paging.h"

/* What the front end found out about the machine. */
struct boot_machine {
    uint32_t firmware;                 /* EMBEDBOOT_FIRMWARE_* */
    const char *log_name;              /* "stage 4", "uefi": the log lines' prefix */
    int nx, pages_1g, pat;             /* CPU features the loader uses */
    int has_framebuffer;
    struct embedboot_framebuffer fb;   /* physical; the core picks the virtual address */
    uint64_t fb_bytes;                 /* physical bytes it spans, whole pages */
    uint64_t rsdp;                     /* 0 if none */
    uint64_t handoff_start, handoff_end;  /* enter_kernel + GDT, identity-mapped */
    const struct memmap *memory;       /* the firmware's memory map, clean */
    unsigned memory_growth;            /* regions it may still gain before the final map */
};

/* Where the kernel's frames may come from: the usable regions of `map`
 * inside [low, high), except [taken_start, taken_end), which the loader
 * still uses (the BIOS blob) and the final map shows as the loader's.
 * What the build leaves of it is usable for the kernel. */
struct boot_free_memory {
    const struct memmap *map;
    uint64_t low, high;
    uint64_t taken_start, taken_end;
};

/* Everything the core decided. */
struct boot_layout {
    const struct image_header *hdr;
    const struct boot_machine *machine;
    struct load_plan plan;
    struct boot_free_memory free;
    struct frame_pool pool;
    struct pt_env pt;                  /* page tables from the pool */
    struct embedboot_memory_region map_scratch[MEMMAP_MAX];   /* for memmap_mark */
    unsigned max_regions;              /* the final memory map has at most these */
    uint64_t physical_top;             /* end of the highest firmware map region */
    uint64_t pml4;
    uint64_t kernel_phys;
    uint64_t stack_bottom, stack_top;
    uint64_t info_virt, info_phys, info_pages;
    uint64_t fb_virt;                  /* where the kernel sees the framebuffer */
    uint64_t phys_offset, phys_size;
    int phys_level;                    /* pages of the window: 0 4 KiB, 1 2 MiB, 2 1 GiB */
    uint64_t pages_needed;             /* frames the build takes at most */
    uint64_t recursive_index;
    int has_phys_map, has_recursive;
};

/* The blob's CRC against the header, then the ELF checks; panics on
 * failure. Fills layout->plan. */
void boot_check_kernel(struct boot_layout *layout, const struct image_header *hdr,
                       const uint8_t *blob, uint64_t size);

/* Only the ELF checks: for a kernel the header has no CRC for (UEFI,
 * KERNEL_ON_ESP). Fills layout->plan; panics on failure. */
void boot_check_elf(struct boot_layout *layout, const uint8_t *blob, uint64_t size);

/* After a check: size what the build needs on this machine and check the
 * configuration with the real sizes. Returns the frames the build takes at
 * most (the UEFI front end allocates that many). */
uint64_t boot_prepare(struct boot_layout *layout, const struct image_header *hdr,
                      const struct boot_machine *machine);

/* Take frames from `free`, check there are enough, load the kernel and
 * build its address space. Panics on failure. */
void boot_build(struct boot_layout *layout, const uint8_t *blob,
                const struct boot_free_memory *free);

/* The boot info's region array, empty, for the front end's final firmware
 * map (capacity layout->max_regions). */
struct memmap boot_info_regions(struct boot_layout *layout);

/* Mark the front end's final firmware map with what the build placed: the
 * first MiB is never usable, the taken range is the loader's, every frame
 * the pool gave out gets its kind and what it did not give out is usable,
 * the framebuffer its own. Panics if it no longer fits. */
void boot_finish_memory_map(struct boot_layout *layout, struct memmap *map);

/* The build's result on the log (the UEFI front end calls it while it can
 * still print on ConOut). */
void boot_log_layout(const struct boot_layout *layout);

#endif
