/* Kernel protocols: each back end fills its hand-off from what the core
 * decided (boot_build.h) and enters the kernel. One file per protocol. */
#ifndef PROTO_H
#define PROTO_H

#include "../boot_build.h"

/* asm/handoff.asm as linked. Its page is copied to where it runs
 * (machine->handoff_start), so each entry routine moves with it. Routines
 * are declared as bytes: taking a function's address would make
 * position-independent code load it from a GOT, which the PE link lacks. */
extern const uint8_t handoff_start[];

static inline uint64_t handoff_address(const struct boot_machine *machine, const uint8_t *routine)
{
    return machine->handoff_start + (uint64_t)(routine - handoff_start);
}

/* The native protocol (include/embedboot.h, README: Boot contract): the
 * boot info around the final memory map, the contract's CPU state, the
 * jump through the hand-off page. */
__attribute__((noreturn))
void embedboot_enter(const struct boot_layout *layout, const struct memmap *final_map);

/* The Rust bootloader crate v0.9's boot info (bootloader09.c, README:
 * Coming from bootimage and bootloader 0.9) in the native protocol's boot
 * info pages, for embedboot_enter. */
void bootloader09_fill_boot_info(const struct boot_layout *layout, const struct memmap *final_map);

/* Multiboot 1 and 2 (multiboot.c, README: Multiboot kernels and modules):
 * the kernel at its physical addresses, modules and the information area
 * below 4 GiB; at the entry the information, then 32-bit protected mode
 * with paging off. */
uint64_t multiboot_pages_needed(struct boot_layout *layout);
void multiboot_build(struct boot_layout *layout, const struct boot_payloads *payloads);
void multiboot_log_layout(const struct boot_layout *layout);
__attribute__((noreturn))
void multiboot_enter(const struct boot_layout *layout, const struct memmap *final_map);

/* The Linux 64-bit boot protocol (linux.c, README: Booting Linux). */
uint64_t linux_pages_needed(struct boot_layout *layout);    /* the frames it takes */
void linux_build(struct boot_layout *layout, const struct boot_payloads *payloads);
void linux_log_layout(const struct boot_layout *layout);
/* The zero page's memory map from the final one, the firmware's tables,
 * then the 64-bit entry. */
__attribute__((noreturn))
void linux_enter(const struct boot_layout *layout, const struct memmap *final_map);

#endif
