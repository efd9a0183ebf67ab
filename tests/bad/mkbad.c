/* mkbad CASE IN OUT: write a copy of the valid kernel IN broken in one way,
 * for the build-refusal tests (tests/run.sh lists the expected messages). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../c/elf.h"

static unsigned char *img;
static size_t size;
static struct elf64_ehdr *eh;

static struct elf64_phdr *load(int n)        /* the n-th PT_LOAD */
{
    struct elf64_phdr *ph = (void *)(img + eh->e_phoff);
    for (int i = 0; i < eh->e_phnum; i++)
        if (ph[i].p_type == PT_LOAD && n-- == 0)
            return &ph[i];
    fprintf(stderr, "mkbad: kernel has too few PT_LOAD segments\n");
    exit(2);
}

int main(int argc, char **argv)
{
    if (argc != 4)
        return 2;
    FILE *f = fopen(argv[2], "rb");
    if (!f)
        return 2;
    img = malloc(64 << 20);
    size = fread(img, 1, 64 << 20, f);
    fclose(f);
    eh = (void *)img;
    const char *c = argv[1];

    if (!strcmp(c, "truncated")) size = 50;
    else if (!strcmp(c, "elf32")) img[EI_CLASS] = 1;
    else if (!strcmp(c, "big_endian")) img[EI_DATA] = 2;
    else if (!strcmp(c, "not_x86_64")) eh->e_machine = 183;         /* AArch64 */
    else if (!strcmp(c, "not_exec")) eh->e_type = 1;                /* ET_REL */
    else if (!strcmp(c, "phdrs_outside")) eh->e_phoff = size + 4096;
    else if (!strcmp(c, "phnum_absurd")) eh->e_phnum = 5000;
    else if (!strcmp(c, "no_load")) {
        struct elf64_phdr *ph = (void *)(img + eh->e_phoff);
        for (int i = 0; i < eh->e_phnum; i++)
            if (ph[i].p_type == PT_LOAD)
                ph[i].p_type = 4;                                   /* PT_NOTE */
    }
    else if (!strcmp(c, "seg_past_eof")) load(1)->p_offset = size - 16;
    else if (!strcmp(c, "filesz_gt_memsz")) load(1)->p_filesz = load(1)->p_memsz + 4096;
    else if (!strcmp(c, "overlap")) load(1)->p_vaddr = load(0)->p_vaddr + 16;
    else if (!strcmp(c, "noncanonical")) load(1)->p_vaddr = 0x0000900000000000ull;
    else if (!strcmp(c, "wraps")) {
        load(1)->p_vaddr = 0xfffffffffffff000ull;
        load(1)->p_memsz = 0x10000;
    }
    else if (!strcmp(c, "below_1mib")) load(1)->p_vaddr = 0x9000;
    else if (!strcmp(c, "entry_not_exec")) eh->e_entry = load(1)->p_vaddr;
    else if (!strcmp(c, "two_tls")) {           /* PT_GNU_STACK becomes a second PT_TLS */
        struct elf64_phdr *ph = (void *)(img + eh->e_phoff);
        for (int i = 0; i < eh->e_phnum; i++)
            if (ph[i].p_type == 0x6474e551)
                ph[i].p_type = PT_TLS;
    }
    else {
        fprintf(stderr, "mkbad: unknown case %s\n", c);
        return 2;
    }
    f = fopen(argv[3], "wb");
    if (!f || fwrite(img, 1, size, f) != size || fclose(f))
        return 2;
    return 0;
}
