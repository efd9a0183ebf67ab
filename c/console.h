/* Stage 4 output: COM1 and the VGA text screen, continuing where the BIOS
 * teletype left the cursor. */
#ifndef CONSOLE_H
#define CONSOLE_H

void console_init(void);

/* The screen is in a graphics mode: from now on only COM1 gets output. */
void console_graphics_mode(void);
void console_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "embedboot: error: <message>" on both outputs, then halt for good. */
__attribute__((noreturn, format(printf, 1, 2)))
void panic(const char *fmt, ...);

#endif
