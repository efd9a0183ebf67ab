/* 4 KiB pages and x86-64 virtual addresses: the few definitions the ELF
 * checks, the frame pool, the page tables and the configuration share. */
#ifndef PAGE_H
#define PAGE_H

#include <stdint.h>

#define PAGE_SIZE 4096ull

/* a rounded up to a whole page (clamped at the top of the address space). */
static inline uint64_t page_up(uint64_t a)
{
    return a > UINT64_MAX - (PAGE_SIZE - 1) ? UINT64_MAX & ~(PAGE_SIZE - 1)
                                            : (a + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

/* Whole pages for `bytes`. */
static inline uint64_t pages_of(uint64_t bytes)
{
    return page_up(bytes) / PAGE_SIZE;
}

/* 48-bit canonical: bits 63..47 all equal (4-level paging). */
static inline int is_canonical(uint64_t addr)
{
    uint64_t top = addr >> 47;
    return top == 0 || top == 0x1ffff;
}

#endif
