/* Whole-file reading for the host tools. */
#ifndef READFILE_H
#define READFILE_H

#include <stddef.h>

/* The file's bytes, malloc'd and NUL-terminated after `size` bytes (so an
 * empty file is a valid buffer), or NULL with a reason in *why. For text
 * the tools parse; a payload is only read: map_file. */
void *read_file(const char *path, size_t *size, char **why);

/* A payload's bytes, read-only, mapped with its page tables filled at once
 * (MAP_POPULATE): for a 64 MiB kernel 20 ms where malloc and read take
 * 290 ms in page faults. Not NUL-terminated. NULL with a reason in *why;
 * an empty file maps to a valid one-byte buffer. Release with unmap_file. */
const void *map_file(const char *path, size_t *size, char **why);
void unmap_file(const void *bytes, size_t size);

#endif
