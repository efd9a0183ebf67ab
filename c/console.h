/* Loader output, firmware-neutral: formatting here (console_format.c),
 * the device in each front end (c/bios/console.c: COM1 and the VGA text
 * screen; c/uefi/console.c: ConOut and COM1). */
#ifndef CONSOLE_H
#define CONSOLE_H

#include <stdarg.h>

void console_init(void);

/* The screen is in a graphics mode: from now on only COM1 gets output. */
void console_graphics_mode(void);
void console_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Provided by each front end (console.c for BIOS, uefi/console.c): where
 * text goes, and what an error does after its message. */
void console_write(const char *s);
__attribute__((noreturn)) void console_stop(void);

/* "embedboot: error: <message>" on the console, then console_stop():
 * halt for good on BIOS, back to the firmware on UEFI before
 * ExitBootServices (console_format.c). */
__attribute__((noreturn, format(printf, 1, 2)))
void panic(const char *fmt, ...);
__attribute__((noreturn, format(printf, 1, 0)))
void vpanic(const char *fmt, va_list ap);

#endif
