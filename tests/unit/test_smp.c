/* The CPUs the ACPI MADT lists (c/madt.c), found through the RSDP's XSDT
 * or RSDT (c/acpi.c), on tables built in memory. */
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "../../c/acpi.h"
#include "../../c/madt.h"
#include "unit.h"

static uint8_t madt[512];
static uint32_t madt_length;

static void checksum(uint8_t *table, uint32_t length)
{
    uint8_t sum = 0;
    table[9] = 0;
    for (uint32_t i = 0; i < length; i++)
        sum = (uint8_t)(sum + table[i]);
    table[9] = (uint8_t)-sum;
}

static void header(uint8_t *t, const char *sig, uint32_t length)
{
    memcpy(t, sig, 4);
    memcpy(t + 4, &length, 4);
}

static void madt_begin(void)
{
    memset(madt, 0, sizeof(madt));
    madt_length = 44;                                  /* header, LAPIC address, flags */
}

static void add(const uint8_t *entry, uint8_t length)
{
    memcpy(madt + madt_length, entry, length);
    madt_length += length;
    header(madt, "APIC", madt_length);
    checksum(madt, madt_length);
}

static void local_apic(uint8_t acpi_id, uint8_t apic_id, uint32_t flags)
{
    uint8_t e[8] = { 0, 8, acpi_id, apic_id };
    memcpy(e + 4, &flags, 4);
    add(e, 8);
}

static void local_x2apic(uint32_t apic_id, uint32_t flags, uint32_t uid)
{
    uint8_t e[16] = { 9, 16 };
    memcpy(e + 4, &apic_id, 4);
    memcpy(e + 8, &flags, 4);
    memcpy(e + 12, &uid, 4);
    add(e, 16);
}

TEST(enabled_cpus_in_order_each_once)
{
    struct madt_cpu cpu[8];
    int more;
    madt_begin();
    local_apic(0, 0, 1);
    local_apic(1, 2, 1);
    local_apic(2, 4, 0);                               /* disabled */
    local_apic(3, 6, 2);                               /* online capable only: a hot-plug slot */
    uint8_t io_apic[12] = { 1, 12 };
    add(io_apic, 12);                                  /* not a CPU */
    local_x2apic(2, 1, 9);                             /* the same CPU again */
    local_x2apic(300, 1, 10);                          /* only as an x2APIC */
    unsigned n = madt_cpus(madt, cpu, 8, &more);
    CHECK_EQ(n, 3);
    CHECK_EQ(more, 0);
    CHECK(cpu[0].apic_id == 0 && cpu[1].apic_id == 2 && cpu[1].acpi_id == 1);
    CHECK(cpu[2].apic_id == 300 && cpu[2].acpi_id == 10);
    CHECK_EQ(madt_cpus(madt, cpu, 2, &more), 2);
    CHECK_EQ(more, 1);
}

TEST(broken_entries_end_the_walk)
{
    struct madt_cpu cpu[8];
    int more;
    madt_begin();
    local_apic(0, 0, 1);
    uint8_t zero[2] = { 0, 0 };                        /* length 0: would loop forever */
    add(zero, 2);
    local_apic(1, 1, 1);
    CHECK_EQ(madt_cpus(madt, cpu, 8, &more), 1);
    madt_begin();
    local_apic(0, 0, 1);
    uint8_t long_entry[4] = { 0, 200 };                /* past the table's end */
    add(long_entry, 4);
    CHECK_EQ(madt_cpus(madt, cpu, 8, &more), 1);
    uint8_t short_entry[4] = { 0, 4, 1, 1 };           /* too short for a local APIC */
    madt_begin();
    add(short_entry, 4);
    CHECK_EQ(madt_cpus(madt, cpu, 8, &more), 0);
}

/* RSDP -> XSDT (or RSDT) -> [FACP, APIC], in a page below 4 GiB (an
 * RSDT holds 32-bit addresses). */
static uint8_t *low, *rsdp, *root, *facp, *madt_low;

static void tables(int revision)
{
    if (!low) {
        low = mmap((void *)0x20000000, 4096, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
        rsdp = low, root = low + 64, facp = low + 256, madt_low = low + 512;
    }
    memset(low, 0, 4096);
    memcpy(madt_low, madt, madt_length);
    uint64_t entries[2] = { (uint64_t)(uintptr_t)facp, (uint64_t)(uintptr_t)madt_low };
    uint32_t entries32[2] = { (uint32_t)entries[0], (uint32_t)entries[1] };
    memcpy(rsdp, "RSD PTR ", 8);
    rsdp[15] = (uint8_t)revision;
    header(facp, "FACP", 36);
    checksum(facp, 36);
    if (revision >= 2) {
        header(root, "XSDT", 36 + 16);
        memcpy(root + 36, entries, 16);
        checksum(root, 36 + 16);
        uint64_t at = (uint64_t)(uintptr_t)root;
        memcpy(rsdp + 24, &at, 8);
    } else {
        header(root, "RSDT", 36 + 8);
        memcpy(root + 36, entries32, 8);
        checksum(root, 36 + 8);
        uint32_t at = (uint32_t)(uintptr_t)root;
        memcpy(rsdp + 16, &at, 4);
    }
}

static const uint8_t *find(const char *sig, uint64_t limit)
{
    return acpi_find_table((uint64_t)(uintptr_t)rsdp, sig, limit);
}

TEST(madt_found_through_the_xsdt)
{
    madt_begin();
    local_apic(0, 0, 1);
    tables(2);
    CHECK(low == (uint8_t *)0x20000000);
    CHECK(find("APIC", UINT64_MAX) == madt_low);
    CHECK(find("FACP", UINT64_MAX) == facp);
    CHECK(find("HPET", UINT64_MAX) == 0);
    CHECK(find("APIC", (uint64_t)(uintptr_t)madt_low) == 0);       /* beyond what may be read */
    madt_low[20] ^= 1;                                 /* a bad checksum: not trusted */
    CHECK(find("APIC", UINT64_MAX) == 0);
}

TEST(madt_found_through_the_rsdt)
{
    madt_begin();
    local_apic(0, 0, 1);
    tables(0);
    CHECK(find("APIC", UINT64_MAX) == madt_low);
    root[0] = 'X';                                     /* not an RSDT */
    CHECK(find("APIC", UINT64_MAX) == 0);
}

UNIT_MAIN(smp, T(enabled_cpus_in_order_each_once), T(broken_entries_end_the_walk),
          T(madt_found_through_the_xsdt), T(madt_found_through_the_rsdt))
