/* The bootloader-0.9 kernel: a kernel written against the Rust crate
 * v0.9's BootInfo (include/bootloader_0_9.h), as a blog_os kernel reads it,
 * checking every field from the inside. One ELF per crate-feature
 * combination, since the layout moves with them (kernels.mk):
 *
 *   RECURSIVE   built with recursive_page_table: recursive_page_table_addr
 *   PHYSMAP     built with map_physical_memory: physical_memory_offset
 *
 * It prints the map's regions and the usable total, for the test to compare
 * with QEMU's -m. */
#include <stdint.h>

#include "bootloader_0_9.h"
#include "checks.h"
#include "kio.h"
#include "trap.h"

#define FEATURES ((RECURSIVE ? BL09_RECURSIVE_PAGE_TABLE : 0) | (PHYSMAP ? BL09_MAP_PHYSICAL_MEMORY : 0))

extern uint64_t entry_state[12];       /* entry.asm: rsp, rbp, [rsp], rflags, ..., rdi (10) */
__thread uint64_t tls_word __attribute__((used)) = 0x0909090909090909ull;   /* PT_TLS */
extern char __tdata_start[], __tdata_end[], __tbss_end[];

static const char *const type_names[] = {
    "Usable", "InUse", "Reserved", "AcpiReclaimable", "AcpiNvs", "BadMemory", "Kernel",
    "KernelStack", "PageTable", "Bootloader", "FrameZero", "Empty", "BootInfo", "Package",
};

static uint64_t field(const uint8_t *info, unsigned offset)
{
    return *(const uint64_t *)(info + offset);
}

/* Sorted, disjoint, not empty, known types, zero padding; the unused
 * entries empty; frame 0 its own region. */
static void check_map(const struct bl09_memory_map *map)
{
    uint64_t n = map->next_entry_index, usable = 0;
    int ordered = 1, known = 1, unused_empty = 1;
    unsigned seen = 0;

    check(n > 0 && n <= BL09_MEMORY_MAP_ENTRIES, "next_entry_index within the 64 entries");
    if (n > BL09_MEMORY_MAP_ENTRIES)
        n = BL09_MEMORY_MAP_ENTRIES;
    for (uint64_t i = 0; i < n; i++) {
        const struct bl09_memory_region *r = &map->entries[i];
        kprintf("bl09 kernel: region %llu: frames 0x%llx-0x%llx %s\n", (unsigned long long)i,
                (unsigned long long)r->start_frame_number, (unsigned long long)r->end_frame_number,
                r->region_type < 14 ? type_names[r->region_type] : "?");
        ordered &= r->start_frame_number < r->end_frame_number &&
                   (!i || map->entries[i - 1].end_frame_number <= r->start_frame_number);
        known &= r->region_type < 14 && r->region_type != BL09_EMPTY && r->padding == 0;
        seen |= 1u << (r->region_type & 31);
        if (r->region_type == BL09_USABLE)
            usable += r->end_frame_number - r->start_frame_number;
    }
    for (uint64_t i = n; i < BL09_MEMORY_MAP_ENTRIES; i++)
        unused_empty &= map->entries[i].start_frame_number == 0 &&
                        map->entries[i].end_frame_number == 0 &&
                        map->entries[i].region_type == BL09_EMPTY && map->entries[i].padding == 0;
    check(ordered, "regions sorted, disjoint, not empty");
    check(known, "region types known, padding zero");
    check(unused_empty, "unused entries: Empty, frames 0..0");
    check(map->entries[0].start_frame_number == 0 && map->entries[0].end_frame_number == 1 &&
              map->entries[0].region_type == BL09_FRAME_ZERO, "frame 0 is its own FrameZero region");
    unsigned want = 1u << BL09_USABLE | 1u << BL09_KERNEL | 1u << BL09_KERNEL_STACK |
                    1u << BL09_PAGE_TABLE | 1u << BL09_BOOT_INFO | 1u << BL09_RESERVED;
    check((seen & want) == want, "Usable, Kernel, KernelStack, PageTable, BootInfo, Reserved all there");
    kprintf("bl09 kernel: %llu regions, usable %llu KiB\n", (unsigned long long)n,
            (unsigned long long)(usable * 4));
}

