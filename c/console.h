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

/* What kind of failure a panic reports. The BIOS path halts whatever it
 * is; the UEFI application hands the matching status back to the firmware
 * (EFI_LOAD_ERROR, EFI_OUT_OF_RESOURCES, EFI_UNSUPPORTED, EFI_DEVICE_ERROR). */
enum panic_kind { PANIC_BAD_IMAGE, PANIC_NO_MEMORY, PANIC_UNSUPPORTED, PANIC_DEVICE };

/* Provided by each front end (c/bios/console.c, c/uefi/console.c): where
 * text goes, and what an error does after its message. */
void console_write(const char *s);
__attribute__((noreturn)) void console_stop(enum panic_kind kind);

/* "embedboot: error: <message>" on the console, then console_stop():
 * halt for good on BIOS, back to the firmware on UEFI before
 * ExitBootServices (console_format.c). panic() is a PANIC_BAD_IMAGE. */
__attribute__((noreturn, format(printf, 1, 2)))
void panic(const char *fmt, ...);
__attribute__((noreturn, format(printf, 2, 3)))
void panic_as(enum panic_kind kind, const char *fmt, ...);

#endif
