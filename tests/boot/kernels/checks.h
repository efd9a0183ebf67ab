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

static inline uint64_t read_cr0(void) { uint64_t v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static inline uint64_t read_cr3(void) { uint64_t v; __asm__ volatile("mov %%cr3, %0" : "=r"(v)); return v; }
static inline uint64_t read_cr4(void) { uint64_t v; __asm__ volatile("mov %%cr4, %0" : "=r"(v)); return v; }

#endif
