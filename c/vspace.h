/* Choosing virtual addresses for what the loader maps besides the kernel:
 * each gets a PML4 slot (512 GiB) that no kernel segment touches. */
#ifndef VSPACE_H
#define VSPACE_H

#include <stdint.h>

#include "elf_check.h"

struct vspace {
    uint64_t used[8];        /* one bit per PML4 slot */
};

/* Slot 0 (the loader's identity-mapped pages) and the kernel's slots. */
void vspace_init(struct vspace *v, const struct load_plan *plan);

/* Mark the slots [start, start + size) touches as used. */
void vspace_mark_range(struct vspace *v, uint64_t start, uint64_t size);

/* The base address of the lowest free slot (marked used), 0 if none. */
uint64_t vspace_take_slot(struct vspace *v);

/* The same for `count` consecutive free slots in one half. */
uint64_t vspace_take_slots(struct vspace *v, unsigned count);

uint64_t vspace_slot_address(unsigned slot);

#endif
