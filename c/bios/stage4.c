/* Stage 4: long mode, in C, the BIOS front end. Describes the machine from
 * what stages 2 and 3 found (memory map, CPU, video) and names the free
 * memory below 4 GiB; the core (boot_build.h) decides and builds, the
 * protocol back end (c/proto/) enters the kernel. Everything runs on stage
 * 3's identity map of the first 4 GiB, so frames are taken there and
 * physical addresses are pointers. */
#include <stdint.h>

#include "../../include/embedboot.h"
#include "../boot_build.h"
#include "../console.h"
#include "../image_header.h"
#include "../memmap.h"
#include "../page.h"
#include "../payload_layout.h"
#include "../timeline.h"
#include "handoff.h"
#include "memory.h"
#include "rsdp.h"
#include "rtc.h"
#include "tpm.h"

#define MiB            0x100000ull
#define LOW_LIMIT      (4096ull * MiB)    /* end of stage 3's identity map */
#define VGA_TEXT       0xb8000ull
#define VGA_TEXT_END   0xc0000ull
#define VGA_13H        0xa0000ull        /* mode 13h: 320x200, 8 bpp */
#define VGA_13H_END    0xb0000ull

extern const uint8_t _kernel_start_addr[];      /* objcopy: the blob, at 1 MiB */
extern const uint8_t _kernel_size[];            /* objcopy: absolute, the size */
extern const struct module_table _module_table;  /* the modules after it ($(KDIR)/modules.asm) */
extern const char _image_strings[];              /* the command lines, after them */
extern const uint8_t _payloads_end[];            /* linker.ld: the end of what stage 2 loaded */
extern const struct image_header _image_header;
extern const uint8_t handoff_start[], handoff_end[];   /* asm/handoff.asm */
extern uint8_t _ap_trampoline[];                 /* linker.ld: a page below 1 MiB (c/smp.h) */

static struct embedboot_memory_region clean[MEMMAP_MAX];
static struct boot_layout layout;

/* Called by stage 3 once in long mode: its progress line. */
void stage3_log(void)
{
    console_init();
    console_printf("embedboot: stage 3: long mode, paging on\n");
}

static void read_memory_map(const struct bios_handoff *handoff, struct memmap *map)
{
    static const char *source[] = { "?", "E820", "E801", "INT 15h AH=88h" };
    unsigned from = handoff->memory_source <= MEMORY_88H ? handoff->memory_source : 0;

    if (bios_memory_map(handoff, map))
        panic("memory map has more than %u regions", map->capacity);
    console_printf("embedboot: stage 4: memory map from %s, %u entries, %u after cleaning\n",
                   source[from], bios_e820_count(handoff), map->count);
}

/* The framebuffer the real-mode stages set up, physically. */
static void describe_framebuffer(const struct bios_handoff *handoff,
                                 struct boot_machine *machine)
{
    struct embedboot_framebuffer *fb = &machine->fb;

    machine->has_framebuffer = 1;
    if (handoff->video == VIDEO_VGA13) {
        *fb = (struct embedboot_framebuffer){
            .physical_address = VGA_13H, .width = 320, .height = 200, .stride = 320,
            .bits_per_pixel = 8, .pixel_format = EMBEDBOOT_PIXELS_INDEX };
        machine->fb_bytes = VGA_13H_END - VGA_13H;
        return;
    }
    if (handoff->video != VIDEO_VBE) {
        *fb = (struct embedboot_framebuffer){
            .physical_address = VGA_TEXT, .width = 80, .height = 25, .stride = 160,
            .bits_per_pixel = 16, .pixel_format = EMBEDBOOT_PIXELS_TEXT };
        machine->fb_bytes = VGA_TEXT_END - VGA_TEXT;
        return;
    }
    /* VBE 3.0 has separate fields for linear modes. */
    const struct vbe_mode_info *mode = &handoff->vbe_mode_info;
    int v3 = handoff->vbe_version >= 0x300;
    const struct vbe_color_fields *colors = v3 ? &mode->linear_colors : &mode->colors;
    *fb = (struct embedboot_framebuffer){
        .physical_address = mode->framebuffer, .width = mode->width, .height = mode->height,
        .stride = v3 ? mode->linear_bytes_per_scan_line : mode->bytes_per_scan_line,
        .bits_per_pixel = mode->bits_per_pixel, .pixel_format = EMBEDBOOT_PIXELS_RGB,
        .red_size = colors->red_size, .red_shift = colors->red_position,
        .green_size = colors->green_size, .green_shift = colors->green_position,
        .blue_size = colors->blue_size, .blue_shift = colors->blue_position };
    machine->fb_bytes = page_up((uint64_t)fb->stride * fb->height);
}

