/* ELF checks and load plan, on ELF images built in memory. */
#include <stdint.h>
#include <stdlib.h>

#include "../../c/elf_check.h"
#include "unit.h"

struct image {
    struct elf64_ehdr eh;
    struct elf64_phdr ph[4];
    uint8_t data[0x3000];
};

static struct image img;
static struct load_plan plan;
static struct elf_result why;

/* A valid two-segment kernel: text RX at 0x200000, data RW at 0x201000. */
static void make_valid(void)
{
    memset(&img, 0, sizeof(img));
    memcpy(img.eh.e_ident, "\x7f" "ELF", 4);
    img.eh.e_ident[EI_CLASS] = ELFCLASS64;
    img.eh.e_ident[EI_DATA] = ELFDATA2LSB;
    img.eh.e_ident[EI_VERSION] = EV_CURRENT;
    img.eh.e_version = EV_CURRENT;
    img.eh.e_type = ET_EXEC;
    img.eh.e_machine = EM_X86_64;
    img.eh.e_entry = 0x200010;
    img.eh.e_phoff = offsetof(struct image, ph);
    img.eh.e_phentsize = sizeof(struct elf64_phdr);
    img.eh.e_phnum = 2;
    img.ph[0] = (struct elf64_phdr){ PT_LOAD, PF_R | PF_X, 0x1000, 0x200000, 0x200000,
                                     0x800, 0x800, 0x1000 };
    img.ph[1] = (struct elf64_phdr){ PT_LOAD, PF_R | PF_W, 0x2000, 0x201000, 0x201000,
                                     0x100, 0x3000, 0x1000 };
}

static enum elf_error check(void)
{
    elf_load_plan(&img, sizeof(img), &plan, &why);
    return why.error;
}

static void message(char *buf, size_t n)
{
    elf_error_message(&why, buf, n);
}

TEST(valid_kernel_plans_two_segments)
{
    make_valid();
    CHECK_EQ(check(), ELF_OK);
    CHECK_EQ(plan.count, 2);
    CHECK_EQ(plan.pages, 1 + 3);
    CHECK_EQ(plan.vstart, 0x200000);
    CHECK_EQ(plan.vend, 0x204000);
    CHECK_EQ(plan.seg[1].first_page, 1);
}

TEST(segments_are_sorted_by_address)
{
    make_valid();
    struct elf64_phdr t = img.ph[0];
    img.ph[0] = img.ph[1];
    img.ph[1] = t;
    CHECK_EQ(check(), ELF_OK);
    CHECK_EQ(plan.seg[0].vaddr, 0x200000);
    CHECK_EQ(plan.seg[0].phdr, 1);
}

TEST(shared_boundary_page_counted_once)
{
    make_valid();
    img.ph[1].p_vaddr = 0x200800;        /* same page as the end of text */
    img.ph[1].p_memsz = 0x1000;          /* 0x200800-0x201800: 2 pages, 1 shared */
    CHECK_EQ(check(), ELF_OK);
    CHECK_EQ(plan.pages, 2);
    CHECK_EQ(plan.seg[1].first_page, 0);
    CHECK_EQ(load_plan_phys(&plan.seg[1], 0x10000000, 0x200800), 0x10000800);
    CHECK_EQ(load_plan_phys(&plan.seg[1], 0x10000000, 0x201000), 0x10001000);
}

TEST(zero_size_segment_is_skipped)
{
    make_valid();
    img.eh.e_phnum = 3;
    img.ph[2] = (struct elf64_phdr){ PT_LOAD, PF_R, 0, 0x200000, 0, 0, 0, 0x1000 };
    CHECK_EQ(check(), ELF_OK);
    CHECK_EQ(plan.count, 2);
}

/* In place (c/elf_check.h): every segment with file data at one distance
 * from where its frames start; a BSS-only segment may lie anywhere. */
