/* The Rust crate v0.9's boot info: its memory map from the core's, and
 * the layout that moves with the crate features. */
#include <stdint.h>
#include <string.h>

#include "../../c/proto/bootloader09_info.h"
#include "unit.h"

static struct embedboot_memory_region regions[200];
static struct bl09_memory_region scratch[201];
static uint8_t info[2048] __attribute__((aligned(8)));

static struct bl09_input input(unsigned count, unsigned features)
{
    static struct memmap map;
    map = (struct memmap){ regions, count, 200, NULL };
    return (struct bl09_input){ .map = &map, .features = features };
}

static void region(unsigned i, uint64_t start, uint64_t length, uint32_t kind)
{
    regions[i] = (struct embedboot_memory_region){ start, length, kind, 0 };
}

TEST(layout_moves_with_the_features)
{
    CHECK_EQ(bl09_tls_offset(0), 1544);
    CHECK_EQ(bl09_boot_info_size(0), 1576);
    CHECK_EQ(bl09_recursive_offset(), 1544);
    CHECK_EQ(bl09_physical_memory_offset_offset(BL09_MAP_PHYSICAL_MEMORY), 1544);
    CHECK_EQ(bl09_tls_offset(BL09_MAP_PHYSICAL_MEMORY), 1552);
    CHECK_EQ(bl09_physical_memory_offset_offset(BL09_RECURSIVE_PAGE_TABLE | BL09_MAP_PHYSICAL_MEMORY), 1552);
    CHECK_EQ(bl09_tls_offset(BL09_RECURSIVE_PAGE_TABLE | BL09_MAP_PHYSICAL_MEMORY), 1560);
    CHECK_EQ(bl09_boot_info_size(BL09_RECURSIVE_PAGE_TABLE | BL09_MAP_PHYSICAL_MEMORY), 1592);
}

/* A BIOS-like map: RAM below 640 KiB not page-aligned at its end, the
 * loader's kinds, a framebuffer (dropped), an unknown type (reserved). */
TEST(map_is_converted_as_v0_9_gives_it)
{
    region(0, 0, 0x9fc00, EMBEDBOOT_MEMORY_BOOTLOADER);
    region(1, 0x9fc00, 0x400, EMBEDBOOT_MEMORY_RESERVED);
    region(2, 0x100000, 0x6000, EMBEDBOOT_MEMORY_KERNEL);
    region(3, 0x106000, 0x1000, EMBEDBOOT_MEMORY_PAGE_TABLES);
    region(4, 0x107000, 0x1800, EMBEDBOOT_MEMORY_USABLE);     /* 1.5 pages: one whole frame */
    region(5, 0x108800, 0x800, EMBEDBOOT_MEMORY_ACPI_NVS);    /* grows to the frame 0x108 */
    region(6, 0x109000, 0x100000, EMBEDBOOT_MEMORY_USABLE);
    region(7, 0x209000, 0x1000, EMBEDBOOT_MEMORY_USABLE);     /* touching: joined */
    region(8, 0xfd000000, 0x300000, EMBEDBOOT_MEMORY_FRAMEBUFFER);
    region(9, 0xfffc0000, 0x40000, EMBEDBOOT_MEMORY_UNKNOWN);
    region(10, 0x100000000, 0x1000, EMBEDBOOT_MEMORY_MODULE);
    struct bl09_input in = input(11, 0);
    unsigned n = bl09_convert_map(&in, scratch, 12);
    const struct bl09_memory_region want[] = {
        { 0, 1, BL09_FRAME_ZERO, 0 },     { 1, 0xa0, BL09_BOOTLOADER, 0 },
        { 0x100, 0x106, BL09_KERNEL, 0 }, { 0x106, 0x107, BL09_PAGE_TABLE, 0 },
        { 0x107, 0x108, BL09_USABLE, 0 }, { 0x108, 0x109, BL09_ACPI_NVS, 0 },
        { 0x109, 0x20a, BL09_USABLE, 0 }, { 0xfffc0, 0x100000, BL09_RESERVED, 0 },
        { 0x100000, 0x100001, BL09_PACKAGE, 0 },
    };
    CHECK_EQ(n, sizeof(want) / sizeof(want[0]));
    for (unsigned i = 0; i < n && i < sizeof(want) / sizeof(want[0]); i++) {
        CHECK_EQ(scratch[i].start_frame_number, want[i].start_frame_number);
        CHECK_EQ(scratch[i].end_frame_number, want[i].end_frame_number);
        CHECK_EQ(scratch[i].region_type, want[i].region_type);
    }
    /* The Bootloader region ended mid-frame at 0x9fc00 and grew to 0xa0;
     * the reserved 0x9fc00-0xa0000 then had nothing left of its own. */
}

