/* The firmware-neutral core: checks, sizes, frames, the kernel's address
 * space and the final memory map (boot_build.h). */
#include "boot_build.h"

#include <string.h>

#include "ksyms.h"
#include "timeline.h"

#include "config.h"
#include "console.h"
#include "checksum.h"
#include "fmt.h"
#include "kernel_kind.h"
#include "kernel_load.h"
#include "page.h"
#include "payload_layout.h"
#include "proto/proto.h"
#include "random.h"
#include "vspace.h"

#define MiB 0x100000ull
#define GiB (1024 * MiB)

/* Marks boot_finish_memory_map makes: one per pool allocation, then the
 * first MiB, the taken range and the framebuffer. Each mark splits one
 * region into at most three. */
#define CORE_MAP_MARKS (FRAMES_MAX_LOG + 3)

/* A zeroed page-table frame from the layout's pool (pt_env callback). */
static uint64_t alloc_table(void *pool)
{
    uint64_t frame = frames_alloc(pool, 1, EMBEDBOOT_MEMORY_PAGE_TABLES);
    if (frame)
        memset((void *)frame, 0, PAGE_SIZE);
    return frame;
}

static void *phys_to_ptr(void *pool, uint64_t phys)
{
    (void)pool;
    return (void *)phys;
}

static const char *pt_error_text(enum pt_error e)
{
    switch (e) {
    case PT_NOMEM:       return "out of memory for page tables";
    case PT_CONFLICT:    return "address already mapped";
    case PT_BAD_ADDRESS: return "bad address";
    default:             return "no error";
    }
}

void boot_map(struct boot_layout *layout, const char *what, uint64_t virt, uint64_t phys,
              uint64_t pages, unsigned flags)
{
    enum pt_error err = pt_map_range(&layout->pt, layout->pml4, virt, phys, pages, flags);
    if (err)
        panic("cannot map the %s at 0x%llx: %s", what, (unsigned long long)virt,
              pt_error_text(err));
}

static uint64_t kib(uint64_t pages)
{
    return pages * (PAGE_SIZE / 1024);
}

/* A payload as the header describes it: size, then checksum. */
static void check_payload(const char *what, const uint8_t *bytes, uint64_t size,
                          uint64_t expected_size, struct checksum expected)
{
    if (size != expected_size)
        panic("%s image corrupted: header says %llu bytes, the image holds %llu", what,
              (unsigned long long)expected_size, (unsigned long long)size);
    struct checksum got = checksum_of(bytes, size);
    if (!checksum_equal(got, expected))
        panic("%s image corrupted: checksum %016llx:%016llx, expected %016llx:%016llx", what,
              (unsigned long long)got.sum, (unsigned long long)got.weighted,
              (unsigned long long)expected.sum, (unsigned long long)expected.weighted);
}

static const uint8_t *relative(const int32_t *field)
{
    return (const uint8_t *)field + *field;
}

void boot_payloads_from(struct boot_payloads *payloads, const uint8_t *kernel, uint64_t size,
                        const struct module_table *table, const char *strings)
{
    payloads->strings = strings;
    if (table->count > IMAGE_MODULES_MAX)
        panic("the image links %u modules, more than %u", table->count, IMAGE_MODULES_MAX);
    payloads->kernel = kernel;
    payloads->kernel_size = size;
    payloads->kernel_room = 0;                 /* the front end knows better */
    payloads->module_count = table->count;
    for (unsigned i = 0; i < table->count; i++) {
        const uint8_t *start = relative(&table->entry[i].start);
        payloads->module[i] = (struct boot_module){ start,
                                                    (uint64_t)(relative(&table->entry[i].end) - start) };
    }
}

