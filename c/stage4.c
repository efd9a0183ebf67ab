/* Stage 4: long mode, in C. Verifies the kernel blob, validates the ELF
 * again (with the host check's code), copies the segments into fresh
 * frames, builds the kernel's page tables, stack and boot info, and jumps.
 * Everything runs on stage 3's identity map of the first 4 GiB, so frames
 * are taken below 4 GiB and physical addresses are pointers. */
#include <stdint.h>
#include <string.h>

#include "../include/embedboot.h"
#include "acpi.h"
#include "bios_handoff.h"
#include "config.h"
#include "console.h"
#include "crc32.h"
#include "elf_check.h"
#include "frames.h"
#include "image_header.h"
#include "kernel_load.h"
#include "memmap.h"
#include "paging.h"
#include "vspace.h"

#define MiB            0x100000ull
#define LOW_LIMIT      (4096ull * MiB)    /* end of stage 3's identity map */
#define VGA_TEXT       0xb8000ull
#define VGA_TEXT_END   0xc0000ull
#define VGA_13H        0xa0000ull        /* mode 13h: 320x200, 8 bpp */
#define VGA_13H_END    0xb0000ull
#define GiB            (1024 * MiB)
#define MAX_REGIONS    1024

extern const uint8_t _kernel_start_addr[];      /* objcopy: the blob, at 1 MiB */
extern const uint8_t _kernel_size[];            /* objcopy: absolute, the size */
extern const struct image_header _image_header; /* linker.ld */
extern const uint8_t _handoff_start[], _handoff_end[];

void enter_kernel(uint64_t pml4, uint64_t entry, uint64_t stack_top, uint64_t boot_info)
    __attribute__((noreturn));

static struct load_plan plan;
static struct frame_pool pool;
static struct embedboot_memory_region clean[MAX_REGIONS];
static struct raw_region raw[E820_MAX];

