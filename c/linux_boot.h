/* The x86 Linux boot protocol's layouts (Documentation/arch/x86/boot.rst
 * and zero-page.rst): the setup header a bzImage carries at 0x1F1, and the
 * zero page (struct boot_params) a loader hands to the 64-bit entry.
 * Written from the documents; offsets checked below. */
#ifndef LINUX_BOOT_H
#define LINUX_BOOT_H

#include <stddef.h>
#include <stdint.h>

#define LINUX_HDRS_MAGIC          0x53726448u    /* "HdrS" at 0x202 */
#define LINUX_BOOT_FLAG           0xaa55
#define LINUX_SETUP_HEADER_OFFSET 0x1f1
#define LINUX_MIN_PROTOCOL        0x020c         /* 2.12: xloadflags */
#define LINUX_SETUP_SECTS_DEFAULT 4              /* when setup_sects is 0 */
#define LINUX_SETUP_SECTS_MAX     64             /* 32 KiB of real-mode code, the most there is */
#define LINUX_ENTRY_64_OFFSET     0x200          /* 64-bit entry: load address + 0x200 */

/* loadflags */
#define LINUX_LOADED_HIGH         0x01
#define LINUX_CAN_USE_HEAP        0x80
/* xloadflags */
#define XLF_KERNEL_64             (1u << 0)
#define XLF_CAN_BE_LOADED_ABOVE_4G (1u << 1)

#define LINUX_LOADER_UNDEFINED    0xff           /* type_of_loader: no assigned id */

struct linux_setup_header {
    uint8_t setup_sects;
    uint16_t root_flags;
    uint32_t syssize;                /* 16-byte paragraphs of protected-mode code */
    uint16_t ram_size;
    uint16_t vid_mode;
    uint16_t root_dev;
    uint16_t boot_flag;              /* 0xAA55 */
    uint16_t jump;                   /* 0xEB, then the header's length - 2 */
    uint32_t header;                 /* "HdrS" */
    uint16_t version;                /* 0x020f = 2.15 */
    uint32_t realmode_swtch;
    uint16_t start_sys_seg;
    uint16_t kernel_version;
    uint8_t type_of_loader;
    uint8_t loadflags;
    uint16_t setup_move_size;
    uint32_t code32_start;           /* the protected-mode code's address */
    uint32_t ramdisk_image;
    uint32_t ramdisk_size;
    uint32_t bootsect_kludge;
    uint16_t heap_end_ptr;
    uint8_t ext_loader_ver;
    uint8_t ext_loader_type;
    uint32_t cmd_line_ptr;
    uint32_t initrd_addr_max;        /* the highest address the initrd may end at */
    uint32_t kernel_alignment;
    uint8_t relocatable_kernel;
    uint8_t min_alignment;
    uint16_t xloadflags;
    uint32_t cmdline_size;           /* without the terminating NUL */
    uint32_t hardware_subarch;
    uint64_t hardware_subarch_data;
    uint32_t payload_offset;
    uint32_t payload_length;
    uint64_t setup_data;
    uint64_t pref_address;
    uint32_t init_size;              /* bytes from the load address the kernel needs */
    uint32_t handover_offset;
    uint32_t kernel_info_offset;
} __attribute__((packed));

#define SETUP_OFFSET(field) (LINUX_SETUP_HEADER_OFFSET + offsetof(struct linux_setup_header, field))
_Static_assert(SETUP_OFFSET(header) == 0x202, "boot.rst: header");
_Static_assert(SETUP_OFFSET(xloadflags) == 0x236, "boot.rst: xloadflags");
_Static_assert(SETUP_OFFSET(pref_address) == 0x258, "boot.rst: pref_address");
_Static_assert(SETUP_OFFSET(kernel_info_offset) == 0x268, "boot.rst: kernel_info_offset");

/* screen_info.orig_video_isVGA */
#define VIDEO_TYPE_VGAC           0x22           /* VGA colour text */
#define VIDEO_TYPE_VLFB           0x23           /* VESA linear framebuffer */
#define VIDEO_TYPE_EFI            0x70           /* EFI GOP framebuffer */
#define VIDEO_CAPABILITY_64BIT_BASE (1u << 1)

struct linux_screen_info {
    uint8_t orig_x, orig_y;
    uint16_t ext_mem_k;
    uint16_t orig_video_page;
    uint8_t orig_video_mode, orig_video_cols;
    uint8_t flags, unused2;
    uint16_t orig_video_ega_bx, unused3;
    uint8_t orig_video_lines, orig_video_is_vga;   /* VIDEO_TYPE_* */
    uint16_t orig_video_points;
    uint16_t lfb_width, lfb_height, lfb_depth;
    uint32_t lfb_base;
    uint32_t lfb_size;               /* VLFB: 64 KiB units; EFI: bytes */
    uint16_t cl_magic, cl_offset;
    uint16_t lfb_linelength;
    uint8_t red_size, red_pos, green_size, green_pos, blue_size, blue_pos;
    uint8_t rsvd_size, rsvd_pos;
    uint16_t vesapm_seg, vesapm_off;
    uint16_t pages;
    uint16_t vesa_attributes;
    uint32_t capabilities;           /* VIDEO_CAPABILITY_* */
    uint32_t ext_lfb_base;
    uint8_t reserved[2];
} __attribute__((packed));
_Static_assert(sizeof(struct linux_screen_info) == 0x40, "zero-page.rst: screen_info");