void boot_check_payload_layout(const struct image_header *hdr, const struct boot_payloads *payloads)
{
    for (unsigned i = 0; i < payloads->module_count && i < hdr->module_count; i++)
        if ((uint64_t)(payloads->module[i].data - payloads->kernel) != payload_offset(hdr, i + 1))
            panic("module %u lies at offset 0x%llx of the payloads, not 0x%llx (linker.ld and "
                  "c/payload_layout.c disagree)", i,
                  (unsigned long long)(payloads->module[i].data - payloads->kernel),
                  (unsigned long long)payload_offset(hdr, i + 1));
    uint64_t strings = payload_offset(hdr, payload_strings_piece(hdr));
    if ((uint64_t)((const uint8_t *)payloads->strings - payloads->kernel) != strings)
        panic("the command lines lie at offset 0x%llx of the payloads, not 0x%llx (linker.ld "
              "and c/payload_layout.c disagree)",
              (unsigned long long)((const uint8_t *)payloads->strings - payloads->kernel),
              (unsigned long long)strings);
}

void boot_payloads_after_hole(struct boot_payloads *payloads, const struct image_header *hdr,
                              uint64_t hole)
{
    payloads->kernel_room = payload_offset(hdr, 1) + hole;
    for (unsigned i = 0; i < payloads->module_count; i++)
        payloads->module[i].data += hole;
    payloads->strings += hole;
}

void boot_check_kernel(struct boot_layout *layout, const struct image_header *hdr,
                       const struct boot_payloads *payloads)
{
    char what[16];

    if (hdr->magic != IMAGE_HEADER_MAGIC || !image_header_is_current(hdr))
        panic("image header missing or of another version: rebuild the image");
    check_payload("kernel", payloads->kernel, payloads->kernel_size, hdr->kernel_size,
                  hdr->kernel_check);
    check_payload("command lines", (const uint8_t *)payloads->strings, IMAGE_STRINGS_MAX,
                  IMAGE_STRINGS_MAX, hdr->strings_check);
    if (payloads->module_count != hdr->module_count)
        panic("image corrupted: the header lists %u modules, the image holds %u",
              hdr->module_count, payloads->module_count);
    for (unsigned i = 0; i < payloads->module_count; i++) {
        fmt_format(what, sizeof(what), "module %u", i);
        check_payload(what, payloads->module[i].data, payloads->module[i].size,
                      hdr->module[i].size, hdr->module[i].check);
    }
    boot_check_payloads(layout, hdr, payloads);
}

static void check_elf(struct boot_layout *layout, const struct boot_payloads *payloads)
{
    struct elf_result why;
    char text[160];

    if (elf_load_plan(payloads->kernel, payloads->kernel_size, &layout->plan, &why)) {
        elf_error_message(&why, text, sizeof(text));
        panic("kernel: %s", text);
    }
}

static void check_multiboot(struct boot_layout *layout, const struct image_header *hdr,
                            const struct boot_payloads *payloads)
{
    struct mb_result why;
    char text[200];
    int version = hdr->protocol == PROTOCOL_MULTIBOOT2 ? 2 : 1;

    if (multiboot_check(payloads->kernel, payloads->kernel_size, version == 1,
                        &layout->multiboot.image, &why)) {
        multiboot_error_message(&why, text, sizeof(text));
        panic("kernel: %s", text);
    }
    if (layout->multiboot.image.version != version)
        panic("kernel: its Multiboot header is not the one the image was built for");
}

static void check_bzimage(struct boot_layout *layout, const struct image_header *hdr,
                          const struct boot_payloads *payloads)
{
    struct bzimage_result why;
    char text[200];

    if (bzimage_check(payloads->kernel, payloads->kernel_size, hdr->cmdline_length,
                      &layout->linux_boot.image, &why)) {
        bzimage_error_message(&why, text, sizeof(text));
        panic("kernel: %s", text);
    }
}

