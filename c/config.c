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
    case KEY_KERNEL_BASE:            return "kernel-base";
    case KEY_KASLR_RANGE_START:      return "kaslr-range-start";
    case KEY_KASLR_RANGE_SIZE:       return "kaslr-range-size";
    case KEY_FRAMEBUFFER:            return "framebuffer";
    case KEY_KASLR:                  return "kaslr";
    default:                         return "configuration";
    }
}

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

static int check_region(const struct config_region *r, enum config_key *key, char *why, size_t n)
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

unsigned config_regions(const struct image_header *hdr, const struct config_sizes *sizes,
                        struct config_region r[CONFIG_REGIONS_MAX])
{
    unsigned count = 0;
    if (hdr->configured & CONFIG_STACK_ADDRESS)
        r[count++] = (struct config_region){ KEY_STACK_ADDRESS, "the kernel stack", hdr->kernel_stack_address,
                                      ((uint64_t)hdr->kernel_stack_pages + 1) * PAGE_SIZE };
    if (hdr->configured & CONFIG_PHYSICAL_MEMORY_OFFSET)
        r[count++] = (struct config_region){ KEY_PHYSICAL_MEMORY_OFFSET, "the physical memory mapping",
                                      hdr->physical_memory_offset, sizes->physical_memory };
    if (hdr->configured & CONFIG_BOOT_INFO_ADDRESS)
        r[count++] = (struct config_region){ KEY_BOOT_INFO_ADDRESS, "the boot info", hdr->boot_info_address,
                                      sizes->boot_info };
    if (hdr->configured & CONFIG_MODULE_ADDRESS)
        r[count++] = (struct config_region){ KEY_MODULE_ADDRESS, "the modules", hdr->module_address,
                                      sizes->modules };
    return count;
}

#define IDENTITY_SLOT (1ull << 39)      /* PML4 slot 0: the loader's identity-mapped pages */

void config_kernel_place(const struct image_header *hdr, const struct load_plan *plan,
                         const struct config_sizes *sizes, struct kernel_place *place)
{
    struct config_region r[CONFIG_REGIONS_MAX];
    if (hdr->features & FEATURE_KASLR)
        kernel_place_init(place, plan, hdr->kaslr_start, hdr->kaslr_size);
    else                                /* exactly one candidate, if it is aligned */
        kernel_place_init(place, plan, hdr->kernel_base, kernel_place_span(plan));
    kernel_place_avoid(place, 0, IDENTITY_SLOT);
    for (unsigned i = 0, count = config_regions(hdr, sizes, r); i < count; i++)
        kernel_place_avoid(place, r[i].start, r[i].size);
}

/* The relocation settings against the kind of kernel and the features. */
static int check_relocation_settings(const struct image_header *hdr, const struct load_plan *plan,
                                     enum config_key *key, char *why, size_t n)
{
    int kaslr = (hdr->features & FEATURE_KASLR) != 0;
    if (kaslr && !plan->relocatable)
        return bad(key, KEY_KASLR, why, n, "the kaslr feature needs a relocatable kernel (ET_DYN): "
                   "link it with -static-pie, or Rust's relocation-model=pie");
    if ((hdr->configured & CONFIG_KERNEL_BASE) && !plan->relocatable)
        return bad(key, KEY_KERNEL_BASE, why, n, "applies to a relocatable (ET_DYN) kernel; this "
                   "one is linked to run at 0x%llx", (unsigned long long)plan->vstart);
    if ((hdr->configured & CONFIG_KERNEL_BASE) && kaslr)
        return bad(key, KEY_KERNEL_BASE, why, n, "conflicts with the kaslr feature, which picks "
                   "the base at random in kaslr-range-start/kaslr-range-size");
    if ((hdr->configured & CONFIG_KASLR_RANGE) && !kaslr)
        return bad(key, KEY_KASLR_RANGE_START, why, n, "is set but the kaslr feature is not enabled");
    return 0;
}

/* A relocatable kernel: its fixed base or range is sane and leaves room. */
static int check_placement(const struct image_header *hdr, const struct load_plan *plan,
                           const struct config_sizes *sizes, enum config_key *key, char *why,
                           size_t n)
{
    int kaslr = (hdr->features & FEATURE_KASLR) != 0;
    uint64_t start = kaslr ? hdr->kaslr_start : hdr->kernel_base;
    uint64_t span = kernel_place_span(plan);
    struct config_region range = { kaslr ? KEY_KASLR_RANGE_START : KEY_KERNEL_BASE,
                            kaslr ? "the kaslr range" : "the kernel", start,
                            kaslr ? hdr->kaslr_size : span };
    struct kernel_place place;

    if (kaslr && hdr->kaslr_size == 0)
        return bad(key, KEY_KASLR_RANGE_SIZE, why, n, "must be more than 0");
    if (check_region(&range, key, why, n))
        return -1;
    if (!kaslr && start % plan->align)
        return bad(key, KEY_KERNEL_BASE, why, n, "0x%llx is not a multiple of the kernel's "
                   "segment alignment, 0x%llx", (unsigned long long)start,
                   (unsigned long long)plan->align);
    config_kernel_place(hdr, plan, sizes, &place);
    if (!kernel_place_choices(&place))
        return bad(key, range.key, why, n, "no room for the kernel (0x%llx bytes, aligned to "
                   "0x%llx) in 0x%llx-0x%llx clear of the first 512 GiB and the configured "
                   "regions", (unsigned long long)span, (unsigned long long)plan->align,
                   (unsigned long long)start, (unsigned long long)(start + range.size));
    return 0;
}

int config_check(const struct image_header *hdr, const struct load_plan *plan,
                 const struct config_sizes *sizes, enum config_key *key, char *why, size_t n)
{
    struct config_region r[CONFIG_REGIONS_MAX];

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
    if (check_relocation_settings(hdr, plan, key, why, n))
        return -1;
    unsigned count = config_regions(hdr, sizes, r);
    for (unsigned i = 0; i < count; i++) {
        if (check_region(&r[i], key, why, n))
            return -1;
        for (unsigned k = 0; k < plan->count && !plan->relocatable; k++)
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
    return plan->relocatable ? check_placement(hdr, plan, sizes, key, why, n) : 0;
}
