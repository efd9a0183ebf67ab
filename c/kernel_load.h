/* Copy the kernel's segments into its frames and map them. Firmware-neutral:
 * the frames and the page-table environment come from the caller. */
#ifndef KERNEL_LOAD_H
#define KERNEL_LOAD_H

#include <stdint.h>

#include "elf_check.h"
#include "paging.h"

/* `image` is the validated ELF, `base` the first of plan->pages contiguous
 * frames. Every byte of those frames ends up either file data or zero
 * (BSS, gaps, page tails), whatever the frames held before. `base` may be
 * image + load_plan_in_place_offset(plan) (c/elf_check.h): then the file
 * data is already in place and the frames are the file's own pages. */
enum pt_error kernel_load(const struct load_plan *plan, const uint8_t *image, uint64_t base,
                          const struct pt_env *env, uint64_t pml4);

/* After kernel_load of a plan slid by `slide` (load_plan_slide): write
 * each of its checked relocations into the frames. */
void kernel_relocate(const struct load_plan *plan, const uint8_t *image, uint64_t base,
                     const struct pt_env *env, uint64_t slide);

#endif
