/* The processors the ACPI MADT lists (ACPI 6.5, 5.2.12): its Processor
 * Local APIC (type 0) and Processor Local x2APIC (type 9) entries. Pure:
 * the unit tests feed it tables built in memory. */
#ifndef MADT_H
#define MADT_H

#include <stdint.h>

#define MADT_MAX_CPUS 256

struct madt_cpu {
    uint32_t acpi_id;            /* type 0: the processor ID; type 9: the UID */
    uint32_t apic_id;
};

/* The enabled CPUs of the checked table `madt`, in the table's order,
 * each APIC ID once (firmware may list a CPU in both forms); at most
 * `max`. Returns how many; *more is set when some did not fit. */
unsigned madt_cpus(const uint8_t *madt, struct madt_cpu *out, unsigned max, int *more);

#endif
