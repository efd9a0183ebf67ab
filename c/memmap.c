/* Memory map sanitising and marking. Maps are small (hundreds of entries),
 * so the simple quadratic sweeps below are the clear choice. */
#include "memmap.h"

#include <stddef.h>

uint32_t memmap_kind_of_e820(uint32_t type)
{
    return type >= 1 && type <= 5 ? type : EMBEDBOOT_MEMORY_UNKNOWN;
}

/* UEFI memory types (UEFI 2.10, 7.2 EFI_MEMORY_TYPE) as the kernel sees
 * them after ExitBootServices: boot services memory is free, runtime
 * services memory stays reserved, the loader's own is the loader's. */
uint32_t memmap_kind_of_efi(uint32_t type)
{
    switch (type) {
    case 7:  /* ConventionalMemory */
    case 3:  /* BootServicesCode */
    case 4:  /* BootServicesData */   return EMBEDBOOT_MEMORY_USABLE;
    case 1:  /* LoaderCode */
    case 2:  /* LoaderData */         return EMBEDBOOT_MEMORY_BOOTLOADER;
    case 9:  /* ACPIReclaimMemory */  return EMBEDBOOT_MEMORY_ACPI_RECLAIMABLE;
    case 10: /* ACPIMemoryNVS */      return EMBEDBOOT_MEMORY_ACPI_NVS;
    case 8:  /* UnusableMemory */     return EMBEDBOOT_MEMORY_BAD;
    case 0:  /* ReservedMemoryType */
    case 5:  /* RuntimeServicesCode */
    case 6:  /* RuntimeServicesData */
    case 11: /* MemoryMappedIO */
    case 12: /* MemoryMappedIOPortSpace */
    case 13: /* PalCode */
    case 15: /* UnacceptedMemoryType: the kernel would have to accept it */
        return EMBEDBOOT_MEMORY_RESERVED;
    default: /* PersistentMemory (14), OEM and OS types */
        return EMBEDBOOT_MEMORY_UNKNOWN;
    }
}

static int rank(uint32_t kind)
{
    switch (kind) {
    case EMBEDBOOT_MEMORY_USABLE:           return 0;
    case EMBEDBOOT_MEMORY_BOOTLOADER:       return 1;   /* UEFI: the loader's own */
    case EMBEDBOOT_MEMORY_ACPI_RECLAIMABLE: return 2;
    case EMBEDBOOT_MEMORY_ACPI_NVS:         return 3;
    case EMBEDBOOT_MEMORY_UNKNOWN:          return 4;
    case EMBEDBOOT_MEMORY_RESERVED:         return 5;
    default:                                return 6;   /* bad */
    }
}

static uint64_t raw_end(const struct raw_region *r)
{
    uint64_t end = r->base + r->length;
    return end < r->base ? UINT64_MAX : end;      /* clamp wrapping entries */
}

static int append(struct memmap *map, uint64_t start, uint64_t end, uint32_t kind,
                  uint32_t firmware_type)
{
    struct embedboot_memory_region *last = map->count ? &map->region[map->count - 1] : NULL;

    if (start >= end)
        return 0;
    if (last && last->start + last->length == start && last->kind == kind &&
        last->firmware_type == firmware_type) {
        last->length += end - start;
        return 0;
    }
    if (map->count == map->capacity)
        return -1;
    map->region[map->count++] = (struct embedboot_memory_region){ start, end - start, kind,
                                                              firmware_type };
    return 0;
}

/* The smallest boundary (start or end of a raw entry) above `after`. */
static int next_boundary(const struct raw_region *raw, unsigned n, uint64_t after,
                         uint64_t *out)
{
    int found = 0;
    for (unsigned i = 0; i < n; i++) {
        if (!raw[i].length)
            continue;
        uint64_t b[2] = { raw[i].base, raw_end(&raw[i]) };
        for (int k = 0; k < 2; k++)
            if (b[k] > after && (!found || b[k] < *out)) {
                *out = b[k];
                found = 1;
            }
    }
    return found;
}

