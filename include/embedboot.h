/*
 * embedboot.h - the boot protocol between embedboot and the kernel it loads.
 *
 * The kernel's ELF entry point is called with the System V AMD64 ABI:
 *
 *     void _start(const struct embedboot_boot_info *info);   // rdi = info
 *
 * in 64-bit long mode, 4-level paging, interrupts off, CR0.WP set, EFER.NXE
 * set when the CPU has NX, rsp + 8 16-byte aligned (as after a call) with a
 * zero return address on the stack, and rbp = 0. The README describes every
 * field and what stays mapped.
 *
 * The layout is fixed: fields are only ever added at the end (bumping
 * EMBEDBOOT_VERSION and growing `size`), never moved. Optional things that
 * are absent are flagged in `flags`; their fields are then zero.
 */
#ifndef EMBEDBOOT_H
#define EMBEDBOOT_H

#include <stdint.h>

#define EMBEDBOOT_MAGIC   0x544f4f4244424d45ull   /* "EMBDBOOT" */
#define EMBEDBOOT_VERSION 5          /* 2: the command line and the modules; 3: the boot timeline;
                                        4: relocation and KASLR; 5: the CPUs */

/* Memory region kinds. Values 1-5 are the firmware's own classification;
 * 0x100 and up are memory embedboot used or assigned. */
enum embedboot_memory_kind {
    EMBEDBOOT_MEMORY_USABLE           = 1,
    EMBEDBOOT_MEMORY_RESERVED         = 2,
    EMBEDBOOT_MEMORY_ACPI_RECLAIMABLE = 3,
    EMBEDBOOT_MEMORY_ACPI_NVS         = 4,
    EMBEDBOOT_MEMORY_BAD              = 5,
    EMBEDBOOT_MEMORY_UNKNOWN          = 6,   /* firmware type not known; see firmware_type */
    EMBEDBOOT_MEMORY_BOOTLOADER       = 0x100,
    EMBEDBOOT_MEMORY_KERNEL           = 0x101,
    EMBEDBOOT_MEMORY_KERNEL_STACK     = 0x102,
    EMBEDBOOT_MEMORY_PAGE_TABLES      = 0x103,
    EMBEDBOOT_MEMORY_BOOT_INFO        = 0x104,
    EMBEDBOOT_MEMORY_FRAMEBUFFER      = 0x105,
    EMBEDBOOT_MEMORY_MODULE           = 0x106,   /* version 2 */
};

/* One physical memory region. Regions are sorted by start, never overlap,
 * and adjacent regions of the same kind and firmware type are merged. */
struct embedboot_memory_region {
    uint64_t start;          /* physical, page-aligned for RAM kinds */
    uint64_t length;         /* bytes */
    uint32_t kind;           /* enum embedboot_memory_kind */
    uint32_t firmware_type;  /* the firmware's raw type (E820 type on BIOS), 0 if none */
};

enum embedboot_firmware {
    EMBEDBOOT_FIRMWARE_BIOS = 1,
    EMBEDBOOT_FIRMWARE_UEFI = 2,
};

enum embedboot_pixel_format {
    EMBEDBOOT_PIXELS_NONE  = 0,
    EMBEDBOOT_PIXELS_RGB   = 1,   /* direct colour, see the mask sizes and shifts */
    EMBEDBOOT_PIXELS_INDEX = 2,   /* 8-bit palette index (VGA mode 13h) */
    EMBEDBOOT_PIXELS_TEXT  = 3,   /* VGA text: 16-bit cells, char + attribute */
};

struct embedboot_framebuffer {
    uint64_t physical_address;
    uint64_t virtual_address;     /* where the kernel finds it */
    uint32_t width;               /* pixels, or text columns */
    uint32_t height;              /* pixels, or text rows */
    uint32_t stride;              /* bytes per line */
    uint32_t bits_per_pixel;      /* 16 for text cells */
    uint32_t pixel_format;        /* enum embedboot_pixel_format */
    uint8_t  red_size, red_shift;
    uint8_t  green_size, green_shift;
    uint8_t  blue_size, blue_shift;
    uint8_t  reserved[2];
};