void boot_check_payloads(struct boot_layout *layout, const struct image_header *hdr,
                         const struct boot_payloads *payloads)
{
    static const char *const names[] = {
        [KIND_UNKNOWN] = "a file of no kind embedboot boots", [KIND_ELF] = "an ELF kernel",
        [KIND_BZIMAGE] = "a Linux bzImage", [KIND_MULTIBOOT] = "a Multiboot kernel" };
    enum kernel_kind kind = kernel_kind_of(payloads->kernel, payloads->kernel_size);
    enum kernel_kind wanted = hdr->protocol == PROTOCOL_LINUX       ? KIND_BZIMAGE
                              : hdr->protocol == PROTOCOL_EMBEDBOOT ? KIND_ELF
                                                                    : KIND_MULTIBOOT;

    memcpy(layout->strings, payloads->strings, IMAGE_STRINGS_MAX);
    layout->strings[IMAGE_STRINGS_MAX - 1] = 0;
    if (kind != wanted)
        panic("kernel: %s, but the image was built for %s", names[kind], names[wanted]);
    if (hdr->protocol == PROTOCOL_LINUX)
        check_bzimage(layout, hdr, payloads);
    else if (wanted == KIND_MULTIBOOT)
        check_multiboot(layout, hdr, payloads);
    else {
        check_elf(layout, payloads);
        layout->symbol_bytes = ksyms_bytes(payloads->kernel, payloads->kernel_size);
    }
}

/* Page tables to map `span` bytes with pages of `level` (0 = 4 KiB,
 * 1 = 2 MiB, 2 = 1 GiB), at most. */
static uint64_t tables_for_span(uint64_t span, int level)
{
    uint64_t tables = 0;
    for (int l = level + 1; l <= 3; l++)
        tables += (span >> (12 + 9 * l)) + 2;
    return tables;
}

/* ... and with 4 KiB pages. */
static uint64_t tables_for(uint64_t pages)
{
    return tables_for_span(pages * PAGE_SIZE, 0);
}

/* Frames the build takes at most: segments, stack, boot info and a bound
 * on the page tables for all of them and the optional windows. */
static uint64_t pages_needed(const struct boot_layout *layout)
{
    uint64_t stack_pages = layout->hdr->kernel_stack_pages;
    uint64_t phys_tables =
        layout->phys_size ? tables_for_span(layout->phys_size, layout->phys_level) : 0;
    uint64_t tables = 1 + tables_for(layout->plan.pages) + layout->plan.count * 3 +
                      tables_for(stack_pages) + tables_for(layout->info_pages) + tables_for(16) +
                      tables_for(8192) + phys_tables;
    uint64_t modules = boot_modules_pages(layout);
    uint64_t smp = (layout->hdr->features & FEATURE_SMP) ? smp_pages(layout) : 0;
    return layout->plan.pages + stack_pages + layout->info_pages + tables + modules +
           tables_for(modules) + boot_catcher_pages(layout) + smp;
}

static void check_memory(const struct boot_layout *layout)
{
    uint64_t stack_pages = layout->hdr->kernel_stack_pages;
    uint64_t need = layout->pages_needed, plan_pages = layout->plan.pages;
    uint64_t free_pages = frames_free_pages(&layout->pool);
    uint64_t largest_run = frames_largest_run(&layout->pool);

    if (need > free_pages)
        panic_as(PANIC_NO_MEMORY, "not enough memory: the kernel needs %llu KiB (segments %llu KiB, stack %llu "
              "KiB, boot info and page tables %llu KiB), %llu KiB are free",
              (unsigned long long)kib(need), (unsigned long long)kib(plan_pages),
              (unsigned long long)kib(stack_pages),
              (unsigned long long)kib(need - plan_pages - stack_pages),
              (unsigned long long)kib(free_pages));
    if (plan_pages > largest_run)
        panic_as(PANIC_NO_MEMORY, "not enough memory: the kernel's segments need %llu KiB in one piece, the "
              "largest free block is %llu KiB",
              (unsigned long long)kib(plan_pages), (unsigned long long)kib(largest_run));
}

/* A free 512 GiB slot of the kernel's address space (vspace.h). */
static uint64_t take_slot_or_panic(struct vspace *vs, const char *what)
{
    uint64_t base = vspace_take_slot(vs);
    if (!base)
        panic("no free 512 GiB region of the address space for the %s", what);
    return base;
}

uint64_t boot_alloc(struct boot_layout *layout, uint64_t pages, const struct frames_where *where,
                    uint32_t kind, const char *what)
{
    uint64_t frame = frames_alloc_in(&layout->pool, pages, where, kind);
    if (!frame)
        panic_as(PANIC_NO_MEMORY, "not enough memory for the %s (%llu KiB)", what,
                 (unsigned long long)kib(pages));
    return frame;
}

