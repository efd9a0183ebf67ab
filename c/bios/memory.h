/* The BIOS memory map: stage 2's raw entries (E820, or E801/88h turned into
 * E820 form) as a clean map. Host-testable. */
#ifndef BIOS_MEMORY_H
#define BIOS_MEMORY_H

#include "../memmap.h"
#include "handoff.h"

/* Clean map of the record's entries into *out. The count comes from real
 * mode and is not trusted: at most E820_MAX entries are read. Returns 0,
 * or -1 if the clean map does not fit. */
int bios_memory_map(const struct bios_handoff *handoff, struct memmap *out);

/* The record's count as far as it can be used (at most E820_MAX). */
unsigned bios_e820_count(const struct bios_handoff *handoff);

#endif
