#include "console.h"

#include <stdarg.h>
#include <stdint.h>

#include "fmt.h"
#include "io.h"
#include "serial.h"
#include "textcon.h"

#define BDA_CURSOR ((volatile uint8_t *)0x450)   /* page 0: column, row */

static struct textcon screen = { (volatile uint16_t *)0xb8000, 80, 25, 0, 0, 0x07 };

/* Continue where the BIOS teletype left the cursor. */
void console_init(void)
{
    screen.col = BDA_CURSOR[0];
    screen.row = BDA_CURSOR[1];
    if (screen.col >= screen.cols || screen.row >= screen.rows)
        screen.col = screen.row = 0;
}

void console_graphics_mode(void)
{
    screen.cells = 0;
}

static void put_string(const char *s)
{
    for (; *s; s++) {
        serial_putc(*s);
        textcon_putc(&screen, *s);
    }
}

static void vprint(const char *fmt, va_list ap)
{
    char line[256];
    fmt_vformat(line, sizeof(line), fmt, ap);
    put_string(line);
}

void console_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprint(fmt, ap);
    va_end(ap);
}

void panic(const char *fmt, ...)
{
    va_list ap;
    put_string("embedboot: error: ");
    va_start(ap, fmt);
    vprint(fmt, ap);
    va_end(ap);
    put_string("\n");
    halt_forever();
}
