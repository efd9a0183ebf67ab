/* The example kernel: shows what embedboot hands over, on COM1 and the
 * screen, then leaves QEMU with a success status so `make run` ends by
 * itself. Build your own the same way (see targets/kernel.mk). */
#include "embedboot.h"
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
    default:                                return "?";
    }
}

void _start(const struct embedboot_boot_info *info)
{
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
    kprintf("example kernel: done\n");
    qemu_exit(QEMU_EXIT_SUCCESS);
}
