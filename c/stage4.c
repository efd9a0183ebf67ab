/* Stage 4: long mode, in C. Verifies the kernel blob, validates the ELF
 * again (with the host check's code), copies the segments into fresh
 * frames, builds the kernel's page tables, stack and boot info, and jumps.
 * Everything runs on stage 3's identity map of the first 4 GiB, so frames
 * are taken below 4 GiB and physical addresses are pointers. */
#include <stdint.h>
#include <string.h>

#include "../include/embedboot.h"
#include "bios_handoff.h"
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

/* Page tables needed to map `pages` pages at one place, at most. */
static uint64_t tables_for(uint64_t pages)
{
    return (pages + 511) / 512 + 1 + (pages + 512 * 512 - 1) / (512 * 512) + 1 + 1;
}

static void check_memory(uint64_t stack_pages, uint64_t info_pages)
{
    uint64_t tables = 1 + tables_for(plan.pages) + plan.count * 3 + tables_for(stack_pages) +
                      tables_for(info_pages) + 2 * tables_for(8);
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
                            const uint8_t *blob, uint64_t size)
{
    out->count = clean_map->count;
    memcpy(out->region, clean_map->region, clean_map->count * sizeof(clean_map->region[0]));
    int err = memmap_mark(out, 0, MiB, EMBEDBOOT_MEMORY_BOOTLOADER, EMBEDBOOT_MEMORY_USABLE);
    uint64_t blob_end = ((uint64_t)blob + size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    err |= memmap_mark(out, (uint64_t)blob, blob_end, EMBEDBOOT_MEMORY_BOOTLOADER,
                       EMBEDBOOT_MEMORY_USABLE);
    for (unsigned i = 0; i < pool.nlog; i++)
        err |= memmap_mark(out, pool.log[i].start, pool.log[i].end, pool.log[i].kind, 0);
    err |= memmap_mark(out, VGA_TEXT, VGA_TEXT_END, EMBEDBOOT_MEMORY_FRAMEBUFFER, 0);
    if (err)
        panic("boot info memory map overflow");
}

void stage4_main(const struct bios_handoff *h)
{
    const uint8_t *blob = _kernel_start_addr;
    uint64_t size = (uint64_t)_kernel_size;
    struct elf_result why;
    char text[160];

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

    uint64_t stack_pages = _image_header.kernel_stack_pages;
    uint64_t max_regions = clean_map.count + 2 * (FRAMES_MAX_LOG + 3) + 1;
    uint64_t info_bytes = sizeof(struct embedboot_boot_info) +
                          max_regions * sizeof(struct embedboot_memory_region);
    uint64_t info_pages = (info_bytes + PAGE_SIZE - 1) / PAGE_SIZE;
    check_memory(stack_pages, info_pages);

    uint64_t kernel_phys = alloc_or_panic(plan.pages, EMBEDBOOT_MEMORY_KERNEL, "kernel");
    uint64_t pml4 = alloc_table(0);
    if (!pml4)
        panic("not enough memory for page tables");
    enum pt_error err = kernel_load(&plan, blob, kernel_phys, &env, pml4);
    if (err)
        panic("cannot map the kernel: %s", pt_error_text(err));

    struct vspace vs;
    vspace_init(&vs, &plan);
    uint64_t stack_bottom = take_slot_or_panic(&vs, "stack") + PAGE_SIZE;   /* guard below */
    uint64_t stack_top = stack_bottom + stack_pages * PAGE_SIZE;
    uint64_t stack_phys = alloc_or_panic(stack_pages, EMBEDBOOT_MEMORY_KERNEL_STACK, "stack");
    memset((void *)stack_phys, 0, stack_pages * PAGE_SIZE);
    map_or_panic("kernel stack", pml4, stack_bottom, stack_phys, stack_pages, PT_WRITE);

    uint64_t handoff = (uint64_t)_handoff_start & ~(PAGE_SIZE - 1);
    map_or_panic("hand-off page", pml4, handoff, handoff,
                 ((uint64_t)_handoff_end - handoff + PAGE_SIZE - 1) / PAGE_SIZE, PT_EXEC);
    map_or_panic("VGA text buffer", pml4, VGA_TEXT, VGA_TEXT, (VGA_TEXT_END - VGA_TEXT) / PAGE_SIZE,
                 PT_WRITE);

    uint64_t info_virt = take_slot_or_panic(&vs, "boot info");
    uint64_t info_phys = alloc_or_panic(info_pages, EMBEDBOOT_MEMORY_BOOT_INFO, "boot info");
    memset((void *)info_phys, 0, info_pages * PAGE_SIZE);
    map_or_panic("boot info", pml4, info_virt, info_phys, info_pages, PT_WRITE);

    /* All allocations are done: the memory map can be final now. */
    struct embedboot_boot_info *bi = (void *)info_phys;
    struct memmap final_map = { (void *)(bi + 1), 0, (unsigned)max_regions };
    fill_memory_map(&final_map, &clean_map, blob, size);

    *bi = (struct embedboot_boot_info){
        .magic = EMBEDBOOT_MAGIC,
        .version = EMBEDBOOT_VERSION,
        .size = sizeof(*bi),
        .flags = env.nx ? EMBEDBOOT_NX_ENABLED : 0,
        .firmware = EMBEDBOOT_FIRMWARE_BIOS,
        .memory_regions = info_virt + sizeof(*bi),
        .memory_region_count = final_map.count,
        .kernel_physical_start = kernel_phys,
        .kernel_physical_size = plan.pages * PAGE_SIZE,
        .kernel_virtual_start = plan.vstart,
        .kernel_virtual_end = plan.vend,
        .kernel_entry = plan.entry,
        .stack_bottom = stack_bottom,
        .stack_top = stack_top,
        .boot_info_address = info_virt,
        .boot_info_size = info_pages * PAGE_SIZE,
    };
    if (plan.has_tls) {
        bi->flags |= EMBEDBOOT_HAS_TLS;
        bi->tls = (struct embedboot_tls_template){ plan.tls.p_vaddr, plan.tls.p_filesz,
                                                   plan.tls.p_memsz, plan.tls.p_align };
    }
    bi->flags |= EMBEDBOOT_HAS_FRAMEBUFFER;
    bi->framebuffer = (struct embedboot_framebuffer){
        .physical_address = VGA_TEXT, .virtual_address = VGA_TEXT,
        .width = 80, .height = 25, .stride = 160, .bits_per_pixel = 16,
        .pixel_format = EMBEDBOOT_PIXELS_TEXT,
    };

    console_printf("embedboot: stage 4: kernel at 0x%llx (%llu KiB at physical 0x%llx), "
                   "entry 0x%llx\n", (unsigned long long)plan.vstart,
                   (unsigned long long)kib(plan.pages), (unsigned long long)kernel_phys,
                   (unsigned long long)plan.entry);
    console_printf("embedboot: stage 4: stack 0x%llx-0x%llx, boot info 0x%llx; "
                   "jumping to the kernel\n", (unsigned long long)stack_bottom,
                   (unsigned long long)stack_top, (unsigned long long)info_virt);
    enter_kernel(pml4, plan.entry, stack_top, info_virt);
}
