/* The frame allocator. */
#include <stdint.h>

#include "../../c/frames.h"
#include "../../c/page.h"
#include "unit.h"

static struct embedboot_memory_region buf[16];
static struct frame_pool pool;

static struct memmap map_of(const struct embedboot_memory_region *r, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        buf[i] = r[i];
    return (struct memmap){ buf, n, 16, 0 };
}

static const struct embedboot_memory_region pc[] = {
    { 0x0, 0x9fc00, 1, 1 },
    { 0x9fc00, 0x400, 2, 2 },
    { 0x100000, 0x7ee0800, 1, 1 },        /* ends mid-page: 0x7fe0800 */
    { 0x100000000ull, 0x10000000, 1, 1 },  /* above 4 GiB */
};

TEST(init_clips_to_window_and_pages)
{
    struct memmap m = map_of(pc, 4);
    frames_init(&pool, &m, 0x100000, 0x100000000ull);
    CHECK_EQ(pool.nfree, 1);
    CHECK_EQ(pool.free[0].start, 0x100000);
    CHECK_EQ(pool.free[0].end, 0x7fe0000);
}

TEST(alloc_is_first_fit_and_logged)
{
    struct memmap m = map_of(pc, 4);
    frames_init(&pool, &m, 0x100000, 0x100000000ull);
    CHECK_EQ(frames_alloc(&pool, 2, EMBEDBOOT_MEMORY_KERNEL), 0x100000);
    CHECK_EQ(frames_alloc(&pool, 1, EMBEDBOOT_MEMORY_PAGE_TABLES), 0x102000);
    CHECK_EQ(frames_alloc(&pool, 1, EMBEDBOOT_MEMORY_PAGE_TABLES), 0x103000);
    CHECK_EQ(pool.nlog, 2);                 /* the two page tables merged */
    CHECK_EQ(pool.log[1].start, 0x102000);
    CHECK_EQ(pool.log[1].end, 0x104000);
}

TEST(reserve_splits_and_trims)
{
    struct memmap m = map_of(pc, 4);
    frames_init(&pool, &m, 0x100000, 0x100000000ull);
    CHECK_EQ(frames_reserve(&pool, 0x100000, 0x102738), 0);     /* the blob */
    CHECK_EQ(pool.free[0].start, 0x103000);
    CHECK_EQ(frames_reserve(&pool, 0x200000, 0x300000), 0);
    CHECK_EQ(pool.nfree, 2);
    CHECK_EQ(pool.free[0].end, 0x200000);
    CHECK_EQ(pool.free[1].start, 0x300000);
    CHECK_EQ(frames_free_pages(&pool), (0x7fe0000 - 0x103000 - 0x100000) / 4096);
    CHECK_EQ(frames_largest_run(&pool), (0x7fe0000 - 0x300000) / 4096);
}

TEST(contiguous_request_skips_small_ranges)
{
    struct memmap m = map_of(pc, 4);
    frames_init(&pool, &m, 0x100000, 0x100000000ull);
    frames_reserve(&pool, 0x102000, 0x103000);               /* 2-page gap at 1 MiB */
    CHECK_EQ(frames_alloc(&pool, 4, EMBEDBOOT_MEMORY_KERNEL), 0x103000);
    CHECK_EQ(frames_alloc(&pool, 2, EMBEDBOOT_MEMORY_KERNEL), 0x100000);
}

TEST(exhaustion_returns_zero)
{
    struct memmap m = map_of(pc, 4);
    frames_init(&pool, &m, 0x100000, 0x100000000ull);
    CHECK_EQ(frames_alloc(&pool, 0x100000, EMBEDBOOT_MEMORY_KERNEL), 0);
    CHECK_EQ(frames_alloc(&pool, 0, EMBEDBOOT_MEMORY_KERNEL), 0);
    CHECK_EQ(frames_alloc(&pool, UINT64_MAX, EMBEDBOOT_MEMORY_KERNEL), 0);
}

TEST(full_log_refuses_rather_than_lies)
{
    struct memmap m = map_of(pc, 4);
    frames_init(&pool, &m, 0x100000, 0x100000000ull);
    for (unsigned i = 0; i < FRAMES_MAX_LOG; i++)
        CHECK(frames_alloc(&pool, 1, i % 2 ? EMBEDBOOT_MEMORY_KERNEL : EMBEDBOOT_MEMORY_PAGE_TABLES));
    CHECK_EQ(frames_alloc(&pool, 1, EMBEDBOOT_MEMORY_BOOT_INFO), 0);
    /* Same kind as the last entry still merges. */
    CHECK(frames_alloc(&pool, 1, EMBEDBOOT_MEMORY_KERNEL) != 0);
}

