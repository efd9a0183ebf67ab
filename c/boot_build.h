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

#include "../include/bootloader_0_9.h"
#include "../include/embedboot.h"
#include "bzimage.h"
#include "elf_check.h"
#include "frames.h"
#include "image_header.h"
#include "memmap.h"
#include "multiboot_image.h"
#include "paging.h"
#include "smp.h"

/* The payloads as the front end has them in memory. */
struct boot_payloads {
    const uint8_t *kernel;
    uint64_t kernel_size;
    const char *strings;               /* IMAGE_STRINGS_MAX bytes: the command lines */
    unsigned module_count;             /* Linux: module 0 is the initrd */
    struct boot_module {
        const uint8_t *data;
        uint64_t size;
    } module[IMAGE_MODULES_MAX];
    uint64_t kernel_room;              /* bytes from `kernel` the loader may use as the
                                          kernel's frames (c/elf_check.h: in place), or 0 */
};

/* The module table the build links in (MODULES, or INITRD: the generated
 * $(KDIR)/modules.asm): each module's start and end as 32-bit offsets from
 * the field itself, so that it links the same into the BIOS loader and the
 * position-independent EFI application. */
struct module_table_entry {
    int32_t start, end;
};
struct module_table {
    uint32_t count;
    struct module_table_entry entry[];
};

/* The payloads from the kernel's bytes and the linked module table;
 * panics if the table has more modules than the header may describe. */
void boot_payloads_from(struct boot_payloads *payloads, const uint8_t *kernel, uint64_t size,
                        const struct module_table *table, const char *strings);

/* The payloads lie where c/payload_layout.h says, from the kernel's start
 * (the BIOS link): panics naming the piece that does not. */
void boot_check_payload_layout(const struct image_header *hdr, const struct boot_payloads *payloads);

/* The loader left `hole` bytes after the kernel's piece for its in-place
 * frames (BSS): the pieces after it lie that much further on, and the
 * kernel may use its piece's pages and the hole (kernel_room). */
void boot_payloads_after_hole(struct boot_payloads *payloads, const struct image_header *hdr,
                              uint64_t hole);

/* UEFI: what a kernel needs to use runtime services; the memory map is
 * the one ExitBootServices was called with (filled in then). */
struct boot_efi {
    uint64_t system_table, image_handle;
    uint64_t memmap, memmap_size, descriptor_size;
    uint64_t memmap_capacity;          /* the most memmap_size can be (known before the exit) */
    uint32_t descriptor_version;
};

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
    struct boot_efi efi;               /* UEFI only */
    int secure_boot;                   /* UEFI: enforced, and the payloads matched their digests */
    int measured;                      /* every payload went into the TPM (c/measure.h) */
    uint64_t clock;                    /* the firmware's clock, for KASLR without RDRAND */
    uint64_t ap_trampoline;            /* a free page below 1 MiB for starting CPUs, 0 if none */
    uint64_t identity_limit;           /* physical memory the loader can read (BIOS: 4 GiB) */
};

/* Where the kernel's frames may come from: the usable regions of `map`
 * inside [low, high), except [taken_start, taken_end), which the loader
 * still uses (the BIOS blob) and the final map shows as the loader's.
 * With `claim`, the firmware still owns that memory and each run is
 * claimed from it before use (UEFI). */
struct boot_free_memory {
    const struct memmap *map;
    uint64_t low, high;
    uint64_t taken_start, taken_end;
    frames_claim_fn *claim;
    void *claim_ctx;
};

/* Where the Linux protocol put things (c/proto/linux.c). */
struct linux_layout {
    struct bzimage image;              /* the checked setup header */
    uint64_t kernel_phys;              /* the protected-mode part; init_size bytes */
    uint64_t initrd_phys;
    uint64_t zero_page;                /* struct linux_boot_params */
    uint64_t cmdline_phys;
    uint64_t e820_ext;                 /* setup_data for more than 128 entries, or 0 */
};