struct embedboot_tls_template {
    uint64_t start_address;       /* virtual address of the template */
    uint64_t file_size;           /* initialised bytes */
    uint64_t mem_size;            /* total, the rest is zero */
    uint64_t alignment;
};

/* A module (MODULES=): a file embedded beside the kernel, in frames of
 * its own, mapped read-only and not executable. Version 2. */
struct embedboot_module {
    uint64_t physical_address;    /* page-aligned */
    uint64_t virtual_address;     /* page-aligned; the modules follow each other */
    uint64_t size;                /* bytes */
    uint64_t cmdline;             /* virtual address of its command line, NUL-terminated */
};

/* The boot timeline (version 3): timeline[] holds the TSC at each of
 * these points, 0 for a point this boot did not pass (stages 2-4 on UEFI).
 * On UEFI the checks come before the video mode; on BIOS after it. */
enum embedboot_boot_point {
    EMBEDBOOT_T_LOADER_START  = 0,   /* stage 1's first instructions, or the EFI application's entry */
    EMBEDBOOT_T_STAGE2        = 1,
    EMBEDBOOT_T_DISK_READ     = 2,   /* the payloads are read (stage 2's load, or UEFI's Block I/O) */
    EMBEDBOOT_T_VIDEO         = 3,   /* the video mode is set (stage 2, or GOP) */
    EMBEDBOOT_T_STAGE3        = 4,
    EMBEDBOOT_T_STAGE4        = 5,
    EMBEDBOOT_T_CHECKS        = 6,   /* CRCs, digests, ELF and configuration checked; measured */
    EMBEDBOOT_T_KERNEL_LOADED = 7,   /* the segments copied into their frames */
    EMBEDBOOT_T_PAGE_TABLES   = 8,   /* every mapping of the kernel's address space made */
    EMBEDBOOT_T_KERNEL_ENTRY  = 9,   /* the last moment before the jump */
    EMBEDBOOT_T_COUNT         = 10,
};
#define EMBEDBOOT_TIMELINE_MAX 16

/* Where a KASLR base came from (version 4). */
enum embedboot_random_source {
    EMBEDBOOT_RANDOM_NONE   = 0,     /* not randomised: the fixed base, or not relocated */
    EMBEDBOOT_RANDOM_RDRAND = 1,     /* the CPU's RDRAND */
    EMBEDBOOT_RANDOM_TSC    = 2,     /* RDTSC jitter mixed with the firmware's clock */
};

/* A CPU of the machine (version 5, FEATURES=smp): one per enabled entry of
 * the ACPI MADT. Each started CPU runs in long mode on the kernel's page
 * tables, on its own stack, interrupts off and no IDT, spinning on its
 * goto_address: the kernel writes a function's address there to run it,
 *     void ap_main(struct embedboot_cpu *cpu);    // rdi = this entry
 * called like the kernel's entry (rsp + 8 16-byte aligned, a zero return
 * address). */
struct embedboot_cpu {
    uint32_t acpi_id;             /* the MADT's processor UID */
    uint32_t apic_id;             /* local APIC (or x2APIC) ID */
    uint64_t goto_address;        /* 0 while the CPU waits; written by the kernel */
    uint64_t extra_argument;      /* the kernel's own use; the loader writes 0 */
    uint64_t stack_top;           /* the CPU's stack (16-byte aligned; a guard page below it) */
    uint32_t state;               /* enum embedboot_cpu_state */
    uint32_t reserved;
};

