/* The Linux back end: the 64-bit boot protocol (Documentation/arch/x86/
 * boot.rst). The kernel's protected-mode part goes to pref_address (or,
 * relocatable, to the lowest aligned place at or above it, since Linux
 * decompresses no lower), with init_size bytes; the initrd as high as
 * initrd_addr_max allows; the zero page starts as the image's own setup
 * header. Every frame comes from the core's pool. Linux gets the
 * firmware's memory map unmarked: what the loader used is RAM to it. */
#include <string.h>

#include "../console.h"
#include "../io.h"
#include "../page.h"
#include "linux_params.h"
#include "proto.h"

#define GiB (1ull << 30)

/* asm/handoff.asm, as linked; machine->handoff_start says where it runs. */
extern const uint8_t enter_linux[];                 /* asm/handoff.asm */
typedef void linux_entry_fn(uint64_t entry, uint64_t boot_params);

/* The initrd: module 0 (INITRD=, or a single MODULES= entry); none is a
 * module of size 0. */
static const struct boot_module *initrd_of(const struct boot_payloads *payloads)
{
    static const struct boot_module none = { 0, 0 };
    return payloads->module_count ? &payloads->module[0] : &none;
}

/* The kernel's footprint: init_size from its load address. */
static uint64_t kernel_pages(const struct linux_layout *lx)
{
    uint64_t init = lx->image.hdr.init_size;
    return pages_of(init > lx->image.kernel_bytes ? init : lx->image.kernel_bytes);
}

static uint64_t e820_ext_pages(const struct boot_layout *layout)
{
    if (layout->max_regions <= LINUX_E820_MAX)
        return 0;
    return pages_of(sizeof(struct linux_setup_data) +
                    (layout->max_regions - LINUX_E820_MAX) * sizeof(struct linux_e820_entry));
}

uint64_t linux_pages_needed(struct boot_layout *layout)
{
    const struct linux_layout *lx = &layout->linux_boot;
    uint64_t initrd = layout->hdr->module_count ? layout->hdr->module[0].size : 0;
    layout->pages_needed = kernel_pages(lx) + pages_of(initrd) + 1 +
                           pages_of(layout->hdr->cmdline_length + 1) + e820_ext_pages(layout) +
                           pages_of(layout->max_regions * sizeof(struct embedboot_memory_region));
    return layout->pages_needed;
}

static void place_kernel(struct boot_layout *layout)
{
    struct linux_layout *lx = &layout->linux_boot;
    const struct linux_setup_header *h = &lx->image.hdr;
    uint64_t pages = kernel_pages(lx), pref = h->pref_address;
    struct frames_where exact = { PAGE_SIZE, pref, pref + pages * PAGE_SIZE, 0 };
    uint64_t align = h->kernel_alignment > PAGE_SIZE ? h->kernel_alignment : PAGE_SIZE;
    struct frames_where above = { align, pref,
                                  (h->xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G) ? UINT64_MAX
                                                                               : 4 * GiB, 0 };

    lx->kernel_phys = frames_alloc_in(&layout->pool, pages, &exact, EMBEDBOOT_MEMORY_KERNEL);
    if (!lx->kernel_phys && h->relocatable_kernel)
        lx->kernel_phys = frames_alloc_in(&layout->pool, pages, &above, EMBEDBOOT_MEMORY_KERNEL);
    if (!lx->kernel_phys)
        panic_as(PANIC_NO_MEMORY, "Linux kernel: %llu KiB at 0x%llx (pref_address, init_size) "
                 "are not free memory, and %s",
                 (unsigned long long)pages * 4, (unsigned long long)pref,
                 h->relocatable_kernel ? "no aligned place above it is"
                                       : "the kernel is not relocatable");
}

static void place_initrd(struct boot_layout *layout, uint64_t size)
{
    struct linux_layout *lx = &layout->linux_boot;
    const struct linux_setup_header *h = &lx->image.hdr;
    uint64_t limit = (h->xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G) ? UINT64_MAX
                                                                  : (uint64_t)h->initrd_addr_max + 1;
    struct frames_where high = { PAGE_SIZE, 0, limit, 1 };

    lx->initrd_phys = frames_alloc_in(&layout->pool, pages_of(size), &high,
                                      EMBEDBOOT_MEMORY_BOOTLOADER);
    if (!lx->initrd_phys)
        panic_as(PANIC_NO_MEMORY, "the initrd (%llu KiB) does not fit in this machine's free "
                 "memory below 0x%llx (initrd_addr_max)", (unsigned long long)(size / 1024),
                 (unsigned long long)limit);
}

/* Zero page, command line (below 4 GiB where there is room: older
 * kernels read only cmd_line_ptr), the final map and the E820 extension. */
static void place_tables(struct boot_layout *layout)
{
    static const struct frames_where low = { PAGE_SIZE, 0, 4 * GiB, 0 };
    struct linux_layout *lx = &layout->linux_boot;
    uint64_t cmdline_pages = pages_of(layout->hdr->cmdline_length + 1);

    lx->zero_page = boot_alloc(layout, 1, &frames_anywhere, EMBEDBOOT_MEMORY_BOOT_INFO,
                               "zero page");
    lx->cmdline_phys = frames_alloc_in(&layout->pool, cmdline_pages, &low,
                                       EMBEDBOOT_MEMORY_BOOT_INFO);
    if (!lx->cmdline_phys)
        lx->cmdline_phys = boot_alloc(layout, cmdline_pages, &frames_anywhere,
                                      EMBEDBOOT_MEMORY_BOOT_INFO, "command line");
    boot_alloc_final_map(layout, &frames_anywhere);
    if (e820_ext_pages(layout))
        lx->e820_ext = boot_alloc(layout, e820_ext_pages(layout), &frames_anywhere,
                                  EMBEDBOOT_MEMORY_BOOT_INFO, "E820 extension");
}

