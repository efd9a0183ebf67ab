/* The formatting half of the console, shared by the BIOS stage 4 and the
 * UEFI application: each front end provides console_write (where text
 * goes) and console_stop (what happens after an error's message). */
#include "console.h"

#include <stdarg.h>

#include "fmt.h"

static void vprint(const char *fmt, va_list ap)
{
    char line[256];
    fmt_vformat(line, sizeof(line), fmt, ap);
    console_write(line);
}

void console_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprint(fmt, ap);
    va_end(ap);
}

__attribute__((noreturn))
static void vpanic(enum panic_kind kind, const char *fmt, va_list ap)
{
    console_write("embedboot: error: ");
    vprint(fmt, ap);
    console_write("\n");
    console_stop(kind);
}

void panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vpanic(PANIC_BAD_IMAGE, fmt, ap);
}

void panic_as(enum panic_kind kind, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vpanic(kind, fmt, ap);
}
