/* Physical frame allocator: first fit over the usable memory of a clean
 * memory map, with every allocation logged by kind so that the final map
 * can say what each frame became. */
#ifndef FRAMES_H
#define FRAMES_H

#include <stdint.h>

#include "memmap.h"

#define FRAMES_MAX_RANGES 256
#define FRAMES_MAX_LOG    64

struct frame_range {
    uint64_t start, end;
};

struct frame_alloc {
    uint64_t start, end;
    uint32_t kind;           /* enum embedboot_memory_kind */
};

/* Claiming frames from firmware that still owns the memory (UEFI boot
 * services: AllocatePages at that address). 0 when the frames are ours. */
typedef int frames_claim_fn(void *ctx, uint64_t start, uint64_t pages);

struct frame_pool {
    struct frame_range free[FRAMES_MAX_RANGES];   /* sorted by address */
    unsigned nfree;
    struct frame_alloc log[FRAMES_MAX_LOG];
    unsigned nlog;
    frames_claim_fn *claim;        /* NULL: the memory is the loader's already */
    void *claim_ctx;
};

/* Usable regions of `map`, shrunk to whole pages, clipped to [lo, hi). */
void frames_init(struct frame_pool *p, const struct memmap *map, uint64_t lo, uint64_t hi);

/* Take [start, end) out of the pool (memory already in use). 0, or -1 if
 * the pool has no room for the split this needs: then nothing changed, and
 * the range is still handed out. */
int frames_reserve(struct frame_pool *p, uint64_t start, uint64_t end);

/* Record [start, end), memory outside the pool, as used for `kind`, for
 * the final memory map (the kernel loaded in its file's pages): 0, or -1
 * when the log is full. */
int frames_note(struct frame_pool *p, uint64_t start, uint64_t end, uint32_t kind);

/* frames_init, then frames_reserve of [taken_start, taken_end): 0, or -1
 * if the taken range cannot be kept out (the pool must not be used). */
int frames_init_except(struct frame_pool *p, const struct memmap *map, uint64_t lo, uint64_t hi,
                       uint64_t taken_start, uint64_t taken_end);

/* `pages` contiguous frames, lowest first fit; 0 when there is no such run.
 * The frames are not zeroed. */
uint64_t frames_alloc(struct frame_pool *p, uint64_t pages, uint32_t kind);

/* Where frames_alloc_in may put a run. */
struct frames_where {
    uint64_t align;          /* bytes, a power of two (PAGE_SIZE at least) */
    uint64_t low, high;      /* the run lies inside [low, high) */
    int highest;             /* the highest such run, else the lowest */
};

/* Page-aligned, anywhere in the pool, the lowest run first. */
extern const struct frames_where frames_anywhere;

/* `pages` contiguous frames as `where` says; 0 when there is no such run.
 * A run the firmware refuses to give (claim) is taken out of the pool and
 * the search goes on. */
uint64_t frames_alloc_in(struct frame_pool *p, uint64_t pages, const struct frames_where *where,
                         uint32_t kind);

uint64_t frames_free_pages(const struct frame_pool *p);
uint64_t frames_largest_run(const struct frame_pool *p);

#endif
