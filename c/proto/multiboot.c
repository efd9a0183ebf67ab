/* The Multiboot back end (Multiboot 0.6.96 and 2.0): the kernel's pieces
 * at the physical addresses its ELF program headers or address fields
 * name, each module page-aligned below 4 GiB, the information area below
 * 4 GiB; at the entry the information structure from the final memory
 * map, then 32-bit protected mode with paging off (asm/handoff.asm). On
 * BIOS the kernel may lie where the payloads arrived (1 MiB, like an OSDev
 * kernel): modules and a copy of the kernel file leave first. */
#include <string.h>

#include "../console.h"
#include "../io.h"
#include "../page.h"
#include "multiboot_info.h"
#include "proto.h"

#define MiB      0x100000ull
#define FOUR_GIB 0x100000000ull

extern const uint8_t enter_multiboot[], enter_multiboot_efi64[];   /* asm/handoff.asm */

/* Where the modules, the section area and the information go: a 32-bit
 * kernel reaches them, and the first MiB stays the loader's. */
static const struct frames_where below_4gib = { PAGE_SIZE, MiB, FOUR_GIB, 0 };
typedef void multiboot_entry_fn(uint64_t entry, uint64_t magic, uint64_t info);

static uint64_t kernel_span_start(const struct multiboot_image *mb)
{
    return mb->load_start & ~(PAGE_SIZE - 1);
}

static uint64_t kernel_span_pages(const struct multiboot_image *mb)
{
    return pages_of(mb->load_end - kernel_span_start(mb));
}

/* Everything but the modules' strings, which the bound counts. */
static struct mb_info_input info_sizes(const struct boot_layout *layout)
{
    struct mb_info_input in = { .module_count = layout->hdr->module_count,
                                .shnum = layout->multiboot.image.shnum,
                                .shentsize = layout->multiboot.image.shentsize };
    return in;
}

uint64_t multiboot_pages_needed(struct boot_layout *layout)
{
    const struct multiboot_layout *mbl = &layout->multiboot;
    struct mb_info_input sizes = info_sizes(layout);
    uint64_t modules = 0;
    for (unsigned i = 0; i < layout->hdr->module_count; i++)
        modules += pages_of(layout->hdr->module[i].size);
    layout->pages_needed = kernel_span_pages(&mbl->image) + modules +
                           pages_of(layout->hdr->kernel_size) +
                           pages_of((uint64_t)mbl->image.shnum * mbl->image.shentsize) +
                           pages_of(mbl->image.sections_size) +
                           pages_of(multiboot_info_bound(&sizes, layout->max_regions,
                                                         layout->machine->efi.memmap_capacity)) + 1;
    return layout->pages_needed;
}

static void place_kernel(struct boot_layout *layout)
{
    const struct multiboot_image *mb = &layout->multiboot.image;
    uint64_t start = kernel_span_start(mb), pages = kernel_span_pages(mb);
    struct frames_where exact = { PAGE_SIZE, start, start + pages * PAGE_SIZE, 0 };

    if (!frames_alloc_in(&layout->pool, pages, &exact, EMBEDBOOT_MEMORY_KERNEL))
        panic_as(PANIC_NO_MEMORY, "Multiboot kernel: 0x%llx-0x%llx, where it is linked, is not "
                 "free memory", (unsigned long long)start,
                 (unsigned long long)(start + pages * PAGE_SIZE));
}

/* Below 4 GiB, page-aligned (whether or not the header asks), in order. */
static void place_modules(struct boot_layout *layout, const struct boot_payloads *payloads)
{
    struct multiboot_layout *mbl = &layout->multiboot;
    for (unsigned i = 0; i < payloads->module_count; i++) {
        uint64_t pages = pages_of(payloads->module[i].size);
        mbl->module_phys[i] = pages ? boot_alloc(layout, pages, &below_4gib,
                                                 EMBEDBOOT_MEMORY_MODULE, "module below 4 GiB")
                                    : MiB;       /* an empty module: any address, no bytes */
        memcpy((void *)mbl->module_phys[i], payloads->module[i].data, payloads->module[i].size);
    }
}

/* The kernel file where loading its pieces cannot overwrite it: a copy
 * when its pieces overlap the payloads stage 2 loaded. */
static const uint8_t *safe_source(struct boot_layout *layout, const struct boot_payloads *payloads)
{
    const struct multiboot_image *mb = &layout->multiboot.image;
    uint64_t start = kernel_span_start(mb), end = start + kernel_span_pages(mb) * PAGE_SIZE;
    if (end <= layout->free.taken_start || start >= layout->free.taken_end)
        return payloads->kernel;
    uint8_t *copy = (void *)boot_alloc(layout, pages_of(payloads->kernel_size), &frames_anywhere,
                                       EMBEDBOOT_MEMORY_BOOTLOADER, "copy of the kernel");
    memcpy(copy, payloads->kernel, payloads->kernel_size);
    return copy;
}

static void load_pieces(const struct boot_layout *layout, const uint8_t *file)
{
    const struct multiboot_image *mb = &layout->multiboot.image;
    memset((void *)kernel_span_start(mb), 0, kernel_span_pages(mb) * PAGE_SIZE);
    for (unsigned i = 0; i < mb->count; i++)
        memcpy((void *)mb->piece[i].phys, file + mb->piece[i].offset, mb->piece[i].filesz);
}

/* A copy of the ELF section headers, and the sections no segment loads
 * (symbols, strings) in one area, their sh_addr set to where they are. */
