/* The payload generator, shared by gen_payload (host) and the payload kernel. */
#ifndef PAYLOAD_PRNG_H
#define PAYLOAD_PRNG_H

#include <stdint.h>

#define PAYLOAD_SEED 0x9e3779b97f4a7c15ull

static inline uint64_t payload_next(uint64_t *s)     /* xorshift64* */
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545f4914f6cdd1dull;
}

#endif