/* The type of the region holding a physical address, or -1. */
static int type_at(const struct bl09_memory_map *map, uint64_t phys)
{
    for (uint64_t i = 0; i < map->next_entry_index && i < BL09_MEMORY_MAP_ENTRIES; i++)
        if (phys / 4096 >= map->entries[i].start_frame_number &&
            phys / 4096 < map->entries[i].end_frame_number)
            return (int)map->entries[i].region_type;
    return -1;
}

static void check_physical_map(const struct bl09_memory_map *map, const uint8_t *info)
{
    uint64_t offset = field(info, bl09_physical_memory_offset_offset(FEATURES));
    uint64_t local = 0;
    kprintf("bl09 kernel: physical_memory_offset 0x%llx\n", (unsigned long long)offset);
    uint64_t code = walk(offset, (uint64_t)check_physical_map);
    uint64_t stack = walk(offset, (uint64_t)&local);
    uint64_t boot_info = walk(offset, (uint64_t)info);
    check(code && type_at(map, code) == BL09_KERNEL, "walked through the offset: code in a Kernel region");
    check(code && *(volatile uint32_t *)(offset + code) == *(volatile uint32_t *)check_physical_map,
          "the code's bytes through the offset");
    check(stack && type_at(map, stack) == BL09_KERNEL_STACK, "the stack in a KernelStack region");
    check(boot_info && type_at(map, boot_info) == BL09_BOOT_INFO, "the boot info in a BootInfo region");
    check(type_at(map, read_cr3() & PTE_ADDR_MASK) == BL09_PAGE_TABLE, "CR3's table in a PageTable region");
}

static void check_recursive(const uint8_t *info)
{
    uint64_t addr = field(info, bl09_recursive_offset());
    unsigned r = (addr >> 12) & 511;
    uint64_t expect = (uint64_t)r << 39 | (uint64_t)r << 30 | (uint64_t)r << 21 | (uint64_t)r << 12;
    if (r >= 256)
        expect |= 0xffff000000000000ull;
    kprintf("bl09 kernel: recursive_page_table_addr 0x%llx (index %u)\n", (unsigned long long)addr, r);
    check(addr == expect && r != 0, "recursive_page_table_addr: one index in all four levels");
    const volatile uint64_t *pml4 = (const volatile uint64_t *)addr;
    check((pml4[r] & PTE_ADDR_MASK) == (read_cr3() & PTE_ADDR_MASK), "the PML4 found through it points at CR3");
}

static void check_tls(const uint8_t *info)
{
    const struct bl09_tls_template *t = (const void *)(info + bl09_tls_offset(FEATURES));
    check(t->start_addr == (uint64_t)__tdata_start &&
              t->file_size == (uint64_t)(__tdata_end - __tdata_start) &&
              t->mem_size == (uint64_t)(__tbss_end - __tdata_start) &&
              *(volatile uint64_t *)t->start_addr == 0x0909090909090909ull,
          "tls_template: the PT_TLS segment");
    check(info[bl09_tls_offset(FEATURES) + sizeof(*t)] == 0, "the trailing byte is 0");
}

void kmain(const uint8_t *info)
{
    install_idt();
    kprintf("bl09 kernel: BootInfo at 0x%llx, features%s%s\n", (unsigned long long)(uint64_t)info,
            RECURSIVE ? " recursive_page_table" : "", PHYSMAP ? " map_physical_memory" : "");
    const struct bl09_memory_map *map = (const void *)info;
    check(entry_state[10] == (uint64_t)info, "rdi: &BootInfo");
    check((entry_state[0] + 8) % 16 == 0, "rsp + 8 16-byte aligned, as after a call");
    check(read_cr0() & (1u << 16), "CR0.WP set");
    check_map(map);
    check_tls(info);
    if (PHYSMAP)
        check_physical_map(map, info);
    if (RECURSIVE)
        check_recursive(info);
    checks_finish("bl09 kernel");
}
