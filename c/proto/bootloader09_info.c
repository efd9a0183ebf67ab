#include "bootloader09_info.h"

#include <string.h>

int bl09_region_type(uint32_t kind)
{
    switch (kind) {
    case EMBEDBOOT_MEMORY_USABLE:           return BL09_USABLE;
    case EMBEDBOOT_MEMORY_ACPI_RECLAIMABLE: return BL09_ACPI_RECLAIMABLE;
    case EMBEDBOOT_MEMORY_ACPI_NVS:         return BL09_ACPI_NVS;
    case EMBEDBOOT_MEMORY_BAD:              return BL09_BAD_MEMORY;
    case EMBEDBOOT_MEMORY_BOOTLOADER:       return BL09_BOOTLOADER;
    case EMBEDBOOT_MEMORY_KERNEL:           return BL09_KERNEL;
    case EMBEDBOOT_MEMORY_KERNEL_STACK:     return BL09_KERNEL_STACK;
    case EMBEDBOOT_MEMORY_PAGE_TABLES:      return BL09_PAGE_TABLE;
    case EMBEDBOOT_MEMORY_BOOT_INFO:        return BL09_BOOT_INFO;
    case EMBEDBOOT_MEMORY_MODULE:           return BL09_PACKAGE;
    case EMBEDBOOT_MEMORY_FRAMEBUFFER:      return -1;
    default:                                return BL09_RESERVED;   /* reserved, unknown */
    }
}

/* Append frames [start, end) of `type` after what `out` holds, keeping the
 * list sorted and disjoint: where it overlaps the last region, usable
 * memory gives way (the earlier region wins between two others). */
static unsigned append(struct bl09_memory_region *out, unsigned n, uint64_t start, uint64_t end,
                       uint32_t type)
{
    while (n && start < out[n - 1].end_frame_number) {
        struct bl09_memory_region *last = &out[n - 1];
        if (last->region_type == BL09_USABLE && type != BL09_USABLE) {
            last->end_frame_number = start > last->start_frame_number ? start
                                                                      : last->start_frame_number;
            if (last->end_frame_number == last->start_frame_number)
                n--;                                 /* nothing left of it */
            else
                break;
        } else {
            start = last->end_frame_number;
            break;
        }
    }
    if (start >= end)
        return n;
    if (n && out[n - 1].region_type == type && out[n - 1].end_frame_number == start) {
        out[n - 1].end_frame_number = end;           /* touching, one type: one region */
        return n;
    }
    out[n] = (struct bl09_memory_region){ start, end, type, 0 };
    return n + 1;
}

static int joinable_across_holes(uint32_t type)
{
    return type == BL09_RESERVED || type == BL09_ACPI_NVS || type == BL09_BAD_MEMORY;
}

/* Join neighbours of a joinable type across the hole between them until
 * the map fits 64 entries or nothing is left to join. */
static unsigned join_across_holes(struct bl09_memory_region *out, unsigned n)
{
    for (unsigned i = 1; i < n && n > BL09_MEMORY_MAP_ENTRIES;) {
        if (out[i].region_type == out[i - 1].region_type && joinable_across_holes(out[i].region_type)) {
            out[i - 1].end_frame_number = out[i].end_frame_number;
            memmove(&out[i], &out[i + 1], (n - i - 1) * sizeof(*out));
            n--;
        } else {
            i++;
        }
    }
    return n;
}

unsigned bl09_convert_map(const struct bl09_input *in, struct bl09_memory_region *out,
                          unsigned capacity)
{
    const uint64_t frame = BL09_FRAME_SIZE;
    unsigned n = 0;
    int frame_zero = 0;

    if (capacity < in->map->count + 1)
        return UINT32_MAX;                           /* the caller's mistake: never fits */
    /* Each region adds at most one entry, and frame 0 one more, once. */
    for (unsigned i = 0; i < in->map->count; i++) {
        const struct embedboot_memory_region *r = &in->map->region[i];
        int type = bl09_region_type(r->kind);
        if (type < 0 || !r->length)
            continue;
        uint64_t end = r->start + r->length;
        uint64_t first = type == BL09_USABLE ? (r->start + frame - 1) / frame : r->start / frame;
        uint64_t last = type == BL09_USABLE ? end / frame : (end + frame - 1) / frame;
        if (first == 0 && last > 0) {                 /* frame 0: its own region, as v0.9 */
            n = append(out, n, 0, 1, BL09_FRAME_ZERO);
            frame_zero = 1;
            first = 1;
        }
        n = append(out, n, first, last, (uint32_t)type);
    }
    if (!frame_zero) {                               /* no region covered it: still its own */
        memmove(&out[1], &out[0], n * sizeof(*out));
        out[0] = (struct bl09_memory_region){ 0, 1, BL09_FRAME_ZERO, 0 };
        n++;
        if (n > 1 && out[1].start_frame_number == 0)
            out[1].start_frame_number = 1;
    }
    return n > BL09_MEMORY_MAP_ENTRIES ? join_across_holes(out, n) : n;
}

unsigned bl09_fill(void *info, const struct bl09_input *in, struct bl09_memory_region *scratch,
                   unsigned scratch_capacity)
{
    uint8_t *base = info;
    struct bl09_memory_map *map = info;          /* at the start, 8-aligned */
    unsigned n = bl09_convert_map(in, scratch, scratch_capacity);

    if (n > BL09_MEMORY_MAP_ENTRIES)
        return n;
    memset(base, 0, bl09_boot_info_size(in->features));
    for (unsigned i = 0; i < BL09_MEMORY_MAP_ENTRIES; i++)
        map->entries[i] = i < n ? scratch[i] : (struct bl09_memory_region){ 0, 0, BL09_EMPTY, 0 };
    map->next_entry_index = n;
    if (in->features & BL09_RECURSIVE_PAGE_TABLE)
        memcpy(base + bl09_recursive_offset(), &in->recursive_page_table_addr, 8);
    if (in->features & BL09_MAP_PHYSICAL_MEMORY)
        memcpy(base + bl09_physical_memory_offset_offset(in->features),
               &in->physical_memory_offset, 8);
    memcpy(base + bl09_tls_offset(in->features), &in->tls, sizeof(in->tls));
    return 0;
}
