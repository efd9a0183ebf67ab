/* The VBE mode information block (VBE 3.0, function 4F01h), as stage 2
 * stores it in the hand-off record. Mirrored by struc vbe_mode_info in
 * asm/handoff.inc (tied by c/bios/asm_layout.c). */
#ifndef VBE_H
#define VBE_H

#include <stdint.h>

#define VBE_ATTR_SUPPORTED   0x01
#define VBE_ATTR_GRAPHICS    0x10
#define VBE_ATTR_LINEAR      0x80
#define VBE_MODEL_DIRECT     6          /* direct colour */

/* Size and position of each colour field. */
struct vbe_color_fields {
    uint8_t red_size, red_position;
    uint8_t green_size, green_position;
    uint8_t blue_size, blue_position;
    uint8_t reserved_size, reserved_position;
} __attribute__((packed));

struct vbe_mode_info {
    uint16_t attributes;                 /* VBE_ATTR_* */
    uint8_t window_a, window_b;
    uint16_t granularity, window_size, segment_a, segment_b;
    uint32_t window_function;
    uint16_t bytes_per_scan_line;        /* banked modes (VBE 1.x/2.0: linear too) */
    uint16_t width, height;
    uint8_t char_width, char_height, planes, bits_per_pixel, banks;
    uint8_t memory_model;                /* VBE_MODEL_* */
    uint8_t bank_size, image_pages, reserved0;
    struct vbe_color_fields colors;      /* banked modes (VBE 1.x/2.0: linear too) */
    uint8_t direct_color_info;
    uint32_t framebuffer;                /* physical address of the linear framebuffer */
    uint32_t reserved1;
    uint16_t reserved2;
    uint16_t linear_bytes_per_scan_line; /* VBE 3.0 */
    uint8_t banked_image_pages, linear_image_pages;
    struct vbe_color_fields linear_colors;   /* VBE 3.0 */
    uint32_t max_pixel_clock;
    uint8_t reserved3[190];
} __attribute__((packed));

_Static_assert(sizeof(struct vbe_mode_info) == 256, "VBE mode information is 256 bytes");
_Static_assert(__builtin_offsetof(struct vbe_mode_info, framebuffer) == 40, "VBE 3.0 PhysBasePtr");
_Static_assert(__builtin_offsetof(struct vbe_mode_info, linear_colors) == 54,
               "VBE 3.0 LinRedMaskSize");

#endif
