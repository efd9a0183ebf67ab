#include "vspace.h"

uint64_t vspace_slot_address(unsigned slot)
{
    uint64_t a = (uint64_t)slot << 39;
    return slot >= 256 ? a | 0xffff000000000000ull : a;     /* sign-extend */
}

static void mark(struct vspace *v, unsigned slot)
{
    v->used[slot / 64] |= 1ull << (slot % 64);
}

static int used(const struct vspace *v, unsigned slot)
{
    return (v->used[slot / 64] >> (slot % 64)) & 1;
}

void vspace_mark_range(struct vspace *v, uint64_t start, uint64_t size)
{
    if (!size)
        return;
    unsigned first = (start >> 39) & 511, last = ((start + size - 1) >> 39) & 511;
    for (unsigned slot = first; slot <= last; slot++)
        mark(v, slot);
}

void vspace_init(struct vspace *v, const struct load_plan *plan)
{
    for (unsigned i = 0; i < 8; i++)
        v->used[i] = 0;
    mark(v, 0);
    for (unsigned k = 0; k < plan->count; k++)
        vspace_mark_range(v, plan->seg[k].vaddr, plan->seg[k].memsz);
}

uint64_t vspace_take_slots(struct vspace *v, unsigned count)
{
    for (unsigned slot = 1; count && slot + count <= 512; slot++) {
        unsigned k = 0;
        while (k < count && !used(v, slot + k) && (slot + k) / 256 == slot / 256)
            k++;
        if (k == count) {
            for (k = 0; k < count; k++)
                mark(v, slot + k);
            return vspace_slot_address(slot);
        }
    }
    return 0;
}

uint64_t vspace_take_slot(struct vspace *v)
{
    return vspace_take_slots(v, 1);
}