int memmap_sanitise(struct memmap *map, const struct raw_region *raw, unsigned n)
{
    return memmap_sanitise_kinds(map, raw, n, memmap_kind_of_e820);
}

int memmap_sanitise_kinds(struct memmap *map, const struct raw_region *raw, unsigned n,
                          uint32_t (*kind_of)(uint32_t type))
{
    uint64_t start = UINT64_MAX, end = 0;
    map->count = 0;

    for (unsigned i = 0; i < n; i++)
        if (raw[i].length && raw[i].base < start)
            start = raw[i].base;
    if (start == UINT64_MAX)
        return 0;
    while (next_boundary(raw, n, start, &end)) {
        const struct raw_region *win = NULL;
        for (unsigned i = 0; i < n; i++) {
            const struct raw_region *r = &raw[i];
            if (!r->length || r->base > start || raw_end(r) <= start)
                continue;
            uint32_t k = kind_of(r->type);
            if (!win || rank(k) > rank(kind_of(win->type)) ||
                (rank(k) == rank(kind_of(win->type)) && r->type > win->type))
                win = r;
        }
        if (win && append(map, start, end, kind_of(win->type), win->type))
            return -1;
        start = end;
    }
    return 0;
}

uint32_t memmap_e820_type(const struct embedboot_memory_region *r, uint32_t firmware)
{
    switch (r->kind) {
    case EMBEDBOOT_MEMORY_RESERVED:         return 2;
    case EMBEDBOOT_MEMORY_ACPI_RECLAIMABLE: return 3;
    case EMBEDBOOT_MEMORY_ACPI_NVS:         return 4;
    case EMBEDBOOT_MEMORY_BAD:              return 5;
    case EMBEDBOOT_MEMORY_UNKNOWN:          return firmware == EMBEDBOOT_FIRMWARE_BIOS ? r->firmware_type : 2;
    case EMBEDBOOT_MEMORY_FRAMEBUFFER:      return 0;
    default:                                return 1;
    }
}

uint64_t memmap_end(const struct memmap *map)
{
    uint64_t top = 0;
    for (unsigned i = 0; i < map->count; i++)
        if (map->region[i].start + map->region[i].length > top)
            top = map->region[i].start + map->region[i].length;
    return top;
}

int memmap_copy(struct memmap *dst, const struct memmap *src)
{
    if (src->count > dst->capacity)
        return -1;
    for (unsigned i = 0; i < src->count; i++)
        dst->region[i] = src->region[i];
    dst->count = src->count;
    return 0;
}

int memmap_mark(struct memmap *map, uint64_t start, uint64_t end, uint32_t kind,
                uint32_t only_kind)
{
    /* Rebuild in place from a copy in the caller's scratch space: the map
     * is small and this keeps the splitting and merging in one place
     * (append). */
    struct embedboot_memory_region *old = map->scratch;
    unsigned n = map->count;
    uint64_t covered = start;

    if (start >= end)
        return 0;
    if (!old)
        return -1;
    for (unsigned i = 0; i < n; i++)
        old[i] = map->region[i];
    map->count = 0;
    for (unsigned i = 0; i < n; i++) {
        const struct embedboot_memory_region *r = &old[i];
        uint64_t rs = r->start, re = r->start + r->length;
        uint64_t is = rs > start ? rs : start, ie = re < end ? re : end;
        int hit = is < ie && (!only_kind || r->kind == only_kind);

        if (!only_kind && covered < end && covered < rs &&   /* hole before r */
            append(map, covered, rs < end ? rs : end, kind, 0))
            return -1;
        if (!hit) {
            if (append(map, rs, re, r->kind, r->firmware_type))
                return -1;
        } else if (append(map, rs, is, r->kind, r->firmware_type) ||
                   append(map, is, ie, kind, r->firmware_type) ||
                   append(map, ie, re, r->kind, r->firmware_type)) {
            return -1;
        }
        if (re > covered)
            covered = re;
    }
    if (!only_kind && covered < end && append(map, covered, end, kind, 0))
        return -1;
    return 0;
}
