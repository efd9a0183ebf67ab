/* The ACPI RSDP's checks (ACPI 6.5, 5.2.5.3): the signature, the ACPI 1.0
 * checksum, and the extended one for revision 2 and later. Each front end
 * finds candidates its own way (c/bios/rsdp.c, c/uefi/tables.c). */
#ifndef ACPI_H
#define ACPI_H

#include <stdint.h>

/* A valid RSDP at p, with `room` readable bytes there. */
int acpi_is_rsdp(const volatile uint8_t *p, uint64_t room);

#endif
