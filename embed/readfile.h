/* Whole-file reading for the host tools. */
#ifndef READFILE_H
#define READFILE_H

#include <stddef.h>

/* The file's bytes (malloc'd; at least one byte allocated so an empty file
 * is a valid buffer), or NULL with a reason in *why. */
void *read_file(const char *path, size_t *size, char **why);

#endif
