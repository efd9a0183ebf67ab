#include "acpi.h"

static int sums_to_zero(const volatile uint8_t *p, uint32_t n)
{
    uint8_t sum = 0;
    while (n--)
        sum = (uint8_t)(sum + *p++);
    return sum == 0;
}

uint32_t acpi_le32(const volatile uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
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
    uint32_t length = acpi_le32(p + 20);
    return length >= 36 && length <= room && sums_to_zero(p, length);
}

static uint64_t le64(const volatile uint8_t *p)
{
    return acpi_le32(p) | (uint64_t)acpi_le32(p + 4) << 32;
}

/* A table at `at` with a sane length below `limit` and a zero sum. */
static const uint8_t *valid_table(uint64_t at, uint64_t limit)
{
    const volatile uint8_t *p = (const volatile uint8_t *)at;
    if (!at || at >= limit || limit - at < sizeof(struct acpi_sdt_header))
        return 0;
    uint32_t length = acpi_le32(p + 4);
    if (length < sizeof(struct acpi_sdt_header) || length > limit - at || !sums_to_zero(p, length))
        return 0;
    return (const uint8_t *)at;
}

static int is(const uint8_t *table, const char sig[4])
{
    return table[0] == sig[0] && table[1] == sig[1] && table[2] == sig[2] && table[3] == sig[3];
}

const uint8_t *acpi_find_table(uint64_t rsdp, const char sig[4], uint64_t limit)
{
    const volatile uint8_t *r = (const volatile uint8_t *)rsdp;
    int xsdt = r[15] >= 2 && le64(r + 24) != 0;
    const uint8_t *root = valid_table(xsdt ? le64(r + 24) : acpi_le32(r + 16), limit);
    unsigned entry = xsdt ? 8 : 4;

    if (!root || !is(root, xsdt ? "XSDT" : "RSDT"))
        return 0;
    uint32_t count = (acpi_le32(root + 4) - sizeof(struct acpi_sdt_header)) / entry;
    for (uint32_t i = 0; i < count; i++) {
        const uint8_t *at = root + sizeof(struct acpi_sdt_header) + i * entry;
        const uint8_t *table = valid_table(xsdt ? le64(at) : acpi_le32(at), limit);
        if (table && is(table, sig))
            return table;
    }
    return 0;
}
