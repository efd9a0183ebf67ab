/* libFuzzer: any raw memory map (24-byte entries: base, length, type) must
 * come out sorted, non-overlapping, non-empty and merged, and stay so when
 * ranges are marked. */
#include <stdint.h>
#include <string.h>

#include "../../c/memmap.h"

static void check(const struct memmap *m)
{
    for (unsigned i = 0; i < m->count; i++) {
        const struct embedboot_memory_region *r = &m->region[i];
        if (r->length == 0)
            __builtin_trap();
        if (i > 0) {
            const struct embedboot_memory_region *p = &m->region[i - 1];
            if (p->start + p->length > r->start)
                __builtin_trap();
            if (p->start + p->length == r->start && p->kind == r->kind &&
                p->firmware_type == r->firmware_type)
                __builtin_trap();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct raw_region raw[300];
    static struct embedboot_memory_region buf[MEMMAP_MAX];
    unsigned n = 0;
    for (; n < 300 && (n + 1) * 24 <= size; n++) {
        memcpy(&raw[n].base, data + 24 * n, 8);
        memcpy(&raw[n].length, data + 24 * n + 8, 8);
        memcpy(&raw[n].type, data + 24 * n + 16, 4);
        raw[n].base &= 0xffffffffffull;             /* keep most entries comparable */
    }
    static struct embedboot_memory_region scratch[MEMMAP_MAX];
    struct memmap m = { buf, 0, MEMMAP_MAX, scratch };
    if (memmap_sanitise(&m, raw, n))
        return 0;
    check(&m);
    for (unsigned i = 0; i + 1 < n && i < 8; i++) {   /* marks, as stage 4 makes them */
        uint64_t a = raw[i].base, b = raw[i + 1].base;
        uint64_t lo = a < b ? a : b, hi = a < b ? b : a;
        if (memmap_mark(&m, lo, hi, 0x100 + i, i % 2 ? EMBEDBOOT_MEMORY_USABLE : 0))
            return 0;
        check(&m);
    }
    return 0;
}