TEST(in_place_offset)
{
    make_valid();                        /* text at 0x1000, data at 0x2000: one page after */
    CHECK_EQ(check(), ELF_OK);
    CHECK_EQ(load_plan_in_place_offset(&plan), 0x1000);
    img.eh.e_phnum = 3;                  /* a BSS-only segment at an offset of no matter */
    img.ph[2] = (struct elf64_phdr){ PT_LOAD, PF_R | PF_W, 0x123, 0x210000, 0x210000, 0, 0x1000,
                                     0x1000 };
    CHECK_EQ(check(), ELF_OK);
    CHECK_EQ(load_plan_in_place_offset(&plan), 0x1000);
    make_valid();
    img.ph[1].p_offset = 0x2100;         /* not page-congruent */
    img.ph[1].p_vaddr = img.ph[1].p_paddr = 0x201000;
    CHECK_EQ(check(), ELF_OK);
    CHECK_EQ(load_plan_in_place_offset(&plan), LOAD_NOT_IN_PLACE);
    make_valid();
    img.ph[0].p_offset = 0;              /* congruent, but text 0x1000 nearer the start */
    CHECK_EQ(check(), ELF_OK);
    CHECK_EQ(load_plan_in_place_offset(&plan), LOAD_NOT_IN_PLACE);
    make_valid();
    CHECK_EQ(check(), ELF_OK);
    plan.relocatable = 1;                /* relocations are read while written: never */
    CHECK_EQ(load_plan_in_place_offset(&plan), LOAD_NOT_IN_PLACE);
    make_valid();
    img.ph[1].p_offset = 0;              /* data's frames would begin before the file */
    CHECK_EQ(check(), ELF_OK);
    CHECK_EQ(load_plan_in_place_offset(&plan), LOAD_NOT_IN_PLACE);
}

TEST(tls_template_recorded_and_second_refused)
{
    make_valid();
    img.eh.e_phnum = 3;
    img.ph[2] = (struct elf64_phdr){ PT_TLS, PF_R, 0x2000, 0x201000, 0, 0x10, 0x40, 8 };
    CHECK_EQ(check(), ELF_OK);
    CHECK(plan.has_tls);
    CHECK_EQ(plan.tls.p_memsz, 0x40);
    img.eh.e_phnum = 4;
    img.ph[3] = img.ph[2];
    CHECK_EQ(check(), ELF_MULTIPLE_TLS);
}

static void m_magic(void) { img.eh.e_ident[1] = 'X'; }
static void m_class(void) { img.eh.e_ident[EI_CLASS] = 1; }
static void m_endian(void) { img.eh.e_ident[EI_DATA] = 2; }
static void m_version(void) { img.eh.e_version = 2; }
static void m_machine(void) { img.eh.e_machine = 183; }
static void m_type(void) { img.eh.e_type = 1; }
static void m_phentsize(void) { img.eh.e_phentsize = 32; }
static void m_phnum(void) { img.eh.e_phnum = 1000; }
static void m_phoff(void) { img.eh.e_phoff = sizeof(img) - 8; }
static void m_phoff_huge(void) { img.eh.e_phoff = ~0ull - 8; }
static void m_noload(void) { img.ph[0].p_type = img.ph[1].p_type = 4; }
static void m_past_eof(void) { img.ph[1].p_offset = sizeof(img) - 0x10; }
static void m_offset_wrap(void) { img.ph[1].p_offset = ~0ull; }
static void m_filesz(void) { img.ph[1].p_filesz = img.ph[1].p_memsz + 1; }
static void m_wrap(void) { img.ph[1].p_vaddr = 0xfffffffffffff000ull; img.ph[1].p_memsz = 0x2000; img.ph[1].p_filesz = 0; }
static void m_noncanon(void) { img.ph[1].p_vaddr = 0x0000800000000000ull; }
static void m_crosses_hole(void) { img.ph[1].p_vaddr = 0x00007ffffffff000ull; }
static void m_low(void) { img.ph[1].p_vaddr = 0x8000; }
static void m_overlap(void) { img.ph[1].p_vaddr = 0x200400; }
static void m_entry(void) { img.eh.e_entry = 0x201000; }
static void m_entry_outside(void) { img.eh.e_entry = 0x900000; }
static void m_nophdrs(void) { img.eh.e_phnum = 0; }

