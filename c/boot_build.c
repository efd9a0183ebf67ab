/* Building the kernel's world, firmware-neutral (boot_build.h). */
#include "boot_build.h"

#include <string.h>

#include "config.h"
#include "console.h"
#include "crc32.h"
#include "frames.h"
#include "kernel_load.h"
#include "paging.h"
#include "vspace.h"

#define MiB 0x100000ull
#define GiB (1024 * MiB)

static uint64_t alloc_table(void *ctx)
{
    (void)ctx;
    uint64_t frame = boot_alloc_frames(1, EMBEDBOOT_MEMORY_PAGE_TABLES);
    if (frame)
        memset((void *)frame, 0, PAGE_SIZE);
    return frame;
}

static void *phys_to_ptr(void *ctx, uint64_t phys)
{
    (void)ctx;
    return (void *)phys;
}

static struct pt_env env = { alloc_table, phys_to_ptr, 0, 0 };

static const char *pt_error_text(enum pt_error e)
{
    switch (e) {
    case PT_NOMEM:       return "out of memory for page tables";
    case PT_CONFLICT:    return "address already mapped";
    case PT_BAD_ADDRESS: return "bad address";
    default:             return "no error";
    }
}

static void map_or_panic(const char *what, uint64_t pml4, uint64_t virt, uint64_t phys,
                         uint64_t pages, unsigned flags)
{
    enum pt_error err = pt_map_range(&env, pml4, virt, phys, pages, flags);
    if (err)
        panic("cannot map the %s at 0x%llx: %s", what, (unsigned long long)virt,
              pt_error_text(err));
}

static uint64_t kib(uint64_t pages)
{
    return pages * (PAGE_SIZE / 1024);
}

void boot_check_kernel(struct boot_layout *l, const struct image_header *h,
                       const uint8_t *blob, uint64_t size)
{
    if (h->magic != IMAGE_HEADER_MAGIC || h->version != IMAGE_HEADER_VERSION ||
        h->size != sizeof(*h))
        panic("image header missing or of another version: rebuild the image");
    if (h->kernel_size != size)
        panic("kernel image corrupted: header says %llu bytes, the image holds %llu",
              (unsigned long long)h->kernel_size, (unsigned long long)size);
    uint32_t crc = crc32_update(0, blob, size);
    if (crc != h->kernel_crc32)
        panic("kernel image corrupted: CRC-32 0x%08x, expected 0x%08x", crc, h->kernel_crc32);
    boot_check_elf(l, h, blob, size);
}

