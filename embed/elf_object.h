/* A relocatable ELF64 object (x86-64) of data sections, each with a global
 * symbol at its start: what `nasm` made of `incbin`, written by the tool
 * that has the bytes, so the build runs one process fewer. */
#ifndef ELF_OBJECT_H
#define ELF_OBJECT_H

#include <stddef.h>
#include <stdint.h>

struct object_section {
    const char *name;       /* e.g. ".image_header": allocated, read-only data */
    const char *symbol;     /* global, at the section's first byte */
    const void *data;
    size_t size;
    uint64_t align;         /* a power of two */
};

#define OBJECT_SECTIONS_MAX 4

/* 0, or -1 with errno set (the file may be half written). */
int write_data_object(const char *path, const struct object_section *sec, unsigned n);

#endif
