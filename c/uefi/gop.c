/* The framebuffer on UEFI: the Graphics Output Protocol. FRAMEBUFFER=WxH
 * picks a mode as the BIOS path picks a VBE mode (video_mode.h); without
 * it the current mode stays. Modes without a linear framebuffer (BltOnly)
 * are never chosen. */
#include "../console.h"
#include "../page.h"
#include "../video_mode.h"
#include "uefi.h"

static struct efi_gop *locate_gop(void)
{
    static const struct efi_guid guid = EFI_GOP_GUID;
    void *gop = 0;
    if (uefi.bs->locate_protocol(&guid, 0, &gop) != EFI_SUCCESS)
        return 0;
    return gop;
}

#define MAX_MODES 256

/* The best mode for want_w x want_h by the shared rule, or -1. */
static int64_t pick_mode(struct efi_gop *gop, uint32_t want_w, uint32_t want_h)
{
    static struct video_mode_size sizes[MAX_MODES];
    unsigned n = gop->mode->max_mode < MAX_MODES ? gop->mode->max_mode : MAX_MODES;

    for (uint32_t i = 0; i < n; i++) {
        struct efi_gop_mode_info *info;
        uint64_t size;
        int ok = gop->query_mode(gop, i, &size, &info) == EFI_SUCCESS;
        sizes[i] = (struct video_mode_size){ ok ? info->width : 0, ok ? info->height : 0,
                                             ok && info->pixel_format != GOP_BLT_ONLY };
    }
    return video_mode_pick(sizes, n, want_w, want_h);
}

/* Size and shift of a contiguous colour mask. */
static void mask_field(uint32_t mask, uint8_t *size, uint8_t *shift)
{
    *shift = 0;
    *size = 0;
    if (!mask)
        return;
    while (!(mask & 1)) {
        mask >>= 1;
        (*shift)++;
    }
    while (mask & 1) {
        mask >>= 1;
        (*size)++;
    }
}

static void describe(const struct efi_gop_mode *mode, struct boot_machine *machine)
{
    const struct efi_gop_mode_info *info = mode->info;
    struct embedboot_framebuffer *fb = &machine->fb;
    uint32_t r = 0xff, g = 0xff00, b = 0xff0000;     /* GOP_RGBX_8: red in byte 0 */

    if (info->pixel_format == GOP_BGRX_8) {
        r = 0xff0000;
        b = 0xff;
    } else if (info->pixel_format == GOP_BITMASK) {
        r = info->red_mask;
        g = info->green_mask;
        b = info->blue_mask;
    }
    *fb = (struct embedboot_framebuffer){
        .physical_address = mode->framebuffer_base, .width = info->width,
        .height = info->height, .stride = info->pixels_per_scan_line * 4,
        .bits_per_pixel = 32, .pixel_format = EMBEDBOOT_PIXELS_RGB };
    mask_field(r, &fb->red_size, &fb->red_shift);
    mask_field(g, &fb->green_size, &fb->green_shift);
    mask_field(b, &fb->blue_size, &fb->blue_shift);
    uint64_t bytes = (uint64_t)fb->stride * fb->height;
    machine->fb_bytes = page_up(mode->framebuffer_size > bytes ? mode->framebuffer_size : bytes);
    machine->has_framebuffer = 1;
}

void uefi_set_up_framebuffer(const struct image_header *hdr, struct boot_machine *machine)
{
    uint32_t want_w = hdr->framebuffer_width, want_h = hdr->framebuffer_height;

    if (hdr->features & FEATURE_VGA_320X200)
        panic_as(PANIC_UNSUPPORTED, "the vga_320x200 feature needs VGA mode 13h, which UEFI does not offer: "
                  "boot this image on BIOS, or use FRAMEBUFFER=320x200 for a 32 bpp "
                  "framebuffer");
    struct efi_gop *gop = locate_gop();
    if (!gop || (!want_w && gop->mode->info->pixel_format == GOP_BLT_ONLY)) {
        if (want_w)
            panic_as(PANIC_UNSUPPORTED, "FRAMEBUFFER=%ux%u needs a framebuffer, but the firmware "
                      "has no Graphics Output Protocol with one", want_w, want_h);
        console_printf("embedboot: uefi: no GOP framebuffer, the kernel gets none\n");
        return;
    }
    if (want_w) {
        int64_t mode = pick_mode(gop, want_w, want_h);
        if (mode < 0 && gop->mode->info->pixel_format == GOP_BLT_ONLY)
            panic_as(PANIC_UNSUPPORTED, "FRAMEBUFFER=%ux%u: no GOP mode with a framebuffer fits",
                      want_w, want_h);
        if (mode < 0)
            console_printf("embedboot: uefi: no GOP mode fits %ux%u, keeping %ux%u\n", want_w,
                           want_h, gop->mode->info->width, gop->mode->info->height);
        else if ((uint32_t)mode != gop->mode->mode &&
                 gop->set_mode(gop, (uint32_t)mode) != EFI_SUCCESS)
            panic_as(PANIC_DEVICE, "GOP: cannot set mode %u", (unsigned)mode);
    }
    describe(gop->mode, machine);
    console_printf("embedboot: uefi: GOP mode %u, %ux%u\n", gop->mode->mode, machine->fb.width,
                   machine->fb.height);
}