static uint64_t alloc_or_panic(struct boot_layout *layout, uint64_t pages, uint32_t kind,
                               const char *what)
{
    return boot_alloc(layout, pages, &frames_anywhere, kind, what);
}

/* Bytes of physical address space to map with map_physical_memory: the
 * whole firmware map and at least 4 GiB, in whole GiB. */
static uint64_t physical_span(const struct boot_layout *layout)
{
    uint64_t top = layout->physical_top > 4 * GiB ? layout->physical_top : 4 * GiB;
    return (top + GiB - 1) & ~(GiB - 1);
}

/* What the configured regions take on this machine. */
static struct config_sizes real_sizes(const struct boot_layout *layout)
{
    return (struct config_sizes){ layout->phys_size, layout->info_pages * PAGE_SIZE,
                                  boot_modules_pages(layout) * PAGE_SIZE };
}

/* The configuration again, now with the real sizes. */
static void check_config(const struct boot_layout *layout)
{
    struct config_sizes sizes = real_sizes(layout);
    enum config_key key;
    char why[200];
    if (config_check(layout->hdr, &layout->plan, &sizes, &key, why, sizeof(why)))
        panic("configuration: %s: %s", config_key_name(key), why);
}

/* The largest pages the offset's alignment and the CPU allow: 2 = 1 GiB,
 * 1 = 2 MiB, 0 = 4 KiB. A chosen offset is slot-aligned (512 GiB). */
static int physical_map_level(const struct boot_layout *layout)
{
    const struct image_header *hdr = layout->hdr;
    uint64_t offset =
        (hdr->configured & CONFIG_PHYSICAL_MEMORY_OFFSET) ? hdr->physical_memory_offset : 0;
    if (layout->machine->pages_1g && offset % GiB == 0)
        return 2;
    return offset % (2 * MiB) == 0 ? 1 : 0;
}

static void map_physical_memory(struct boot_layout *layout, struct vspace *vs)
{
    int level = layout->phys_level;
    const struct image_header *hdr = layout->hdr;
    if (hdr->configured & CONFIG_PHYSICAL_MEMORY_OFFSET) {
        layout->phys_offset = hdr->physical_memory_offset;
    } else {
        layout->phys_offset = vspace_take_slots(vs, (layout->phys_size + (1ull << 39) - 1) >> 39);
        if (!layout->phys_offset)
            panic("no free region of the address space for %llu GiB of physical memory",
                  (unsigned long long)(layout->phys_size / GiB));
    }
    enum pt_error err =
        level ? pt_map_large(&layout->pt, layout->pml4, layout->phys_offset, 0,
                             layout->phys_size >> (12 + 9 * level), level, PT_WRITE)
              : pt_map_range(&layout->pt, layout->pml4, layout->phys_offset, 0,
                             layout->phys_size / PAGE_SIZE, PT_WRITE);
    if (err)
        panic("cannot map physical memory at 0x%llx: %s",
              (unsigned long long)layout->phys_offset, pt_error_text(err));
    layout->has_phys_map = 1;
}

/* A PML4 entry pointing at the PML4 itself (NX: the tables are data). */
static void map_recursive(struct boot_layout *layout, struct vspace *vs)
{
    uint64_t *pml4 = (uint64_t *)layout->pml4;
    layout->recursive_index = (take_slot_or_panic(vs, "recursive mapping") >> 39) & 511;
    pml4[layout->recursive_index] =
        layout->pml4 | PTE_P | PTE_W | (layout->pt.nx ? PTE_NX : 0);
    layout->has_recursive = 1;
}

/* Configured regions are not free for the chosen ones. */
static void reserve_configured(struct vspace *vs, const struct boot_layout *layout)
{
    struct config_sizes sizes = real_sizes(layout);
    struct config_region r[CONFIG_REGIONS_MAX];
    for (unsigned i = 0, n = config_regions(layout->hdr, &sizes, r); i < n; i++)
        vspace_mark_range(vs, r[i].start, r[i].size);
}

/* A relocatable kernel: its base (at random with kaslr, else the fixed
 * one), and the plan slid there. The configuration check left room. */
