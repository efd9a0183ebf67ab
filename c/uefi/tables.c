/* The ACPI RSDP on UEFI: the system table's configuration table lists it
 * under the ACPI 2.0 GUID (preferred, it has the XSDT) or the 1.0 one. */
#include <string.h>

#include "../acpi.h"
#include "uefi.h"

static uint64_t find(const struct efi_guid *guid)
{
    const struct efi_system_table *st = uefi.st;
    for (uint64_t i = 0; i < st->table_entries; i++) {
        const struct efi_configuration_table *t = &st->tables[i];
        if (!memcmp(&t->guid, guid, sizeof(*guid)) &&
            acpi_is_rsdp((const volatile uint8_t *)t->table, 4096))
            return (uint64_t)t->table;
    }
    return 0;
}

uint64_t uefi_find_rsdp(void)
{
    static const struct efi_guid acpi20 = EFI_ACPI_20_TABLE_GUID, acpi10 = EFI_ACPI_10_TABLE_GUID;
    uint64_t rsdp = find(&acpi20);
    return rsdp ? rsdp : find(&acpi10);
}
