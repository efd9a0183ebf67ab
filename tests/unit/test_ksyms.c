/* The fault catcher's symbol table (c/ksyms.c), built from this test's own
 * executable (an ELF64 with its .symtab), and from damaged copies of it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../c/catcher/catcher.h"
#include "../../c/ksyms.h"
#include "unit.h"

static uint8_t *self(uint64_t *size)
{
    FILE *f = fopen("/proc/self/exe", "rb");
    static uint8_t *buf;
    if (!f)
        return 0;
    fseek(f, 0, SEEK_END);
    *size = (uint64_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = realloc(buf, *size);
    if (fread(buf, 1, *size, f) != *size)
        *size = 0;
    fclose(f);
    return buf;
}

__attribute__((noinline)) int a_function_to_find(int x)
{
    return x * 3 + 1;
}

TEST(ksyms_finds_functions_sorted_with_names)
{
    uint64_t size, bytes;
    uint8_t *elf = self(&size);
    CHECK(elf && size > 0);
    bytes = ksyms_bytes(elf, size);
    CHECK(bytes > 0 && bytes % 8 == 0);
    uint8_t *out = malloc(bytes);
    uint64_t n = ksyms_build(elf, size, 0, out);
    const struct catcher_symbol *sym = (const void *)out;
    const char *names = (const char *)(out + n * sizeof(*sym));
    int found = 0;
    for (uint64_t i = 0; i < n; i++) {
        if (i)
            CHECK(sym[i - 1].address <= sym[i].address);
        CHECK((uint8_t *)names + sym[i].name < out + bytes);
        if (!strcmp(names + sym[i].name, "a_function_to_find"))
            found = sym[i].size > 0;
    }
    CHECK(n > 10 && found);
    CHECK_EQ(a_function_to_find(1), 4);
    /* A relocated kernel's symbols move with it. */
    uint8_t *moved = malloc(bytes);
    CHECK_EQ(ksyms_build(elf, size, 0x40000000, moved), n);
    const struct catcher_symbol *msym = (const void *)moved;
    for (uint64_t i = 0; i < n; i++)
        CHECK(msym[i].address == sym[i].address + 0x40000000 && msym[i].name == sym[i].name);
    free(moved);
    free(out);
}

TEST(ksyms_refuses_damaged_files_quietly)
{
    uint64_t size;
    uint8_t *elf = self(&size);
    static uint8_t copy[64];
    CHECK_EQ(ksyms_bytes(elf, 40), 0);                     /* shorter than the header */
    memcpy(copy, elf, sizeof(copy));
    *(uint64_t *)(copy + 0x28) = ~0ull;                    /* e_shoff far outside */
    CHECK_EQ(ksyms_bytes(copy, sizeof(copy)), 0);
    CHECK_EQ(ksyms_bytes(elf, size / 2), 0);               /* section headers cut off */
    for (uint64_t cut = 64; cut < size; cut += size / 97)  /* any truncation: no crash */
        (void)ksyms_bytes(elf, cut);
}

UNIT_MAIN(ksyms, T(ksyms_finds_functions_sorted_with_names), T(ksyms_refuses_damaged_files_quietly))
