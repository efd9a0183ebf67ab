/* What the UEFI path needs to know about the CPU. On BIOS, stage 2 finds
 * the same in asm (asm/cpu.asm) before long mode; here we are already in
 * long mode, so only the optional features are left to look up. */
#include "../console.h"
#include "../cpu.h"
#include "../timeline.h"
#include "uefi.h"

void uefi_describe_cpu(struct boot_machine *machine)
{
    uint32_t a, b, c, d, max_ext;

    if (read_cr4() & CR4_LA57)
        panic("the firmware runs with 5-level paging; embedboot builds 4-level page tables");
    cpuid(1, &a, &b, &c, &d);
    machine->pat = (d >> 16) & 1;
    cpuid(0x80000000, &max_ext, &b, &c, &d);
    if (max_ext >= 0x80000001) {
        cpuid(0x80000001, &a, &b, &c, &d);
        machine->nx = (d >> 20) & 1;
        machine->pages_1g = (d >> 26) & 1;
    }
}

uint64_t uefi_tsc_frequency(void)
{
    uint64_t hz = tsc_frequency_from_cpuid();
    if (hz)
        return hz;
    uint64_t start = rdtsc();
    if (uefi.bs->stall(2000) != EFI_SUCCESS)         /* 2 ms by the firmware's timer */
        return 0;
    return (rdtsc() - start) * 500;
}
