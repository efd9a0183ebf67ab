/* The freestanding memcpy, memset and memmove (c/string.c), included
 * here under other names beside the C library's: every length across a few
 * 64-byte blocks, every alignment of either side, and overlapping moves,
 * against the C library's result. ASan checks that no byte outside the
 * range is read or written. */
#include <stdint.h>
#include <stdlib.h>

#include "unit.h"

#define memcpy eb_memcpy
#define memset eb_memset
#define memmove eb_memmove
#define memcmp eb_memcmp
#define strlen eb_strlen
#define memchr eb_memchr
#include "../../c/string.c"
#undef memcpy
#undef memset
#undef memmove
#undef memcmp
#undef strlen
#undef memchr

#define ROOM 300

static void fill(uint8_t *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(seed * 31 + i * 7 + (i >> 3));
}

TEST(memcpy_every_length_and_alignment)
{
    for (size_t d = 0; d < 8; d++)
        for (size_t s = 0; s < 8; s++)
            for (size_t n = 0; n + 8 <= ROOM; n++) {
                uint8_t *src = malloc(n + s), *got = malloc(n + d + 8), *want = malloc(n + d + 8);
                fill(src, n + s, (unsigned)n);
                memset(got, 0xee, n + d + 8);
                memset(want, 0xee, n + d + 8);
                memcpy(want + d, src + s, n);
                CHECK(eb_memcpy(got + d, src + s, n) == got + d);
                CHECK(memcmp(got, want, n + d + 8) == 0);
                free(src), free(got), free(want);
            }
}

TEST(memset_every_length_and_alignment)
{
    for (size_t d = 0; d < 8; d++)
        for (size_t n = 0; n + 8 <= ROOM; n++) {
            uint8_t *got = malloc(n + d + 8), *want = malloc(n + d + 8);
            memset(got, 0x11, n + d + 8);
            memset(want, 0x11, n + d + 8);
            memset(want + d, 0xa5, n);
            CHECK(eb_memset(got + d, 0x1a5, n) == got + d);      /* only the low byte counts */
            CHECK(memcmp(got, want, n + d + 8) == 0);
            free(got), free(want);
        }
}

TEST(memmove_overlapping_both_ways)
{
    static uint8_t got[ROOM * 2], want[ROOM * 2];
    for (size_t n = 0; n <= ROOM; n += 7)
        for (size_t from = 0; from < 80; from += 3)
            for (size_t to = 0; to < 80; to += 5) {
                fill(got, sizeof(got), (unsigned)(n + from));
                memcpy(want, got, sizeof(want));
                memmove(want + to, want + from, n);
                CHECK(eb_memmove(got + to, got + from, n) == got + to);
                CHECK(memcmp(got, want, sizeof(got)) == 0);
            }
}

UNIT_MAIN(string, T(memcpy_every_length_and_alignment), T(memset_every_length_and_alignment),
          T(memmove_overlapping_both_ways))
