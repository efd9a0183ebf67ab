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
