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

struct frame_pool {
    struct frame_range free[FRAMES_MAX_RANGES];
    unsigned nfree;
    struct frame_alloc log[FRAMES_MAX_LOG];
    unsigned nlog;
};

/* Usable regions of `map`, shrunk to whole pages, clipped to [lo, hi). */
void frames_init(struct frame_pool *p, const struct memmap *map, uint64_t lo, uint64_t hi);

/* Take [start, end) out of the pool (memory already in use). 0, or -1 if
 * the pool has no room for the split this needs: then nothing changed, and
 * the range is still handed out. */
int frames_reserve(struct frame_pool *p, uint64_t start, uint64_t end);

/* frames_init, then frames_reserve of [taken_start, taken_end): 0, or -1
 * if the taken range cannot be kept out (the pool must not be used). */
int frames_init_except(struct frame_pool *p, const struct memmap *map, uint64_t lo, uint64_t hi,
                       uint64_t taken_start, uint64_t taken_end);

/* `pages` contiguous frames, lowest first fit; 0 when there is no such run.
 * The frames are not zeroed. */
uint64_t frames_alloc(struct frame_pool *p, uint64_t pages, uint32_t kind);

uint64_t frames_free_pages(const struct frame_pool *p);
uint64_t frames_largest_run(const struct frame_pool *p);

#endif