static void place_kernel(struct boot_layout *layout)
{
    struct load_plan *plan = &layout->plan;
    struct config_sizes sizes = real_sizes(layout);
    struct kernel_place place;
    uint64_t random = 0;
    int kaslr = (layout->hdr->features & FEATURE_KASLR) != 0;

    config_kernel_place(layout->hdr, plan, &sizes, &place);
    if (!kernel_place_choices(&place))
        panic("configuration: no room for the relocatable kernel");
    if (kaslr)
        random = boot_random(layout->machine->clock, &layout->random_source);
    layout->kernel_slide = kernel_place_pick(&place, random) - place.link_base;
    load_plan_slide(plan, layout->kernel_slide);
    console_printf("embedboot: %s: relocatable kernel linked at 0x%llx runs at 0x%llx (%s); "
                   "%llu relocations: %llu RELATIVE, %llu 64, %llu GLOB_DAT\n",
                   layout->machine->log_name, (unsigned long long)place.link_base,
                   (unsigned long long)(place.link_base + layout->kernel_slide),
                   !kaslr ? "the fixed base"
                   : layout->random_source == EMBEDBOOT_RANDOM_RDRAND ? "KASLR from RDRAND"
                                                                     : "KASLR from RDTSC jitter and the clock",
                   (unsigned long long)elf_reloc_applied(plan),
                   (unsigned long long)plan->relocs.relative, (unsigned long long)plan->relocs.absolute,
                   (unsigned long long)plan->relocs.got);
    if (kaslr)
        console_printf("embedboot: %s: KASLR: one of %llu bases, every 0x%llx bytes\n",
                       layout->machine->log_name, (unsigned long long)kernel_place_choices(&place),
                       (unsigned long long)place.step);
}

/* The kernel's frames: its file's own pages when it can be loaded in place
 * there (c/kernel_load.h), else frames from the pool. */
static uint64_t kernel_frames(struct boot_layout *layout, const struct boot_payloads *payloads)
{
    uint64_t offset = load_plan_in_place_offset(&layout->plan);
    uint64_t file = (uint64_t)payloads->kernel, bytes = layout->plan.pages * PAGE_SIZE;

    if (offset != LOAD_NOT_IN_PLACE && file % PAGE_SIZE == 0 &&
        offset <= payloads->kernel_room && bytes <= payloads->kernel_room - offset) {
        if (frames_note(&layout->pool, file + offset, file + offset + bytes, EMBEDBOOT_MEMORY_KERNEL))
            panic("the memory map is too fragmented: more than %u allocations", FRAMES_MAX_LOG);
        layout->kernel_in_place = 1;
        return file + offset;
    }
    return alloc_or_panic(layout, layout->plan.pages, EMBEDBOOT_MEMORY_KERNEL, "kernel");
}

static void load_and_map_kernel(struct boot_layout *layout, const struct boot_payloads *payloads)
{
    const uint8_t *blob = payloads->kernel;

    layout->kernel_phys = kernel_frames(layout, payloads);
    layout->pml4 = alloc_table(&layout->pool);
    if (!layout->pml4)
        panic_as(PANIC_NO_MEMORY, "not enough memory for page tables");
    enum pt_error err =
        kernel_load(&layout->plan, blob, layout->kernel_phys, &layout->pt, layout->pml4);
    if (err)
        panic("cannot map the kernel: %s", pt_error_text(err));
    if (layout->plan.relocatable)
        kernel_relocate(&layout->plan, blob, layout->kernel_phys, &layout->pt, layout->kernel_slide);
}

static void map_stack(struct boot_layout *layout, struct vspace *vs)
{
    const struct image_header *hdr = layout->hdr;
    uint64_t pages = hdr->kernel_stack_pages;
    uint64_t guard = (hdr->configured & CONFIG_STACK_ADDRESS) ? hdr->kernel_stack_address
                                                               : take_slot_or_panic(vs, "stack");
    layout->stack_bottom = guard + PAGE_SIZE;      /* the guard page stays unmapped */
    layout->stack_top = layout->stack_bottom + pages * PAGE_SIZE;
    uint64_t phys = alloc_or_panic(layout, pages, EMBEDBOOT_MEMORY_KERNEL_STACK, "stack");
    memset((void *)phys, 0, pages * PAGE_SIZE);
    boot_map(layout, "kernel stack", layout->stack_bottom, phys, pages, PT_WRITE);
}

