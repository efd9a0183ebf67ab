/* Relocatable kernels: the dynamic relocations' checks and values
 * (c/elf_reloc.c) on an ET_DYN image built in memory, and the choice of a
 * base (c/kernel_place.c). */
#include <stdint.h>
#include <stdlib.h>

#include "../../c/elf_check.h"
#include "../../c/kernel_place.h"
#include "unit.h"

/* One RWX segment at link address 0 holding the whole file, so that every
 * link address is its file offset. */
struct dimage {
    struct elf64_ehdr eh;
    struct elf64_phdr ph[2];
    struct elf64_dyn dyn[10];
    struct elf64_rela rela[4];
    struct elf64_sym sym[3];
    char strtab[32];
    uint64_t data[8];
    uint8_t code[16];
};

static struct dimage d;
static struct load_plan plan;
static struct elf_result why;

#define AT(field) ((uint64_t)offsetof(struct dimage, field))
#define INFO(sym, type) ((uint64_t)(sym) << 32 | (type))

static void make_valid(void)
{
    memset(&d, 0, sizeof(d));
    memcpy(d.eh.e_ident, "\x7f" "ELF", 4);
    d.eh.e_ident[EI_CLASS] = ELFCLASS64;
    d.eh.e_ident[EI_DATA] = ELFDATA2LSB;
    d.eh.e_ident[EI_VERSION] = EV_CURRENT;
    d.eh.e_version = EV_CURRENT;
    d.eh.e_type = ET_DYN;
    d.eh.e_machine = EM_X86_64;
    d.eh.e_entry = AT(code);
    d.eh.e_phoff = AT(ph);
    d.eh.e_phentsize = sizeof(struct elf64_phdr);
    d.eh.e_phnum = 2;
    d.ph[0] = (struct elf64_phdr){ PT_LOAD, PF_R | PF_W | PF_X, 0, 0, 0, sizeof(d),
                                   sizeof(d) + 0x1000, 0x1000 };
    d.ph[1] = (struct elf64_phdr){ PT_DYNAMIC, PF_R | PF_W, AT(dyn), AT(dyn), AT(dyn),
                                   sizeof(d.dyn), sizeof(d.dyn), 8 };
    const struct elf64_dyn dyn[] = {
        { DT_RELA, AT(rela) }, { DT_RELASZ, sizeof(d.rela) }, { DT_RELAENT, 24 },
        { DT_SYMTAB, AT(sym) }, { DT_SYMENT, 24 }, { DT_STRTAB, AT(strtab) },
        { DT_STRSZ, sizeof(d.strtab) }, { DT_NULL, 0 },
    };
    memcpy(d.dyn, dyn, sizeof(dyn));
    memcpy(d.strtab, "\0target\0missing", 15);
    d.sym[1] = (struct elf64_sym){ 1, 0x11, 0, 1, 0x200, 8 };          /* global object, defined */
    d.sym[2] = (struct elf64_sym){ 8, STB_WEAK << 4, 0, SHN_UNDEF, 0, 0 };
    d.rela[0] = (struct elf64_rela){ AT(data[0]), INFO(0, R_X86_64_RELATIVE), 0x100 };
    d.rela[1] = (struct elf64_rela){ AT(data[1]), INFO(1, R_X86_64_64), 4 };
    d.rela[2] = (struct elf64_rela){ AT(data[2]), INFO(1, R_X86_64_GLOB_DAT), 0 };
    d.rela[3] = (struct elf64_rela){ AT(data[3]), INFO(2, R_X86_64_64), 8 };
    d.code[0] = 0xc3;
}

static enum elf_error check(void)
{
    elf_load_plan(&d, sizeof(d), &plan, &why);
    return why.error;
}

TEST(relocatable_kernel_at_zero_is_planned_with_its_relocations)
{
    make_valid();
    CHECK_EQ(check(), ELF_OK);
    CHECK(plan.relocatable);
    CHECK_EQ(plan.align, 0x1000);
    CHECK_EQ(elf_reloc_count(&plan), 4);
    CHECK_EQ(elf_reloc_applied(&plan), 4);
    CHECK_EQ(plan.relocs.relative, 1);
    CHECK_EQ(plan.relocs.absolute, 2);
    CHECK_EQ(plan.relocs.got, 1);
}

TEST(values_follow_the_slide)
{
    make_valid();
    CHECK_EQ(check(), ELF_OK);
    uint64_t slide = 0xffffffff80000000ull, want[4] = { slide + 0x100, slide + 0x204,
                                                        slide + 0x200, 8 /* weak: S = 0 */ };
    for (unsigned i = 0; i < 4; i++) {
        struct elf64_rela e = elf_reloc_entry((const uint8_t *)&d, &plan, i);
        CHECK_EQ(elf_reloc_value((const uint8_t *)&d, &plan, &e, slide), want[i]);
    }
    d.sym[1].st_shndx = SHN_ABS;                        /* absolute: does not move */
    struct elf64_rela e = elf_reloc_entry((const uint8_t *)&d, &plan, 1);
    CHECK_EQ(elf_reloc_value((const uint8_t *)&d, &plan, &e, slide), 0x204);
}

