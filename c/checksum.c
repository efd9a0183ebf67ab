/* Fletcher's checksum over 32-bit words with 64-bit sums (checksum.h).
 * After each word, weighted += sum: so word i is counted n - i times. */
#include "checksum.h"

static inline __attribute__((always_inline)) void add_pair(uint64_t *sum, uint64_t *weighted,
                                                          const uint8_t *p)
{
    uint64_t pair;
    __builtin_memcpy(&pair, p, 8);
    *sum += (uint32_t)pair;
    *weighted += *sum;
    *sum += pair >> 32;
    *weighted += *sum;
}

struct checksum checksum_of(const void *data, uint64_t len)
{
    const uint8_t *p = data;
    uint64_t sum = 0, weighted = 0;

    /* Two words a load, four loads a round: this loop is what the emulator
     * runs for every payload byte, so it stays short and has few branches. */
    for (; len >= 32; len -= 32, p += 32) {
        add_pair(&sum, &weighted, p);
        add_pair(&sum, &weighted, p + 8);
        add_pair(&sum, &weighted, p + 16);
        add_pair(&sum, &weighted, p + 24);
    }
    while (len) {                       /* the last 1-31 bytes; a short word is zero-padded */
        unsigned n = len < 4 ? (unsigned)len : 4;
        uint32_t word = 0;
        for (unsigned k = 0; k < n; k++)
            word |= (uint32_t)p[k] << (8 * k);
        sum += word;
        weighted += sum;
        p += n;
        len -= n;
    }
    return (struct checksum){ sum, weighted };
}
