/* A relocatable kernel's dynamic relocations (elf_reloc.h). Nothing here
 * trusts the file: the dynamic section, the tables and the symbols are
 * read with memcpy (the file may place them unaligned) from offsets
 * checked against the segments' file data. */
#include "elf_check.h"

#include <string.h>

#include "fmt.h"

#define NO_OFFSET   (~0ull)
#define DT_KNOWN    37               /* tags below this are read; others ignored */

struct dynamic {
    uint64_t val[DT_KNOWN];
    uint64_t seen;                   /* bit per tag */
};

static int has(const struct dynamic *d, unsigned tag)
{
    return (d->seen >> tag) & 1;
}

/* The file offset of `bytes` at link address vaddr, inside one segment's
 * file data; NO_OFFSET if there is none. */
static uint64_t file_offset(const struct load_plan *plan, uint64_t vaddr, uint64_t bytes,
                            uint64_t *data_end)
{
    for (unsigned k = 0; k < plan->count; k++) {
        const struct load_segment *s = &plan->seg[k];
        if (vaddr >= s->vaddr && vaddr - s->vaddr <= s->filesz &&
            bytes <= s->filesz - (vaddr - s->vaddr)) {
            if (data_end)
                *data_end = s->offset + s->filesz;
            return s->offset + (vaddr - s->vaddr);
        }
    }
    return NO_OFFSET;
}

static int read_dynamic(const uint8_t *image, uint64_t size, const struct elf64_phdr *ph,
                        unsigned index, struct dynamic *d, struct elf_result *r)
{
    memset(d, 0, sizeof(*d));
    if (ph->p_offset > size || ph->p_filesz > size - ph->p_offset)
        return elf_fail(r, ELF_DYNAMIC_OUTSIDE, index, ph->p_offset);
    for (uint64_t at = 0; at + sizeof(struct elf64_dyn) <= ph->p_filesz; at += sizeof(struct elf64_dyn)) {
        struct elf64_dyn e;
        memcpy(&e, image + ph->p_offset + at, sizeof(e));
        if (e.d_tag == DT_NULL)
            break;
        if (e.d_tag > 0 && e.d_tag < DT_KNOWN) {
            d->val[e.d_tag] = e.d_val;
            d->seen |= 1ull << e.d_tag;
        }
    }
    return 0;
}

/* One table of RELA entries: DT_RELA/DT_RELASZ or DT_JMPREL/DT_PLTRELSZ. */
static int find_table(const struct load_plan *plan, const struct dynamic *d, unsigned at_tag,
                      unsigned size_tag, uint64_t *offset, uint64_t *count, struct elf_result *r)
{
    *offset = *count = 0;
    if (!has(d, at_tag))
        return 0;
    uint64_t bytes = d->val[size_tag];
    if (bytes % sizeof(struct elf64_rela))
        return elf_fail(r, ELF_DYNAMIC_ENTSIZE, size_tag, bytes);
    *offset = file_offset(plan, d->val[at_tag], bytes, 0);
    if (*offset == NO_OFFSET)
        return elf_fail(r, ELF_DYNAMIC_POINTER, at_tag, d->val[at_tag]);
    *count = bytes / sizeof(struct elf64_rela);
    return 0;
}

/* The dynamic section's shape: RELA only, entries of the sizes we read. */
static int check_tags(const struct dynamic *d, struct elf_result *r)
{
    if ((has(d, DT_REL) && d->val[DT_RELSZ]) ||
        (has(d, DT_JMPREL) && has(d, DT_PLTREL) && d->val[DT_PLTREL] != DT_RELA))
        return elf_fail(r, ELF_DYNAMIC_REL, 0, 0);
    if (has(d, DT_RELR))
        return elf_fail(r, ELF_DYNAMIC_RELR, 0, 0);
    if (has(d, DT_RELAENT) && d->val[DT_RELAENT] != sizeof(struct elf64_rela))
        return elf_fail(r, ELF_DYNAMIC_ENTSIZE, DT_RELAENT, d->val[DT_RELAENT]);
    if (has(d, DT_SYMENT) && d->val[DT_SYMENT] != sizeof(struct elf64_sym))
        return elf_fail(r, ELF_DYNAMIC_ENTSIZE, DT_SYMENT, d->val[DT_SYMENT]);
    return 0;
}

static int symbol(const uint8_t *image, const struct elf_relocs *t, uint64_t index,
                  struct elf64_sym *out)
{
    if (!t->symtab_end || index >= (t->symtab_end - t->symtab) / sizeof(*out))
        return -1;
    memcpy(out, image + t->symtab + index * sizeof(*out), sizeof(*out));
    return 0;
}

