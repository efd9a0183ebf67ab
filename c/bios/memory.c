#include "memory.h"

unsigned bios_e820_count(const struct bios_handoff *handoff)
{
    return handoff->e820_count < E820_MAX ? handoff->e820_count : E820_MAX;
}

int bios_memory_map(const struct bios_handoff *handoff, struct memmap *out)
{
    static struct raw_region raw[E820_MAX];     /* 6 KiB: not on stage 4's stack */
    unsigned n = bios_e820_count(handoff);

    for (unsigned i = 0; i < n; i++)
        raw[i] = (struct raw_region){ handoff->e820[i].base, handoff->e820[i].length,
                                      handoff->e820[i].type };
    return memmap_sanitise(out, raw, n);
}
