/* The ACPI RSDP on a BIOS machine: the first KiB of the EBDA, then
 * 0xE0000-0xFFFFF, on 16-byte boundaries, checksums verified (acpi.h). */
#ifndef BIOS_RSDP_H
#define BIOS_RSDP_H

#include <stdint.h>

/* The first MiB of physical memory is readable at the address
 * `physical_zero` (0 in stage 4's identity map; a buffer in the host
 * tests). Returns the RSDP's physical address, or 0. */
uint64_t bios_find_rsdp(uintptr_t physical_zero);

#endif
