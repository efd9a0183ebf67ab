/* The BIOS console: COM1 and the VGA text screen, continuing where the
 * BIOS teletype left the cursor. */
#include "../console.h"

#include <stdint.h>

#include "../io.h"
#include "../serial.h"
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

void console_write(const char *s)
{
    for (; *s; s++) {
        serial_putc(*s);
        textcon_putc(&screen, *s);
    }
}

/* The BIOS path has nowhere to return to: halt for good. */
void console_stop(enum panic_kind kind)
{
    (void)kind;
    halt_forever();
}