/* Where the Multiboot protocols put things (c/proto/multiboot.c). */
struct multiboot_layout {
    struct multiboot_image image;      /* the checked header and load plan */
    uint64_t module_phys[IMAGE_MODULES_MAX];
    uint64_t info_area, info_capacity; /* below 4 GiB; filled at the entry */
    uint64_t shdrs;                    /* a copy of the ELF section headers, or 0 */
    uint64_t info;                     /* the structure's address, EBX */
};

/* Selectors of the hand-off GDT (asm/handoff.asm; c/bios/asm_layout.c
 * ties them to asm/handoff.inc). */
#define HANDOFF_GDT_SIZE   48
#define HANDOFF_SEL_CODE64 0x08
#define HANDOFF_SEL_CODE32 0x18
#define HANDOFF_SEL_TSS    0x20            /* the fault catcher's TSS, filled at the entry */

/* An IDTR's operand (lidt). */
struct boot_idtr {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

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
    uint64_t kernel_slide;             /* native, relocatable kernel: run minus link address */
    uint32_t random_source;            /* ... and where a KASLR base came from */
    uint64_t stack_bottom, stack_top;
    uint64_t info_virt, info_phys, info_pages;
    uint64_t fb_virt;                  /* where the kernel sees the framebuffer */
    uint64_t phys_offset, phys_size;
    int phys_level;                    /* pages of the window: 0 4 KiB, 1 2 MiB, 2 1 GiB */
    uint64_t pages_needed;             /* frames the build takes at most */
    uint64_t recursive_index;
    struct boot_idtr idtr;             /* native: the fault catcher's IDT (c/boot_catcher.c) */
    uint64_t tss_virt;                 /* native: its TSS, for the GDT's TSS descriptor */
    uint64_t symbol_bytes;             /* native: the catcher's copy of the kernel's function symbols */
    uint64_t symbols_phys, symbol_count;   /* ... where, and how many (boot_read_kernel_symbols) */
    int kernel_in_place;               /* native: the kernel's frames are its file's pages */
    int has_phys_map, has_recursive;
    uint64_t final_map_phys;           /* room for max_regions regions (boot_final_map) */
    char strings[IMAGE_STRINGS_MAX];   /* the command lines, copied out of the payloads:
                                          a kernel may be loaded over them (BIOS, 1 MiB) */
    uint64_t module_phys[IMAGE_MODULES_MAX];   /* native: each module's frames */
    uint64_t module_virt[IMAGE_MODULES_MAX];   /* native: where the kernel sees it */
    struct smp_layout smp;             /* native, FEATURES=smp */
    struct linux_layout linux_boot;    /* PROTOCOL_LINUX */
    struct multiboot_layout multiboot; /* PROTOCOL_MULTIBOOT1, PROTOCOL_MULTIBOOT2 */
};

/* The payloads' sizes and CRCs against the header, then
 * boot_check_payloads; panics on failure. */
void boot_check_kernel(struct boot_layout *layout, const struct image_header *hdr,
                       const struct boot_payloads *payloads);

/* The checks of the header's protocol: the ELF checks (fills layout->plan)
 * or the Linux boot protocol's (fills layout->linux_boot.image). Alone for
 * a kernel the header has no CRC for (UEFI, KERNEL_ON_ESP). */
void boot_check_payloads(struct boot_layout *layout, const struct image_header *hdr,
                         const struct boot_payloads *payloads);

/* After a check: size what the build needs on this machine and check the
 * configuration with the real sizes. Returns the frames the build takes at
 * most. */
uint64_t boot_prepare(struct boot_layout *layout, const struct image_header *hdr,
                      const struct boot_machine *machine);

/* Take frames from `free`, check there are enough, load the payloads and
 * build what the protocol hands over. Panics on failure. */
void boot_build(struct boot_layout *layout, const struct boot_payloads *payloads,
                const struct boot_free_memory *free);

/* The final memory map's room, empty, for the front end's final firmware
 * map (capacity layout->max_regions): inside the boot info for the native
 * protocol, a buffer of its own for Linux. */
