#ifndef FMT_H
#define FMT_H

#include <stdarg.h>
#include <stddef.h>

/* A small vsnprintf for freestanding code: %s %c %d %u %x with l/ll sizes,
 * a field width and the 0 flag (e.g. %016llx), and %%. Always terminates
 * the buffer when n > 0; returns the length it would have written. */
size_t fmt_vformat(char *buf, size_t n, const char *fmt, va_list ap);
size_t fmt_format(char *buf, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
