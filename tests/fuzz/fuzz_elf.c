/* libFuzzer: the ELF checks and load plan must refuse or accept any input
 * without crashing, and an accepted plan must be self-consistent. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../c/elf_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct load_plan plan;
    struct elf_result r;
    char text[256];
    void *copy = malloc(size ? size : 1);       /* aligned, as stage 4 sees it */
    memcpy(copy, data, size);
    if (elf_load_plan(copy, size, &plan, &r) == 0) {
        for (unsigned k = 0; k < plan.count; k++) {
            const struct load_segment *s = &plan.seg[k];
            if (s->memsz == 0 || s->filesz > s->memsz || s->offset + s->filesz > size ||
                (!plan.relocatable && s->vaddr < KERNEL_MIN_VADDR) ||
                (k && s[-1].vaddr + s[-1].memsz > s->vaddr) ||
                s->first_page >= plan.pages)
                __builtin_trap();
        }
        /* Every checked relocation patches 8 bytes inside a segment. */
        for (uint64_t i = 0; i < elf_reloc_count(&plan); i++) {
            struct elf64_rela e = elf_reloc_entry(copy, &plan, i);
            if ((e.r_info & 0xffffffff) != R_X86_64_NONE && !load_plan_segment(&plan, e.r_offset, 8))
                __builtin_trap();
            elf_reloc_value(copy, &plan, &e, 0xffffffff80000000ull);
        }
    }
    elf_error_message(&r, text, sizeof(text));
    free(copy);
    return 0;
}
