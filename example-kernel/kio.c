#include "kio.h"

#include <stdarg.h>

#include "fmt.h"
#include "serial.h"
#include "textcon.h"

static struct textcon screen = { .attribute = 0x0f };

void kio_init(const struct embedboot_boot_info *info)
{
    const struct embedboot_framebuffer *fb = &info->framebuffer;
    if ((info->flags & EMBEDBOOT_HAS_FRAMEBUFFER) && fb->pixel_format == EMBEDBOOT_PIXELS_TEXT) {
        screen.cells = (volatile uint16_t *)fb->virtual_address;
        screen.cols = fb->width;
        screen.rows = fb->height;
        textcon_clear(&screen);
    }
}

void kprintf(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    fmt_vformat(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    for (const char *p = buf; *p; p++) {
        serial_putc(*p);
        textcon_putc(&screen, *p);
    }
}

void qemu_exit(uint8_t code)
{
    __asm__ volatile("outb %0, %1" : : "a"(code), "Nd"((uint16_t)0xf4));
    /* Not QEMU: Bochs' magic breakpoint (a no-op elsewhere), so a test run
     * under Bochs, whose debugger has no more input, ends here too. */
    __asm__ volatile("xchg %bx, %bx");
    for (;;)
        __asm__ volatile("cli; hlt");
}

uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}
