/* Which boot protocol a kernel file gets, read from its bytes, never from
 * its name: a Linux bzImage ("HdrS" at 0x202) the Linux one, a file with a
 * Multiboot header (ELF or flat; its checks say what is wrong with it) a
 * Multiboot one, any other ELF file the native protocol (the ELF checks
 * say what is wrong with it). */
#ifndef KERNEL_KIND_H
#define KERNEL_KIND_H

#include <stddef.h>
#include <stdint.h>

enum kernel_kind { KIND_UNKNOWN, KIND_ELF, KIND_BZIMAGE, KIND_MULTIBOOT };

enum kernel_kind kernel_kind_of(const uint8_t *file, uint64_t size);

/* Gzip's magic (1f 8b): the build decompresses such a kernel first. */
int kernel_is_gzip(const uint8_t *file, uint64_t size);

/* For a file of neither kind: the refusal, saying what it looks like. */
void kernel_kind_refusal(const uint8_t *file, uint64_t size, char *buf, size_t n);

#endif
