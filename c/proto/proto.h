/* Kernel protocols: each back end fills its hand-off from what the core
 * decided (boot_build.h) and enters the kernel. One file per protocol. */
#ifndef PROTO_H
#define PROTO_H

#include "../boot_build.h"

/* The native protocol (include/embedboot.h, README: Boot contract): the
 * boot info around the final memory map, the contract's CPU state, the
 * jump through the hand-off page. */
__attribute__((noreturn))
void embedboot_enter(const struct boot_layout *layout, const struct memmap *final_map);

#endif
