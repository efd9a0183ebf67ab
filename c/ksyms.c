/* The kernel's function symbols (ksyms.h). Every offset and index in the
 * file is checked against its size; a symbol table that does not fit is
 * no table. */
#include "ksyms.h"

#include <string.h>

#include "catcher/catcher.h"
#include "elf.h"

struct symtab {
    const struct elf64_sym *syms;
    uint64_t count;
    const char *names;
    uint64_t names_size;
};

static int inside(uint64_t offset, uint64_t bytes, uint64_t size)
{
    return offset <= size && bytes <= size - offset;
}

/* The file's SHT_SYMTAB and its string table; 0 if there is none whole. */
static int find_symtab(const uint8_t *elf, uint64_t size, struct symtab *t)
{
    const struct elf64_ehdr *eh = (const void *)elf;
    if (size < sizeof(*eh) || eh->e_shentsize != sizeof(struct elf64_shdr) ||
        !inside(eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(struct elf64_shdr), size) ||
        eh->e_shoff % 8)
        return 0;
    const struct elf64_shdr *sh = (const void *)(elf + eh->e_shoff);
    for (unsigned i = 0; i < eh->e_shnum; i++) {
        if (sh[i].sh_type != SHT_SYMTAB || sh[i].sh_link >= eh->e_shnum)
            continue;
        const struct elf64_shdr *str = &sh[sh[i].sh_link];
        if (!inside(sh[i].sh_offset, sh[i].sh_size, size) || sh[i].sh_offset % 8 ||
            !inside(str->sh_offset, str->sh_size, size) || !str->sh_size)
            return 0;
        *t = (struct symtab){ (const void *)(elf + sh[i].sh_offset),
                              sh[i].sh_size / sizeof(struct elf64_sym),
                              (const char *)elf + str->sh_offset, str->sh_size };
        return 1;
    }
    return 0;
}

/* A named function with an address, whose name ends inside the table. */
static uint64_t name_bytes(const struct symtab *t, const struct elf64_sym *s)
{
    if ((s->st_info & 0xf) != STT_FUNC || !s->st_value || !s->st_shndx ||
        s->st_name >= t->names_size)
        return 0;
    const char *name = t->names + s->st_name;
    const char *end = memchr(name, 0, t->names_size - s->st_name);
    return end && end > name ? (uint64_t)(end - name) + 1 : 0;
}

/* The functions in the table, and the bytes their names take. */
static uint64_t count_functions(const struct symtab *t, uint64_t *name_total)
{
    uint64_t n = 0;
    *name_total = 0;
    for (uint64_t i = 0; i < t->count; i++) {
        uint64_t b = name_bytes(t, &t->syms[i]);
        *name_total += b;
        n += b != 0;
    }
    return n;
}

uint64_t ksyms_bytes(const uint8_t *elf, uint64_t size)
{
    struct symtab t;
    uint64_t names, n = find_symtab(elf, size, &t) ? count_functions(&t, &names) : 0;
    return n ? n * sizeof(struct catcher_symbol) + ((names + 7) & ~7ull) : 0;
}

/* Shell sort by address: no recursion, no quadratic case that matters. */
static void sort_by_address(struct catcher_symbol *s, uint64_t n)
{
    for (uint64_t gap = n / 2; gap; gap /= 2)
        for (uint64_t i = gap; i < n; i++)
            for (uint64_t j = i; j >= gap && s[j - gap].address > s[j].address; j -= gap) {
                struct catcher_symbol tmp = s[j];
                s[j] = s[j - gap];
                s[j - gap] = tmp;
            }
}

uint64_t ksyms_build(const uint8_t *elf, uint64_t size, uint64_t slide, uint8_t *out)
{
    struct symtab t;
    uint64_t names_total, used = 0;
    uint64_t n = find_symtab(elf, size, &t) ? count_functions(&t, &names_total) : 0;
    if (!n)
        return 0;
    struct catcher_symbol *sym = (void *)out;
    char *names = (char *)out + n * sizeof(*sym);
    n = 0;
    for (uint64_t i = 0; i < t.count; i++) {
        uint64_t b = name_bytes(&t, &t.syms[i]);
        if (!b)
            continue;
        sym[n++] = (struct catcher_symbol){ t.syms[i].st_value + slide, (uint32_t)t.syms[i].st_size,
                                            (uint32_t)used };
        memcpy(names + used, t.names + t.syms[i].st_name, b);
        used += b;
    }
    sort_by_address(sym, n);
    return n;
}
