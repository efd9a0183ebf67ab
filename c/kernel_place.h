/* Where a relocatable kernel goes: a base in [start, start + size) in
 * steps of its alignment, its whole span inside the range and clear of
 * the regions to avoid. KASLR picks one of those bases uniformly at
 * random; without it the range is the fixed base alone. Pure: the host
 * asks whether there is any room, the core picks. */
#ifndef KERNEL_PLACE_H
#define KERNEL_PLACE_H

#include <stdint.h>

#include "elf_check.h"

#define KERNEL_PLACE_AVOID 8

struct kernel_place {
    uint64_t link_base;          /* the kernel's lowest page, aligned down to its alignment */
    uint64_t span;               /* bytes from there to the end of its last segment */
    uint64_t first, step, count; /* candidate bases: first + k * step, k < count */
    unsigned avoid_count;
    struct { uint64_t lo, hi; } avoid[KERNEL_PLACE_AVOID];   /* excluded k, inclusive, sorted */
};

/* Bytes from the kernel's lowest page, aligned down to its alignment, to
 * the end of its last segment: what a base must have room for. */
uint64_t kernel_place_span(const struct load_plan *plan);

/* The candidates for `plan` in the range (size 0: none). */
void kernel_place_init(struct kernel_place *p, const struct load_plan *plan, uint64_t start,
                       uint64_t size);

/* No base whose span meets [start, start + bytes). */
void kernel_place_avoid(struct kernel_place *p, uint64_t start, uint64_t bytes);

/* How many bases remain. */
uint64_t kernel_place_choices(const struct kernel_place *p);

/* The base numbered random % choices among those remaining (choices > 0). */
uint64_t kernel_place_pick(const struct kernel_place *p, uint64_t random);

#endif
