/* Page tables and kernel loading, on a fake physical memory: frames are
 * offsets into a buffer that starts out full of garbage, as real RAM may. */
#include <stdint.h>
#include <stdlib.h>

#include "../../c/kernel_load.h"
#include "../../c/paging.h"
#include "unit.h"

#define RAM_SIZE (4u << 20)
#define RAM_BASE 0x1000000ull                 /* fake physical address of ram[0] */

static uint8_t *ram;
static uint64_t next_free;
static unsigned tables_made;

static uint64_t fake_alloc(void *ctx)
{
    (void)ctx;
    if (next_free + 4096 > RAM_BASE + RAM_SIZE)
        return 0;
    uint64_t f = next_free;
    next_free += 4096;
    memset(ram + (f - RAM_BASE), 0, 4096);
    tables_made++;
    return f;
}

static void *fake_ptr(void *ctx, uint64_t phys)
{
    (void)ctx;
    if (phys < RAM_BASE || phys >= RAM_BASE + RAM_SIZE) {
        fprintf(stderr, "    access outside fake RAM: 0x%llx\n", (unsigned long long)phys);
        abort();
    }
    return ram + (phys - RAM_BASE);
}

static struct pt_env env = { fake_alloc, fake_ptr, 0, 1 };

static uint64_t fresh(void)
{
    if (!ram)
        ram = malloc(RAM_SIZE);
    memset(ram, 0xa5, RAM_SIZE);             /* dirty RAM */
    next_free = RAM_BASE + (2u << 20);       /* tables in the upper half */
    tables_made = 0;
    return fake_alloc(0);
}

TEST(map_and_translate_4k)
{
    uint64_t pml4 = fresh(), phys;
    unsigned flags;
    CHECK_EQ(pt_map_page(&env, pml4, 0xffffffff80000000ull, RAM_BASE, PT_EXEC), PT_OK);
    CHECK(pt_translate(&env, pml4, 0xffffffff80000123ull, &phys, &flags));
    CHECK_EQ(phys, RAM_BASE + 0x123);
    CHECK_EQ(flags, PT_EXEC);
    CHECK(!pt_translate(&env, pml4, 0xffffffff80001000ull, &phys, &flags));
    CHECK_EQ(tables_made, 4);                /* PML4, PDPT, PD, PT */
}

TEST(permissions_w_and_nx)
{
    uint64_t pml4 = fresh(), phys;
    unsigned flags;
    pt_map_page(&env, pml4, 0x400000, RAM_BASE, PT_WRITE);
    pt_translate(&env, pml4, 0x400000, &phys, &flags);
    CHECK_EQ(flags, PT_WRITE);               /* writable, not executable */
    uint64_t *pt = fake_ptr(0, RAM_BASE + (2u << 20) + 3 * 4096);
    CHECK(pt[0] & PTE_NX);
    CHECK(pt[0] & PTE_W);
}

TEST(without_nx_no_nx_bits)
{
    struct pt_env no_nx = env;
    no_nx.nx = 0;
    uint64_t pml4 = fresh();
    pt_map_page(&no_nx, pml4, 0x400000, RAM_BASE, 0);
    uint64_t *pt = fake_ptr(0, RAM_BASE + (2u << 20) + 3 * 4096);
    CHECK(!(pt[0] & PTE_NX));
    CHECK(!(pt[0] & PTE_W));
}

TEST(shared_page_merges_permissions)
{
    uint64_t pml4 = fresh(), phys;
    unsigned flags;
    CHECK_EQ(pt_map_page(&env, pml4, 0x400000, RAM_BASE, PT_EXEC), PT_OK);
    CHECK_EQ(pt_map_page(&env, pml4, 0x400000, RAM_BASE, PT_WRITE), PT_OK);
    pt_translate(&env, pml4, 0x400000, &phys, &flags);
    CHECK_EQ(flags, PT_WRITE | PT_EXEC);
}

