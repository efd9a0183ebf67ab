/* The BIOS front end's pure parts: the memory map from the hand-off record
 * and the RSDP scan of the BIOS areas. */
#include <stdint.h>
#include <stdlib.h>

#include "../../c/bios/memory.h"
#include "../../c/bios/rsdp.h"
#include "unit.h"

static struct embedboot_memory_region clean[MEMMAP_MAX];

/* Real mode hands over a count it never checked; only E820_MAX entries
 * exist. The record sits at the end of a heap block of its exact size, so
 * ASan stops a read past it. */
TEST(e820_count_beyond_the_array_is_clamped)
{
    struct bios_handoff *record = calloc(1, sizeof(*record));
    struct memmap map = { clean, 0, MEMMAP_MAX, 0 };

    for (unsigned i = 0; i < E820_MAX; i++)
        record->e820[i] = (struct e820_entry){ i * 0x200000ull, 0x100000, 1 + i % 2, 1 };
    record->e820_count = 5000;
    CHECK_EQ(bios_e820_count(record), E820_MAX);
    CHECK_EQ(bios_memory_map(record, &map), 0);
    CHECK_EQ(map.count, E820_MAX);                  /* usable, reserved, ... (gaps are no regions) */
    CHECK_EQ(map.region[map.count - 1].start, (E820_MAX - 1) * 0x200000ull);
    free(record);
}

TEST(e820_entries_become_a_clean_map)
{
    struct bios_handoff *record = calloc(1, sizeof(*record));
    struct memmap map = { clean, 0, MEMMAP_MAX, 0 };

    record->e820[0] = (struct e820_entry){ 0x100000, 0x7ee0000, 1, 1 };
    record->e820[1] = (struct e820_entry){ 0, 0x9fc00, 1, 1 };
    record->e820[2] = (struct e820_entry){ 0x9fc00, 0x400, 2, 1 };
    record->e820_count = 3;
    CHECK_EQ(bios_memory_map(record, &map), 0);
    CHECK_EQ(map.count, 3);
    CHECK_EQ(map.region[0].start, 0);
    CHECK_EQ(map.region[2].start, 0x100000);
    CHECK_EQ(map.region[2].kind, EMBEDBOOT_MEMORY_USABLE);
    free(record);
}

static uint8_t *low;

static void put_rsdp(uint64_t at, int revision, int break_sum)
{
    uint8_t *p = low + at;
    memset(p, 0, 36);
    memcpy(p, "RSD PTR ", 8);
    p[15] = (uint8_t)revision;
    p[20] = 36;
    uint8_t sum = 0;
    for (int i = 0; i < 20; i++)
        sum = (uint8_t)(sum + p[i]);
    p[8] = (uint8_t)(0 - sum);
    sum = 0;
    for (int i = 0; i < 36; i++)
        sum = (uint8_t)(sum + p[i]);
    p[32] = (uint8_t)(0 - sum);
    if (break_sum)
        p[break_sum] ^= 1;
}

/* The scan takes an integer for where physical 0 is (stage 4 passes 0):
 * no pointer arithmetic starts from a null pointer. */
TEST(rsdp_found_where_bios_puts_it)
{
    low = calloc(1, 0x100000);
    uintptr_t zero = (uintptr_t)low;
    CHECK_EQ(bios_find_rsdp(zero), 0);
    put_rsdp(0xf5a40, 0, 0);                       /* ACPI 1.0, BIOS area (QEMU pc) */
    CHECK_EQ(bios_find_rsdp(zero), 0xf5a40);
    low[0x40e] = 0xc0;                             /* EBDA at 0x9fc00 */
    low[0x40f] = 0x9f;
    put_rsdp(0x9fc10, 2, 0);                       /* ACPI 2.0 in the EBDA wins */
    CHECK_EQ(bios_find_rsdp(zero), 0x9fc10);
    put_rsdp(0x9fc10, 2, 25);                      /* extended checksum broken */
    CHECK_EQ(bios_find_rsdp(zero), 0xf5a40);
    put_rsdp(0xf5a40, 0, 3);                       /* signature broken */
    CHECK_EQ(bios_find_rsdp(zero), 0);
    put_rsdp(0xe0008, 0, 0);                       /* not on a 16-byte boundary */
    CHECK_EQ(bios_find_rsdp(zero), 0);
    free(low);
}

UNIT_MAIN(bios, T(e820_count_beyond_the_array_is_clamped), T(e820_entries_become_a_clean_map),
          T(rsdp_found_where_bios_puts_it))
