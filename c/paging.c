#include "paging.h"

#include "page.h"

static uint64_t *table(const struct pt_env *e, uint64_t phys)
{
    return e->phys_to_ptr(e->ctx, phys & PTE_ADDR);
}

static unsigned index_at(uint64_t virt, int level)      /* level 3 = PML4 */
{
    return (virt >> (12 + 9 * level)) & 511;
}

/* The entry for virt at `leaf_level` (0 = 4 KiB, 1 = 2 MiB, 2 = 1 GiB),
 * creating intermediate tables as needed. */
static enum pt_error walk_create(const struct pt_env *e, uint64_t pml4, uint64_t virt,
                                 int leaf_level, uint64_t **pte)
{
    uint64_t *t = table(e, pml4);
    for (int level = 3; level > leaf_level; level--) {
        uint64_t *entry = &t[index_at(virt, level)];
        if (!(*entry & PTE_P)) {
            uint64_t frame = e->alloc_table(e->ctx);
            if (!frame)
                return PT_NOMEM;
            /* Intermediate entries allow everything; leaves decide. */
            *entry = frame | PTE_P | PTE_W;
        } else if (*entry & PTE_PS) {
            return PT_CONFLICT;
        }
        t = table(e, *entry);
    }
    *pte = &t[index_at(virt, leaf_level)];
    return PT_OK;
}

static uint64_t leaf_bits(const struct pt_env *e, unsigned flags)
{
    uint64_t bits = PTE_P;
    if (flags & PT_WRITE)
        bits |= PTE_W;
    if (flags & PT_WC)
        bits |= PTE_PWT;
    if (!(flags & PT_EXEC) && e->nx)
        bits |= PTE_NX;
    return bits;
}

enum pt_error pt_map_page(const struct pt_env *e, uint64_t pml4, uint64_t virt,
                          uint64_t phys, unsigned flags)
{
    uint64_t *pte;
    if (!is_canonical(virt) || (virt | phys) % PAGE_SIZE)
        return PT_BAD_ADDRESS;
    enum pt_error err = walk_create(e, pml4, virt, 0, &pte);
    if (err)
        return err;
    uint64_t bits = leaf_bits(e, flags);
    if (*pte & PTE_P) {
        if ((*pte & PTE_ADDR) != phys)
            return PT_CONFLICT;
        bits = (*pte | bits) & ~PTE_NX;              /* union of permissions */
        if ((*pte & PTE_NX) && !(flags & PT_EXEC) && e->nx)
            bits |= PTE_NX;
        *pte = bits;
        return PT_OK;
    }
    *pte = phys | bits;
    return PT_OK;
}

enum pt_error pt_map_range(const struct pt_env *e, uint64_t pml4, uint64_t virt,
                           uint64_t phys, uint64_t pages, unsigned flags)
{
    for (uint64_t i = 0; i < pages; i++) {
        enum pt_error err = pt_map_page(e, pml4, virt + i * PAGE_SIZE, phys + i * PAGE_SIZE,
                                        flags);
        if (err)
            return err;
    }
    return PT_OK;
}

enum pt_error pt_map_large(const struct pt_env *e, uint64_t pml4, uint64_t virt, uint64_t phys,
                           uint64_t count, int level, unsigned flags)
{
    uint64_t span = 1ull << (12 + 9 * level), *pte;
    if (level < 1 || level > 2 || (virt | phys) % span || !is_canonical(virt) ||
        !is_canonical(virt + count * span - 1))
        return PT_BAD_ADDRESS;
    for (uint64_t i = 0; i < count; i++) {
        enum pt_error err = walk_create(e, pml4, virt + i * span, level, &pte);
        if (err)
            return err;
        if (*pte & PTE_P)
            return PT_CONFLICT;
        *pte = (phys + i * span) | leaf_bits(e, flags) | PTE_PS;
    }
    return PT_OK;
}

int pt_translate(const struct pt_env *e, uint64_t pml4, uint64_t virt, uint64_t *phys,
                 unsigned *flags)
{
    uint64_t *t = table(e, pml4);
    for (int level = 3; level >= 0; level--) {
        uint64_t entry = t[index_at(virt, level)];
        if (!(entry & PTE_P))
            return 0;
        if (level == 0 || (entry & PTE_PS)) {
            uint64_t span = 1ull << (12 + 9 * level);
            *phys = (entry & PTE_ADDR & ~(span - 1)) + (virt & (span - 1));
            *flags = ((entry & PTE_W) ? PT_WRITE : 0) | ((entry & PTE_NX) ? 0 : PT_EXEC);
            return 1;
        }
        t = table(e, entry);
    }
    return 0;
}