struct memmap boot_final_map(struct boot_layout *layout);

/* Frames for the protocols (c/proto/): `pages` placed as `where` says;
 * panics naming `what` when there are none. */
uint64_t boot_alloc(struct boot_layout *layout, uint64_t pages, const struct frames_where *where,
                    uint32_t kind, const char *what);

/* Map `pages` at virt -> phys in the kernel's tables (PT_* flags); panics
 * naming `what`. */
void boot_map(struct boot_layout *layout, const char *what, uint64_t virt, uint64_t phys,
              uint64_t pages, unsigned flags);

/* The native boot info's pages: the struct (embedboot's, or the crate
 * v0.9's in BL09_BOOT_INFO_ROOM), the final memory map (max_regions), the
 * module array, the command lines (the header's strings), for v0.9 the
 * scratch list its map is converted in. Offsets from its start. */
uint64_t boot_info_head_bytes(const struct boot_layout *layout);
uint64_t boot_info_modules_offset(const struct boot_layout *layout);
uint64_t boot_info_strings_offset(const struct boot_layout *layout);
uint64_t boot_info_cpus_offset(const struct boot_layout *layout);
uint64_t boot_info_scratch_offset(const struct boot_layout *layout);
uint64_t boot_info_scratch_bytes(const struct boot_layout *layout);

/* Room for the crate v0.9's boot info, whatever its features. */
#define BL09_BOOT_INFO_ROOM 2048

/* boot_modules.c, native protocol: the modules' frames, filled, mapped
 * read-only and NX after each other in a free slot. */
uint64_t boot_modules_pages(const struct boot_layout *layout);

/* The fault catcher (c/boot_catcher.c): the frames and tables it takes at
 * most; copy, map and describe it, its IDT gates through code_selector. */
uint64_t boot_catcher_pages(const struct boot_layout *layout);
struct vspace;
void boot_install_catcher(struct boot_layout *layout, struct vspace *vs, uint16_t code_selector);
/* ... the kernel's symbols for it, read before the kernel is loaded. */
void boot_read_kernel_symbols(struct boot_layout *layout, const struct boot_payloads *payloads);

/* The GDT's TSS descriptor (16 bytes) for the catcher's TSS. */
void boot_catcher_tss_descriptor(const struct boot_layout *layout, uint64_t descriptor[2]);
void boot_load_modules(struct boot_layout *layout, const struct boot_payloads *payloads,
                       struct vspace *vs);

/* Panics (out of memory) when the pool has fewer free frames than the
 * protocol's estimate, naming what it needs them for. */
void boot_require_pages(const struct boot_layout *layout, const char *what);

/* Frames (within `where`) for the final memory map (max_regions regions)
 * of a protocol that hands it over in a form of its own (Linux,
 * Multiboot): final_map_phys. */
void boot_alloc_final_map(struct boot_layout *layout, const struct frames_where *where);

/* Take the front end's taken range out of the pool; a protocol that must
 * place its kernel first (where the BIOS blob may lie) calls it after. */
void boot_keep_taken(struct boot_layout *layout);

/* Mark the front end's final firmware map with what the build placed: the
 * first MiB is never usable, the taken range is the loader's, every frame
 * the pool gave out gets its kind, the framebuffer its own. Panics if it no longer fits. */
void boot_finish_memory_map(struct boot_layout *layout, struct memmap *map);

/* The build's result on the log (the UEFI front end calls it while it can
 * still print on ConOut). */
void boot_log_layout(const struct boot_layout *layout);

/* UEFI: the protocol enters the kernel with boot services running (a
 * Multiboot2 kernel with the EFI boot services and amd64 entry tags); the
 * front end then does not exit them. */
int boot_keeps_boot_services(const struct boot_layout *layout);

/* Hand over to the kernel through the header's protocol (c/proto/). */
__attribute__((noreturn))
void boot_enter(const struct boot_layout *layout, const struct memmap *final_map);

#endif
