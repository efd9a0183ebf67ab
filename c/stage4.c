/* Stage 4: long mode, in C, the BIOS front end. Describes the machine from
 * what stages 2 and 3 found (memory map, CPU, video), provides frames from
 * the clean map below 4 GiB, and lets the shared code (boot_build.h) check,
 * load and map the kernel. Everything runs on stage 3's identity map of the
 * first 4 GiB, so frames are taken there and physical addresses are
 * pointers. */
#include <stdint.h>
#include <string.h>

#include "../include/embedboot.h"
#include "acpi.h"
#include "bios_handoff.h"
#include "boot_build.h"
#include "console.h"
#include "frames.h"
#include "image_header.h"
#include "memmap.h"

#define MiB            0x100000ull
#define LOW_LIMIT      (4096ull * MiB)    /* end of stage 3's identity map */
#define VGA_TEXT       0xb8000ull
#define VGA_TEXT_END   0xc0000ull
#define VGA_13H        0xa0000ull        /* mode 13h: 320x200, 8 bpp */
#define VGA_13H_END    0xb0000ull
#define MAX_REGIONS    1024

extern const uint8_t _kernel_start_addr[];      /* objcopy: the blob, at 1 MiB */
extern const uint8_t _kernel_size[];            /* objcopy: absolute, the size */
extern const struct image_header _image_header;
extern const uint8_t handoff_start[], handoff_end[];   /* asm/handoff.asm */

static struct frame_pool pool;
static struct embedboot_memory_region clean[MAX_REGIONS];
static struct raw_region raw[E820_MAX];

uint64_t boot_alloc_frames(uint64_t pages, uint32_t kind)
{
    return frames_alloc(&pool, pages, kind);
}

/* Called by stage 3 once in long mode: its progress line. */
void stage3_log(void)
{
    console_init();
    console_printf("embedboot: stage 3: long mode, paging on\n");
}

static void read_memory_map(const struct bios_handoff *h, struct memmap *m)
{
    static const char *source[] = { "?", "E820", "E801", "INT 15h AH=88h" };

    for (unsigned i = 0; i < h->e820_count && i < E820_MAX; i++)
        raw[i] = (struct raw_region){ h->e820[i].base, h->e820[i].length, h->e820[i].type };
    if (memmap_sanitise(m, raw, h->e820_count))
        panic("memory map has more than %u regions", MAX_REGIONS);
    console_printf("embedboot: stage 4: memory map from %s, %u entries, %u after cleaning\n",
                   source[h->memory_source <= MEMORY_88H ? h->memory_source : 0],
                   (unsigned)h->e820_count, m->count);
}

/* The final memory map: the clean firmware map, the blob marked as the
 * loader's, then what the build placed. */
static void fill_memory_map(struct memmap *out, const struct memmap *clean_map,
                            const struct boot_layout *l, const uint8_t *blob, uint64_t size)
{
    out->count = clean_map->count;
    memcpy(out->region, clean_map->region, clean_map->count * sizeof(clean_map->region[0]));
    if (memmap_mark(out, (uint64_t)blob, page_up((uint64_t)blob + size),
                    EMBEDBOOT_MEMORY_BOOTLOADER, EMBEDBOOT_MEMORY_USABLE))
        panic("boot info memory map overflow");
    boot_finish_memory_map(l, out, &pool);
}

static uint16_t u16_at(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

/* The framebuffer the real-mode stages set up, physically. */
static void describe_framebuffer(const struct bios_handoff *h, struct boot_machine *m)
{
    m->has_framebuffer = 1;
    if (h->video == VIDEO_VGA13) {
        m->fb = (struct embedboot_framebuffer){
            .physical_address = VGA_13H, .width = 320, .height = 200, .stride = 320,
            .bits_per_pixel = 8, .pixel_format = EMBEDBOOT_PIXELS_INDEX };
        m->fb_bytes = VGA_13H_END - VGA_13H;
        return;
    }
    if (h->video != VIDEO_VBE) {
        m->fb = (struct embedboot_framebuffer){
            .physical_address = VGA_TEXT, .width = 80, .height = 25, .stride = 160,
            .bits_per_pixel = 16, .pixel_format = EMBEDBOOT_PIXELS_TEXT };
        m->fb_bytes = VGA_TEXT_END - VGA_TEXT;
        return;
    }
    /* VBE mode information: VBE 3.0 has separate fields for linear modes. */
    const uint8_t *mi = h->vbe_mode_info;
    int v3 = h->vbe_version >= 0x300;
    const uint8_t *masks = mi + (v3 ? 54 : 31);   /* LinRedMaskSize / RedMaskSize */
    m->fb = (struct embedboot_framebuffer){
        .physical_address = mi[40] | mi[41] << 8 | mi[42] << 16 | (uint32_t)mi[43] << 24,
        .width = u16_at(mi + 18), .height = u16_at(mi + 20),
        .stride = u16_at(mi + (v3 ? 50 : 16)), .bits_per_pixel = mi[25],
        .pixel_format = EMBEDBOOT_PIXELS_RGB,
        .red_size = masks[0], .red_shift = masks[1], .green_size = masks[2],
        .green_shift = masks[3], .blue_size = masks[4], .blue_shift = masks[5] };
    m->fb_bytes = page_up((uint64_t)m->fb.stride * m->fb.height);
}

void stage4_main(const struct bios_handoff *h)
{
    const uint8_t *blob = _kernel_start_addr;
    uint64_t size = (uint64_t)_kernel_size;
    struct boot_machine m = {
        .firmware = EMBEDBOOT_FIRMWARE_BIOS,
        .log_name = "stage 4",
        .nx = (h->cpu_flags & CPU_NX) != 0,
        .pages_1g = (h->cpu_flags & CPU_1G_PAGES) != 0,
        .pat = (h->cpu_flags & CPU_PAT) != 0,
        .handoff_start = (uint64_t)handoff_start,
        .handoff_end = (uint64_t)handoff_end,
    };
    static struct boot_layout l;

    describe_framebuffer(h, &m);
    if (m.fb.pixel_format != EMBEDBOOT_PIXELS_TEXT)
        console_graphics_mode();
    console_printf("embedboot: stage 4: checking the kernel image (%llu bytes)\n",
                   (unsigned long long)size);
    boot_check_kernel(&l, &_image_header, blob, size);

    struct memmap clean_map = { clean, 0, MAX_REGIONS };
    read_memory_map(h, &clean_map);
    frames_init(&pool, &clean_map, MiB, LOW_LIMIT);
    frames_reserve(&pool, (uint64_t)blob, (uint64_t)blob + size);
    m.free_pages = frames_free_pages(&pool);
    m.largest_run = frames_largest_run(&pool);
    m.physical_top = memmap_end(&clean_map);
    /* Each allocation and mark splits a region at most twice. */
    m.max_regions = clean_map.count + 2 * (FRAMES_MAX_LOG + 3) + 1;
    m.rsdp = acpi_find_rsdp((const volatile uint8_t *)0);

    boot_prepare(&l, &m);
    boot_build(&l, blob);

    /* All allocations are done: the memory map can be final now. */
    struct memmap final_map = boot_info_regions(&l);
    fill_memory_map(&final_map, &clean_map, &l, blob, size);
    boot_log_layout(&l);
    boot_enter(&l, &final_map);
}