static void place_sections(struct boot_layout *layout, const uint8_t *file)
{
    struct multiboot_layout *mbl = &layout->multiboot;
    const struct multiboot_image *mb = &mbl->image;
    uint64_t bytes = (uint64_t)mb->shnum * mb->shentsize, used = 0, area = 0;

    if (!mb->shnum)
        return;
    mbl->shdrs = boot_alloc(layout, pages_of(bytes), &below_4gib, EMBEDBOOT_MEMORY_BOOT_INFO,
                            "ELF section headers");
    memcpy((void *)mbl->shdrs, file + mb->shoff, bytes);
    if (mb->sections_size)
        area = boot_alloc(layout, pages_of(mb->sections_size), &below_4gib, EMBEDBOOT_MEMORY_KERNEL,
                          "ELF sections");
    for (unsigned i = 0; i < mb->shnum; i++) {
        struct mb_section s = multiboot_section(mb, (const uint8_t *)mbl->shdrs, i);
        if (!multiboot_section_loaded(i, &s))
            continue;
        uint64_t at = area + multiboot_section_place(&s, &used);
        memcpy((void *)at, file + s.offset, s.size);
        multiboot_section_set_addr(mb, (uint8_t *)mbl->shdrs, i, at);
    }
}

static void place_info(struct boot_layout *layout)
{
    struct multiboot_layout *mbl = &layout->multiboot;
    struct mb_info_input sizes = info_sizes(layout);
    mbl->info_capacity = page_up(multiboot_info_bound(&sizes, layout->max_regions,
                                                      layout->machine->efi.memmap_capacity));
    mbl->info_area = boot_alloc(layout, mbl->info_capacity / PAGE_SIZE, &below_4gib,
                                EMBEDBOOT_MEMORY_BOOT_INFO, "Multiboot information");
    boot_alloc_final_map(layout, &below_4gib);
}

/* A BIOS machine has no EFI tables to give a kernel that requires them. */
static void check_requests(const struct boot_layout *layout)
{
    const uint32_t efi_only = (1u << MB2_TAG_EFI64) | (1u << MB2_TAG_EFI_MMAP) |
                              (1u << MB2_TAG_EFI64_IH);
    uint32_t missing = layout->multiboot.image.requests_required & efi_only;
    if (layout->machine->firmware == EMBEDBOOT_FIRMWARE_BIOS && missing)
        panic("Multiboot2 kernel: it requires information tag %u (EFI), which a BIOS boot "
              "cannot give", (unsigned)__builtin_ctz(missing));
}

void multiboot_build(struct boot_layout *layout, const struct boot_payloads *payloads)
{
    boot_require_pages(layout, "the Multiboot kernel, its modules and information");
    check_requests(layout);
    place_kernel(layout);
    boot_keep_taken(layout);
    place_modules(layout, payloads);
    const uint8_t *file = safe_source(layout, payloads);
    place_sections(layout, file);
    place_info(layout);
    load_pieces(layout, file);
}

void multiboot_log_layout(const struct boot_layout *layout)
{
    const struct multiboot_layout *mbl = &layout->multiboot;
    const char *who = layout->machine->log_name;
    console_printf("embedboot: %s: Multiboot%s kernel at 0x%llx-0x%llx, entry 0x%llx, %u "
                   "module(s)\n", who, mbl->image.version == 2 ? "2" : "",
                   (unsigned long long)mbl->image.load_start, (unsigned long long)mbl->image.load_end,
                   (unsigned long long)mbl->image.entry, layout->hdr->module_count);
    console_printf("embedboot: %s: information at 0x%llx, command line \"%s\"; jumping to the "
                   "kernel\n", who,
                   (unsigned long long)mbl->info_area, layout->strings);
}

void multiboot_enter(const struct boot_layout *layout, const struct memmap *final_map)
{
    const struct multiboot_layout *mbl = &layout->multiboot;
    const struct image_header *hdr = layout->hdr;
    struct mb_info_input in = { .machine = layout->machine, .map = final_map,
                                .cmdline = layout->strings, .module_count = hdr->module_count,
                                .shdrs = (const uint8_t *)mbl->shdrs, .shnum = mbl->image.shnum,
                                .shentsize = mbl->image.shentsize,
                                .shstrndx = mbl->image.shstrndx,
                                .load_base = mbl->image.load_start,
                                .efi_boot_services = boot_keeps_boot_services(layout) };
    for (unsigned i = 0; i < hdr->module_count; i++)
        in.module[i] = (struct mb_info_module){ mbl->module_phys[i], hdr->module[i].size,
                                                layout->strings + hdr->module[i].cmdline_offset };
    int version = mbl->image.version;
    uint64_t info = multiboot_build_info(version, (void *)mbl->info_area, mbl->info_capacity, &in);
    if (!info)
        panic("the Multiboot information does not fit its %llu bytes",
              (unsigned long long)mbl->info_capacity);
    /* The EFI amd64 entry: 64-bit, on the firmware's tables, boot services
     * running. Else 32-bit protected mode with paging off. */
    const uint8_t *how = in.efi_boot_services ? enter_multiboot_efi64 : enter_multiboot;
    uint64_t entry = in.efi_boot_services ? mbl->image.efi64_entry : mbl->image.entry;
    if (!in.efi_boot_services)
        nmi_unmask();
    multiboot_entry_fn *enter = (multiboot_entry_fn *)handoff_address(layout->machine, how);
    enter(entry, version == 2 ? MB2_BOOT_MAGIC : MB1_BOOT_MAGIC, info);
    __builtin_unreachable();
}
