/* The four functions gcc may call even in freestanding code, strlen and memchr. Bulk copies
 * and fills go 64 bytes a loop, eight 8-byte moves: stage 4 and the EFI
 * application zero stacks and boot info and copy whole kernels with them.
 * Under an emulator (TCG) a string instruction pays a pass through its
 * translated block per iteration, whatever its width; the eight moves are
 * one pass. Timed in the EFI application under OVMF, on memory already
 * touched: a 4 MiB fill 0.42-0.56 ms against 0.64-0.75 ms with rep stosq,
 * a 2 MiB copy 0.37-0.61 ms against 0.51-1.1 ms with rep movsq. The empty
 * asm keeps gcc from turning the loops back into calls to these very
 * functions. */
#include <stddef.h>
#include <stdint.h>

#define BLOCK 64

/* Either side may be at any address and hold any type. */
typedef uint64_t __attribute__((aligned(1), may_alias)) any_u64;

void *memcpy(void *dst, const void *src, size_t n)
{
    any_u64 *d = dst;
    const any_u64 *s = src;
    for (; n >= BLOCK; n -= BLOCK, d += 8, s += 8) {
        uint64_t a = s[0], b = s[1], c = s[2], e = s[3], f = s[4], g = s[5], h = s[6], i = s[7];
        d[0] = a, d[1] = b, d[2] = c, d[3] = e, d[4] = f, d[5] = g, d[6] = h, d[7] = i;
        __asm__ volatile("" : : : "memory");
    }
    unsigned char *tail = (unsigned char *)d;
    const unsigned char *from = (const unsigned char *)s;
    __asm__ volatile("rep movsb" : "+D"(tail), "+S"(from), "+c"(n) : : "memory");
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    uint64_t pattern = 0x0101010101010101ull * (uint8_t)c;
    any_u64 *d = dst;
    for (; n >= BLOCK; n -= BLOCK, d += 8) {
        d[0] = pattern, d[1] = pattern, d[2] = pattern, d[3] = pattern;
        d[4] = pattern, d[5] = pattern, d[6] = pattern, d[7] = pattern;
        __asm__ volatile("" : : : "memory");
    }
    unsigned char *tail = (unsigned char *)d;
    __asm__ volatile("rep stosb" : "+D"(tail), "+c"(n) : "a"(pattern) : "memory");
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d <= s || d >= s + n)
        return memcpy(dst, src, n);
    while (n--)
        d[n] = s[n];
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (; n; n--, x++, y++)
        if (*x != *y)
            return *x - *y;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

void *memchr(const void *s, int c, size_t n)
{
    const unsigned char *p = s;
    for (; n; n--, p++)
        if (*p == (unsigned char)c)
            return (void *)p;
    return NULL;
}