/* The symbol's name for a message, if the string table holds it. */
static void symbol_name(const uint8_t *image, const struct load_plan *plan,
                        const struct dynamic *d, const struct elf64_sym *s, char *out, size_t n)
{
    uint64_t size = d->val[DT_STRSZ];
    uint64_t strtab = has(d, DT_STRTAB) ? file_offset(plan, d->val[DT_STRTAB], size, 0) : NO_OFFSET;
    size_t i = 0;
    if (strtab != NO_OFFSET)
        for (; i + 1 < n && s->st_name + i < size && image[strtab + s->st_name + i]; i++)
            out[i] = (char)image[strtab + s->st_name + i];
    out[i] = 0;
}

/* The symbol a relocation of type 64 or GLOB_DAT names is in the table,
 * and defined (or weak). r->where is already the relocation's target. */
static int check_symbol(const uint8_t *image, struct load_plan *plan, const struct dynamic *d,
                        const struct elf64_rela *e, uint64_t i, struct elf_result *r)
{
    struct elf64_sym s;
    uint64_t index = e->r_info >> 32;
    if (index == 0)
        return 0;                    /* no symbol: S is 0 */
    if (symbol(image, &plan->relocs, index, &s))
        return elf_fail(r, ELF_RELOC_SYMBOL, (unsigned)i, index);
    if (s.st_shndx == SHN_UNDEF && (s.st_info >> 4) != STB_WEAK) {
        symbol_name(image, plan, d, &s, r->name, sizeof(r->name));
        return elf_fail(r, ELF_RELOC_UNDEFINED, (unsigned)i, e->r_info & 0xffffffff);
    }
    return 0;
}

static int check_entry(const uint8_t *image, struct load_plan *plan, const struct dynamic *d,
                       uint64_t i, struct elf_result *r)
{
    struct elf64_rela e = elf_reloc_entry(image, plan, i);
    uint64_t type = e.r_info & 0xffffffff;
    struct elf_relocs *t = &plan->relocs;

    r->where = e.r_offset;
    if (type == R_X86_64_NONE)
        return 0;
    if (type != R_X86_64_RELATIVE && type != R_X86_64_64 && type != R_X86_64_GLOB_DAT)
        return elf_fail(r, ELF_RELOC_TYPE, (unsigned)i, type);
    if (!load_plan_segment(plan, e.r_offset, 8))
        return elf_fail(r, ELF_RELOC_TARGET, (unsigned)i, e.r_offset);
    if (type != R_X86_64_RELATIVE && check_symbol(image, plan, d, &e, i, r))
        return -1;
    t->relative += type == R_X86_64_RELATIVE;
    t->absolute += type == R_X86_64_64;
    t->got += type == R_X86_64_GLOB_DAT;
    return 0;
}

int elf_reloc_check(const uint8_t *image, uint64_t size, const struct elf64_phdr *dynamic,
                    unsigned index, struct load_plan *plan, struct elf_result *r)
{
    struct elf_relocs *t = &plan->relocs;
    struct dynamic d;

    if (read_dynamic(image, size, dynamic, index, &d, r) || check_tags(&d, r) ||
        find_table(plan, &d, DT_RELA, DT_RELASZ, &t->rela, &t->rela_count, r) ||
        find_table(plan, &d, DT_JMPREL, DT_PLTRELSZ, &t->plt, &t->plt_count, r))
        return -1;
    if (has(&d, DT_SYMTAB)) {
        t->symtab = file_offset(plan, d.val[DT_SYMTAB], 0, &t->symtab_end);
        if (t->symtab == NO_OFFSET)
            return elf_fail(r, ELF_DYNAMIC_POINTER, DT_SYMTAB, d.val[DT_SYMTAB]);
    }
    for (uint64_t i = 0; i < elf_reloc_count(plan); i++)
        if (check_entry(image, plan, &d, i, r))
            return -1;
    r->where = 0;
    return 0;
}

uint64_t elf_reloc_count(const struct load_plan *plan)
{
    return plan->relocs.rela_count + plan->relocs.plt_count;
}

uint64_t elf_reloc_applied(const struct load_plan *plan)
{
    return plan->relocs.relative + plan->relocs.absolute + plan->relocs.got;
}

struct elf64_rela elf_reloc_entry(const uint8_t *image, const struct load_plan *plan, uint64_t i)
{
    const struct elf_relocs *t = &plan->relocs;
    struct elf64_rela e;
    uint64_t at = i < t->rela_count ? t->rela + i * sizeof(e)
                                    : t->plt + (i - t->rela_count) * sizeof(e);
    memcpy(&e, image + at, sizeof(e));
    return e;
}

uint64_t elf_reloc_value(const uint8_t *image, const struct load_plan *plan,
                         const struct elf64_rela *rela, uint64_t slide)
{
    struct elf64_sym s = { 0 };
    uint64_t type = rela->r_info & 0xffffffff;

    if (type == R_X86_64_RELATIVE)
        return slide + (uint64_t)rela->r_addend;
    symbol(image, &plan->relocs, rela->r_info >> 32, &s);    /* checked; index 0: S = 0 */
    uint64_t value = s.st_shndx == SHN_UNDEF || s.st_shndx == SHN_ABS ? s.st_value
                                                                      : s.st_value + slide;
    return type == R_X86_64_GLOB_DAT ? value : value + (uint64_t)rela->r_addend;
}