enum embedboot_cpu_state {
    EMBEDBOOT_CPU_BOOTSTRAP = 1,  /* the CPU running the kernel's entry */
    EMBEDBOOT_CPU_WAITING   = 2,  /* started: spinning on goto_address */
    EMBEDBOOT_CPU_NO_ANSWER = 3,  /* did not answer INIT-SIPI-SIPI in time; not running */
};

/* flags */
#define EMBEDBOOT_HAS_PHYSICAL_MEMORY_MAP  (1u << 0)
#define EMBEDBOOT_HAS_RECURSIVE_INDEX      (1u << 1)
#define EMBEDBOOT_HAS_FRAMEBUFFER          (1u << 2)
#define EMBEDBOOT_HAS_RSDP                 (1u << 3)
#define EMBEDBOOT_HAS_TLS                  (1u << 4)
#define EMBEDBOOT_NX_ENABLED               (1u << 5)
#define EMBEDBOOT_SSE_ENABLED              (1u << 6)
#define EMBEDBOOT_SECURE_BOOT              (1u << 7)   /* UEFI enforced Secure Boot, and every
                                                          payload matched its signed digest */
#define EMBEDBOOT_TPM_MEASURED             (1u << 8)   /* the payloads and command lines went
                                                          into TPM PCRs 8 and 9 (README) */
#define EMBEDBOOT_KERNEL_RELOCATED         (1u << 9)   /* an ET_DYN kernel, moved by kernel_slide */

struct embedboot_boot_info {
    uint64_t magic;                    /*   0: EMBEDBOOT_MAGIC */
    uint32_t version;                  /*   8: EMBEDBOOT_VERSION */
    uint32_t size;                     /*  12: sizeof(struct embedboot_boot_info) */
    uint32_t flags;                    /*  16: EMBEDBOOT_HAS_* and feature bits */
    uint32_t firmware;                 /*  20: enum embedboot_firmware */
    uint64_t memory_regions;           /*  24: virtual address of the region array */
    uint64_t memory_region_count;      /*  32 */
    uint64_t physical_memory_offset;   /*  40: valid with HAS_PHYSICAL_MEMORY_MAP */
    uint64_t recursive_index;          /*  48: valid with HAS_RECURSIVE_INDEX */
    uint64_t rsdp_address;             /*  56: physical, valid with HAS_RSDP */
    uint64_t kernel_physical_start;    /*  64: the kernel's frames, contiguous */
    uint64_t kernel_physical_size;     /*  72 */
    uint64_t kernel_virtual_start;     /*  80: lowest PT_LOAD address */
    uint64_t kernel_virtual_end;       /*  88: end of the highest PT_LOAD */
    uint64_t kernel_entry;             /*  96 */
    uint64_t stack_bottom;             /* 104: lowest mapped stack byte */
    uint64_t stack_top;                /* 112: rsp + 8 at entry; guard page below bottom */
    uint64_t boot_info_address;        /* 120: virtual address of this structure */
    uint64_t boot_info_size;           /* 128: bytes mapped there (struct + regions) */
    struct embedboot_framebuffer framebuffer;   /* 136 */
    struct embedboot_tls_template tls;          /* 184 */
    uint32_t features;                 /* 216: EMBEDBOOT_FEATURE_* applied */
    uint32_t kernel_stack_pages;       /* 220: the stack size applied, in 4 KiB pages */
    /* version 2 */
    uint64_t cmdline;                  /* 224: virtual address of CMDLINE, NUL-terminated ("" if none) */
    uint64_t cmdline_length;           /* 232: bytes, without the NUL */
    uint64_t modules;                  /* 240: virtual address of the module array */
    uint64_t module_count;             /* 248 */
    /* version 3 */
    uint64_t tsc_frequency;            /* 256: TSC ticks per second (CPUID 15h/16h, else measured), 0 if unknown */
    uint64_t timeline[EMBEDBOOT_TIMELINE_MAX];  /* 264: TSC at each EMBEDBOOT_T_* point */
    /* version 4 */
    uint64_t kernel_slide;             /* 392: run address minus link address (two's complement);
                                          0 unless EMBEDBOOT_KERNEL_RELOCATED */
    uint64_t kernel_relocations;       /* 400: relocation entries applied */
    uint32_t random_source;            /* 408: enum embedboot_random_source of the base */
    uint32_t reserved;                 /* 412: 0 */
    /* version 5 */
    uint64_t cpus;                     /* 416: virtual address of struct embedboot_cpu[cpu_count] */
    uint32_t cpu_count;                /* 424: 0 without FEATURES=smp */
    uint32_t bsp_apic_id;              /* 428: the bootstrap CPU's APIC ID (with smp) */
};                                     /* 432 bytes */

