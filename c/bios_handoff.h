/* What the real-mode stages hand to stage 4. Layout mirrored by
 * asm/handoff.inc; the asserts below keep the two in step. */
#ifndef BIOS_HANDOFF_H
#define BIOS_HANDOFF_H

#include <stddef.h>
#include <stdint.h>

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
    uint8_t memory_source;
    uint8_t cpu_flags;
    uint8_t reserved;
    uint32_t e820_count;
    struct e820_entry e820[E820_MAX];
    uint8_t video;                  /* VIDEO_* */
    uint8_t reserved2;
    uint16_t vbe_version;           /* BCD, 0x0300 = VBE 3.0 */
    uint16_t vbe_mode;
    uint16_t reserved3;
    uint8_t vbe_mode_info[256];     /* as INT 10h AX=4F01h returned it */
};

_Static_assert(sizeof(struct e820_entry) == 24, "E820_ENTRY_SIZE");
_Static_assert(offsetof(struct bios_handoff, memory_source) == 1, "HANDOFF_MEMORY_SOURCE");
_Static_assert(offsetof(struct bios_handoff, cpu_flags) == 2, "HANDOFF_CPU_FLAGS");
_Static_assert(offsetof(struct bios_handoff, e820_count) == 4, "HANDOFF_E820_COUNT");
_Static_assert(offsetof(struct bios_handoff, e820) == 8, "HANDOFF_E820");
_Static_assert(offsetof(struct bios_handoff, video) == 6152, "HANDOFF_VIDEO");
_Static_assert(offsetof(struct bios_handoff, vbe_version) == 6154, "HANDOFF_VBE_VERSION");
_Static_assert(offsetof(struct bios_handoff, vbe_mode) == 6156, "HANDOFF_VBE_MODE");
_Static_assert(offsetof(struct bios_handoff, vbe_mode_info) == 6160, "HANDOFF_VBE_INFO");
_Static_assert(sizeof(struct bios_handoff) == 6416, "HANDOFF_SIZE");

#endif
