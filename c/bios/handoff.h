/* The hand-off record the real-mode stages fill and stage 4 reads.
 * Mirrored by struc bios_handoff in asm/handoff.inc; c/bios/asm_layout.c
 * ties every shared offset and value to these definitions. */
#ifndef BIOS_HANDOFF_H
#define BIOS_HANDOFF_H

#include <stdint.h>

#include "../../include/embedboot.h"
#include "vbe.h"

#define E820_MAX 256

enum { MEMORY_E820 = 1, MEMORY_E801 = 2, MEMORY_88H = 3 };
enum { CPU_NX = 1, CPU_1G_PAGES = 2, CPU_PAT = 4 };
enum { VIDEO_TEXT = 0, VIDEO_VGA13 = 1, VIDEO_VBE = 2 };

struct e820_entry {
    uint64_t base;
    uint64_t length;
    uint32_t type;
    uint32_t acpi_attributes;
} __attribute__((packed));

struct bios_handoff {
    uint8_t boot_drive;
    uint8_t memory_source;          /* MEMORY_* */
    uint8_t cpu_flags;              /* CPU_* */
    uint8_t reserved;
    uint32_t e820_count;
    struct e820_entry e820[E820_MAX];
    uint8_t video;                  /* VIDEO_* */
    uint8_t reserved2;
    uint16_t vbe_version;           /* BCD, 0x0300 = VBE 3.0 */
    uint16_t vbe_mode;
    uint16_t reserved3;
    struct vbe_mode_info vbe_mode_info;   /* as INT 10h AX=4F01h returned it */
    uint64_t timeline[EMBEDBOOT_TIMELINE_MAX];   /* stages 1-3's EMBEDBOOT_T_* points */
    uint32_t kernel_hole;           /* bytes stage 2 left free after the kernel's piece, for
                                       its frames; the rest follows (boot_payloads_after_hole) */
    uint32_t reserved4;
};

#endif
