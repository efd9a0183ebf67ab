/* The Multiboot 1 (0.6.96) and Multiboot2 (2.0) layouts: the headers a
 * kernel carries and the information structures a loader hands over.
 * Written from the specifications; the sizes are checked below. Where the
 * specification and GRUB differ (the MB2 framebuffer tag's reserved field,
 * the ELF sections tag's widths), GRUB's layout is used: it is what
 * kernels are written against. */
#ifndef MULTIBOOT_H
#define MULTIBOOT_H

#include <stdint.h>

#define MB1_HEADER_MAGIC        0x1badb002u
#define MB1_BOOT_MAGIC          0x2badb002u   /* in EAX at entry */
#define MB1_SEARCH              8192          /* the header lies in the first 8 KiB, 4-aligned */
#define MB2_HEADER_MAGIC        0xe85250d6u
#define MB2_BOOT_MAGIC          0x36d76289u
#define MB2_SEARCH              32768         /* the first 32 KiB, 8-aligned */
#define MB2_ARCH_I386           0

/* Multiboot 1 header flags: bits 0-15 are requirements, 16-31 optional. */
#define MB1_PAGE_ALIGN          (1u << 0)     /* modules on page boundaries */
#define MB1_MEMORY_INFO         (1u << 1)     /* mem_* and the memory map */
#define MB1_VIDEO_MODE          (1u << 2)     /* the mode fields are valid */
#define MB1_ADDRESS_FIELDS      (1u << 16)    /* the a.out kludge */
#define MB1_KNOWN_REQUIREMENTS  (MB1_PAGE_ALIGN | MB1_MEMORY_INFO | MB1_VIDEO_MODE)

struct mb1_header {
    uint32_t magic, flags, checksum;
    uint32_t header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr;
    uint32_t mode_type, width, height, depth;
} __attribute__((packed));

/* Multiboot 1 information: flags say which fields are valid. */
#define MB1_INFO_MEMORY         (1u << 0)
#define MB1_INFO_CMDLINE        (1u << 2)
#define MB1_INFO_MODS           (1u << 3)
#define MB1_INFO_ELF_SHDR       (1u << 5)
#define MB1_INFO_MEM_MAP        (1u << 6)
#define MB1_INFO_LOADER_NAME    (1u << 9)
#define MB1_INFO_FRAMEBUFFER    (1u << 12)

#define MB_FRAMEBUFFER_INDEXED  0
#define MB_FRAMEBUFFER_RGB      1
#define MB_FRAMEBUFFER_TEXT     2

struct mb1_info {
    uint32_t flags;
    uint32_t mem_lower, mem_upper;            /* KiB below 640 KiB, KiB from 1 MiB to the first hole */
    uint32_t boot_device;
    uint32_t cmdline;
    uint32_t mods_count, mods_addr;
    uint32_t elf_num, elf_size, elf_addr, elf_shndx;
    uint32_t mmap_length, mmap_addr;
    uint32_t drives_length, drives_addr;
    uint32_t config_table;
    uint32_t boot_loader_name;
    uint32_t apm_table;
    uint32_t vbe_control_info, vbe_mode_info;
    uint16_t vbe_mode, vbe_interface_seg, vbe_interface_off, vbe_interface_len;
    uint64_t framebuffer_addr;
    uint32_t framebuffer_pitch, framebuffer_width, framebuffer_height;
    uint8_t framebuffer_bpp, framebuffer_type;
    uint8_t red_position, red_size, green_position, green_size, blue_position, blue_size;
} __attribute__((packed));

struct mb1_module {
    uint32_t mod_start, mod_end, string, reserved;
} __attribute__((packed));

struct mb1_mmap_entry {
    uint32_t size;                            /* of the rest: 20 */
    uint64_t base_addr, length;
    uint32_t type;                            /* 1 RAM, 3 ACPI, 4 NVS, 5 bad, else reserved */
} __attribute__((packed));

_Static_assert(sizeof(struct mb1_header) == 48, "MB1 header");
_Static_assert(sizeof(struct mb1_info) == 116, "MB1 information");
_Static_assert(__builtin_offsetof(struct mb1_info, mmap_length) == 44, "MB1 mmap_length");
_Static_assert(__builtin_offsetof(struct mb1_info, boot_loader_name) == 64, "MB1 loader name");
_Static_assert(__builtin_offsetof(struct mb1_info, framebuffer_addr) == 88, "MB1 framebuffer");
_Static_assert(sizeof(struct mb1_mmap_entry) == 24, "MB1 mmap entry");

/* Multiboot2 header: the fixed part, then 8-aligned tags. */
struct mb2_header {
    uint32_t magic, architecture, header_length, checksum;
} __attribute__((packed));

struct mb2_header_tag {
    uint16_t type, flags;                     /* flags bit 0: optional */
    uint32_t size;
} __attribute__((packed));

#define MB2_TAG_OPTIONAL        1u

enum mb2_header_tag_type {
    MB2_HEADER_END = 0,
    MB2_HEADER_INFO_REQUEST = 1,
    MB2_HEADER_ADDRESS = 2,
    MB2_HEADER_ENTRY = 3,
    MB2_HEADER_CONSOLE = 4,
    MB2_HEADER_FRAMEBUFFER = 5,
    MB2_HEADER_MODULE_ALIGN = 6,
    MB2_HEADER_EFI_BS = 7,
    MB2_HEADER_ENTRY_EFI32 = 8,
    MB2_HEADER_ENTRY_EFI64 = 9,
    MB2_HEADER_RELOCATABLE = 10,
};

/* Multiboot2 information tags. */
enum mb2_tag_type {
    MB2_TAG_END = 0,
    MB2_TAG_CMDLINE = 1,
    MB2_TAG_LOADER_NAME = 2,
    MB2_TAG_MODULE = 3,
    MB2_TAG_BASIC_MEMINFO = 4,
    MB2_TAG_BOOTDEV = 5,
    MB2_TAG_MMAP = 6,
    MB2_TAG_VBE = 7,
    MB2_TAG_FRAMEBUFFER = 8,
    MB2_TAG_ELF_SECTIONS = 9,
    MB2_TAG_APM = 10,
    MB2_TAG_EFI32 = 11,
    MB2_TAG_EFI64 = 12,
    MB2_TAG_SMBIOS = 13,
    MB2_TAG_ACPI_OLD = 14,
    MB2_TAG_ACPI_NEW = 15,
    MB2_TAG_NETWORK = 16,
    MB2_TAG_EFI_MMAP = 17,
    MB2_TAG_EFI_BS = 18,
    MB2_TAG_EFI32_IH = 19,
    MB2_TAG_EFI64_IH = 20,
    MB2_TAG_LOAD_BASE_ADDR = 21,
};

struct mb2_tag {
    uint32_t type, size;
} __attribute__((packed));

struct mb2_mmap_entry {
    uint64_t base_addr, length;
    uint32_t type, reserved;
} __attribute__((packed));

struct mb2_tag_framebuffer {
    uint32_t type, size;
    uint64_t addr;
    uint32_t pitch, width, height;
    uint8_t bpp, framebuffer_type;
    uint16_t reserved;
    uint8_t red_position, red_size, green_position, green_size, blue_position, blue_size;
} __attribute__((packed));

_Static_assert(sizeof(struct mb2_header) == 16, "MB2 header");
_Static_assert(sizeof(struct mb2_mmap_entry) == 24, "MB2 mmap entry");
_Static_assert(sizeof(struct mb2_tag_framebuffer) == 38, "MB2 framebuffer tag");

#endif
