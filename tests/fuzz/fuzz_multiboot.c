/* libFuzzer: the Multiboot header checks and load plan must refuse or
 * accept any input without crashing, and what they accept must be
 * consistent: every piece's file bytes inside the file, in [1 MiB, 4 GiB),
 * the entry inside what is loaded. */
#include <stdint.h>
#include <stdlib.h>

#include "../../c/multiboot_image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct multiboot_image mb;
    struct mb_result r;
    char text[300];

    for (int force = 0; force < 2; force++) {
        if (multiboot_check(data, size, force, &mb, &r) == 0) {
            int entry_inside = 0;
            for (unsigned i = 0; i < mb.count; i++) {
                const struct mb_piece *p = &mb.piece[i];
                if (p->offset > size || p->filesz > size - p->offset || p->filesz > p->memsz ||
                    p->phys < 0x100000 || p->phys + p->memsz > 0x100000000ull)
                    __builtin_trap();
                entry_inside |= mb.entry >= p->phys && mb.entry < p->phys + p->memsz;
            }
            if (!mb.count || !entry_inside || (mb.version != 1 && mb.version != 2))
                __builtin_trap();
        }
        multiboot_error_message(&r, text, sizeof(text));
    }
    return 0;
}
