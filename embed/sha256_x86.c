/* SHA-256's block compression with the x86 SHA extensions, for the host
 * tools only: mkheader hashes every payload on every build (the Secure Boot
 * digests), and for a 64 MiB kernel the portable C was most of the rebuild.
 * This sha256_blocks replaces c/sha256.c's weak one; a CPU without the
 * instructions gets the portable code. tests/unit/test_sha256.c checks the
 * two agree.
 *
 * The instructions keep the eight state words as two vectors, ABEF and
 * CDGH; SHA256RNDS2 does two rounds with the two message+constant words in
 * its third operand's low half, so each group of four rounds is two of
 * them. SHA256MSG1/MSG2 extend the message schedule four words at a time
 * (FIPS 180-4 6.2.2 step 1). */
#include <cpuid.h>
#include <immintrin.h>

#include "../c/sha256.h"

#define SHA_TARGET __attribute__((target("sha,sse4.1,ssse3")))

SHA_TARGET static void blocks_sha_ni(uint32_t state[8], const uint8_t *p, size_t count)
{
    /* Big-endian words: reverse the bytes of each 32-bit lane. */
    const __m128i big_endian = _mm_set_epi64x(0x0c0d0e0f08090a0bll, 0x0405060700010203ll);
    __m128i dcba = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&state[0]), 0xb1);
    __m128i hgfe = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&state[4]), 0x1b);
    __m128i abef = _mm_alignr_epi8(dcba, hgfe, 8);
    __m128i cdgh = _mm_blend_epi16(hgfe, dcba, 0xf0);

    for (; count; count--, p += 64) {
        __m128i abef_in = abef, cdgh_in = cdgh, w[4];
        for (int i = 0; i < 4; i++)
            w[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * i)), big_endian);
#pragma GCC unroll 16
        for (int g = 0; g < 16; g++) {            /* rounds 4g .. 4g+3 */
            __m128i k = _mm_loadu_si128((const __m128i *)&sha256_round_constants[4 * g]);
            __m128i wk = _mm_add_epi32(w[g & 3], k);
            cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);
            abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(wk, 0x0e));
            if (g < 12) {                          /* W[4g+16 ..] from W[4g .. 4g+15] */
                __m128i next = _mm_sha256msg1_epu32(w[g & 3], w[(g + 1) & 3]);
                next = _mm_add_epi32(next, _mm_alignr_epi8(w[(g + 3) & 3], w[(g + 2) & 3], 4));
                w[g & 3] = _mm_sha256msg2_epu32(next, w[(g + 3) & 3]);
            }
        }
        abef = _mm_add_epi32(abef, abef_in);
        cdgh = _mm_add_epi32(cdgh, cdgh_in);
    }

    __m128i feba = _mm_shuffle_epi32(abef, 0x1b);
    __m128i dchg = _mm_shuffle_epi32(cdgh, 0xb1);
    _mm_storeu_si128((__m128i *)&state[0], _mm_blend_epi16(feba, dchg, 0xf0));
    _mm_storeu_si128((__m128i *)&state[4], _mm_alignr_epi8(dchg, feba, 8));
}

/* SHA (CPUID 7.0:EBX bit 29), SSE4.1 and SSSE3 (1:ECX bits 19 and 9). */
static int cpu_has_sha_ni(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 19)) || !(c & (1u << 9)))
        return 0;
    return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & (1u << 29));
}

void sha256_blocks(uint32_t state[8], const uint8_t *blocks, size_t count)
{
    static int sha_ni = -1;
    if (sha_ni < 0)
        sha_ni = cpu_has_sha_ni();
    if (sha_ni)
        blocks_sha_ni(state, blocks, count);
    else
        sha256_blocks_portable(state, blocks, count);
}
