#include "config.h"

#include <stdarg.h>

#include "fmt.h"

const char *config_key_name(enum config_key key)
{
    switch (key) {
    case KEY_STACK_ADDRESS:          return "kernel-stack-address";
    case KEY_STACK_SIZE:             return "kernel-stack-size";
    case KEY_PHYSICAL_MEMORY_OFFSET: return "physical-memory-offset";
    case KEY_BOOT_INFO_ADDRESS:      return "boot-info-address";
    case KEY_MODULE_ADDRESS:         return "module-address";
    case KEY_FRAMEBUFFER:            return "framebuffer";
    default:                         return "configuration";
    }
}

struct region {
    enum config_key key;
    const char *what;
    uint64_t start, size;
};

__attribute__((format(printf, 5, 6)))
static int bad(enum config_key *out, enum config_key key, char *why, size_t n, const char *fmt, ...)
{
    va_list ap;
    *out = key;
    va_start(ap, fmt);
    fmt_vformat(why, n, fmt, ap);
    va_end(ap);
    return -1;
}

static int check_region(const struct region *r, enum config_key *key, char *why, size_t n)
{
    uint64_t last = r->start + r->size - 1;
    if (r->start % PAGE_SIZE)
        return bad(key, r->key, why, n, "0x%llx is not page-aligned (4 KiB)",
                   (unsigned long long)r->start);
    if (last < r->start || !is_canonical(r->start) || !is_canonical(last) ||
        (r->start >> 47) != (last >> 47))
        return bad(key, r->key, why, n, "0x%llx + 0x%llx bytes is not a canonical address range",
                   (unsigned long long)r->start, (unsigned long long)r->size);
    if (r->start < KERNEL_MIN_VADDR)
        return bad(key, r->key, why, n, "0x%llx is below 1 MiB, which the loader keeps for itself",
                   (unsigned long long)r->start);
    return 0;
}

static int overlaps(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
    return a < b + bs && b < a + as;
}

int config_check(const struct image_header *hdr, const struct load_plan *plan,
                 const struct config_sizes *sizes, enum config_key *key, char *why, size_t n)
{
    struct region r[4];
    unsigned count = 0;

    if ((hdr->framebuffer_width || hdr->framebuffer_height) && (hdr->features & FEATURE_VGA_320X200))
        return bad(key, KEY_FRAMEBUFFER, why, n, "conflicts with the vga_320x200 feature: "
                   "choose one video mode");
    if (hdr->kernel_stack_pages == 0)
        return bad(key, KEY_STACK_SIZE, why, n, "must be at least 1 page");
    if ((hdr->configured & CONFIG_PHYSICAL_MEMORY_OFFSET) &&
        !(hdr->features & FEATURE_MAP_PHYSICAL_MEMORY))
        return bad(key, KEY_PHYSICAL_MEMORY_OFFSET, why, n,
                   "is set but the map_physical_memory feature is not enabled");
    if ((hdr->configured & CONFIG_MODULE_ADDRESS) && !sizes->modules)
        return bad(key, KEY_MODULE_ADDRESS, why, n, "is set but no module has any bytes to map "
                   "(MODULES=)");
    if (hdr->configured & CONFIG_STACK_ADDRESS)
        r[count++] = (struct region){ KEY_STACK_ADDRESS, "the kernel stack", hdr->kernel_stack_address,
                                      ((uint64_t)hdr->kernel_stack_pages + 1) * PAGE_SIZE };
    if (hdr->configured & CONFIG_PHYSICAL_MEMORY_OFFSET)
        r[count++] = (struct region){ KEY_PHYSICAL_MEMORY_OFFSET, "the physical memory mapping",
                                      hdr->physical_memory_offset, sizes->physical_memory };
    if (hdr->configured & CONFIG_BOOT_INFO_ADDRESS)
        r[count++] = (struct region){ KEY_BOOT_INFO_ADDRESS, "the boot info", hdr->boot_info_address,
                                      sizes->boot_info };
    if (hdr->configured & CONFIG_MODULE_ADDRESS)
        r[count++] = (struct region){ KEY_MODULE_ADDRESS, "the modules", hdr->module_address,
                                      sizes->modules };
    for (unsigned i = 0; i < count; i++) {
        if (check_region(&r[i], key, why, n))
            return -1;
        for (unsigned k = 0; k < plan->count; k++)
            if (overlaps(r[i].start, r[i].size, plan->seg[k].vaddr, plan->seg[k].memsz))
                return bad(key, r[i].key, why, n, "region 0x%llx-0x%llx overlaps the kernel's "
                           "segments", (unsigned long long)r[i].start,
                           (unsigned long long)(r[i].start + r[i].size));
        for (unsigned k = 0; k < i; k++)
            if (overlaps(r[i].start, r[i].size, r[k].start, r[k].size))
                return bad(key, r[i].key, why, n, "region 0x%llx-0x%llx overlaps %s (%s)",
                           (unsigned long long)r[i].start,
                           (unsigned long long)(r[i].start + r[i].size), r[k].what,
                           config_key_name(r[k].key));
    }
    return 0;
}