TEST(slide_moves_every_address)
{
    make_valid();
    CHECK_EQ(check(), ELF_OK);
    load_plan_slide(&plan, 0x40000000);
    CHECK_EQ(plan.entry, 0x40000000 + AT(code));
    CHECK_EQ(plan.vstart, 0x40000000);
    CHECK_EQ(plan.seg[0].vaddr, 0x40000000);
    CHECK(load_plan_segment(&plan, 0x40000000 + AT(data[0]), 8) == &plan.seg[0]);
    CHECK(load_plan_segment(&plan, AT(data[0]), 8) == 0);
}

TEST(an_executable_at_zero_is_still_refused)
{
    make_valid();
    d.eh.e_type = ET_EXEC;
    CHECK_EQ(check(), ELF_SEG_LOW);
}

static void m_jump_slot(void) { d.rela[2].r_info = INFO(1, 7); }
static void m_irelative(void) { d.rela[0].r_info = INFO(0, 37); }
static void m_unknown(void) { d.rela[0].r_info = INFO(0, 99); }
static void m_target(void) { d.rela[1].r_offset = 0x100000; }
static void m_target_edge(void) { d.rela[1].r_offset = sizeof(d) + 0x1000 - 4; }
static void m_symbol(void) { d.rela[1].r_info = INFO(1000, R_X86_64_64); }
static void m_undefined(void) { d.sym[2].st_info = 0x10; }           /* global, undefined */
static void m_rel(void) { d.dyn[7] = (struct elf64_dyn){ DT_REL, AT(rela) }; d.dyn[8] = (struct elf64_dyn){ DT_RELSZ, 24 }; }
static void m_relr(void) { d.dyn[7] = (struct elf64_dyn){ DT_RELR, AT(rela) }; }
static void m_relaent(void) { d.dyn[2].d_val = 16; }
static void m_relasz(void) { d.dyn[1].d_val = 30; }
static void m_rela_outside(void) { d.dyn[0].d_val = 0x100000; }
static void m_symtab_outside(void) { d.dyn[3].d_val = 0x100000; }
static void m_dynamic_outside(void) { d.ph[1].p_offset = 0x100000; }
static void m_align(void) { d.ph[0].p_align = 0x3000; }

static const struct bad_case bad[] = {
    { "jump_slot", m_jump_slot, ELF_RELOC_TYPE, "relocation 2 at 0x" },
    { "jump_slot_name", m_jump_slot, ELF_RELOC_TYPE, "R_X86_64_JUMP_SLOT (type 7) is not supported" },
    { "irelative", m_irelative, ELF_RELOC_TYPE, "R_X86_64_IRELATIVE (type 37)" },
    { "unknown", m_unknown, ELF_RELOC_TYPE, "an unknown type (type 99)" },
    { "target", m_target, ELF_RELOC_TARGET, "relocation 1: its target 0x100000 is not inside" },
    { "target_edge", m_target_edge, ELF_RELOC_TARGET, "not inside a loadable segment" },
    { "symbol", m_symbol, ELF_RELOC_SYMBOL, "symbol 1000 is outside the symbol table" },
    { "undefined", m_undefined, ELF_RELOC_UNDEFINED,
      "R_X86_64_64 against the undefined symbol 'missing'" },
    { "rel", m_rel, ELF_DYNAMIC_REL, "DT_REL" },
    { "relr", m_relr, ELF_DYNAMIC_RELR, "-z pack-relative-relocs" },
    { "relaent", m_relaent, ELF_DYNAMIC_ENTSIZE, "tag 9 gives 16 bytes" },
    { "relasz", m_relasz, ELF_DYNAMIC_ENTSIZE, "tag 8 gives 30 bytes" },
    { "rela_outside", m_rela_outside, ELF_DYNAMIC_POINTER, "tag 7 points at 0x100000" },
    { "symtab_outside", m_symtab_outside, ELF_DYNAMIC_POINTER, "tag 6 points at 0x100000" },
    { "dynamic_outside", m_dynamic_outside, ELF_DYNAMIC_OUTSIDE, "(PT_DYNAMIC) lies outside" },
    { "align", m_align, ELF_BAD_ALIGN, "alignment 0x3000 is not a power of two" },
};

static int check_error(void)
{
    return (int)check();
}

static void message(char *text, size_t n)
{
    elf_error_message(&why, text, n);
}

TEST(every_bad_relocation_is_refused_with_its_message)
{
    unit_bad_cases(bad, sizeof(bad) / sizeof(bad[0]), make_valid, check_error, message);
}

