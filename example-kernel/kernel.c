/* The example kernel: shows what embedboot hands over, on COM1 and the
 * screen, then leaves QEMU with a success status so `make run` ends by
 * itself. Build your own the same way (see targets/kernel.mk). */
#include "draw.h"
#include "embedboot.h"
#include "fmt.h"
#include "kio.h"

static const char *kind_name(uint32_t kind)
{
    switch (kind) {
    case EMBEDBOOT_MEMORY_USABLE:           return "usable";
    case EMBEDBOOT_MEMORY_RESERVED:         return "reserved";
    case EMBEDBOOT_MEMORY_ACPI_RECLAIMABLE: return "ACPI reclaimable";
    case EMBEDBOOT_MEMORY_ACPI_NVS:         return "ACPI NVS";
    case EMBEDBOOT_MEMORY_BAD:              return "bad";
    case EMBEDBOOT_MEMORY_UNKNOWN:          return "unknown";
    case EMBEDBOOT_MEMORY_BOOTLOADER:       return "bootloader";
    case EMBEDBOOT_MEMORY_KERNEL:           return "kernel";
    case EMBEDBOOT_MEMORY_KERNEL_STACK:     return "kernel stack";
    case EMBEDBOOT_MEMORY_PAGE_TABLES:      return "page tables";
    case EMBEDBOOT_MEMORY_BOOT_INFO:        return "boot info";
    case EMBEDBOOT_MEMORY_FRAMEBUFFER:      return "framebuffer";
    case EMBEDBOOT_MEMORY_MODULE:           return "module";
    default:                                return "?";
    }
}

/* CMOS RTC seconds, for waiting without an interrupt handler. */
static uint8_t rtc_seconds(void)
{
    __asm__ volatile("outb %0, $0x70" : : "a"((uint8_t)0));
    uint8_t s;
    __asm__ volatile("inb $0x71, %0" : "=a"(s));
    return s;
}

/* Colour bars across the top third, the boot info summary below. */
static void draw_screen(const struct embedboot_boot_info *info)
{
    const struct embedboot_framebuffer *fb = &info->framebuffer;
    static const struct rgb navy = { 0, 0, 128 }, white = { 255, 255, 255 };
    char line[96];
    unsigned y = fb->height / 3;

    draw_bars(fb, 0, y);
    draw_fill(fb, 0, y, fb->width, fb->height - y, navy, 1);
    y = draw_text(fb, 8, y + 8, "embedboot example kernel", white, 15);
    fmt_format(line, sizeof(line), "framebuffer %ux%u, %u bpp", fb->width, fb->height,
               fb->bits_per_pixel);
    y = draw_text(fb, 8, y, line, white, 15);
    fmt_format(line, sizeof(line), "kernel 0x%llx, stack 0x%llx",
               (unsigned long long)info->kernel_virtual_start, (unsigned long long)info->stack_top);
    y = draw_text(fb, 8, y, line, white, 15);
    fmt_format(line, sizeof(line), "%llu memory regions", (unsigned long long)info->memory_region_count);
    draw_text(fb, 8, y, line, white, 15);
}

/* Where the boot's time went (boot info version 3): each point the loader
 * passed, in milliseconds after its start, and this kernel's first line. */
static void print_timeline(const struct embedboot_boot_info *info, uint64_t now)
{
    static const char *const names[EMBEDBOOT_T_COUNT] = {
        "loader start", "stage 2", "disk read", "video mode", "stage 3", "stage 4",
        "checks", "kernel loaded", "page tables", "kernel entry",
    };
    uint64_t start = info->timeline[EMBEDBOOT_T_LOADER_START], khz = info->tsc_frequency / 1000;
    if (info->version < 3 || !khz || !start)
        return;
    kprintf("boot timeline (TSC %llu MHz), ms after the loader's start:\n",
            (unsigned long long)(khz / 1000));
    for (int p = EMBEDBOOT_T_STAGE2; p <= EMBEDBOOT_T_COUNT; p++) {
        uint64_t at = p < EMBEDBOOT_T_COUNT ? info->timeline[p] : now;
        if (at)
            kprintf("  %s: %llu.%llu ms\n", p < EMBEDBOOT_T_COUNT ? names[p] : "kernel running",
                    (unsigned long long)((at - start) / khz),
                    (unsigned long long)((at - start) % khz * 10 / khz));
    }
}

