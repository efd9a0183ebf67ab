/* Building the kernel's world, firmware-neutral. The BIOS stage 4 and the
 * UEFI application each describe the machine and provide frames; this code
 * checks the kernel, loads and maps it, maps the stack, hand-off page,
 * framebuffer, boot info and optional windows, fills the boot info and
 * enters the kernel. Physical addresses are pointers (both firmware paths
 * run identity-mapped). */
#ifndef BOOT_BUILD_H
#define BOOT_BUILD_H

#include <stdint.h>

#include "../include/embedboot.h"
#include "elf_check.h"
#include "image_header.h"
#include "memmap.h"

/* What the front end found out about the machine. */
struct boot_machine {
    uint32_t firmware;                 /* EMBEDBOOT_FIRMWARE_* */
    const char *log_name;              /* "stage 4", "uefi": the log lines' prefix */
    int nx, pages_1g, pat;             /* CPU features the loader uses */
    int has_framebuffer;
    struct embedboot_framebuffer fb;   /* physical address, size and format */
    uint64_t fb_bytes;                 /* physical bytes it spans, whole pages */
    uint64_t rsdp;                     /* 0 if none */
    uint64_t handoff_start, handoff_end;  /* enter_kernel + GDT, identity-mapped */
    uint64_t physical_top;             /* end of the highest firmware map region */
    uint64_t free_pages, largest_run;  /* free memory, for the up-front check */
    unsigned max_regions;              /* the final memory map has at most these */
};

/* Provided by the front end: `pages` contiguous frames the final memory map
 * will show as `kind`; 0 when there is no such run. Not zeroed. */
uint64_t boot_alloc_frames(uint64_t pages, uint32_t kind);

/* Everything the build decided. */
struct boot_layout {
    const struct image_header *hdr;
    const struct boot_machine *m;
    struct load_plan plan;
    struct embedboot_framebuffer fb;
    uint64_t pml4;
    uint64_t kernel_phys;
    uint64_t stack_bottom, stack_top;
    uint64_t info_virt, info_phys, info_pages;
    uint64_t phys_offset, phys_size;
    int phys_level;                    /* pages of the window: 0 4 KiB, 1 2 MiB, 2 1 GiB */
    uint64_t pages_needed;             /* frames the build takes at most */
    uint64_t recursive_index;
    int has_phys_map, has_recursive;
};

/* The blob's CRC against the header, then the ELF checks; panics on
 * failure. Fills l->plan. */
void boot_check_kernel(struct boot_layout *l, const struct image_header *hdr,
                       const uint8_t *blob, uint64_t size);

/* Size what the build needs on this machine and check the configuration
 * with the real sizes. Returns the frames the build takes at most. */
uint64_t boot_prepare(struct boot_layout *l, const struct boot_machine *m);

/* Only the ELF checks: for a kernel that has no CRC in the header (UEFI,
 * KERNEL_ON_ESP). Fills l->plan; panics on failure. */
void boot_check_elf(struct boot_layout *l, const struct image_header *h, const uint8_t *blob,
                    uint64_t size);

/* Check there is enough memory, then load the kernel and build its address
 * space. Panics on failure. */
void boot_build(struct boot_layout *l, const uint8_t *blob);

/* The boot info's region array, to be filled by the front end with the
 * final memory map (capacity m->max_regions). */
struct memmap boot_info_regions(const struct boot_layout *l);

/* The front end's final memory map, marked with what the build placed:
 * the first MiB is never usable, every frame the pool gave out gets its
 * kind, the framebuffer its own. Panics if it no longer fits. */
struct frame_pool;
void boot_finish_memory_map(const struct boot_layout *l, struct memmap *map,
                            const struct frame_pool *pool);

/* The build's result on the log (the UEFI front end calls it while it can
 * still print on ConOut). */
void boot_log_layout(const struct boot_layout *l);

/* Fill the boot info around the final memory map, set the CPU state the
 * contract promises and jump. */
__attribute__((noreturn))
void boot_enter(const struct boot_layout *l, const struct memmap *final_map);

#endif