/* The zero page: the image's setup header, then what the loader writes. */
static void fill_header(const struct boot_layout *layout, const struct boot_payloads *payloads)
{
    const struct linux_layout *lx = &layout->linux_boot;
    struct linux_boot_params *bp = (void *)lx->zero_page;
    struct linux_setup_header *h = &bp->hdr;
    uint64_t initrd_size = initrd_of(payloads)->size;
    uint64_t initrd = initrd_size ? lx->initrd_phys : 0;

    memset(bp, 0, sizeof(*bp));
    memcpy(h, payloads->kernel + LINUX_SETUP_HEADER_OFFSET,
           lx->image.header_end - LINUX_SETUP_HEADER_OFFSET);
    h->type_of_loader = LINUX_LOADER_UNDEFINED;
    h->loadflags &= (uint8_t)~LINUX_CAN_USE_HEAP;      /* no real-mode setup runs */
    h->code32_start = (uint32_t)lx->kernel_phys;
    h->ramdisk_image = (uint32_t)initrd;
    h->ramdisk_size = (uint32_t)initrd_size;
    bp->ext_ramdisk_image = (uint32_t)(initrd >> 32);
    bp->ext_ramdisk_size = (uint32_t)(initrd_size >> 32);
    h->cmd_line_ptr = (uint32_t)lx->cmdline_phys;
    bp->ext_cmd_line_ptr = (uint32_t)(lx->cmdline_phys >> 32);
}

/* Copies in an order that never overwrites a source still needed: the
 * header and the initrd leave the blob before the kernel (which may be
 * placed where the BIOS blob lies) moves. */
static void copy_payloads(const struct boot_layout *layout, const struct boot_payloads *payloads)
{
    const struct linux_layout *lx = &layout->linux_boot;
    char *cmdline = (char *)lx->cmdline_phys;

    fill_header(layout, payloads);
    memcpy(cmdline, layout->strings, layout->hdr->cmdline_length);
    cmdline[layout->hdr->cmdline_length] = 0;
    if (initrd_of(payloads)->size)
        memcpy((void *)lx->initrd_phys, initrd_of(payloads)->data, initrd_of(payloads)->size);
    memmove((void *)lx->kernel_phys, payloads->kernel + lx->image.setup_bytes,
            lx->image.kernel_bytes);
}

void linux_build(struct boot_layout *layout, const struct boot_payloads *payloads)
{
    boot_require_pages(layout, "Linux's kernel (init_size), initrd, zero page and command line");
    place_kernel(layout);
    boot_keep_taken(layout);
    if (initrd_of(payloads)->size)
        place_initrd(layout, initrd_of(payloads)->size);
    place_tables(layout);
    copy_payloads(layout, payloads);
}

void linux_log_layout(const struct boot_layout *layout)
{
    const struct linux_layout *lx = &layout->linux_boot;
    const char *who = layout->machine->log_name;
    const struct linux_setup_header *h = &lx->image.hdr;

    console_printf("embedboot: %s: Linux, boot protocol %u.%02u, kernel at 0x%llx (init_size "
                   "%u KiB)\n", who, h->version >> 8, h->version & 0xff,
                   (unsigned long long)lx->kernel_phys, h->init_size / 1024);
    if (layout->hdr->module_count)
        console_printf("embedboot: %s: initrd at 0x%llx (%llu KiB)\n", who,
                       (unsigned long long)lx->initrd_phys,
                       (unsigned long long)(layout->hdr->module[0].size / 1024));
    console_printf("embedboot: %s: zero page at 0x%llx, command line \"%s\"; jumping to the "
                   "kernel\n", who,
                   (unsigned long long)lx->zero_page, layout->strings);
}

void linux_enter(const struct boot_layout *layout, const struct memmap *final_map)
{
    const struct linux_layout *lx = &layout->linux_boot;
    const struct boot_machine *machine = layout->machine;
    struct linux_boot_params *bp = (void *)lx->zero_page;
    struct linux_setup_data *ext = (void *)lx->e820_ext;
    unsigned ext_capacity = layout->max_regions > LINUX_E820_MAX
                                ? layout->max_regions - LINUX_E820_MAX : 0;

    if (linux_fill_e820(bp, ext, ext_capacity, final_map, machine->firmware) < 0)
        panic("the memory map has more entries than the E820 table and its extension hold");
    if (ext && ext->len)
        bp->hdr.setup_data = lx->e820_ext;
    linux_fill_screen_info(&bp->screen_info, machine);
    if (machine->firmware == EMBEDBOOT_FIRMWARE_UEFI) {
        linux_fill_efi_info(&bp->efi_info, &machine->efi);
        bp->secure_boot = machine->secure_boot ? LINUX_SECURE_BOOT_ENABLED
                                               : LINUX_SECURE_BOOT_DISABLED;
    }
    bp->acpi_rsdp_addr = machine->rsdp;
    nmi_unmask();
    linux_entry_fn *enter = (linux_entry_fn *)handoff_address(machine, enter_linux);
    enter(lx->kernel_phys + LINUX_ENTRY_64_OFFSET, lx->zero_page);
    __builtin_unreachable();
}