/* features: the Rust crate's cargo features, as applied */
#define EMBEDBOOT_FEATURE_MAP_PHYSICAL_MEMORY   (1u << 0)
#define EMBEDBOOT_FEATURE_RECURSIVE_PAGE_TABLE  (1u << 1)
#define EMBEDBOOT_FEATURE_SSE                   (1u << 2)
#define EMBEDBOOT_FEATURE_VGA_320X200           (1u << 3)
#define EMBEDBOOT_FEATURE_KASLR                 (1u << 4)   /* version 4 */
#define EMBEDBOOT_FEATURE_SMP                   (1u << 5)   /* version 5 */

#if defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
#include <stddef.h>
#define EMBEDBOOT_AT(f, off) _Static_assert(offsetof(struct embedboot_boot_info, f) == (off), #f)
EMBEDBOOT_AT(magic, 0);
EMBEDBOOT_AT(version, 8);
EMBEDBOOT_AT(size, 12);
EMBEDBOOT_AT(flags, 16);
EMBEDBOOT_AT(firmware, 20);
EMBEDBOOT_AT(memory_regions, 24);
EMBEDBOOT_AT(memory_region_count, 32);
EMBEDBOOT_AT(physical_memory_offset, 40);
EMBEDBOOT_AT(recursive_index, 48);
EMBEDBOOT_AT(rsdp_address, 56);
EMBEDBOOT_AT(kernel_physical_start, 64);
EMBEDBOOT_AT(kernel_virtual_start, 80);
EMBEDBOOT_AT(kernel_entry, 96);
EMBEDBOOT_AT(stack_bottom, 104);
EMBEDBOOT_AT(stack_top, 112);
EMBEDBOOT_AT(boot_info_address, 120);
EMBEDBOOT_AT(boot_info_size, 128);
EMBEDBOOT_AT(framebuffer, 136);
EMBEDBOOT_AT(tls, 184);
EMBEDBOOT_AT(features, 216);
EMBEDBOOT_AT(kernel_stack_pages, 220);
EMBEDBOOT_AT(cmdline, 224);
EMBEDBOOT_AT(cmdline_length, 232);
EMBEDBOOT_AT(modules, 240);
EMBEDBOOT_AT(module_count, 248);
EMBEDBOOT_AT(tsc_frequency, 256);
EMBEDBOOT_AT(timeline, 264);
EMBEDBOOT_AT(kernel_slide, 392);
EMBEDBOOT_AT(kernel_relocations, 400);
EMBEDBOOT_AT(random_source, 408);
EMBEDBOOT_AT(cpus, 416);
EMBEDBOOT_AT(cpu_count, 424);
EMBEDBOOT_AT(bsp_apic_id, 428);
_Static_assert(sizeof(struct embedboot_boot_info) == 432, "boot info size");
_Static_assert(sizeof(struct embedboot_cpu) == 40, "cpu size");
_Static_assert(sizeof(struct embedboot_module) == 32, "module size");
_Static_assert(sizeof(struct embedboot_memory_region) == 24, "region size");
_Static_assert(sizeof(struct embedboot_framebuffer) == 48, "framebuffer size");
#undef EMBEDBOOT_AT
#endif

#endif
