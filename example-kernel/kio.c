#include "kio.h"

#include <stdarg.h>

#include "fmt.h"

#define COM1 0x3f8

static volatile uint16_t *text;
static unsigned cols, rows, col, row;

void kio_init(const struct embedboot_boot_info *info)
{
    const struct embedboot_framebuffer *fb = &info->framebuffer;
    if ((info->flags & EMBEDBOOT_HAS_FRAMEBUFFER) && fb->pixel_format == EMBEDBOOT_PIXELS_TEXT) {
        text = (volatile uint16_t *)fb->virtual_address;
        cols = fb->width;
        rows = fb->height;
        for (unsigned i = 0; i < cols * rows; i++)
            text[i] = 0x0720;
    }
}

static void text_putc(char c)
{
    if (!text)
        return;
    if (c == '\n' || col == cols) {
        col = 0;
        if (++row == rows) {
            for (unsigned i = 0; i < (rows - 1) * cols; i++)
                text[i] = text[i + cols];
            for (unsigned i = 0; i < cols; i++)
                text[(rows - 1) * cols + i] = 0x0720;
            row--;
        }
        if (c == '\n')
            return;
    }
    text[row * cols + col++] = (uint16_t)(0x0f00 | (uint8_t)c);
}

static void serial_putc(char c)
{
    for (unsigned spin = 0; spin < 100000 && !(kinb(COM1 + 5) & 0x20); spin++)
        ;
    koutb(COM1, (uint8_t)c);
}

void kprintf(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    fmt_vformat(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    for (const char *p = buf; *p; p++) {
        if (*p == '\n')
            serial_putc('\r');
        serial_putc(*p);
        text_putc(*p);
    }
}

void qemu_exit(uint8_t code)
{
    koutb(0xf4, code);
    for (;;)
        __asm__ volatile("cli; hlt");
}