static uint64_t alloc_table(void *ctx)
{
    (void)ctx;
    uint64_t frame = frames_alloc(&pool, 1, EMBEDBOOT_MEMORY_PAGE_TABLES);
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

/* Called by stage 3 once in long mode: its progress line. */
void stage3_log(void)
{
    console_init();
    console_printf("embedboot: stage 3: long mode, paging on\n");
}

static uint64_t kib(uint64_t pages)
{
    return pages * (PAGE_SIZE / 1024);
}

static void verify_blob(const uint8_t *blob, uint64_t size)
{
    const struct image_header *h = &_image_header;

    if (h->magic != IMAGE_HEADER_MAGIC || h->version != IMAGE_HEADER_VERSION ||
        h->size != sizeof(*h))
        panic("image header missing or of another version: rebuild the image");
    if (h->kernel_size != size)
        panic("kernel image corrupted: header says %llu bytes, the image holds %llu",
              (unsigned long long)h->kernel_size, (unsigned long long)size);
    uint32_t crc = crc32_update(0, blob, size);
    if (crc != h->kernel_crc32)
        panic("kernel image corrupted: CRC-32 0x%08x, expected 0x%08x", crc, h->kernel_crc32);
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

static void check_memory(uint64_t stack_pages, uint64_t info_pages, uint64_t phys_size,
                         int phys_level)
{
    uint64_t phys_tables = phys_size ? tables_for_span(phys_size, phys_level) : 0;
    uint64_t tables = 1 + tables_for(plan.pages) + plan.count * 3 + tables_for(stack_pages) +
                      tables_for(info_pages) + tables_for(16) + tables_for(8192) + phys_tables;
    uint64_t need = plan.pages + stack_pages + info_pages + tables;
    uint64_t free = frames_free_pages(&pool);

    if (need > free)
        panic("not enough memory: the kernel needs %llu KiB (segments %llu KiB, stack %llu "
              "KiB, boot info and page tables %llu KiB), %llu KiB are free below 4 GiB",
              (unsigned long long)kib(need), (unsigned long long)kib(plan.pages),
              (unsigned long long)kib(stack_pages),
              (unsigned long long)kib(info_pages + tables), (unsigned long long)kib(free));
    if (plan.pages > frames_largest_run(&pool))
        panic("not enough memory: the kernel's segments need %llu KiB in one piece, the "
              "largest free block below 4 GiB is %llu KiB",
              (unsigned long long)kib(plan.pages),
              (unsigned long long)kib(frames_largest_run(&pool)));
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
    uint64_t frame = frames_alloc(&pool, pages, kind);
    if (!frame)
        panic("not enough memory for the %s (%llu KiB)", what, (unsigned long long)kib(pages));
    return frame;
}

/* The final memory map, written into the boot info: the clean firmware map
 * marked with everything the loader placed. */
static void fill_memory_map(struct memmap *out, const struct memmap *clean_map,
                            const uint8_t *blob, uint64_t size, uint64_t fb, uint64_t fb_end)
{
    out->count = clean_map->count;
    memcpy(out->region, clean_map->region, clean_map->count * sizeof(clean_map->region[0]));
    int err = memmap_mark(out, 0, MiB, EMBEDBOOT_MEMORY_BOOTLOADER, EMBEDBOOT_MEMORY_USABLE);
    uint64_t blob_end = page_up((uint64_t)blob + size);
    err |= memmap_mark(out, (uint64_t)blob, blob_end, EMBEDBOOT_MEMORY_BOOTLOADER,
                       EMBEDBOOT_MEMORY_USABLE);
    for (unsigned i = 0; i < pool.nlog; i++)
        err |= memmap_mark(out, pool.log[i].start, pool.log[i].end, pool.log[i].kind, 0);
    err |= memmap_mark(out, fb, fb_end, EMBEDBOOT_MEMORY_FRAMEBUFFER, 0);
    if (err)
        panic("boot info memory map overflow");
}

/* Everything stage 4 decides, for the boot info. */
struct layout {
    struct embedboot_framebuffer fb;
    uint64_t pml4;
    uint64_t kernel_phys;
    uint64_t stack_bottom, stack_top;
    uint64_t info_virt, info_phys, info_pages, max_regions;
    uint64_t phys_offset, phys_size;
    uint64_t recursive_index;
    uint64_t rsdp;
    int has_phys_map, has_recursive;
};

/* Bytes of physical address space to map with map_physical_memory: every
 * region of the firmware map and at least 4 GiB, in whole GiB. */
static uint64_t physical_span(const struct memmap *m)
{
    uint64_t top = 4 * GiB;
    for (unsigned i = 0; i < m->count; i++)
        if (m->region[i].start + m->region[i].length > top)
            top = m->region[i].start + m->region[i].length;
    return (top + GiB - 1) & ~(GiB - 1);
}

/* The configuration again, now with the real sizes. */
static void check_config(const struct layout *l)
{
    struct config_sizes sizes = { l->phys_size, l->info_pages * PAGE_SIZE };
    enum config_key key;
    char why[200];
    if (config_check(&_image_header, &plan, &sizes, &key, why, sizeof(why)))
        panic("configuration: %s: %s", config_key_name(key), why);
}

/* The largest pages the offset's alignment and the CPU allow: 2 = 1 GiB,
 * 1 = 2 MiB, 0 = 4 KiB. A chosen offset is slot-aligned (512 GiB). */
static int physical_map_level(int has_1g)
{
    const struct image_header *h = &_image_header;
    uint64_t offset = (h->configured & CONFIG_PHYSICAL_MEMORY_OFFSET) ? h->physical_memory_offset : 0;
    if (has_1g && offset % GiB == 0)
        return 2;
    return offset % (2 * MiB) == 0 ? 1 : 0;
}

static void map_physical_memory(struct layout *l, struct vspace *vs, int level)
{
    const struct image_header *h = &_image_header;
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
static void map_recursive(struct layout *l, struct vspace *vs)
{
    l->recursive_index = (take_slot_or_panic(vs, "recursive mapping") >> 39) & 511;
    ((uint64_t *)l->pml4)[l->recursive_index] = l->pml4 | PTE_P | PTE_W | (env.nx ? PTE_NX : 0);
    l->has_recursive = 1;
}

/* The sse feature: CR0.EM clear, CR0.MP, CR4.OSFXSR and OSXMMEXCPT set. */
static void enable_sse(void)
{
    uint64_t cr0, cr4;
    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    __asm__ volatile("mov %0, %%cr0" : : "r"((cr0 & ~(1ull << 2)) | (1ull << 1)));
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    __asm__ volatile("mov %0, %%cr4" : : "r"(cr4 | (1ull << 9) | (1ull << 10)));
}

static uint16_t u16_at(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

/* The framebuffer the real-mode stages set up, physically. */
static struct embedboot_framebuffer describe_framebuffer(const struct bios_handoff *h)
{
    if (h->video == VIDEO_VGA13)
        return (struct embedboot_framebuffer){
            .physical_address = VGA_13H, .width = 320, .height = 200, .stride = 320,
            .bits_per_pixel = 8, .pixel_format = EMBEDBOOT_PIXELS_INDEX };
    if (h->video != VIDEO_VBE)
        return (struct embedboot_framebuffer){
            .physical_address = VGA_TEXT, .width = 80, .height = 25, .stride = 160,
            .bits_per_pixel = 16, .pixel_format = EMBEDBOOT_PIXELS_TEXT };
    /* VBE mode information: VBE 3.0 has separate fields for linear modes. */
    const uint8_t *mi = h->vbe_mode_info;
    int v3 = h->vbe_version >= 0x300;
    const uint8_t *masks = mi + (v3 ? 54 : 31);   /* LinRedMaskSize / RedMaskSize */
    return (struct embedboot_framebuffer){
        .physical_address = mi[40] | mi[41] << 8 | mi[42] << 16 | (uint32_t)mi[43] << 24,
        .width = u16_at(mi + 18), .height = u16_at(mi + 20),
        .stride = u16_at(mi + (v3 ? 50 : 16)), .bits_per_pixel = mi[25],
        .pixel_format = EMBEDBOOT_PIXELS_RGB,
        .red_size = masks[0], .red_shift = masks[1], .green_size = masks[2],
        .green_shift = masks[3], .blue_size = masks[4], .blue_shift = masks[5] };
}

/* PAT entry 1 (selected by PWT alone) becomes write-combining; the others
 * keep their power-on values (0 WB, 2 UC-, 3 UC, 4 WB, 5 WT, 6 UC-, 7 UC). */
static void program_pat(void)
{
    uint64_t pat = 0x0007040600070106ull;
    __asm__ volatile("wrmsr" : : "c"(0x277), "a"((uint32_t)pat), "d"((uint32_t)(pat >> 32)));
}

static void fill_boot_info(const struct layout *l, struct embedboot_boot_info *bi,
                           const struct memmap *final_map)
{
    const struct image_header *h = &_image_header;
    *bi = (struct embedboot_boot_info){
        .magic = EMBEDBOOT_MAGIC,
        .version = EMBEDBOOT_VERSION,
        .size = sizeof(*bi),
        .firmware = EMBEDBOOT_FIRMWARE_BIOS,
        .memory_regions = l->info_virt + sizeof(*bi),
        .memory_region_count = final_map->count,
        .kernel_physical_start = l->kernel_phys,
        .kernel_physical_size = plan.pages * PAGE_SIZE,
        .kernel_virtual_start = plan.vstart,
        .kernel_virtual_end = plan.vend,
        .kernel_entry = plan.entry,
        .stack_bottom = l->stack_bottom,
        .stack_top = l->stack_top,
        .boot_info_address = l->info_virt,
        .boot_info_size = l->info_pages * PAGE_SIZE,
        .features = h->features,
        .kernel_stack_pages = h->kernel_stack_pages,
    };
    bi->flags = (env.nx ? EMBEDBOOT_NX_ENABLED : 0) |
                ((h->features & FEATURE_SSE) ? EMBEDBOOT_SSE_ENABLED : 0) | EMBEDBOOT_HAS_FRAMEBUFFER;
    if (l->has_phys_map) {
        bi->flags |= EMBEDBOOT_HAS_PHYSICAL_MEMORY_MAP;
        bi->physical_memory_offset = l->phys_offset;
    }
    if (l->has_recursive) {
        bi->flags |= EMBEDBOOT_HAS_RECURSIVE_INDEX;
        bi->recursive_index = l->recursive_index;
    }
    if (l->rsdp) {
        bi->flags |= EMBEDBOOT_HAS_RSDP;
        bi->rsdp_address = l->rsdp;
    }
    if (plan.has_tls) {
        bi->flags |= EMBEDBOOT_HAS_TLS;
        bi->tls = (struct embedboot_tls_template){ plan.tls.p_vaddr, plan.tls.p_filesz,
                                                   plan.tls.p_memsz, plan.tls.p_align };
    }
    bi->framebuffer = l->fb;
}

/* Configured regions are not free for the chosen ones. */
static void reserve_configured(struct vspace *vs, const struct layout *l)
{
    const struct image_header *h = &_image_header;
    if (h->configured & CONFIG_STACK_ADDRESS)
        vspace_mark_range(vs, h->kernel_stack_address, (h->kernel_stack_pages + 1ull) * PAGE_SIZE);
    if (h->configured & CONFIG_BOOT_INFO_ADDRESS)
        vspace_mark_range(vs, h->boot_info_address, l->info_pages * PAGE_SIZE);
    if (h->configured & CONFIG_PHYSICAL_MEMORY_OFFSET)
        vspace_mark_range(vs, h->physical_memory_offset, l->phys_size);
}

static void load_and_map_kernel(struct layout *l, const uint8_t *blob)
{
    l->kernel_phys = alloc_or_panic(plan.pages, EMBEDBOOT_MEMORY_KERNEL, "kernel");
    l->pml4 = alloc_table(0);
    if (!l->pml4)
        panic("not enough memory for page tables");
    enum pt_error err = kernel_load(&plan, blob, l->kernel_phys, &env, l->pml4);
    if (err)
        panic("cannot map the kernel: %s", pt_error_text(err));
}

static void map_stack(struct layout *l, struct vspace *vs)
{
    const struct image_header *h = &_image_header;
    uint64_t pages = h->kernel_stack_pages;
    uint64_t guard = (h->configured & CONFIG_STACK_ADDRESS) ? h->kernel_stack_address
                                                             : take_slot_or_panic(vs, "stack");
    l->stack_bottom = guard + PAGE_SIZE;           /* the guard page stays unmapped */
    l->stack_top = l->stack_bottom + pages * PAGE_SIZE;
    uint64_t phys = alloc_or_panic(pages, EMBEDBOOT_MEMORY_KERNEL_STACK, "stack");
    memset((void *)phys, 0, pages * PAGE_SIZE);
    map_or_panic("kernel stack", l->pml4, l->stack_bottom, phys, pages, PT_WRITE);
}

static void map_boot_info(struct layout *l, struct vspace *vs)
{
    const struct image_header *h = &_image_header;
    l->info_virt = (h->configured & CONFIG_BOOT_INFO_ADDRESS) ? h->boot_info_address
                                                               : take_slot_or_panic(vs, "boot info");
    l->info_phys = alloc_or_panic(l->info_pages, EMBEDBOOT_MEMORY_BOOT_INFO, "boot info");
    memset((void *)l->info_phys, 0, l->info_pages * PAGE_SIZE);
    map_or_panic("boot info", l->pml4, l->info_virt, l->info_phys, l->info_pages, PT_WRITE);
}

/* The hand-off code and GDT stay mapped for the kernel (identity). */
static void map_handoff(struct layout *l)
{
    uint64_t handoff = (uint64_t)_handoff_start & ~(PAGE_SIZE - 1);
    map_or_panic("hand-off page", l->pml4, handoff, handoff,
                 (page_up((uint64_t)_handoff_end) - handoff) / PAGE_SIZE, PT_EXEC);
}

/* Bytes of physical address space the framebuffer takes, whole pages. */
static uint64_t framebuffer_bytes(const struct embedboot_framebuffer *fb)
{
    if (fb->pixel_format == EMBEDBOOT_PIXELS_TEXT)
        return VGA_TEXT_END - VGA_TEXT;
    if (fb->pixel_format == EMBEDBOOT_PIXELS_INDEX)
        return VGA_13H_END - VGA_13H;
    return page_up((uint64_t)fb->stride * fb->height);
}

/* VGA memory stays identity-mapped below 1 MiB; a VBE framebuffer gets a
 * free slot, write-combining where the CPU has PAT. */
static void map_framebuffer(struct layout *l, struct vspace *vs, int has_pat)
{
    uint64_t pages = framebuffer_bytes(&l->fb) / PAGE_SIZE;
    if (l->fb.pixel_format != EMBEDBOOT_PIXELS_RGB) {
        l->fb.virtual_address = l->fb.physical_address;
        map_or_panic("framebuffer", l->pml4, l->fb.physical_address, l->fb.physical_address,
                     pages, PT_WRITE);
        return;
    }
    l->fb.virtual_address = take_slot_or_panic(vs, "framebuffer");
    if (has_pat)
        program_pat();
    map_or_panic("framebuffer", l->pml4, l->fb.virtual_address, l->fb.physical_address, pages,
                 PT_WRITE | (has_pat ? PT_WC : 0));
}

void stage4_main(const struct bios_handoff *h)
{
    const struct image_header *hdr = &_image_header;
    const uint8_t *blob = _kernel_start_addr;
    uint64_t size = (uint64_t)_kernel_size;
    struct elf_result why;
    struct layout l = { 0 };
    char text[160];

    l.fb = describe_framebuffer(h);
    if (l.fb.pixel_format != EMBEDBOOT_PIXELS_TEXT)
        console_graphics_mode();
    console_printf("embedboot: stage 4: checking the kernel image (%llu bytes)\n",
                   (unsigned long long)size);
    verify_blob(blob, size);
    if (elf_load_plan(blob, size, &plan, &why)) {
        elf_error_message(&why, text, sizeof(text));
        panic("kernel: %s", text);
    }
    env.nx = (h->cpu_flags & CPU_NX) != 0;

    struct memmap clean_map = { clean, 0, MAX_REGIONS };
    read_memory_map(h, &clean_map);
    frames_init(&pool, &clean_map, MiB, LOW_LIMIT);
    frames_reserve(&pool, (uint64_t)blob, (uint64_t)blob + size);

    l.max_regions = clean_map.count + 2 * (FRAMES_MAX_LOG + 3) + 1;
    l.info_pages = page_up(sizeof(struct embedboot_boot_info) +
                           l.max_regions * sizeof(struct embedboot_memory_region)) / PAGE_SIZE;
    l.phys_size = (hdr->features & FEATURE_MAP_PHYSICAL_MEMORY) ? physical_span(&clean_map) : 0;
    int phys_level = physical_map_level(h->cpu_flags & CPU_1G_PAGES);
    check_config(&l);
    check_memory(hdr->kernel_stack_pages, l.info_pages, l.phys_size, phys_level);

    load_and_map_kernel(&l, blob);
    struct vspace vs;
    vspace_init(&vs, &plan);
    reserve_configured(&vs, &l);
    map_stack(&l, &vs);
    map_handoff(&l);
    map_framebuffer(&l, &vs, h->cpu_flags & CPU_PAT);
    map_boot_info(&l, &vs);
    if (hdr->features & FEATURE_MAP_PHYSICAL_MEMORY)
        map_physical_memory(&l, &vs, phys_level);
    if (hdr->features & FEATURE_RECURSIVE_PAGE_TABLE)
        map_recursive(&l, &vs);
    l.rsdp = acpi_find_rsdp((const volatile uint8_t *)0);

    /* All allocations are done: the memory map can be final now. */
    struct embedboot_boot_info *bi = (void *)l.info_phys;
    struct memmap final_map = { (void *)(bi + 1), 0, (unsigned)l.max_regions };
    fill_memory_map(&final_map, &clean_map, blob, size, l.fb.physical_address,
                    l.fb.physical_address + framebuffer_bytes(&l.fb));
    fill_boot_info(&l, bi, &final_map);

    console_printf("embedboot: stage 4: framebuffer %ux%u, %u bpp at 0x%llx\n", l.fb.width,
                   l.fb.height, l.fb.bits_per_pixel, (unsigned long long)l.fb.physical_address);
    console_printf("embedboot: stage 4: kernel at 0x%llx (%llu KiB at physical 0x%llx), "
                   "entry 0x%llx\n", (unsigned long long)plan.vstart,
                   (unsigned long long)kib(plan.pages), (unsigned long long)l.kernel_phys,
                   (unsigned long long)plan.entry);
    console_printf("embedboot: stage 4: stack 0x%llx-0x%llx, boot info 0x%llx; "
                   "jumping to the kernel\n", (unsigned long long)l.stack_bottom,
                   (unsigned long long)l.stack_top, (unsigned long long)l.info_virt);
    if (hdr->features & FEATURE_SSE)
        enable_sse();
    enter_kernel(l.pml4, plan.entry, l.stack_top, l.info_virt);
}
