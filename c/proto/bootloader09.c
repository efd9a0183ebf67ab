/* The Rust bootloader crate v0.9's boot info for an ELF kernel built for
 * it (BOOT_INFO=bootloader-0.9): the native protocol's layout and entry,
 * with v0.9.33's BootInfo where embedboot's would be. */
#include "../console.h"
#include "../page.h"
#include "bootloader09_info.h"
#include "proto.h"

/* The PML4 through the recursive entry: index r in all four levels. */
static uint64_t recursive_table_address(unsigned r)
{
    uint64_t a = (uint64_t)r << 39 | (uint64_t)r << 30 | (uint64_t)r << 21 | (uint64_t)r << 12;
    return (a & (1ull << 47)) ? a | 0xffff000000000000ull : a;
}

void bootloader09_fill_boot_info(const struct boot_layout *layout, const struct memmap *final_map)
{
    const struct load_plan *plan = &layout->plan;
    struct bl09_input in = {
        .map = final_map,
        .features = (layout->has_recursive ? BL09_RECURSIVE_PAGE_TABLE : 0) |
                    (layout->has_phys_map ? BL09_MAP_PHYSICAL_MEMORY : 0),
        .recursive_page_table_addr = recursive_table_address(layout->recursive_index),
        .physical_memory_offset = layout->phys_offset,
    };
    if (plan->has_tls)
        in.tls = (struct bl09_tls_template){ plan->tls.p_vaddr, plan->tls.p_filesz,
                                             plan->tls.p_memsz };
    uint8_t *pages = (uint8_t *)layout->info_phys;
    unsigned needed = bl09_fill(pages, &in, (void *)(pages + boot_info_scratch_offset(layout)),
                                layout->max_regions + 1);
    if (needed)
        panic("the bootloader-0.9 memory map needs %u regions, more than the 64 it has room "
              "for", needed);
}
