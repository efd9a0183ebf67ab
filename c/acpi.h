/* The ACPI RSDP. On a BIOS machine: the first KiB of the EBDA, then
 * 0xE0000-0xFFFFF, on 16-byte boundaries, checksums verified (the ACPI 1.0
 * part, and the extended one for revision 2 and later). */
#ifndef ACPI_H
#define ACPI_H

#include <stdint.h>

/* low_memory points at physical address 0 (the first MiB must be readable
 * there). Returns the RSDP's physical address, or 0. */
uint64_t acpi_find_rsdp(const volatile uint8_t *low_memory);

/* A valid RSDP at p, with `room` readable bytes there (UEFI hands us a
 * pointer; the checks are the same). */
int acpi_is_rsdp(const volatile uint8_t *p, uint64_t room);

#endif
