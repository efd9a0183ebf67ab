/* Finding the ACPI RSDP on a BIOS machine: the first KiB of the EBDA, then
 * 0xE0000-0xFFFFF, on 16-byte boundaries, checksums verified (the ACPI 1.0
 * part, and the extended one for revision 2 and later). */
#ifndef ACPI_H
#define ACPI_H

#include <stdint.h>

/* low_memory points at physical address 0 (the first MiB must be readable
 * there). Returns the RSDP's physical address, or 0. */
uint64_t acpi_find_rsdp(const volatile uint8_t *low_memory);

#endif
