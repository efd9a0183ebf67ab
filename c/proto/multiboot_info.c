#include "multiboot_info.h"

#include <stddef.h>
#include <string.h>

#include "../memmap.h"

#define KiB 1024ull
#define MiB (1024 * KiB)

/* A bump allocator over the area. */
struct area {
    uint8_t *base;
    uint64_t used, capacity;
    int full;
};

static void *take(struct area *a, uint64_t bytes, uint64_t align)
{
    uint64_t at = (a->used + align - 1) & ~(align - 1);
    if (at + bytes > a->capacity) {
        a->full = 1;
        return a->base;                       /* written over; the build then fails */
    }
    a->used = at + bytes;
    memset(a->base + at, 0, bytes);
    return a->base + at;
}

static uint32_t string(struct area *a, const char *s)
{
    char *copy = take(a, strlen(s) + 1, 1);
    memcpy(copy, s, strlen(s) + 1);
    return (uint32_t)(uint64_t)copy;
}

/* RAM from 0 up to 640 KiB, and from 1 MiB to the first gap, in KiB. */
static void basic_memory(const struct memmap *map, uint32_t firmware, uint32_t *lower,
                         uint32_t *upper)
{
    uint64_t low_end = 0, high_end = MiB;
    for (unsigned i = 0; i < map->count; i++) {
        const struct embedboot_memory_region *r = &map->region[i];
        if (memmap_e820_type(r, firmware) != 1)
            continue;
        if (r->start <= low_end && r->start + r->length > low_end)
            low_end = r->start + r->length;
        if (r->start <= high_end && r->start + r->length > high_end)
            high_end = r->start + r->length;
    }
    *lower = (uint32_t)((low_end < 640 * KiB ? low_end : 640 * KiB) / KiB);
    *upper = (uint32_t)((high_end - MiB) / KiB > 0xffffffffull ? 0xffffffffull : (high_end - MiB) / KiB);
}

/* The framebuffer fields both Multiboot versions lay out alike (MB1 from
 * framebuffer_addr, the MB2 tag from addr), then the RGB fields, which
 * MB2 puts after two reserved bytes. */
struct mb_fb_common {
    uint64_t addr;
    uint32_t pitch, width, height;
    uint8_t bpp, type;                /* MB_FRAMEBUFFER_*: EGA text, indexed (13h), RGB */
} __attribute__((packed));

_Static_assert(offsetof(struct mb1_info, red_position) - offsetof(struct mb1_info, framebuffer_addr) ==
               sizeof(struct mb_fb_common), "MB1 framebuffer fields");
_Static_assert(offsetof(struct mb2_tag_framebuffer, reserved) - offsetof(struct mb2_tag_framebuffer, addr) ==
               sizeof(struct mb_fb_common), "MB2 framebuffer fields");

static uint8_t framebuffer_type(const struct boot_machine *m)
{
    return m->fb.pixel_format == EMBEDBOOT_PIXELS_TEXT    ? MB_FRAMEBUFFER_TEXT
           : m->fb.pixel_format == EMBEDBOOT_PIXELS_INDEX ? MB_FRAMEBUFFER_INDEXED
                                                          : MB_FRAMEBUFFER_RGB;
}

/* The common fields at `common`, the RGB fields (red position, size,
 * green..., blue...) at `rgb` when the framebuffer is RGB. */
static void framebuffer(const struct boot_machine *m, void *common, void *rgb)
{
    const struct embedboot_framebuffer *fb = &m->fb;
    struct mb_fb_common c = { fb->physical_address, fb->stride, fb->width, fb->height,
                              (uint8_t)fb->bits_per_pixel, framebuffer_type(m) };
    const uint8_t fields[6] = { fb->red_shift, fb->red_size, fb->green_shift, fb->green_size,
                                fb->blue_shift, fb->blue_size };
    memcpy(common, &c, sizeof(c));
    if (c.type == MB_FRAMEBUFFER_RGB)
        memcpy(rgb, fields, sizeof(fields));
}

