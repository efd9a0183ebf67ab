/* The kernel's function symbols for the fault catcher, taken at boot from
 * the checked kernel blob's own .symtab (the build strips only debug
 * information): struct catcher_symbol[] sorted by address, then the names.
 * Pure: the unit tests run it on the host. */
#ifndef KSYMS_H
#define KSYMS_H

#include <stdint.h>

/* Bytes the table needs for this ELF file (0: no symbol table, or no
 * function in it). */
uint64_t ksyms_bytes(const uint8_t *elf, uint64_t size);

/* The table into `out` (ksyms_bytes bytes, 8-byte aligned), each address
 * moved by `slide` (a relocated kernel's); returns the number of symbols;
 * the names begin after that many entries. */
uint64_t ksyms_build(const uint8_t *elf, uint64_t size, uint64_t slide, uint8_t *out);

#endif