/* A map so fragmented that the pool is full: keeping the blob out of the
 * middle of a range needs one range more. The pool must refuse, never hand
 * out the blob's frames (stage 4 ignored this once). */
TEST(taken_range_that_cannot_be_kept_out_is_refused)
{
    static struct embedboot_memory_region many[FRAMES_MAX_RANGES];
    struct memmap m = { many, FRAMES_MAX_RANGES, FRAMES_MAX_RANGES, 0 };
    uint64_t blob = 0x100000 + 0x4000, blob_end = blob + 0x2000;   /* inside range 0 */

    for (unsigned i = 0; i < FRAMES_MAX_RANGES; i++)
        many[i] = (struct embedboot_memory_region){ 0x100000 + i * 0x10000ull, 0x8000,
                                                    EMBEDBOOT_MEMORY_USABLE, 1 };
    CHECK_EQ(frames_init_except(&pool, &m, 0x100000, 0x100000000ull, blob, blob_end), -1);
    CHECK_EQ(frames_init_except(&pool, &m, 0x100000, 0x100000000ull, 0x100000, blob_end), 0);
    for (uint64_t f; (f = frames_alloc(&pool, 1, EMBEDBOOT_MEMORY_KERNEL));)
        CHECK(f >= blob_end || f + 0x1000 <= 0x100000);
    CHECK_EQ(frames_init_except(&pool, &m, 0x100000, 0x100000000ull, 0, 0), 0);
    CHECK_EQ(frames_free_pages(&pool), FRAMES_MAX_RANGES * 8ull);
}

/* Placement: aligned, highest below a limit, at an exact address. */
TEST(alloc_in_places_as_asked)
{
    struct memmap m = map_of(pc, 4);
    frames_init(&pool, &m, 0x100000, 0x100000000ull);
    struct frames_where aligned = { 0x200000, 0x1000000, UINT64_MAX, 0 };
    CHECK_EQ(frames_alloc_in(&pool, 0x800, &aligned, EMBEDBOOT_MEMORY_KERNEL), 0x1000000);
    struct frames_where top = { PAGE_SIZE, 0, 0x7000000, 1 };
    CHECK_EQ(frames_alloc_in(&pool, 16, &top, EMBEDBOOT_MEMORY_BOOTLOADER), 0x7000000 - 0x10000);
    struct frames_where at = { PAGE_SIZE, 0x300000, 0x302000, 0 };
    CHECK_EQ(frames_alloc_in(&pool, 2, &at, EMBEDBOOT_MEMORY_BOOTLOADER), 0x300000);
    CHECK_EQ(frames_alloc_in(&pool, 2, &at, EMBEDBOOT_MEMORY_BOOTLOADER), 0);   /* taken now */
    CHECK_EQ(frames_alloc(&pool, 1, EMBEDBOOT_MEMORY_PAGE_TABLES), 0x100000);
    struct frames_where odd = { 0x3000, 0, UINT64_MAX, 0 };                    /* not a power of 2 */
    CHECK_EQ(frames_alloc_in(&pool, 1, &odd, EMBEDBOOT_MEMORY_KERNEL), 0);
}

/* Firmware that refuses a run (UEFI: already allocated) loses it from the
 * pool; the next fit is tried. */
static int refuse_below_2m(void *ctx, uint64_t start, uint64_t pages)
{
    (*(int *)ctx)++;
    (void)pages;
    return start < 0x200000 ? -1 : 0;
}

TEST(claim_refusals_move_on)
{
    struct memmap m = map_of(pc, 4);
    int calls = 0;
    frames_init(&pool, &m, 0x100000, 0x100000000ull);
    pool.claim = refuse_below_2m;
    pool.claim_ctx = &calls;
    CHECK_EQ(frames_alloc(&pool, 1, EMBEDBOOT_MEMORY_KERNEL), 0x200000);
    CHECK_EQ(calls, 257);                          /* 256 pages refused, one by one */
    CHECK_EQ(frames_alloc(&pool, 1, EMBEDBOOT_MEMORY_KERNEL), 0x201000);
    CHECK_EQ(pool.nlog, 1);
}

UNIT_MAIN(frames, T(init_clips_to_window_and_pages), T(alloc_is_first_fit_and_logged),
          T(reserve_splits_and_trims), T(contiguous_request_skips_small_ranges),
          T(exhaustion_returns_zero), T(full_log_refuses_rather_than_lies),
          T(taken_range_that_cannot_be_kept_out_is_refused), T(alloc_in_places_as_asked),
          T(claim_refusals_move_on))