TEST(conflicts_and_bad_addresses)
{
    uint64_t pml4 = fresh();
    CHECK_EQ(pt_map_page(&env, pml4, 0x400000, RAM_BASE, 0), PT_OK);
    CHECK_EQ(pt_map_page(&env, pml4, 0x400000, RAM_BASE + 4096, 0), PT_CONFLICT);
    CHECK_EQ(pt_map_page(&env, pml4, 0x0000800000000000ull, RAM_BASE, 0), PT_BAD_ADDRESS);
    CHECK_EQ(pt_map_page(&env, pml4, 0x400001, RAM_BASE, 0), PT_BAD_ADDRESS);
}

TEST(out_of_memory_is_reported)
{
    uint64_t pml4 = fresh();
    next_free = RAM_BASE + RAM_SIZE;         /* nothing left */
    CHECK_EQ(pt_map_page(&env, pml4, 0x400000, RAM_BASE, 0), PT_NOMEM);
}

TEST(range_crosses_table_boundaries)
{
    uint64_t pml4 = fresh(), phys;
    unsigned flags;
    uint64_t virt = 0x40000000ull - 4096 * 3;          /* crosses PT, PD and PDPT edges */
    CHECK_EQ(pt_map_range(&env, pml4, virt, RAM_BASE, 600, PT_WRITE), PT_OK);
    for (uint64_t i = 0; i < 600; i += 37) {
        CHECK(pt_translate(&env, pml4, virt + i * 4096, &phys, &flags));
        CHECK_EQ(phys, RAM_BASE + i * 4096);
    }
}

TEST(large_pages_map_and_translate)
{
    uint64_t pml4 = fresh(), phys;
    unsigned flags;
    /* 3 GiB with 1 GiB pages at a high offset, 8 MiB with 2 MiB pages. */
    CHECK_EQ(pt_map_large(&env, pml4, 0xffff800000000000ull, 0, 3, 2, PT_WRITE), PT_OK);
    CHECK(pt_translate(&env, pml4, 0xffff800000000000ull + 0x87654321ull, &phys, &flags));
    CHECK_EQ(phys, 0x87654321ull);
    CHECK_EQ(flags, PT_WRITE);
    CHECK(!pt_translate(&env, pml4, 0xffff800000000000ull + (3ull << 30), &phys, &flags));
    CHECK_EQ(pt_map_large(&env, pml4, 0x40000000, 0x200000, 4, 1, 0), PT_OK);
    CHECK(pt_translate(&env, pml4, 0x40612345, &phys, &flags));
    CHECK_EQ(phys, 0x812345);
    CHECK_EQ(flags, 0);
    /* Misaligned, mapped twice, or a 4 KiB page inside a large one. */
    CHECK_EQ(pt_map_large(&env, pml4, 0x40100000, 0, 1, 1, 0), PT_BAD_ADDRESS);
    CHECK_EQ(pt_map_large(&env, pml4, 0x40000000, 0, 1, 1, 0), PT_CONFLICT);
    CHECK_EQ(pt_map_page(&env, pml4, 0x40001000, 0x1000, 0), PT_CONFLICT);
    CHECK_EQ(pt_map_large(&env, pml4, 0x7fffc0000000ull, 0, 2, 2, 0), PT_BAD_ADDRESS);
}

TEST(write_combining_sets_pwt)
{
    uint64_t pml4 = fresh();
    pt_map_page(&env, pml4, 0x400000, RAM_BASE, PT_WRITE | PT_WC);
    uint64_t *pt = fake_ptr(0, RAM_BASE + (2u << 20) + 3 * 4096);
    CHECK(pt[0] & PTE_PWT);
    CHECK(!(pt[0] & (1ull << 4)));                 /* PCD clear: PAT entry 1 */
}

/* Bytes [from, to) of the frames at k are zero. */
static void check_zero(const uint8_t *k, unsigned from, unsigned to)
{
    for (unsigned i = from; i < to; i++)
        if (k[i] != 0) {
            fprintf(stderr, "    byte 0x%x not zero\n", i);
            unit_failed = 1;
            return;
        }
}