void boot_check_elf(struct boot_layout *l, const struct image_header *h, const uint8_t *blob,
                    uint64_t size)
{
    struct elf_result why;
    char text[160];

    l->hdr = h;
    if (elf_load_plan(blob, size, &l->plan, &why)) {
        elf_error_message(&why, text, sizeof(text));
        panic("kernel: %s", text);
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
static uint64_t pages_needed(const struct boot_layout *l)
{
    uint64_t stack_pages = l->hdr->kernel_stack_pages;
    uint64_t phys_tables = l->phys_size ? tables_for_span(l->phys_size, l->phys_level) : 0;
    uint64_t tables = 1 + tables_for(l->plan.pages) + l->plan.count * 3 + tables_for(stack_pages) +
                      tables_for(l->info_pages) + tables_for(16) + tables_for(8192) + phys_tables;
    return l->plan.pages + stack_pages + l->info_pages + tables;
}

static void check_memory(const struct boot_layout *l)
{
    const struct boot_machine *m = l->m;
    uint64_t stack_pages = l->hdr->kernel_stack_pages;
    uint64_t need = l->pages_needed;

    if (need > m->free_pages)
        panic("not enough memory: the kernel needs %llu KiB (segments %llu KiB, stack %llu "
              "KiB, boot info and page tables %llu KiB), %llu KiB are free",
              (unsigned long long)kib(need), (unsigned long long)kib(l->plan.pages),
              (unsigned long long)kib(stack_pages),
              (unsigned long long)kib(need - l->plan.pages - stack_pages),
              (unsigned long long)kib(m->free_pages));
    if (l->plan.pages > m->largest_run)
        panic("not enough memory: the kernel's segments need %llu KiB in one piece, the "
              "largest free block is %llu KiB",
              (unsigned long long)kib(l->plan.pages), (unsigned long long)kib(m->largest_run));
}

/* A free 512 GiB slot of the kernel's address space (vspace.h). */
static uint64_t take_slot_or_panic(struct vspace *vs, const char *what)
{
    uint64_t base = vspace_take_slot(vs);
    if (!base)
        panic("no free 512 GiB region of the address space for the %s", what);
    return base;
}

static uint64_t alloc_or_panic(uint64_t pages, uint32_t kind, const char *what)
{
    uint64_t frame = boot_alloc_frames(pages, kind);
    if (!frame)
        panic("not enough memory for the %s (%llu KiB)", what, (unsigned long long)kib(pages));
    return frame;
}

/* Bytes of physical address space to map with map_physical_memory: the
 * whole firmware map and at least 4 GiB, in whole GiB. */
static uint64_t physical_span(const struct boot_machine *m)
{
    uint64_t top = m->physical_top > 4 * GiB ? m->physical_top : 4 * GiB;
    return (top + GiB - 1) & ~(GiB - 1);
}

/* The configuration again, now with the real sizes. */
static void check_config(const struct boot_layout *l)
{
    struct config_sizes sizes = { l->phys_size, l->info_pages * PAGE_SIZE };
    enum config_key key;
    char why[200];
    if (config_check(l->hdr, &l->plan, &sizes, &key, why, sizeof(why)))
        panic("configuration: %s: %s", config_key_name(key), why);
}

/* The largest pages the offset's alignment and the CPU allow: 2 = 1 GiB,
 * 1 = 2 MiB, 0 = 4 KiB. A chosen offset is slot-aligned (512 GiB). */
static int physical_map_level(const struct boot_layout *l, const struct boot_machine *m)
{
    const struct image_header *h = l->hdr;
    uint64_t offset = (h->configured & CONFIG_PHYSICAL_MEMORY_OFFSET) ? h->physical_memory_offset : 0;
    if (m->pages_1g && offset % GiB == 0)
        return 2;
    return offset % (2 * MiB) == 0 ? 1 : 0;
}

static void map_physical_memory(struct boot_layout *l, struct vspace *vs)
{
    int level = l->phys_level;
    const struct image_header *h = l->hdr;
    if (h->configured & CONFIG_PHYSICAL_MEMORY_OFFSET) {
        l->phys_offset = h->physical_memory_offset;
    } else {
        l->phys_offset = vspace_take_slots(vs, (l->phys_size + (1ull << 39) - 1) >> 39);
        if (!l->phys_offset)
            panic("no free region of the address space for %llu GiB of physical memory",
                  (unsigned long long)(l->phys_size / GiB));
    }
    enum pt_error err = level
        ? pt_map_large(&env, l->pml4, l->phys_offset, 0, l->phys_size >> (12 + 9 * level), level,
                       PT_WRITE)
        : pt_map_range(&env, l->pml4, l->phys_offset, 0, l->phys_size / PAGE_SIZE, PT_WRITE);
    if (err)
        panic("cannot map physical memory at 0x%llx: %s", (unsigned long long)l->phys_offset,
              pt_error_text(err));
    l->has_phys_map = 1;
}

/* A PML4 entry pointing at the PML4 itself (NX: the tables are data). */
static void map_recursive(struct boot_layout *l, struct vspace *vs)
{
    l->recursive_index = (take_slot_or_panic(vs, "recursive mapping") >> 39) & 511;
    ((uint64_t *)l->pml4)[l->recursive_index] = l->pml4 | PTE_P | PTE_W | (env.nx ? PTE_NX : 0);
    l->has_recursive = 1;
}

/* Configured regions are not free for the chosen ones. */
static void reserve_configured(struct vspace *vs, const struct boot_layout *l)
{
    const struct image_header *h = l->hdr;
    if (h->configured & CONFIG_STACK_ADDRESS)
        vspace_mark_range(vs, h->kernel_stack_address, (h->kernel_stack_pages + 1ull) * PAGE_SIZE);
    if (h->configured & CONFIG_BOOT_INFO_ADDRESS)
        vspace_mark_range(vs, h->boot_info_address, l->info_pages * PAGE_SIZE);
    if (h->configured & CONFIG_PHYSICAL_MEMORY_OFFSET)
        vspace_mark_range(vs, h->physical_memory_offset, l->phys_size);
}

static void load_and_map_kernel(struct boot_layout *l, const uint8_t *blob)
{
    l->kernel_phys = alloc_or_panic(l->plan.pages, EMBEDBOOT_MEMORY_KERNEL, "kernel");
    l->pml4 = alloc_table(0);
    if (!l->pml4)
        panic("not enough memory for page tables");
    enum pt_error err = kernel_load(&l->plan, blob, l->kernel_phys, &env, l->pml4);
    if (err)
        panic("cannot map the kernel: %s", pt_error_text(err));
}

static void map_stack(struct boot_layout *l, struct vspace *vs)
{
    const struct image_header *h = l->hdr;
    uint64_t pages = h->kernel_stack_pages;
    uint64_t guard = (h->configured & CONFIG_STACK_ADDRESS) ? h->kernel_stack_address
                                                             : take_slot_or_panic(vs, "stack");
    l->stack_bottom = guard + PAGE_SIZE;           /* the guard page stays unmapped */
    l->stack_top = l->stack_bottom + pages * PAGE_SIZE;
    uint64_t phys = alloc_or_panic(pages, EMBEDBOOT_MEMORY_KERNEL_STACK, "stack");
    memset((void *)phys, 0, pages * PAGE_SIZE);
    map_or_panic("kernel stack", l->pml4, l->stack_bottom, phys, pages, PT_WRITE);
}

static void map_boot_info(struct boot_layout *l, struct vspace *vs)
{
    const struct image_header *h = l->hdr;
    l->info_virt = (h->configured & CONFIG_BOOT_INFO_ADDRESS) ? h->boot_info_address
                                                               : take_slot_or_panic(vs, "boot info");
    l->info_phys = alloc_or_panic(l->info_pages, EMBEDBOOT_MEMORY_BOOT_INFO, "boot info");
    memset((void *)l->info_phys, 0, l->info_pages * PAGE_SIZE);
    map_or_panic("boot info", l->pml4, l->info_virt, l->info_phys, l->info_pages, PT_WRITE);
}

/* The hand-off code and GDT stay mapped for the kernel (identity). */
static void map_handoff(struct boot_layout *l)
{
    uint64_t start = l->m->handoff_start & ~(PAGE_SIZE - 1);
    map_or_panic("hand-off page", l->pml4, start, start,
                 (page_up(l->m->handoff_end) - start) / PAGE_SIZE, PT_EXEC);
}

/* VGA memory stays identity-mapped below 1 MiB; a linear framebuffer gets
 * a free slot, write-combining where the CPU has PAT. */
static void map_framebuffer(struct boot_layout *l, struct vspace *vs)
{
    uint64_t pages = l->m->fb_bytes / PAGE_SIZE;
    if (l->fb.pixel_format != EMBEDBOOT_PIXELS_RGB) {
        l->fb.virtual_address = l->fb.physical_address;
        map_or_panic("framebuffer", l->pml4, l->fb.physical_address, l->fb.physical_address,
                     pages, PT_WRITE);
        return;
    }
    l->fb.virtual_address = take_slot_or_panic(vs, "framebuffer");
    map_or_panic("framebuffer", l->pml4, l->fb.virtual_address, l->fb.physical_address, pages,
                 PT_WRITE | (l->m->pat ? PT_WC : 0));
}

uint64_t boot_prepare(struct boot_layout *l, const struct boot_machine *m)
{
    const struct image_header *h = l->hdr;

    l->m = m;
    l->info_pages = page_up(sizeof(struct embedboot_boot_info) +
                            m->max_regions * sizeof(struct embedboot_memory_region)) / PAGE_SIZE;
    l->phys_size = (h->features & FEATURE_MAP_PHYSICAL_MEMORY) ? physical_span(m) : 0;
    l->phys_level = physical_map_level(l, m);
    check_config(l);
    l->pages_needed = pages_needed(l);
    return l->pages_needed;
}

void boot_build(struct boot_layout *l, const uint8_t *blob)
{
    const struct image_header *h = l->hdr;
    const struct boot_machine *m = l->m;

    l->fb = m->fb;
    env.nx = m->nx;
    check_memory(l);

    load_and_map_kernel(l, blob);
    struct vspace vs;
    vspace_init(&vs, &l->plan);
    reserve_configured(&vs, l);
    map_stack(l, &vs);
    map_handoff(l);
    if (m->has_framebuffer)
        map_framebuffer(l, &vs);
    map_boot_info(l, &vs);
    if (h->features & FEATURE_MAP_PHYSICAL_MEMORY)
        map_physical_memory(l, &vs);
    if (h->features & FEATURE_RECURSIVE_PAGE_TABLE)
        map_recursive(l, &vs);
}

struct memmap boot_info_regions(const struct boot_layout *l)
{
    struct embedboot_boot_info *bi = (void *)l->info_phys;
    return (struct memmap){ (void *)(bi + 1), 0, l->m->max_regions };
}

void boot_finish_memory_map(const struct boot_layout *l, struct memmap *map,
                            const struct frame_pool *pool)
{
    uint64_t fb = l->fb.physical_address;
    int err = memmap_mark(map, 0, MiB, EMBEDBOOT_MEMORY_BOOTLOADER, EMBEDBOOT_MEMORY_USABLE);
    for (unsigned i = 0; i < pool->nlog; i++)
        err |= memmap_mark(map, pool->log[i].start, pool->log[i].end, pool->log[i].kind, 0);
    if (l->m->has_framebuffer)
        err |= memmap_mark(map, fb, fb + l->m->fb_bytes, EMBEDBOOT_MEMORY_FRAMEBUFFER, 0);
    if (err)
        panic("boot info memory map overflow");
}
