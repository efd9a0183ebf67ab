#include "rsdp.h"

#include "../acpi.h"

#define BDA_EBDA_SEGMENT 0x40e
#define EBDA_LOW         0x80000
#define EBDA_END         0xa0000
#define BIOS_AREA        0xe0000
#define BIOS_AREA_END    0x100000

/* Physical `address` as a pointer. Made from an integer each time: in
 * stage 4 physical_zero is 0, and arithmetic on a null pointer is
 * undefined even where address 0 is mapped. */
static const volatile uint8_t *at(uintptr_t physical_zero, uint64_t address)
{
    return (const volatile uint8_t *)(physical_zero + (uintptr_t)address);
}

static uint64_t scan(uintptr_t physical_zero, uint64_t from, uint64_t to)
{
    for (uint64_t a = from; a + 20 <= to; a += 16)
        if (acpi_is_rsdp(at(physical_zero, a), to - a))
            return a;
    return 0;
}

uint64_t bios_find_rsdp(uintptr_t physical_zero)
{
    const volatile uint8_t *segment = at(physical_zero, BDA_EBDA_SEGMENT);
    uint64_t ebda = (uint64_t)(segment[0] | segment[1] << 8) << 4;
    uint64_t found = 0;
    if (ebda >= EBDA_LOW && ebda < EBDA_END)
        found = scan(physical_zero, ebda, ebda + 1024 < EBDA_END ? ebda + 1024 : EBDA_END);
    return found ? found : scan(physical_zero, BIOS_AREA, BIOS_AREA_END);
}