static uint64_t build_mb1(struct area *a, const struct mb_info_input *in)
{
    const struct boot_machine *m = in->machine;
    struct mb1_info *info = take(a, sizeof(*info), 8);

    info->flags = MB1_INFO_MEMORY | MB1_INFO_CMDLINE | MB1_INFO_MODS | MB1_INFO_MEM_MAP |
                  MB1_INFO_LOADER_NAME;
    uint32_t lower, upper;
    basic_memory(in->map, m->firmware, &lower, &upper);
    info->mem_lower = lower;
    info->mem_upper = upper;
    info->cmdline = string(a, in->cmdline);
    info->boot_loader_name = string(a, MB_LOADER_NAME);
    struct mb1_module *mods = take(a, sizeof(*mods) * (in->module_count ? in->module_count : 1), 8);
    info->mods_count = in->module_count;
    info->mods_addr = (uint32_t)(uint64_t)mods;
    for (unsigned i = 0; i < in->module_count; i++)
        mods[i] = (struct mb1_module){ (uint32_t)in->module[i].start,
                                       (uint32_t)(in->module[i].start + in->module[i].size),
                                       string(a, in->module[i].cmdline), 0 };
    struct mb1_mmap_entry *e = take(a, sizeof(*e) * in->map->count, 8);
    info->mmap_addr = (uint32_t)(uint64_t)e;
    unsigned n = 0;
    for (unsigned i = 0; i < in->map->count; i++) {
        uint32_t type = memmap_e820_type(&in->map->region[i], m->firmware);
        if (type)
            e[n++] = (struct mb1_mmap_entry){ 20, in->map->region[i].start,
                                              in->map->region[i].length, type };
    }
    info->mmap_length = n * sizeof(*e);
    if (in->shdrs) {
        uint8_t *copy = take(a, (uint64_t)in->shnum * in->shentsize, 8);
        memcpy(copy, in->shdrs, (uint64_t)in->shnum * in->shentsize);
        info->flags |= MB1_INFO_ELF_SHDR;
        info->elf_num = in->shnum;
        info->elf_size = in->shentsize;
        info->elf_addr = (uint32_t)(uint64_t)copy;
        info->elf_shndx = in->shstrndx;
    }
    if (m->has_framebuffer) {
        info->flags |= MB1_INFO_FRAMEBUFFER;
        framebuffer(m, (uint8_t *)info + offsetof(struct mb1_info, framebuffer_addr),
                    (uint8_t *)info + offsetof(struct mb1_info, red_position));
    }
    return (uint64_t)info;
}

/* A Multiboot2 tag of `size` bytes (8-aligned), its header filled in. */
static void *tag(struct area *a, uint32_t type, uint64_t size)
{
    struct mb2_tag *t = take(a, size, 8);
    t->type = type;
    t->size = (uint32_t)size;
    return t;
}

static void string_tag(struct area *a, uint32_t type, const char *s)
{
    uint8_t *t = tag(a, type, 8 + strlen(s) + 1);
    memcpy(t + 8, s, strlen(s) + 1);
}

static void mb2_memory(struct area *a, const struct mb_info_input *in)
{
    uint32_t *meminfo = tag(a, MB2_TAG_BASIC_MEMINFO, 16), lower, upper;
    basic_memory(in->map, in->machine->firmware, &lower, &upper);
    meminfo[2] = lower;
    meminfo[3] = upper;
    unsigned n = 0;
    for (unsigned i = 0; i < in->map->count; i++)
        n += memmap_e820_type(&in->map->region[i], in->machine->firmware) != 0;
    uint32_t *mmap = tag(a, MB2_TAG_MMAP, 16 + (uint64_t)n * sizeof(struct mb2_mmap_entry));
    mmap[2] = sizeof(struct mb2_mmap_entry);
    mmap[3] = 0;                                      /* entry version */
    struct mb2_mmap_entry *e = (void *)(mmap + 4);
    for (unsigned i = 0; i < in->map->count; i++) {
        uint32_t type = memmap_e820_type(&in->map->region[i], in->machine->firmware);
        if (type)
            *e++ = (struct mb2_mmap_entry){ in->map->region[i].start, in->map->region[i].length,
                                            type, 0 };
    }
}

