#include "console.h"

#include <stdarg.h>
#include <stdint.h>

#include "fmt.h"
#include "io.h"

#define COM1        0x3f8
#define VGA_TEXT    ((volatile uint16_t *)0xb8000)
#define COLS        80
#define ROWS        25
#define BDA_CURSOR  ((volatile uint8_t *)0x450)   /* page 0: column, row */

static unsigned col, row;

void console_init(void)
{
    col = BDA_CURSOR[0];
    row = BDA_CURSOR[1];
    if (col >= COLS || row >= ROWS)
        col = row = 0;
}

static void serial_putc(char c)
{
    for (unsigned spin = 0; spin < 100000 && !(inb(COM1 + 5) & 0x20); spin++)
        ;
    outb(COM1, (uint8_t)c);
}

static void vga_putc(char c)
{
    if (c == '\n') {
        col = 0;
        row++;
    } else {
        VGA_TEXT[row * COLS + col] = (uint16_t)(0x0700 | (uint8_t)c);
        if (++col == COLS) {
            col = 0;
            row++;
        }
    }
    if (row == ROWS) {
        for (unsigned i = 0; i < (ROWS - 1) * COLS; i++)
            VGA_TEXT[i] = VGA_TEXT[i + COLS];
        for (unsigned i = 0; i < COLS; i++)
            VGA_TEXT[(ROWS - 1) * COLS + i] = 0x0720;
        row--;
    }
}

static void put_string(const char *s)
{
    for (; *s; s++) {
        if (*s == '\n')
            serial_putc('\r');
        serial_putc(*s);
        vga_putc(*s);
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
