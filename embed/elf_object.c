/* The object's layout: the ELF header, each section's bytes at its
 * alignment, the symbol table, the symbol names, the section names, then
 * the section headers: null, the data sections, .symtab, .strtab,
 * .shstrtab. No relocations: the data hold no addresses. */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "elf_object.h"

struct names {
    char bytes[512];
    size_t used;
    int full;
};

/* The offset of `s` in the string table (which starts with a NUL). */
static uint32_t add_name(struct names *t, const char *s)
{
    size_t n = strlen(s) + 1;
    uint32_t at = (uint32_t)t->used;

    if (t->used + n > sizeof(t->bytes)) {
        t->full = 1;
        return 0;
    }
    memcpy(t->bytes + t->used, s, n);
    t->used += n;
    return at;
}

static uint64_t align_up(uint64_t x, uint64_t a)
{
    return (x + a - 1) & ~(a - 1);
}

static int pad_to(FILE *f, uint64_t offset)
{
    long at = ftell(f);
    while (at >= 0 && (uint64_t)at < offset && fputc(0, f) != EOF)
        at++;
    return at >= 0 && (uint64_t)at == offset ? 0 : -1;
}

int write_data_object(const char *path, const struct object_section *sec, unsigned n)
{
    enum { FIRST_DATA = 1 };
    const unsigned symtab = FIRST_DATA + n, strtab = symtab + 1, shstrtab = strtab + 1;
    Elf64_Shdr sh[OBJECT_SECTIONS_MAX + 4] = { { 0 } };
    Elf64_Sym sym[OBJECT_SECTIONS_MAX + 1] = { { 0 } };
    struct names sym_names = { .used = 1 }, sec_names = { .used = 1 };
    uint64_t offset = sizeof(Elf64_Ehdr);

    if (n > OBJECT_SECTIONS_MAX) {
        errno = EINVAL;
        return -1;
    }
    for (unsigned i = 0; i < n; i++) {
        Elf64_Shdr *s = &sh[FIRST_DATA + i];
        offset = align_up(offset, sec[i].align);
        *s = (Elf64_Shdr){ .sh_name = add_name(&sec_names, sec[i].name), .sh_type = SHT_PROGBITS,
                           .sh_flags = SHF_ALLOC, .sh_offset = offset, .sh_size = sec[i].size,
                           .sh_addralign = sec[i].align };
        offset += sec[i].size;
        sym[1 + i] = (Elf64_Sym){ .st_name = add_name(&sym_names, sec[i].symbol),
                                  .st_info = ELF64_ST_INFO(STB_GLOBAL, STT_OBJECT),
                                  .st_shndx = (Elf64_Half)(FIRST_DATA + i), .st_size = sec[i].size };
    }
    offset = align_up(offset, 8);
    sh[symtab] = (Elf64_Shdr){ .sh_name = add_name(&sec_names, ".symtab"), .sh_type = SHT_SYMTAB,
                               .sh_offset = offset, .sh_size = (n + 1) * sizeof(Elf64_Sym),
                               .sh_link = strtab, .sh_info = 1,     /* the first global symbol */
                               .sh_addralign = 8, .sh_entsize = sizeof(Elf64_Sym) };
    offset += sh[symtab].sh_size;
    sh[strtab] = (Elf64_Shdr){ .sh_name = add_name(&sec_names, ".strtab"), .sh_type = SHT_STRTAB,
                               .sh_offset = offset, .sh_size = sym_names.used, .sh_addralign = 1 };
    offset += sym_names.used;
    sh[shstrtab] = (Elf64_Shdr){ .sh_name = add_name(&sec_names, ".shstrtab"), .sh_type = SHT_STRTAB,
                                 .sh_offset = offset, .sh_addralign = 1 };
    sh[shstrtab].sh_size = sec_names.used;          /* ".shstrtab" itself included */
    offset = align_up(offset + sec_names.used, 8);
    if (sym_names.full || sec_names.full) {
        errno = ENAMETOOLONG;
        return -1;
    }

    Elf64_Ehdr eh = {
        .e_ident = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64, ELFDATA2LSB, EV_CURRENT },
        .e_type = ET_REL, .e_machine = EM_X86_64, .e_version = EV_CURRENT,
        .e_shoff = offset, .e_ehsize = sizeof(Elf64_Ehdr), .e_shentsize = sizeof(Elf64_Shdr),
        .e_shnum = (Elf64_Half)(shstrtab + 1), .e_shstrndx = (Elf64_Half)shstrtab,
    };
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    int bad = fwrite(&eh, sizeof(eh), 1, f) != 1;
    for (unsigned i = 0; i < n && !bad; i++)
        bad = pad_to(f, sh[FIRST_DATA + i].sh_offset) ||
              (sec[i].size && fwrite(sec[i].data, sec[i].size, 1, f) != 1);
    bad = bad || pad_to(f, sh[symtab].sh_offset) || fwrite(sym, sh[symtab].sh_size, 1, f) != 1 ||
          fwrite(sym_names.bytes, sym_names.used, 1, f) != 1 ||
          fwrite(sec_names.bytes, sec_names.used, 1, f) != 1 || pad_to(f, offset) ||
          fwrite(sh, sizeof(Elf64_Shdr), eh.e_shnum, f) != eh.e_shnum;
    if (fclose(f) != 0 || bad) {
        if (!errno)
            errno = EIO;
        return -1;
    }
    return 0;
}
