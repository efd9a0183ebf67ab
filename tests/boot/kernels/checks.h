/* Test kernels: one line per check on COM1 and the verdict as QEMU's exit
 * status, plus the control registers the checks read. */
#ifndef CHECKS_H
#define CHECKS_H

#include <stdint.h>

/* "check WHAT: ok" or "check WHAT: FAILED". */
void check(int ok, const char *what);

/* "NAME: all N checks passed" and exit with success, or the failures and
 * exit with failure. */
__attribute__((noreturn)) void checks_finish(const char *name);

#define PTE_ADDR_MASK 0x000ffffffffff000ull

/* The leaf page-table entry for virt and its level (0 = 4 KiB, 1 = 2 MiB,
 * 2 = 1 GiB), walking CR3's tables through the physical-memory map at
 * `offset`; not present: bit 0 clear. */
uint64_t leaf_entry(uint64_t offset, uint64_t virt, int *level);

/* virt translated the same way (0 if unmapped). */
uint64_t walk(uint64_t offset, uint64_t virt);

static inline uint64_t read_cr0(void) { uint64_t v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static inline uint64_t read_cr3(void) { uint64_t v; __asm__ volatile("mov %%cr3, %0" : "=r"(v)); return v; }
static inline uint64_t read_cr4(void) { uint64_t v; __asm__ volatile("mov %%cr4, %0" : "=r"(v)); return v; }

#endif