#define EFI64_LOADER_SIGNATURE    0x34364c45u    /* "EL64" */

struct linux_efi_info {
    uint32_t loader_signature;
    uint32_t systab;
    uint32_t memdesc_size;
    uint32_t memdesc_version;
    uint32_t memmap;
    uint32_t memmap_size;
    uint32_t systab_hi;
    uint32_t memmap_hi;
} __attribute__((packed));

#define E820_TYPE_RAM             1
#define E820_TYPE_RESERVED        2
#define E820_TYPE_ACPI            3
#define E820_TYPE_NVS             4
#define E820_TYPE_UNUSABLE        5
#define LINUX_E820_MAX            128            /* in the zero page; more: SETUP_E820_EXT */

struct linux_e820_entry {
    uint64_t addr, size;
    uint32_t type;
} __attribute__((packed));

#define SETUP_E820_EXT            1

struct linux_setup_data {
    uint64_t next;
    uint32_t type;
    uint32_t len;                    /* bytes of data[] */
    uint8_t data[];
} __attribute__((packed));

struct linux_boot_params {
    struct linux_screen_info screen_info;         /* 0x000 */
    uint8_t apm_bios_info[0x14];                  /* 0x040 */
    uint8_t pad1[4];
    uint64_t tboot_addr;                          /* 0x058 */
    uint8_t ist_info[0x10];                       /* 0x060 */
    uint64_t acpi_rsdp_addr;                      /* 0x070 */
    uint8_t pad2[8];
    uint8_t hd0_info[16], hd1_info[16];           /* 0x080 */
    uint8_t sys_desc_table[0x10];                 /* 0x0a0 */
    uint8_t olpc_ofw_header[0x10];                /* 0x0b0 */
    uint32_t ext_ramdisk_image;                   /* 0x0c0 */
    uint32_t ext_ramdisk_size;
    uint32_t ext_cmd_line_ptr;
    uint8_t pad3[0x13c - 0xcc];
    uint32_t cc_blob_address;                     /* 0x13c */
    uint8_t edid_info[0x80];                      /* 0x140 */
    struct linux_efi_info efi_info;               /* 0x1c0 */
    uint32_t alt_mem_k;                           /* 0x1e0 */
    uint32_t scratch;
    uint8_t e820_entries;                         /* 0x1e8 */
    uint8_t eddbuf_entries;
    uint8_t edd_mbr_sig_buf_entries;
    uint8_t kbd_status;
    uint8_t secure_boot;                          /* 0x1ec: LINUX_SECURE_BOOT_* */
    uint8_t pad4[2];
    uint8_t sentinel;                             /* 0x1ef */
    uint8_t pad5[1];
    struct linux_setup_header hdr;                /* 0x1f1 */
    uint8_t pad6[0x290 - 0x1f1 - sizeof(struct linux_setup_header)];
    uint32_t edd_mbr_sig_buffer[16];              /* 0x290 */
    struct linux_e820_entry e820_table[LINUX_E820_MAX];   /* 0x2d0 */
    uint8_t pad7[0x1000 - 0x2d0 - LINUX_E820_MAX * sizeof(struct linux_e820_entry)];
} __attribute__((packed));

_Static_assert(offsetof(struct linux_boot_params, acpi_rsdp_addr) == 0x070, "zero-page.rst");
_Static_assert(offsetof(struct linux_boot_params, ext_ramdisk_image) == 0x0c0, "zero-page.rst");
_Static_assert(offsetof(struct linux_boot_params, efi_info) == 0x1c0, "zero-page.rst");
_Static_assert(offsetof(struct linux_boot_params, secure_boot) == 0x1ec, "zero-page.rst");
_Static_assert(offsetof(struct linux_boot_params, e820_entries) == 0x1e8, "zero-page.rst");
_Static_assert(offsetof(struct linux_boot_params, sentinel) == 0x1ef, "zero-page.rst");
_Static_assert(offsetof(struct linux_boot_params, hdr) == 0x1f1, "zero-page.rst");
_Static_assert(offsetof(struct linux_boot_params, edd_mbr_sig_buffer) == 0x290, "zero-page.rst");
_Static_assert(offsetof(struct linux_boot_params, e820_table) == 0x2d0, "zero-page.rst");
_Static_assert(sizeof(struct linux_boot_params) == 0x1000, "the zero page is one page");

/* secure_boot: Linux's enum efi_secureboot_mode (unset 0, unknown 1). */
#define LINUX_SECURE_BOOT_DISABLED 2
#define LINUX_SECURE_BOOT_ENABLED  3

#endif