static const struct bad_case bad[] = {
    { "magic", m_magic, ELF_NOT_ELF, "not an ELF file" },
    { "class", m_class, ELF_CLASS32, "32-bit ELF" },
    { "endian", m_endian, ELF_BIG_ENDIAN, "big-endian" },
    { "version", m_version, ELF_BAD_VERSION, "ELF version" },
    { "machine", m_machine, ELF_NOT_X86_64, "not an x86-64 ELF (e_machine 183" },
    { "type", m_type, ELF_BAD_TYPE, "ELF type 1 is not an executable" },
    { "phentsize", m_phentsize, ELF_BAD_PHENTSIZE, "program header size 32" },
    { "phnum", m_phnum, ELF_TOO_MANY_PHDRS, "1000 program headers" },
    { "phoff", m_phoff, ELF_PHDRS_OUTSIDE, "outside the file" },
    { "phoff_huge", m_phoff_huge, ELF_PHDRS_OUTSIDE, "outside the file" },
    { "noload", m_noload, ELF_NO_LOAD, "no loadable segment" },
    { "nophdrs", m_nophdrs, ELF_NO_LOAD, "no loadable segment" },
    { "past_eof", m_past_eof, ELF_SEG_PAST_EOF, "program header 1: segment data extends past" },
    { "offset_wrap", m_offset_wrap, ELF_SEG_PAST_EOF, "past the end" },
    { "filesz", m_filesz, ELF_SEG_FILESZ, "p_filesz is larger than p_memsz" },
    { "wrap", m_wrap, ELF_SEG_WRAPS, "wraps around" },
    { "noncanonical", m_noncanon, ELF_SEG_NONCANONICAL, "non-canonical" },
    { "crosses_hole", m_crosses_hole, ELF_SEG_NONCANONICAL, "non-canonical" },
    { "below_1mib", m_low, ELF_SEG_LOW, "below 1 MiB" },
    { "overlap", m_overlap, ELF_SEG_OVERLAP, "program headers 0 and 1: segments overlap" },
    { "entry_in_data", m_entry, ELF_ENTRY_NOT_EXEC, "entry point 0x201000 is not inside" },
    { "entry_outside", m_entry_outside, ELF_ENTRY_NOT_EXEC, "not inside an executable" },
};

static int check_error(void)
{
    return (int)check();
}

TEST(every_malformation_is_refused_with_its_message)
{
    unit_bad_cases(bad, sizeof(bad) / sizeof(bad[0]), make_valid, check_error, message);
}

TEST(truncated_and_tiny_files)
{
    make_valid();
    CHECK_EQ(elf_load_plan(&img, 40, &plan, &why), -1);
    CHECK_EQ(why.error, ELF_TRUNCATED);
    CHECK_EQ(elf_load_plan(&img, 2, &plan, &why), -1);
    CHECK_EQ(why.error, ELF_NOT_ELF);
    CHECK_EQ(elf_load_plan(&img, 0, &plan, &why), -1);
}

TEST(too_large_is_refused)
{
    make_valid();
    CHECK_EQ(elf_load_plan(&img, KERNEL_MAX_SIZE + 1, &plan, &why), -1);
    CHECK_EQ(why.error, ELF_TOO_LARGE);
}

TEST(canonical_addresses)
{
    CHECK(is_canonical(0));
    CHECK(is_canonical(0x00007fffffffffffull));
    CHECK(!is_canonical(0x0000800000000000ull));
    CHECK(!is_canonical(0xffff7fffffffffffull));
    CHECK(is_canonical(0xffff800000000000ull));
    CHECK(is_canonical(0xffffffff80000000ull));
}

/* Every single-byte corruption of a valid header or program header table
 * must be either accepted or refused cleanly (ASan/UBSan watch). */
TEST(byte_flips_never_crash)
{
    for (size_t off = 0; off < sizeof(struct elf64_ehdr) + 2 * sizeof(struct elf64_phdr); off++)
        for (int bit = 0; bit < 8; bit++) {
            make_valid();
            ((uint8_t *)&img)[off] ^= (uint8_t)(1u << bit);
            check();
        }
}

UNIT_MAIN(elf, T(valid_kernel_plans_two_segments), T(segments_are_sorted_by_address),
          T(shared_boundary_page_counted_once), T(zero_size_segment_is_skipped), T(in_place_offset),
          T(tls_template_recorded_and_second_refused),
          T(every_malformation_is_refused_with_its_message), T(truncated_and_tiny_files),
          T(too_large_is_refused), T(canonical_addresses), T(byte_flips_never_crash))
