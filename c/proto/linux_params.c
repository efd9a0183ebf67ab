#include "linux_params.h"

#include <string.h>

#define VGA_TEXT_MODE 3

int linux_fill_e820(struct linux_boot_params *bp, struct linux_setup_data *ext,
                    unsigned ext_capacity, const struct memmap *map, uint32_t firmware)
{
    struct linux_e820_entry *ext_entries = ext ? (void *)ext->data : NULL;
    unsigned n = 0, capacity = LINUX_E820_MAX + (ext ? ext_capacity : 0);
    struct linux_e820_entry *last = NULL;

    for (unsigned i = 0; i < map->count; i++) {
        const struct embedboot_memory_region *r = &map->region[i];
        uint32_t type = memmap_e820_type(r, firmware);
        if (!type)
            continue;
        if (last && last->type == type && last->addr + last->size == r->start) {
            last->size += r->length;
            continue;
        }
        if (n == capacity)
            return -1;
        last = n < LINUX_E820_MAX ? &bp->e820_table[n] : &ext_entries[n - LINUX_E820_MAX];
        *last = (struct linux_e820_entry){ r->start, r->length, type };
        n++;
    }
    bp->e820_entries = (uint8_t)(n < LINUX_E820_MAX ? n : LINUX_E820_MAX);
    if (ext)
        *ext = (struct linux_setup_data){ 0, SETUP_E820_EXT,
                                          (n > LINUX_E820_MAX ? n - LINUX_E820_MAX : 0) *
                                              (uint32_t)sizeof(struct linux_e820_entry) };
    return (int)n;
}

/* VGA text mode 3, the cursor on the last line. */
static void vga_text(struct linux_screen_info *si, const struct embedboot_framebuffer *fb)
{
    si->orig_video_mode = VGA_TEXT_MODE;
    si->orig_video_cols = (uint8_t)fb->width;
    si->orig_video_lines = (uint8_t)fb->height;
    si->orig_video_is_vga = VIDEO_TYPE_VGAC;
    si->orig_video_points = 16;
    si->orig_y = (uint8_t)(fb->height - 1);   /* Linux goes on below the loader's lines */
}

void linux_fill_screen_info(struct linux_screen_info *si, const struct boot_machine *machine)
{
    const struct embedboot_framebuffer *fb = &machine->fb;

    memset(si, 0, sizeof(*si));
    if (!machine->has_framebuffer)
        return;
    if (fb->pixel_format == EMBEDBOOT_PIXELS_TEXT) {
        vga_text(si, fb);
        return;
    }
    if (fb->pixel_format != EMBEDBOOT_PIXELS_RGB)
        return;                                 /* mode 13h: nothing Linux can use */
    int efi = machine->firmware == EMBEDBOOT_FIRMWARE_UEFI;
    si->orig_video_is_vga = efi ? VIDEO_TYPE_EFI : VIDEO_TYPE_VLFB;
    si->lfb_width = (uint16_t)fb->width;
    si->lfb_height = (uint16_t)fb->height;
    si->lfb_depth = (uint16_t)fb->bits_per_pixel;
    si->lfb_linelength = (uint16_t)fb->stride;
    si->lfb_base = (uint32_t)fb->physical_address;
    si->ext_lfb_base = (uint32_t)(fb->physical_address >> 32);
    if (si->ext_lfb_base)
        si->capabilities |= VIDEO_CAPABILITY_64BIT_BASE;
    /* VESA counts in 64 KiB units, EFI in bytes. */
    si->lfb_size = efi ? (uint32_t)machine->fb_bytes : (uint32_t)((machine->fb_bytes + 0xffff) >> 16);
    si->pages = 1;
    si->red_size = fb->red_size;
    si->red_pos = fb->red_shift;
    si->green_size = fb->green_size;
    si->green_pos = fb->green_shift;
    si->blue_size = fb->blue_size;
    si->blue_pos = fb->blue_shift;
    if (fb->bits_per_pixel == 32) {             /* the byte none of the colours uses */
        si->rsvd_size = 8;
        si->rsvd_pos = 24;
    }
}

void linux_fill_efi_info(struct linux_efi_info *efi, const struct boot_efi *from)
{
    *efi = (struct linux_efi_info){
        .loader_signature = EFI64_LOADER_SIGNATURE,
        .systab = (uint32_t)from->system_table,
        .systab_hi = (uint32_t)(from->system_table >> 32),
        .memdesc_size = (uint32_t)from->descriptor_size,
        .memdesc_version = from->descriptor_version,
        .memmap = (uint32_t)from->memmap,
        .memmap_hi = (uint32_t)(from->memmap >> 32),
        .memmap_size = (uint32_t)from->memmap_size,
    };
}
