#include "frames.h"

#include "page.h"

void frames_init(struct frame_pool *p, const struct memmap *map, uint64_t lo, uint64_t hi)
{
    p->nfree = p->nlog = 0;
    for (unsigned i = 0; i < map->count && p->nfree < FRAMES_MAX_RANGES; i++) {
        const struct embedboot_memory_region *r = &map->region[i];
        if (r->kind != EMBEDBOOT_MEMORY_USABLE)
            continue;
        uint64_t s = page_up(r->start > lo ? r->start : lo);
        uint64_t e = r->start + r->length < hi ? r->start + r->length : hi;
        e &= ~(PAGE_SIZE - 1);
        if (s < e)
            p->free[p->nfree++] = (struct frame_range){ s, e };
    }
}

int frames_reserve(struct frame_pool *p, uint64_t start, uint64_t end)
{
    start &= ~(PAGE_SIZE - 1);
    end = page_up(end);
    for (unsigned i = 0; i < p->nfree; i++) {
        struct frame_range *f = &p->free[i];
        if (end <= f->start || start >= f->end)
            continue;
        if (start > f->start && end < f->end) {      /* split in two */
            if (p->nfree == FRAMES_MAX_RANGES)
                return -1;
            for (unsigned k = p->nfree; k > i + 1; k--)
                p->free[k] = p->free[k - 1];
            p->free[i + 1] = (struct frame_range){ end, f->end };
            p->nfree++;
            f->end = start;
        } else if (start > f->start) {
            f->end = start;
        } else {
            f->start = end < f->end ? end : f->end;
        }
    }
    return 0;
}

int frames_init_except(struct frame_pool *p, const struct memmap *map, uint64_t lo, uint64_t hi,
                       uint64_t taken_start, uint64_t taken_end)
{
    frames_init(p, map, lo, hi);
    return taken_start < taken_end ? frames_reserve(p, taken_start, taken_end) : 0;
}

/* Record an allocation, merged with the previous one when they touch.
 * A full log refuses the allocation: the final map must stay exact. */
static int log_alloc(struct frame_pool *p, uint64_t start, uint64_t end, uint32_t kind)
{
    struct frame_alloc *last = p->nlog ? &p->log[p->nlog - 1] : 0;
    if (last && last->end == start && last->kind == kind) {
        last->end = end;
        return 0;
    }
    if (p->nlog == FRAMES_MAX_LOG)
        return -1;
    p->log[p->nlog++] = (struct frame_alloc){ start, end, kind };
    return 0;
}

int frames_note(struct frame_pool *p, uint64_t start, uint64_t end, uint32_t kind)
{
    return log_alloc(p, start, end, kind);
}

const struct frames_where frames_anywhere = { PAGE_SIZE, 0, UINT64_MAX, 0 };

uint64_t frames_alloc(struct frame_pool *p, uint64_t pages, uint32_t kind)
{
    return frames_alloc_in(p, pages, &frames_anywhere, kind);
}

/* The best start for `bytes` inside free range f as `where` says, or -1. */
static int fit(const struct frame_range *f, uint64_t bytes, const struct frames_where *where,
               uint64_t *start)
{
    uint64_t lo = f->start > where->low ? f->start : where->low;
    uint64_t hi = f->end < where->high ? f->end : where->high;
    uint64_t mask = where->align - 1;

    if (hi <= lo || hi - lo < bytes)
        return -1;
    if (where->highest) {
        *start = (hi - bytes) & ~mask;
        return *start >= lo ? 0 : -1;
    }
    if (lo > UINT64_MAX - mask)
        return -1;
    *start = (lo + mask) & ~mask;
    return *start <= hi - bytes ? 0 : -1;
}

/* The candidate run: the lowest or the highest fit over all ranges. */
static int find(const struct frame_pool *p, uint64_t bytes, const struct frames_where *where,
                uint64_t *start)
{
    int found = 0;
    for (unsigned i = 0; i < p->nfree; i++) {
        uint64_t s;
        if (fit(&p->free[i], bytes, where, &s))
            continue;
        if (!found || (where->highest && s > *start)) {
            *start = s;
            found = 1;
        }
        if (!where->highest)
            break;                        /* ranges are sorted: the first is the lowest */
    }
    return found;
}

uint64_t frames_alloc_in(struct frame_pool *p, uint64_t pages, const struct frames_where *where,
                         uint32_t kind)
{
    uint64_t start = 0;

    if (pages == 0 || pages > UINT64_MAX / PAGE_SIZE || where->align < PAGE_SIZE ||
        (where->align & (where->align - 1)))
        return 0;
    uint64_t bytes = pages * PAGE_SIZE;
    while (find(p, bytes, where, &start)) {
        /* Room for the split and the log entry first: after a claim the
         * run must be taken out. */
        if (p->nfree == FRAMES_MAX_RANGES || (p->nlog == FRAMES_MAX_LOG &&
            !(p->log[p->nlog - 1].end == start && p->log[p->nlog - 1].kind == kind)))
            return 0;
        if (p->claim && p->claim(p->claim_ctx, start, pages)) {
            frames_reserve(p, start, start + bytes);     /* the firmware keeps it */
            continue;
        }
        frames_reserve(p, start, start + bytes);
        log_alloc(p, start, start + bytes, kind);
        return start;
    }
    return 0;
}

uint64_t frames_free_pages(const struct frame_pool *p)
{
    uint64_t total = 0;
    for (unsigned i = 0; i < p->nfree; i++)
        total += (p->free[i].end - p->free[i].start) / PAGE_SIZE;
    return total;
}

uint64_t frames_largest_run(const struct frame_pool *p)
{
    uint64_t best = 0;
    for (unsigned i = 0; i < p->nfree; i++) {
        uint64_t n = (p->free[i].end - p->free[i].start) / PAGE_SIZE;
        if (n > best)
            best = n;
    }
    return best;
}