void _start(const struct embedboot_boot_info *info)
{
    uint64_t entered = rdtsc();
    kio_init(info);
    if (info->magic != EMBEDBOOT_MAGIC) {
        kprintf("example kernel: no embedboot boot info\n");
        qemu_exit(QEMU_EXIT_FAILURE);
    }
    kprintf("example kernel: hello from 0x%llx, boot info v%u at 0x%llx (%s, NX %s)\n",
            (unsigned long long)info->kernel_entry, info->version,
            (unsigned long long)info->boot_info_address,
            info->firmware == EMBEDBOOT_FIRMWARE_BIOS ? "BIOS" : "UEFI",
            (info->flags & EMBEDBOOT_NX_ENABLED) ? "on" : "off");
    kprintf("kernel  virtual 0x%016llx-0x%016llx  physical 0x%llx (%llu KiB)\n",
            (unsigned long long)info->kernel_virtual_start,
            (unsigned long long)info->kernel_virtual_end,
            (unsigned long long)info->kernel_physical_start,
            (unsigned long long)info->kernel_physical_size / 1024);
    kprintf("stack   0x%016llx-0x%016llx (%llu KiB)\n",
            (unsigned long long)info->stack_bottom, (unsigned long long)info->stack_top,
            (unsigned long long)(info->stack_top - info->stack_bottom) / 1024);
    if (info->flags & EMBEDBOOT_HAS_PHYSICAL_MEMORY_MAP)
        kprintf("physical memory mapped at 0x%llx\n",
                (unsigned long long)info->physical_memory_offset);
    if (info->flags & EMBEDBOOT_HAS_RECURSIVE_INDEX)
        kprintf("recursive page table entry %llu\n", (unsigned long long)info->recursive_index);
    if (info->flags & EMBEDBOOT_HAS_RSDP)
        kprintf("ACPI RSDP at physical 0x%llx\n", (unsigned long long)info->rsdp_address);
    kprintf("framebuffer 0x%llx, %ux%u, %u bpp%s\n",
            (unsigned long long)info->framebuffer.physical_address, info->framebuffer.width,
            info->framebuffer.height, info->framebuffer.bits_per_pixel,
            info->framebuffer.pixel_format == EMBEDBOOT_PIXELS_TEXT ? " (text)" : "");
    kprintf("features 0x%x%s\n", info->features,
            (info->flags & EMBEDBOOT_SSE_ENABLED) ? ", SSE on" : "");
    kprintf("command line \"%s\"\n", (const char *)info->cmdline);
    const struct embedboot_module *m = (const void *)info->modules;
    for (uint64_t i = 0; i < info->module_count; i++)
        kprintf("module %llu at 0x%016llx (physical 0x%llx), %llu bytes, \"%s\"\n",
                (unsigned long long)i, (unsigned long long)m[i].virtual_address,
                (unsigned long long)m[i].physical_address, (unsigned long long)m[i].size,
                (const char *)m[i].cmdline);

    const struct embedboot_memory_region *r = (const void *)info->memory_regions;
    uint64_t usable = 0;
    kprintf("memory map (%llu regions):\n", (unsigned long long)info->memory_region_count);
    for (uint64_t i = 0; i < info->memory_region_count; i++) {
        kprintf("  %016llx-%016llx %s\n", (unsigned long long)r[i].start,
                (unsigned long long)(r[i].start + r[i].length), kind_name(r[i].kind));
        if (r[i].kind == EMBEDBOOT_MEMORY_USABLE)
            usable += r[i].length;
    }
    kprintf("usable: %llu KiB\n", (unsigned long long)usable / 1024);
    print_timeline(info, entered);
    if (info->framebuffer.pixel_format == EMBEDBOOT_PIXELS_RGB ||
        info->framebuffer.pixel_format == EMBEDBOOT_PIXELS_INDEX) {
        draw_screen(info);
        kprintf("example kernel: drawn\n");
        /* Leave the picture up for a few seconds (a window shows it), then
         * end as usual. */
        for (int ticks = 0; ticks < 3; ticks++)
            for (uint8_t s = rtc_seconds(); s == rtc_seconds();)
                ;
    }
    kprintf("example kernel: done\n");
    qemu_exit(QEMU_EXIT_SUCCESS);
}
