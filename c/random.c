#include "random.h"

#include "../include/embedboot.h"
#include "cpu.h"
#include "io.h"
#include "timeline.h"

#define CPUID1_ECX_RDRAND (1u << 30)
#define RDRAND_TRIES      10         /* Intel's advice: retry a few times, then give up */
#define JITTER_ROUNDS     32
#define PIT_COMMAND       0x43
#define PIT_CHANNEL0      0x40

/* A 64-bit finaliser (splitmix64's): every input bit reaches every output bit. */
static uint64_t mix(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

static int rdrand(uint64_t *out)
{
    uint32_t a, b, c, d;
    cpuid(1, &a, &b, &c, &d);
    if (!(c & CPUID1_ECX_RDRAND))
        return 0;
    for (int i = 0; i < RDRAND_TRIES; i++) {
        uint8_t ok;
        __asm__ volatile("rdrand %0; setc %1" : "=r"(*out), "=qm"(ok));
        if (ok)
            return 1;
    }
    return 0;
}

/* The PIT's channel 0 count, latched: it runs at 1.193182 MHz whatever
 * the CPU's clock, so its phase against the TSC differs from boot to boot. */
static uint16_t pit_count(void)
{
    outb(PIT_COMMAND, 0x00);                  /* latch channel 0; the mode is kept */
    uint8_t lo = inb(PIT_CHANNEL0);
    return (uint16_t)(lo | inb(PIT_CHANNEL0) << 8);
}

uint64_t boot_random(uint64_t clock, uint32_t *source)
{
    uint64_t r;
    if (rdrand(&r)) {
        *source = EMBEDBOOT_RANDOM_RDRAND;
        return r;
    }
    uint64_t h = mix(clock ^ rdtsc());
    for (int i = 0; i < JITTER_ROUNDS; i++)
        h = mix(h ^ pit_count() ^ rdtsc() << 16);
    *source = EMBEDBOOT_RANDOM_TSC;
    return h;
}