/* Every single-byte corruption of the dynamic section, the relocations
 * and the symbols is accepted or refused cleanly (ASan/UBSan watch). */
TEST(byte_flips_never_crash)
{
    for (size_t off = AT(dyn); off < AT(strtab); off++)
        for (int bit = 0; bit < 8; bit++) {
            make_valid();
            ((uint8_t *)&d)[off] ^= (uint8_t)(1u << bit);
            if (check() == ELF_OK)
                for (uint64_t i = 0; i < elf_reloc_count(&plan); i++) {
                    struct elf64_rela e = elf_reloc_entry((const uint8_t *)&d, &plan, i);
                    elf_reloc_value((const uint8_t *)&d, &plan, &e, 0x1000);
                }
        }
}

/* A plan of `span` bytes aligned to `align`, linked at 0. */
static struct load_plan sized(uint64_t span, uint64_t align)
{
    struct load_plan p = { 0 };
    p.vstart = 0;
    p.vend = span;
    p.align = align;
    return p;
}

TEST(fixed_base_is_one_choice_when_aligned)
{
    struct load_plan p = sized(0x5000, 0x1000);
    struct kernel_place place;
    kernel_place_init(&place, &p, 0xffffffff80000000ull, 0x5000);
    CHECK_EQ(kernel_place_choices(&place), 1);
    CHECK_EQ(kernel_place_pick(&place, 12345), 0xffffffff80000000ull);
    kernel_place_init(&place, &p, 0xffffffff80000800ull, 0x5000);      /* not aligned */
    CHECK_EQ(kernel_place_choices(&place), 0);
}

TEST(range_counts_bases_whose_span_fits)
{
    struct load_plan p = sized(0x9000, 0x1000);
    struct kernel_place place;
    kernel_place_init(&place, &p, 0xffffffff80000000ull, 0x80000000ull);
    CHECK_EQ(kernel_place_choices(&place), 0x80000 - 9 + 1);
    CHECK_EQ(kernel_place_pick(&place, 0), 0xffffffff80000000ull);
    CHECK_EQ(kernel_place_pick(&place, 0x80000 - 9), 0xffffffffffff7000ull);   /* ends at 2^64 */
    p = sized(0x200000, 0x200000);
    kernel_place_init(&place, &p, 0x100001000ull, 0x600000);          /* bases from 0x100200000 */
    CHECK_EQ(kernel_place_choices(&place), 2);
    CHECK_EQ(kernel_place_pick(&place, 1), 0x100400000ull);
    kernel_place_init(&place, &p, 0x100000000ull, 0x1000);            /* smaller than the kernel */
    CHECK_EQ(kernel_place_choices(&place), 0);
}

TEST(avoided_regions_are_never_picked_and_the_rest_evenly)
{
    struct load_plan p = sized(0x2000, 0x1000);
    struct kernel_place place;
    kernel_place_init(&place, &p, 0x100000000ull, 0x20000);           /* bases 0..0x1e000: 31 */
    CHECK_EQ(kernel_place_choices(&place), 31);
    kernel_place_avoid(&place, 0x100004000ull, 0x1000);               /* takes bases 3 and 4 */
    kernel_place_avoid(&place, 0x100010000ull, 0x3000);               /* 15 to 18 */
    kernel_place_avoid(&place, 0x100005000ull, 0x1);                  /* 4 and 5: merges */
    kernel_place_avoid(&place, 0, 0x100000000ull);                    /* below: nothing */
    CHECK_EQ(kernel_place_choices(&place), 31 - 3 - 4);
    CHECK_EQ(place.avoid_count, 2);
    unsigned seen[31] = { 0 };
    for (uint64_t r = 0; r < 24 * 10; r++) {
        uint64_t base = kernel_place_pick(&place, r);
        uint64_t k = (base - 0x100000000ull) / 0x1000;
        CHECK(k < 31 && !(k >= 3 && k <= 5) && !(k >= 15 && k <= 18));
        seen[k < 31 ? k : 0]++;
    }
    for (unsigned k = 0; k < 31; k++)
        CHECK(seen[k] == ((k >= 3 && k <= 5) || (k >= 15 && k <= 18) ? 0 : 10));
    kernel_place_avoid(&place, 0x100000000ull, 0x100000ull);          /* everything */
    CHECK_EQ(kernel_place_choices(&place), 0);
    CHECK_EQ(place.avoid_count, 1);
}

UNIT_MAIN(reloc, T(relocatable_kernel_at_zero_is_planned_with_its_relocations),
          T(values_follow_the_slide), T(slide_moves_every_address),
          T(an_executable_at_zero_is_still_refused),
          T(every_bad_relocation_is_refused_with_its_message), T(byte_flips_never_crash),
          T(fixed_base_is_one_choice_when_aligned), T(range_counts_bases_whose_span_fits),
          T(avoided_regions_are_never_picked_and_the_rest_evenly))
