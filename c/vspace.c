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

void vspace_init(struct vspace *v, const struct load_plan *plan)
{
    for (unsigned i = 0; i < 8; i++)
        v->used[i] = 0;
    mark(v, 0);
    for (unsigned k = 0; k < plan->count; k++) {
        const struct load_segment *s = &plan->seg[k];
        unsigned first = (s->vaddr >> 39) & 511, last = ((s->vaddr + s->memsz - 1) >> 39) & 511;
        for (unsigned slot = first; slot <= last; slot++)
            mark(v, slot);
    }
}

uint64_t vspace_take_slot(struct vspace *v)
{
    for (unsigned slot = 1; slot < 512; slot++)
        if (!(v->used[slot / 64] & (1ull << (slot % 64)))) {
            mark(v, slot);
            return vspace_slot_address(slot);
        }
    return 0;
}
