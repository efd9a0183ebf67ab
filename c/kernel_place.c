#include "kernel_place.h"

uint64_t kernel_place_span(const struct load_plan *plan)
{
    return plan->vend - (plan->vstart & ~(plan->align - 1));
}

void kernel_place_init(struct kernel_place *p, const struct load_plan *plan, uint64_t start,
                       uint64_t size)
{
    uint64_t step = plan->align;
    uint64_t first = (start + step - 1) & ~(step - 1);

    p->link_base = plan->vstart & ~(step - 1);
    p->span = kernel_place_span(plan);
    p->first = first;
    p->step = step;
    p->avoid_count = 0;
    /* The last base whose span still ends inside the range. */
    uint64_t end_room = size - p->span;               /* start + end_room: the last base */
    p->count = size < p->span || first < start || first - start > end_room
                   ? 0
                   : (end_room - (first - start)) / step + 1;
}

/* Insert [lo, hi], keeping avoid[] sorted by lo and merged. */
static void add_interval(struct kernel_place *p, uint64_t lo, uint64_t hi)
{
    unsigned k = 0, n = p->avoid_count;
    while (k < n && p->avoid[k].hi + 1 < lo)
        k++;
    unsigned m = k;                                   /* [k, m) overlap or touch [lo, hi] */
    while (m < n && p->avoid[m].lo <= hi + 1) {
        lo = p->avoid[m].lo < lo ? p->avoid[m].lo : lo;
        hi = p->avoid[m].hi > hi ? p->avoid[m].hi : hi;
        m++;
    }
    unsigned after = n - m;
    if (m == k)                                       /* nothing merged: open a slot at k */
        for (unsigned i = n; i > k; i--)
            p->avoid[i] = p->avoid[i - 1];
    else                                              /* merged m - k: close up behind k */
        for (unsigned i = 0; i < after; i++)
            p->avoid[k + 1 + i] = p->avoid[m + i];
    p->avoid[k].lo = lo;
    p->avoid[k].hi = hi;
    p->avoid_count = k + 1 + after;
}

void kernel_place_avoid(struct kernel_place *p, uint64_t start, uint64_t bytes)
{
    if (!bytes || !p->count)
        return;
    uint64_t last = start + (bytes - 1);              /* inclusive: the region may end at 2^64 */
    if (last < p->first)
        return;
    /* Bases b = first + k * step with b <= last and b + span > start. */
    uint64_t d = start > p->first ? start - p->first : 0;
    uint64_t lo = d < p->span ? 0 : (d - p->span) / p->step + 1;
    uint64_t hi = (last - p->first) / p->step;
    if (hi > p->count - 1)
        hi = p->count - 1;
    if (lo > hi)
        return;
    if (p->avoid_count == KERNEL_PLACE_AVOID)          /* cannot happen: the callers add fewer */
        lo = 0, hi = p->count - 1;
    add_interval(p, lo, hi);
}

uint64_t kernel_place_choices(const struct kernel_place *p)
{
    uint64_t taken = 0;
    for (unsigned i = 0; i < p->avoid_count; i++)
        taken += p->avoid[i].hi - p->avoid[i].lo + 1;
    return p->count - taken;
}

uint64_t kernel_place_pick(const struct kernel_place *p, uint64_t random)
{
    /* The modulo's bias is below choices / 2^64: nothing for 2^35 bases. */
    uint64_t k = random % kernel_place_choices(p);
    for (unsigned i = 0; i < p->avoid_count && k >= p->avoid[i].lo; i++)
        k += p->avoid[i].hi - p->avoid[i].lo + 1;
    return p->first + k * p->step;
}