void load_plan_slide(struct load_plan *plan, uint64_t slide)
{
    for (unsigned k = 0; k < plan->count; k++)
        plan->seg[k].vaddr += slide;
    plan->entry += slide;
    plan->vstart += slide;
    plan->vend += slide;
    if (plan->has_tls)
        plan->tls.p_vaddr += slide;
}

const char *elf_reloc_name(uint64_t type)
{
    static const char *const names[] = {
        "R_X86_64_NONE", "R_X86_64_64", "R_X86_64_PC32", "R_X86_64_GOT32", "R_X86_64_PLT32",
        "R_X86_64_COPY", "R_X86_64_GLOB_DAT", "R_X86_64_JUMP_SLOT", "R_X86_64_RELATIVE",
        "R_X86_64_GOTPCREL", "R_X86_64_32", "R_X86_64_32S", "R_X86_64_16", "R_X86_64_PC16",
        "R_X86_64_8", "R_X86_64_PC8", "R_X86_64_DTPMOD64", "R_X86_64_DTPOFF64",
        "R_X86_64_TPOFF64", "R_X86_64_TLSGD", "R_X86_64_TLSLD", "R_X86_64_DTPOFF32",
        "R_X86_64_GOTTPOFF", "R_X86_64_TPOFF32", "R_X86_64_PC64", "R_X86_64_GOTOFF64",
        "R_X86_64_GOTPC32", "R_X86_64_GOT64", "R_X86_64_GOTPCREL64", "R_X86_64_GOTPC64",
        "R_X86_64_GOTPLT64", "R_X86_64_PLTOFF64", "R_X86_64_SIZE32", "R_X86_64_SIZE64",
        "R_X86_64_GOTPC32_TLSDESC", "R_X86_64_TLSDESC_CALL", "R_X86_64_TLSDESC",
        "R_X86_64_IRELATIVE", "R_X86_64_RELATIVE64", 0, 0, "R_X86_64_GOTPCRELX",
        "R_X86_64_REX_GOTPCRELX",
    };
    const char *name = type < sizeof(names) / sizeof(names[0]) ? names[type] : 0;
    return name ? name : "an unknown type";
}

void elf_reloc_message(const struct elf_result *r, char *buf, size_t n)
{
    unsigned long long v = r->value, at = r->where;
    unsigned i = r->index;

    switch (r->error) {
    case ELF_DYNAMIC_OUTSIDE:
        fmt_format(buf, n, "program header %u: the dynamic section (PT_DYNAMIC) lies outside "
                   "the file", i);
        break;
    case ELF_BAD_ALIGN:
        fmt_format(buf, n, "segment alignment 0x%llx is not a power of two", v);
        break;
    case ELF_DYNAMIC_POINTER:
        fmt_format(buf, n, "dynamic section: tag %u points at 0x%llx, outside the file's "
                   "loaded data", i, v);
        break;
    case ELF_DYNAMIC_ENTSIZE:
        fmt_format(buf, n, "dynamic section: tag %u gives %llu bytes, not a whole number of "
                   "24-byte entries", i, v);
        break;
    case ELF_DYNAMIC_REL:
        fmt_format(buf, n, "REL relocations (DT_REL): an x86-64 kernel uses RELA");
        break;
    case ELF_DYNAMIC_RELR:
        fmt_format(buf, n, "packed relative relocations (DT_RELR) are not supported: link "
                   "without -z pack-relative-relocs");
        break;
    case ELF_RELOC_TYPE:
        fmt_format(buf, n, "relocation %u at 0x%llx: %s (type %llu) is not supported; "
                   "embedboot applies R_X86_64_RELATIVE, R_X86_64_64 and R_X86_64_GLOB_DAT",
                   i, at, elf_reloc_name(v), v);
        break;
    case ELF_RELOC_TARGET:
        fmt_format(buf, n, "relocation %u: its target 0x%llx is not inside a loadable segment",
                   i, v);
        break;
    case ELF_RELOC_SYMBOL:
        fmt_format(buf, n, "relocation %u at 0x%llx: symbol %llu is outside the symbol table",
                   i, at, v);
        break;
    case ELF_RELOC_UNDEFINED:
        fmt_format(buf, n, "relocation %u at 0x%llx: %s against the undefined symbol '%s': "
                   "nothing links a kernel at boot", i, at, elf_reloc_name(v),
                   r->name[0] ? r->name : "?");
        break;
    default:
        fmt_format(buf, n, "invalid ELF file");
        break;
    }
}
