#include "acpi.h"

static int sums_to_zero(const volatile uint8_t *p, uint32_t n)
{
    uint8_t sum = 0;
    while (n--)
        sum = (uint8_t)(sum + *p++);
    return sum == 0;
}

int acpi_is_rsdp(const volatile uint8_t *p, uint64_t room)
{
    static const char sig[8] = { 'R', 'S', 'D', ' ', 'P', 'T', 'R', ' ' };
    for (int i = 0; i < 8; i++)
        if (p[i] != (uint8_t)sig[i])
            return 0;
    if (!sums_to_zero(p, 20))
        return 0;
    if (p[15] < 2)                                   /* ACPI 1.0: 20 bytes */
        return 1;
    uint32_t length = p[20] | p[21] << 8 | p[22] << 16 | (uint32_t)p[23] << 24;
    return length >= 36 && length <= room && sums_to_zero(p, length);
}

static uint64_t scan(const volatile uint8_t *low, uint64_t from, uint64_t to)
{
    for (uint64_t a = from; a + 20 <= to; a += 16)
        if (acpi_is_rsdp(low + a, to - a))
            return a;
    return 0;
}

uint64_t acpi_find_rsdp(const volatile uint8_t *low)
{
    uint64_t ebda = (uint64_t)(low[0x40e] | low[0x40f] << 8) << 4;
    uint64_t found = 0;
    if (ebda >= 0x80000 && ebda < 0xa0000)
        found = scan(low, ebda, ebda + 1024 < 0xa0000 ? ebda + 1024 : 0xa0000);
    return found ? found : scan(low, 0xe0000, 0x100000);
}