static void map_boot_info(struct boot_layout *layout, struct vspace *vs)
{
    const struct image_header *hdr = layout->hdr;
    uint64_t pages = layout->info_pages;
    layout->info_virt = (hdr->configured & CONFIG_BOOT_INFO_ADDRESS)
                            ? hdr->boot_info_address
                            : take_slot_or_panic(vs, "boot info");
    layout->info_phys = alloc_or_panic(layout, pages, EMBEDBOOT_MEMORY_BOOT_INFO, "boot info");
    memset((void *)layout->info_phys, 0, pages * PAGE_SIZE);
    boot_map(layout, "boot info", layout->info_virt, layout->info_phys, pages, PT_WRITE);
}

/* The hand-off code and GDT stay mapped for the kernel (identity). */
static void map_handoff(struct boot_layout *layout)
{
    const struct boot_machine *machine = layout->machine;
    uint64_t start = machine->handoff_start & ~(PAGE_SIZE - 1);
    boot_map(layout, "hand-off page", start, start,
                 (page_up(machine->handoff_end) - start) / PAGE_SIZE, PT_EXEC);
}

/* VGA memory stays identity-mapped below 1 MiB; a linear framebuffer gets
 * a free slot, write-combining where the CPU has PAT. */
static void map_framebuffer(struct boot_layout *layout, struct vspace *vs)
{
    const struct boot_machine *machine = layout->machine;
    uint64_t phys = machine->fb.physical_address, pages = machine->fb_bytes / PAGE_SIZE;
    if (machine->fb.pixel_format != EMBEDBOOT_PIXELS_RGB) {
        layout->fb_virt = phys;
        boot_map(layout, "framebuffer", phys, phys, pages, PT_WRITE);
        return;
    }
    layout->fb_virt = take_slot_or_panic(vs, "framebuffer");
    boot_map(layout, "framebuffer", layout->fb_virt, phys, pages,
                 PT_WRITE | (machine->pat ? PT_WC : 0));
}

uint64_t boot_prepare(struct boot_layout *layout, const struct image_header *hdr,
                      const struct boot_machine *machine)
{
    unsigned regions = machine->memory->count + machine->memory_growth + 2 * CORE_MAP_MARKS + 1;

    layout->hdr = hdr;
    layout->machine = machine;
    layout->max_regions = regions < MEMMAP_MAX ? regions : MEMMAP_MAX;
    layout->physical_top = memmap_end(machine->memory);
    if (hdr->protocol == PROTOCOL_LINUX)
        return linux_pages_needed(layout);
    if (hdr->protocol != PROTOCOL_EMBEDBOOT)
        return multiboot_pages_needed(layout);
    if (hdr->features & FEATURE_SMP)
        smp_find_cpus(layout);
    layout->info_pages = pages_of(boot_info_scratch_offset(layout) + boot_info_scratch_bytes(layout));
    layout->phys_size =
        (hdr->features & FEATURE_MAP_PHYSICAL_MEMORY) ? physical_span(layout) : 0;
    layout->phys_level = physical_map_level(layout);
    check_config(layout);
    layout->pages_needed = pages_needed(layout);
    return layout->pages_needed;
}

/* The frame pool: the free memory; the taken range comes out of it with
 * boot_keep_taken. */
static void take_free_memory(struct boot_layout *layout, const struct boot_free_memory *free)
{
    layout->free = *free;
    frames_init(&layout->pool, free->map, free->low, free->high);
    layout->pool.claim = free->claim;
    layout->pool.claim_ctx = free->claim_ctx;
    layout->pt = (struct pt_env){ alloc_table, phys_to_ptr, &layout->pool, layout->machine->nx };
}

