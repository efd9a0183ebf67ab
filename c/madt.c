#include "madt.h"

#include "acpi.h"

#define MADT_ENTRIES       (sizeof(struct acpi_sdt_header) + 8)   /* after the LAPIC address and flags */
#define MADT_LOCAL_APIC    0
#define MADT_LOCAL_X2APIC  9
#define MADT_ENABLED       1u        /* flags bit 0; bit 1 (online capable) is a hot-plug slot */

static int listed(const struct madt_cpu *cpus, unsigned n, uint32_t apic_id)
{
    for (unsigned i = 0; i < n; i++)
        if (cpus[i].apic_id == apic_id)
            return 1;
    return 0;
}

/* One entry as a CPU, if it is an enabled processor. */
static int entry_cpu(const uint8_t *e, uint8_t length, struct madt_cpu *cpu)
{
    if (e[0] == MADT_LOCAL_APIC && length >= 8 && (acpi_le32(e + 4) & MADT_ENABLED)) {
        *cpu = (struct madt_cpu){ e[2], e[3] };
        return 1;
    }
    if (e[0] == MADT_LOCAL_X2APIC && length >= 16 && (acpi_le32(e + 8) & MADT_ENABLED)) {
        *cpu = (struct madt_cpu){ acpi_le32(e + 12), acpi_le32(e + 4) };
        return 1;
    }
    return 0;
}

unsigned madt_cpus(const uint8_t *madt, struct madt_cpu *out, unsigned max, int *more)
{
    uint32_t length = acpi_le32(madt + 4);
    unsigned n = 0;

    *more = 0;
    for (uint32_t at = MADT_ENTRIES; at + 2 <= length; at += madt[at + 1]) {
        uint8_t entry_length = madt[at + 1];
        struct madt_cpu cpu;
        if (entry_length < 2 || entry_length > length - at)
            break;                            /* a broken entry: nothing after it is trusted */
        if (!entry_cpu(madt + at, entry_length, &cpu) || listed(out, n, cpu.apic_id))
            continue;
        if (n == max) {
            *more = 1;
            continue;
        }
        out[n++] = cpu;
    }
    return n;
}