void stage4_main(const struct bios_handoff *handoff)
{
    static struct boot_payloads payloads;
    struct memmap clean_map = { clean, 0, MEMMAP_MAX, 0 };
    struct boot_machine machine = {
        .firmware = EMBEDBOOT_FIRMWARE_BIOS,
        .log_name = "stage 4",
        .nx = (handoff->cpu_flags & CPU_NX) != 0,
        .pages_1g = (handoff->cpu_flags & CPU_1G_PAGES) != 0,
        .pat = (handoff->cpu_flags & CPU_PAT) != 0,
        .handoff_start = (uint64_t)handoff_start,
        .handoff_end = (uint64_t)handoff_end,
        .memory = &clean_map,
        .ap_trampoline = (uint64_t)_ap_trampoline,
        .identity_limit = LOW_LIMIT,
    };
    /* Frames: usable memory from 1 MiB to the end of the identity map,
     * except the payloads stage 2 loaded, which are read while the kernel
     * is loaded. */
    struct boot_free_memory free = { &clean_map, MiB, LOW_LIMIT, (uint64_t)_kernel_start_addr,
                                     (uint64_t)_payloads_end + handoff->kernel_hole, 0, 0 };

    timeline_mark(EMBEDBOOT_T_STAGE4);
    for (unsigned p = 0; p < EMBEDBOOT_T_STAGE4; p++)      /* stages 1-3 recorded these */
        boot_timeline[p] = handoff->timeline[p];
    boot_tsc_frequency = tsc_frequency_from_cpuid();
    if (!boot_tsc_frequency)
        boot_tsc_frequency = tsc_frequency_from_pit();
    boot_payloads_from(&payloads, _kernel_start_addr, (uint64_t)_kernel_size, &_module_table,
                       _image_strings);
    /* Stage 2 loaded the kernel at 1 MiB and the rest as linked, but as far
     * on as the hole it left after the kernel (asm/load.asm): the kernel may
     * take its pages and the hole's as its frames. */
    boot_check_payload_layout(&_image_header, &payloads);
    boot_payloads_after_hole(&payloads, &_image_header, handoff->kernel_hole);
    describe_framebuffer(handoff, &machine);
    if (machine.fb.pixel_format != EMBEDBOOT_PIXELS_TEXT)
        console_graphics_mode();
    console_printf("embedboot: stage 4: checking the kernel image (%llu bytes)\n",
                   (unsigned long long)payloads.kernel_size);
    boot_check_kernel(&layout, &_image_header, &payloads);
    machine.measured = bios_measure_boot(&_image_header, &payloads);   /* before any use */
    timeline_mark(EMBEDBOOT_T_CHECKS);
    read_memory_map(handoff, &clean_map);
    machine.rsdp = bios_find_rsdp(0);
    machine.clock = bios_rtc_clock();

    boot_prepare(&layout, &_image_header, &machine);
    boot_build(&layout, &payloads, &free);

    /* All allocations are done: the memory map can be final now. */
    struct memmap final_map = boot_final_map(&layout);
    if (memmap_copy(&final_map, &clean_map))
        panic("boot info memory map overflow");
    boot_finish_memory_map(&layout, &final_map);
    boot_log_layout(&layout);
    boot_enter(&layout, &final_map);
}