/* A usable region that a neighbour grown to whole frames swallows. */
TEST(usable_gives_way_to_grown_neighbours)
{
    region(0, 0x1000, 0x1000, EMBEDBOOT_MEMORY_USABLE);
    region(1, 0x2000, 0x10, EMBEDBOOT_MEMORY_RESERVED);
    region(2, 0x2010, 0xff0, EMBEDBOOT_MEMORY_USABLE);       /* less than a frame: nothing */
    region(3, 0x3000, 0x2000, EMBEDBOOT_MEMORY_USABLE);
    struct bl09_input in = input(4, 0);
    unsigned n = bl09_convert_map(&in, scratch, 5);
    CHECK_EQ(n, 4);                                          /* with FrameZero first */
    CHECK_EQ(scratch[0].region_type, BL09_FRAME_ZERO);
    CHECK_EQ(scratch[1].start_frame_number, 1);
    CHECK_EQ(scratch[1].end_frame_number, 2);
    CHECK_EQ(scratch[2].region_type, BL09_RESERVED);
    CHECK_EQ(scratch[2].start_frame_number, 2);
    CHECK_EQ(scratch[2].end_frame_number, 3);
    CHECK_EQ(scratch[3].start_frame_number, 3);
    CHECK_EQ(scratch[3].end_frame_number, 5);
}

/* More than 64: reserved regions with holes between them are joined;
 * usable ones never are, and then the fill says how many it needs. */
TEST(too_many_regions_are_joined_where_safe_or_refused)
{
    for (unsigned i = 0; i < 100; i++)
        region(i, 0x100000 + i * 0x2000ull, 0x1000, EMBEDBOOT_MEMORY_RESERVED);
    struct bl09_input in = input(100, 0);
    CHECK_EQ(bl09_fill(info, &in, scratch, 101), 0);
    const struct bl09_memory_map *map = (const void *)info;
    CHECK_EQ(map->next_entry_index, 64);                     /* joined only as far as needed */
    CHECK_EQ(map->entries[63].region_type, BL09_RESERVED);
    CHECK_EQ(map->entries[63].end_frame_number, (0x100000 + 99 * 0x2000 + 0x1000) / 4096);
    for (unsigned i = 1; i < 64; i++)
        CHECK(map->entries[i].start_frame_number >= map->entries[i - 1].end_frame_number);

    for (unsigned i = 0; i < 100; i++)
        region(i, 0x100000 + i * 0x2000ull, 0x1000,
               i % 2 ? EMBEDBOOT_MEMORY_USABLE : EMBEDBOOT_MEMORY_ACPI_RECLAIMABLE);
    CHECK_EQ(bl09_fill(info, &in, scratch, 101), 101);         /* 100 and FrameZero */
}

TEST(fields_after_the_map)
{
    region(0, 0, 0x100000, EMBEDBOOT_MEMORY_BOOTLOADER);
    region(1, 0x100000, 0x100000, EMBEDBOOT_MEMORY_USABLE);
    struct bl09_input in = input(2, BL09_RECURSIVE_PAGE_TABLE | BL09_MAP_PHYSICAL_MEMORY);
    in.recursive_page_table_addr = 0xffffff7fbfdfe000ull;
    in.physical_memory_offset = 0x18000000000ull;
    in.tls = (struct bl09_tls_template){ 0xffffffff80003000ull, 8, 24 };
    memset(info, 0xee, sizeof(info));
    CHECK_EQ(bl09_fill(info, &in, scratch, 3), 0);
    uint64_t v;
    memcpy(&v, info + 1536, 8);
    CHECK_EQ(v, 3);                                         /* next_entry_index */
    memcpy(&v, info + 1544, 8);
    CHECK_EQ(v, 0xffffff7fbfdfe000ull);
    memcpy(&v, info + 1552, 8);
    CHECK_EQ(v, 0x18000000000ull);
    memcpy(&v, info + 1560, 8);
    CHECK_EQ(v, 0xffffffff80003000ull);
    memcpy(&v, info + 1576, 8);
    CHECK_EQ(v, 24);
    CHECK_EQ(info[1584], 0);                                /* the trailing u8 and padding */
    CHECK_EQ(info[1591], 0);
    CHECK_EQ(info[1592], 0xee);                             /* nothing beyond the struct */
}

UNIT_MAIN(bootloader09, T(layout_moves_with_the_features), T(map_is_converted_as_v0_9_gives_it),
          T(usable_gives_way_to_grown_neighbours), T(too_many_regions_are_joined_where_safe_or_refused),
          T(fields_after_the_map))
