/* Four-level x86-64 page tables, built through callbacks so the same code
 * runs in stage 4 (identity-mapped RAM) and in host tests (a fake RAM). */
#ifndef PAGING_H
#define PAGING_H

#include <stdint.h>

#define PT_WRITE  1u     /* writable */
#define PT_EXEC   2u     /* executable: without it the page gets NX (when enabled) */
#define PT_WC     4u     /* write-combining: PAT entry 1 (PWT), see stage 4's PAT */

#define PTE_P     (1ull << 0)
#define PTE_W     (1ull << 1)
#define PTE_PWT   (1ull << 3)
#define PTE_PS    (1ull << 7)
#define PTE_NX    (1ull << 63)
#define PTE_ADDR  0x000ffffffffff000ull

struct pt_env {
    uint64_t (*alloc_table)(void *ctx);       /* a zeroed frame, 0 when out */
    void *(*phys_to_ptr)(void *ctx, uint64_t phys);
    void *ctx;
    int nx;                                   /* EFER.NXE will be on */
};

enum pt_error { PT_OK, PT_NOMEM, PT_CONFLICT, PT_BAD_ADDRESS };

/* Map the 4 KiB page at `virt` to `phys`. If it is already mapped to the
 * same frame the permissions are merged (a page two segments share);
 * mapped elsewhere is PT_CONFLICT. */
enum pt_error pt_map_page(const struct pt_env *e, uint64_t pml4, uint64_t virt,
                          uint64_t phys, unsigned flags);

/* Map `pages` consecutive pages. */
enum pt_error pt_map_range(const struct pt_env *e, uint64_t pml4, uint64_t virt,
                           uint64_t phys, uint64_t pages, unsigned flags);

/* Map `count` large pages of level 1 (2 MiB) or 2 (1 GiB, the CPU must
 * support it) at virt -> phys, both aligned to the page size. */
enum pt_error pt_map_large(const struct pt_env *e, uint64_t pml4, uint64_t virt, uint64_t phys,
                           uint64_t count, int level, unsigned flags);

/* Walk the tables: 1 and the frame address and PT_* flags if `virt` is
 * mapped (large pages included), else 0. */
int pt_translate(const struct pt_env *e, uint64_t pml4, uint64_t virt,
                 uint64_t *phys, unsigned *flags);

#endif