static void mb2_firmware_tables(struct area *a, const struct mb_info_input *in)
{
    const struct boot_machine *m = in->machine;
    if (m->rsdp) {
        const uint8_t *rsdp = (const uint8_t *)m->rsdp;
        uint8_t *old = tag(a, MB2_TAG_ACPI_OLD, 8 + 20);
        memcpy(old + 8, rsdp, 20);
        if (rsdp[15] >= 2) {
            uint32_t length = rsdp[20] | rsdp[21] << 8 | rsdp[22] << 16 | (uint32_t)rsdp[23] << 24;
            uint8_t *new = tag(a, MB2_TAG_ACPI_NEW, 8 + length);
            memcpy(new + 8, rsdp, length);
        }
    }
    if (m->firmware != EMBEDBOOT_FIRMWARE_UEFI)
        return;
    uint64_t *st = tag(a, MB2_TAG_EFI64, 16);
    st[1] = m->efi.system_table;
    uint32_t *mmap = tag(a, MB2_TAG_EFI_MMAP, 16 + m->efi.memmap_size);
    mmap[2] = (uint32_t)m->efi.descriptor_size;
    mmap[3] = m->efi.descriptor_version;
    memcpy(mmap + 4, (const void *)m->efi.memmap, m->efi.memmap_size);
    uint64_t *ih = tag(a, MB2_TAG_EFI64_IH, 16);
    ih[1] = m->efi.image_handle;
}

static uint64_t build_mb2(struct area *a, const struct mb_info_input *in)
{
    const struct boot_machine *m = in->machine;
    uint32_t *head = take(a, 8, 8);

    string_tag(a, MB2_TAG_CMDLINE, in->cmdline);
    string_tag(a, MB2_TAG_LOADER_NAME, MB_LOADER_NAME);
    for (unsigned i = 0; i < in->module_count; i++) {
        uint32_t *t = tag(a, MB2_TAG_MODULE, 16 + strlen(in->module[i].cmdline) + 1);
        t[2] = (uint32_t)in->module[i].start;
        t[3] = (uint32_t)(in->module[i].start + in->module[i].size);
        memcpy(t + 4, in->module[i].cmdline, strlen(in->module[i].cmdline) + 1);
    }
    mb2_memory(a, in);
    if (m->has_framebuffer) {
        int rgb = framebuffer_type(m) == MB_FRAMEBUFFER_RGB;   /* else no colour fields */
        uint8_t *t = tag(a, MB2_TAG_FRAMEBUFFER, rgb ? sizeof(struct mb2_tag_framebuffer) : 32);
        framebuffer(m, t + offsetof(struct mb2_tag_framebuffer, addr),
                    t + offsetof(struct mb2_tag_framebuffer, red_position));
    }
    if (in->shdrs) {
        uint32_t *t = tag(a, MB2_TAG_ELF_SECTIONS, 20 + (uint64_t)in->shnum * in->shentsize);
        t[2] = in->shnum;
        t[3] = in->shentsize;
        t[4] = in->shstrndx;
        memcpy(t + 5, in->shdrs, (uint64_t)in->shnum * in->shentsize);
    }
    mb2_firmware_tables(a, in);
    if (in->efi_boot_services)
        tag(a, MB2_TAG_EFI_BS, 8);
    uint32_t *base = tag(a, MB2_TAG_LOAD_BASE_ADDR, 12);
    base[2] = (uint32_t)in->load_base;
    tag(a, MB2_TAG_END, 8);
    head[0] = (uint32_t)(a->used - (uint64_t)((uint8_t *)head - a->base));
    return (uint64_t)head;
}

uint64_t multiboot_build_info(int version, void *area, uint64_t capacity,
                              const struct mb_info_input *in)
{
    struct area a = { area, 0, capacity, 0 };
    uint64_t info = version == 2 ? build_mb2(&a, in) : build_mb1(&a, in);
    return a.full ? 0 : info;
}

uint64_t multiboot_info_bound(const struct mb_info_input *in, unsigned max_regions,
                              uint64_t efi_memmap_bytes)
{
    uint64_t strings = IMAGE_STRINGS_MAX + 64;
    uint64_t fixed = 1024;                            /* headers, small tags, padding */
    return fixed + strings + in->module_count * 40ull + max_regions * 24ull +
           (uint64_t)in->shnum * in->shentsize + 2 * 64 + efi_memmap_bytes +
           8ull * (in->module_count + 16);
}
