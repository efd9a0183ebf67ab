/* The image header: written by the host (embed/mkheader.c) after the loader,
 * read by stage 2 (the video settings, through struc image_header in
 * asm/handoff.inc) and by the core (everything else) before it trusts the
 * kernel blob. */
#ifndef IMAGE_HEADER_H
#define IMAGE_HEADER_H

#include <stdint.h>

#include "checksum.h"

#define IMAGE_HEADER_MAGIC   0x48494245u   /* "EBIH" */
#define IMAGE_HEADER_VERSION 7
#define IMAGE_STRINGS_MAX    4096           /* command lines, each with its NUL */
#define IMAGE_MODULES_MAX    16

/* protocol: how the kernel is booted, from the kind of its file */
enum image_protocol {
    PROTOCOL_EMBEDBOOT = 0,         /* an ELF64 kernel: include/embedboot.h */
    PROTOCOL_LINUX = 1,             /* a Linux bzImage: the 64-bit boot protocol */
    PROTOCOL_MULTIBOOT1 = 2,        /* a Multiboot kernel (PROTOCOL=multiboot1, or only that header) */
    PROTOCOL_MULTIBOOT2 = 3,        /* a Multiboot2 kernel */
};

#define DEFAULT_STACK_PAGES  512            /* as in the Rust bootloader crate */

/* features (the Rust crate's cargo features): the boot info's bits */
#include "../include/embedboot.h"
#define FEATURE_MAP_PHYSICAL_MEMORY   EMBEDBOOT_FEATURE_MAP_PHYSICAL_MEMORY
#define FEATURE_RECURSIVE_PAGE_TABLE  EMBEDBOOT_FEATURE_RECURSIVE_PAGE_TABLE
#define FEATURE_SSE                   EMBEDBOOT_FEATURE_SSE
#define FEATURE_VGA_320X200           EMBEDBOOT_FEATURE_VGA_320X200
#define FEATURE_KASLR                 EMBEDBOOT_FEATURE_KASLR
#define FEATURE_SMP                   EMBEDBOOT_FEATURE_SMP

/* A relocatable kernel's base without kaslr, and the range kaslr picks
 * from (README: Relocatable kernels and KASLR). */
#define DEFAULT_KERNEL_BASE  0xffffffff80000000ull
#define DEFAULT_KASLR_START  0xffffffff80000000ull
#define DEFAULT_KASLR_SIZE   0x0000000080000000ull     /* the top 2 GiB */

/* configured: which of the addresses below were given (else chosen free) */
#define CONFIG_STACK_ADDRESS           (1u << 0)
#define CONFIG_PHYSICAL_MEMORY_OFFSET  (1u << 1)
#define CONFIG_BOOT_INFO_ADDRESS       (1u << 2)
#define CONFIG_KERNEL_ON_ESP           (1u << 3)   /* UEFI: \kernel.elf overrides the blob */
#define CONFIG_MODULE_ADDRESS          (1u << 4)
#define CONFIG_KERNEL_BASE             (1u << 5)
#define CONFIG_KASLR_RANGE             (1u << 6)   /* kaslr-range-start or -size */

struct image_header {
    uint32_t magic;
    uint16_t version;
    uint16_t size;                  /* sizeof(struct image_header) */
    uint64_t kernel_size;           /* bytes in the blob */
    uint32_t kernel_stack_pages;    /* 4 KiB pages */
    uint32_t features;              /* FEATURE_*; stage 2 reads vga_320x200 */
    uint32_t configured;
    uint32_t protocol;              /* enum image_protocol */
    uint64_t kernel_stack_address;  /* the guard page; the stack starts a page above */
    uint64_t physical_memory_offset;
    uint64_t boot_info_address;
    uint32_t framebuffer_width;     /* a VBE/GOP mode is wanted (stage 2 reads both) */
    uint32_t framebuffer_height;    /* both 0: VGA text */
    uint32_t cmdline_length;        /* the kernel's, at strings[0], without the NUL */
    uint32_t module_count;          /* Linux: the initrd is module 0 */
    struct checksum kernel_check;   /* of the blob (c/checksum.h) */
    struct checksum strings_check;  /* of the strings (IMAGE_STRINGS_MAX bytes) */
    struct image_module {
        uint64_t size;              /* bytes */
        struct checksum check;
        uint16_t cmdline_offset;    /* into strings, NUL-terminated */
        uint16_t cmdline_length;
        uint32_t reserved;
    } module[IMAGE_MODULES_MAX];
    uint64_t module_address;        /* native: where the first module is mapped */
    uint32_t boot_info_format;      /* native: enum boot_info_format */
    uint32_t kernel_room_pages;     /* native: the pages from the blob's start its frames
                                       take when loaded in place (c/kernel_load.h), else 0 */
    uint64_t kernel_base;           /* native, relocatable kernel without kaslr: its base */
    uint64_t kaslr_start;           /* with kaslr: the range its base is picked in */
    uint64_t kaslr_size;
};

/* The strings (the kernel's command line, then each module's, each
 * NUL-terminated; IMAGE_STRINGS_MAX bytes) are a payload of their own,
 * _image_strings, after the modules: the loader stages have no room. */

/* What an ELF kernel's rdi points at: embedboot's boot info, or the Rust
 * bootloader crate v0.9's (BOOT_INFO=bootloader-0.9). */
enum boot_info_format {
    BOOT_INFO_EMBEDBOOT = 0,
    BOOT_INFO_BOOTLOADER_0_9 = 1,
};

_Static_assert(sizeof(struct image_header) == 144 + 32 * IMAGE_MODULES_MAX, "image header layout");

/* A header of the version and size this build reads (its magic aside). */
static inline int image_header_is_current(const struct image_header *h)
{
    return h->version == IMAGE_HEADER_VERSION && h->size == sizeof(*h);
}

/* The payloads' SHA-256 digests (mkheader's OUT.digests, _payload_digests),
 * linked into the EFI application only. Signed with it (SIGN_KEY), they
 * vouch for the payloads it reads from outside the signed file: with
 * Secure Boot on, a payload that does not match is refused. */
#define PAYLOAD_DIGESTS_MAGIC 0x44484245u  /* "EBHD" */
struct payload_digests {
    uint32_t magic;
    uint32_t module_count;          /* as the header's */
    uint8_t kernel[32];             /* the blob, as embedded */
    uint8_t strings[32];            /* all IMAGE_STRINGS_MAX bytes */
    uint8_t module[IMAGE_MODULES_MAX][32];
};
_Static_assert(sizeof(struct payload_digests) == 8 + 32 * (2 + IMAGE_MODULES_MAX),
               "payload digests layout");

#endif
