/* What the UEFI path needs to know about the CPU. On BIOS, stage 2 finds
 * the same in asm (asm/cpu.asm) before long mode; here we are already in
 * long mode, so only the optional features are left to look up. */
#include "../console.h"
#include "uefi.h"

#define CR4_LA57 (1ull << 12)

static void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
    __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(0));
}

void uefi_describe_cpu(struct boot_machine *m)
{
    uint32_t a, b, c, d, max_ext;
    uint64_t cr4;

    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    if (cr4 & CR4_LA57)
        panic("the firmware runs with 5-level paging; embedboot builds 4-level page tables");
    cpuid(1, &a, &b, &c, &d);
    m->pat = (d >> 16) & 1;
    cpuid(0x80000000, &max_ext, &b, &c, &d);
    if (max_ext >= 0x80000001) {
        cpuid(0x80000001, &a, &b, &c, &d);
        m->nx = (d >> 20) & 1;
        m->pages_1g = (d >> 26) & 1;
    }
}
