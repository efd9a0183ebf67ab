/* The ACPI RSDP's checks (ACPI 6.5, 5.2.5.3): the signature, the ACPI 1.0
 * checksum, and the extended one for revision 2 and later. Each front end
 * finds candidates its own way (c/bios/rsdp.c, c/uefi/tables.c). */
#ifndef ACPI_H
#define ACPI_H

#include <stdint.h>

/* The little-endian 32-bit value at p (tables need not be aligned). */
uint32_t acpi_le32(const volatile uint8_t *p);

/* A valid RSDP at p, with `room` readable bytes there. */
int acpi_is_rsdp(const volatile uint8_t *p, uint64_t room);

/* The system description table with signature `sig` ("APIC") that the
 * RSDP's XSDT (or, before ACPI 2.0, RSDT) lists, its checksum verified;
 * 0 if there is none. Tables at or above `limit` are not read (the BIOS
 * front end maps the first 4 GiB). Physical addresses are pointers. */
const uint8_t *acpi_find_table(uint64_t rsdp, const char sig[4], uint64_t limit);

/* Every system description table starts so (ACPI 6.5, 5.2.6). */
struct acpi_sdt_header {
    char signature[4];
    uint32_t length;              /* the whole table, header included */
    uint8_t revision, checksum;
    char oem_id[6], oem_table_id[8];
    uint32_t oem_revision, creator_id, creator_revision;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_sdt_header) == 36, "SDT header layout");

#endif