void boot_require_pages(const struct boot_layout *layout, const char *what)
{
    uint64_t free_pages = frames_free_pages(&layout->pool);
    if (free_pages < layout->pages_needed)
        panic_as(PANIC_NO_MEMORY, "not enough memory: %s need %llu KiB, %llu KiB are free", what,
                 (unsigned long long)kib(layout->pages_needed), (unsigned long long)kib(free_pages));
}

void boot_alloc_final_map(struct boot_layout *layout, const struct frames_where *where)
{
    layout->final_map_phys =
        boot_alloc(layout, pages_of(layout->max_regions * sizeof(struct embedboot_memory_region)),
                   where, EMBEDBOOT_MEMORY_BOOTLOADER, "memory map");
}

void boot_keep_taken(struct boot_layout *layout)
{
    const struct boot_free_memory *free = &layout->free;
    if (free->taken_start < free->taken_end &&
        frames_reserve(&layout->pool, free->taken_start, free->taken_end))
        panic("the memory map is too fragmented: more than %u free ranges",
              FRAMES_MAX_RANGES);
}

void boot_build(struct boot_layout *layout, const struct boot_payloads *payloads,
                const struct boot_free_memory *free)
{
    const struct image_header *hdr = layout->hdr;

    take_free_memory(layout, free);
    if (hdr->protocol == PROTOCOL_LINUX) {
        linux_build(layout, payloads);
        timeline_mark(EMBEDBOOT_T_KERNEL_LOADED);
        return;
    }
    if (hdr->protocol != PROTOCOL_EMBEDBOOT) {
        multiboot_build(layout, payloads);
        timeline_mark(EMBEDBOOT_T_KERNEL_LOADED);
        return;
    }
    boot_keep_taken(layout);
    check_memory(layout);
    if (layout->plan.relocatable)
        place_kernel(layout);
    boot_read_kernel_symbols(layout, payloads);
    load_and_map_kernel(layout, payloads);
    timeline_mark(EMBEDBOOT_T_KERNEL_LOADED);
    struct vspace vs;
    vspace_init(&vs, &layout->plan);
    reserve_configured(&vs, layout);
    map_stack(layout, &vs);
    map_handoff(layout);
    if (layout->machine->has_framebuffer)
        map_framebuffer(layout, &vs);
    map_boot_info(layout, &vs);
    if (hdr->features & FEATURE_SMP)
        smp_prepare(layout, &vs);
    boot_load_modules(layout, payloads, &vs);
    if (hdr->features & FEATURE_MAP_PHYSICAL_MEMORY)
        map_physical_memory(layout, &vs);
    if (hdr->features & FEATURE_RECURSIVE_PAGE_TABLE)
        map_recursive(layout, &vs);
    boot_install_catcher(layout, &vs, HANDOFF_SEL_CODE64);
    timeline_mark(EMBEDBOOT_T_PAGE_TABLES);
    layout->final_map_phys = layout->info_phys + boot_info_head_bytes(layout);
}

/* The boot info pages: the structure the kernel reads (embedboot's, or
 * the crate v0.9's in a fixed room), the final memory map (embedboot's
 * regions point at it), the modules, the strings; for v0.9 a scratch list
 * its map is converted in. */
uint64_t boot_info_head_bytes(const struct boot_layout *layout)
{
    return layout->hdr->boot_info_format == BOOT_INFO_BOOTLOADER_0_9
               ? BL09_BOOT_INFO_ROOM
               : sizeof(struct embedboot_boot_info);
}

uint64_t boot_info_modules_offset(const struct boot_layout *layout)
{
    return boot_info_head_bytes(layout) +
           layout->max_regions * sizeof(struct embedboot_memory_region);
}

uint64_t boot_info_strings_offset(const struct boot_layout *layout)
{
    return boot_info_modules_offset(layout) +
           layout->hdr->module_count * sizeof(struct embedboot_module);
}

uint64_t boot_info_cpus_offset(const struct boot_layout *layout)
{
    return boot_info_strings_offset(layout) + IMAGE_STRINGS_MAX;
}

uint64_t boot_info_scratch_offset(const struct boot_layout *layout)
{
    return boot_info_cpus_offset(layout) +
           layout->smp.count * (uint64_t)sizeof(struct embedboot_cpu);
}