/* kernel_load: a text page, then data + BSS sharing its first page with
 * the end of rodata; every byte must be file data or zero. */
TEST(kernel_load_copies_and_zeroes)
{
    static uint8_t file[0x3000];
    static struct load_plan plan;
    for (unsigned i = 0; i < sizeof(file); i++)
        file[i] = (uint8_t)(i * 7 + 1) | 1;          /* never zero */
    plan.count = 2;
    plan.seg[0] = (struct load_segment){ 0x200100, 0x900, 0x1100, 0x900, PF_R | PF_X, 0, 0 };
    plan.seg[1] = (struct load_segment){ 0x200a00, 0x2000, 0x2a00, 0x100, PF_R | PF_W, 1, 0 };
    plan.pages = 3;                                  /* 0x200000-0x203000 */
    uint64_t pml4 = fresh(), base = RAM_BASE, phys;
    unsigned flags;
    CHECK_EQ(kernel_load(&plan, file, base, &env, pml4), PT_OK);
    uint8_t *k = ram;                                /* kernel frames at ram[0] */
    check_zero(k, 0, 0x100);                         /* head of the first page */
    CHECK(memcmp(k + 0x100, file + 0x1100, 0x900) == 0);
    CHECK(memcmp(k + 0xa00, file + 0x2a00, 0x100) == 0);
    check_zero(k, 0xb00, 0x3000);
    CHECK(pt_translate(&env, pml4, 0x200000, &phys, &flags));
    CHECK_EQ(flags, PT_WRITE | PT_EXEC);             /* shared page: union */
    CHECK(pt_translate(&env, pml4, 0x201000, &phys, &flags));
    CHECK_EQ(flags, PT_WRITE);
    CHECK_EQ(phys, base + 0x1000);
}

/* Loaded in place: the file's own pages (in RAM, page-aligned) are the
 * frames; the segments' bytes stay, everything else in the frames is
 * zeroed, the file's bytes before the frames are not touched. */
TEST(kernel_load_in_place)
{
    static uint8_t orig[0x4000];
    static struct load_plan plan;
    uint64_t pml4 = fresh(), phys;
    unsigned flags;
    for (unsigned i = 0; i < sizeof(orig); i++)
        orig[i] = (uint8_t)(i * 7 + 1) | 1;          /* never zero */
    memcpy(ram, orig, sizeof(orig));                 /* the file at ram[0] */
    plan.count = 2;
    plan.seg[0] = (struct load_segment){ 0x200100, 0x900, 0x1100, 0x900, PF_R | PF_X, 0, 0 };
    plan.seg[1] = (struct load_segment){ 0x200a00, 0x2000, 0x1a00, 0x100, PF_R | PF_W, 1, 0 };
    plan.pages = 3;
    CHECK_EQ(load_plan_in_place_offset(&plan), 0x1000);
    uint64_t base = RAM_BASE + load_plan_in_place_offset(&plan);
    CHECK_EQ(kernel_load(&plan, ram, base, &env, pml4), PT_OK);
    CHECK(memcmp(ram, orig, 0x1000) == 0);           /* before the frames */
    uint8_t *k = ram + 0x1000;
    check_zero(k, 0, 0x100);
    CHECK(memcmp(k + 0x100, orig + 0x1100, 0x900) == 0);
    CHECK(memcmp(k + 0xa00, orig + 0x1a00, 0x100) == 0);
    check_zero(k, 0xb00, 0x3000);
    CHECK(pt_translate(&env, pml4, 0x201000, &phys, &flags));
    CHECK_EQ(phys, base + 0x1000);
}

UNIT_MAIN(paging, T(map_and_translate_4k), T(permissions_w_and_nx), T(without_nx_no_nx_bits),
          T(shared_page_merges_permissions), T(conflicts_and_bad_addresses),
          T(out_of_memory_is_reported), T(range_crosses_table_boundaries),
          T(kernel_load_copies_and_zeroes), T(kernel_load_in_place), T(large_pages_map_and_translate),
          T(write_combining_sets_pwt))