uint64_t boot_info_scratch_bytes(const struct boot_layout *layout)
{
    return layout->hdr->boot_info_format == BOOT_INFO_BOOTLOADER_0_9
               ? (layout->max_regions + 1ull) * sizeof(struct bl09_memory_region)
               : 0;
}

struct memmap boot_final_map(struct boot_layout *layout)
{
    return (struct memmap){ (void *)layout->final_map_phys, 0, layout->max_regions,
                            layout->map_scratch };
}

int boot_keeps_boot_services(const struct boot_layout *layout)
{
    const struct multiboot_image *mb = &layout->multiboot.image;
    return layout->machine->firmware == EMBEDBOOT_FIRMWARE_UEFI &&
           layout->hdr->protocol == PROTOCOL_MULTIBOOT2 && mb->efi_boot_services && mb->efi64_entry;
}

void boot_enter(const struct boot_layout *layout, const struct memmap *final_map)
{
    timeline_mark(EMBEDBOOT_T_KERNEL_ENTRY);      /* the native back end takes it again */
    timeline_log(layout->machine->log_name);
    if (layout->hdr->protocol == PROTOCOL_LINUX)
        linux_enter(layout, final_map);
    if (layout->hdr->protocol != PROTOCOL_EMBEDBOOT)
        multiboot_enter(layout, final_map);
    embedboot_enter(layout, final_map);
}

void boot_finish_memory_map(struct boot_layout *layout, struct memmap *map)
{
    const struct frame_pool *pool = &layout->pool;
    const struct boot_machine *machine = layout->machine;
    uint64_t fb = machine->fb.physical_address;

    if (layout->hdr->protocol != PROTOCOL_EMBEDBOOT)
        return;                   /* Linux and Multiboot get the firmware's map as it is */
    int err = memmap_mark(map, 0, MiB, EMBEDBOOT_MEMORY_BOOTLOADER, EMBEDBOOT_MEMORY_USABLE);
    err |= memmap_mark(map, layout->free.taken_start & ~(PAGE_SIZE - 1),
                       page_up(layout->free.taken_end), EMBEDBOOT_MEMORY_BOOTLOADER,
                       EMBEDBOOT_MEMORY_USABLE);
    for (unsigned i = 0; i < pool->nlog; i++)
        err |= memmap_mark(map, pool->log[i].start, pool->log[i].end, pool->log[i].kind, 0);
    if (machine->has_framebuffer)
        err |= memmap_mark(map, fb, fb + machine->fb_bytes, EMBEDBOOT_MEMORY_FRAMEBUFFER, 0);
    if (err)
        panic("boot info memory map overflow");
}

void boot_log_layout(const struct boot_layout *layout)
{
    const struct boot_machine *machine = layout->machine;
    if (layout->hdr->protocol == PROTOCOL_LINUX) {
        linux_log_layout(layout);
        return;
    }
    if (layout->hdr->protocol != PROTOCOL_EMBEDBOOT) {
        multiboot_log_layout(layout);
        return;
    }
    const struct embedboot_framebuffer *fb = &machine->fb;
    const char *who = machine->log_name;
    if (machine->has_framebuffer)
        console_printf("embedboot: %s: framebuffer %ux%u, %u bpp at 0x%llx\n", who, fb->width,
                       fb->height, fb->bits_per_pixel, (unsigned long long)fb->physical_address);
    else
        console_printf("embedboot: %s: no framebuffer\n", who);
    console_printf("embedboot: %s: kernel at 0x%llx (%llu KiB at physical 0x%llx%s), entry 0x%llx\n",
                   who, (unsigned long long)layout->plan.vstart,
                   (unsigned long long)kib(layout->plan.pages),
                   (unsigned long long)layout->kernel_phys,
                   layout->kernel_in_place ? ", in place: its file's pages" : "",
                   (unsigned long long)layout->plan.entry);
    console_printf("embedboot: %s: stack 0x%llx-0x%llx, boot info 0x%llx; jumping to the kernel\n",
                   who, (unsigned long long)layout->stack_bottom,
                   (unsigned long long)layout->stack_top, (unsigned long long)layout->info_virt);
}
