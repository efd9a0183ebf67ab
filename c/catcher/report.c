/* The fault catcher's report (c/catcher/catcher.h): what faulted, where,
 * the registers and the likely callers, on COM1 and on the VGA text
 * screen, with function names from the kernel's symbols. It runs in the
 * kernel's address space on whatever stack the fault left (IST 1 for a
 * double fault), copied anywhere and mapped read-only: no absolute
 * addresses, no pointer tables, nothing written but its stack. */
#include <stdarg.h>

#include "../fmt.h"
#include "../serial.h"
#include "catcher.h"

struct catcher_config catcher_config __attribute__((visibility("hidden"))) = { .magic = 0 };

#define TEXT_COLS   80
#define TEXT_ROWS   25
#define TEXT_ATTR   0x4f00           /* white on red */

static const char exception_names[CATCHER_VECTORS][28] = {
    "#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
    "#BR bound range", "#UD invalid opcode", "#NM device not available", "#DF double fault",
    "coprocessor segment overrun", "#TS invalid TSS", "#NP segment not present",
    "#SS stack fault", "#GP general protection", "#PF page fault", "reserved",
    "#MF x87 floating point", "#AC alignment check", "#MC machine check",
    "#XM SIMD floating point", "#VE virtualization", "#CP control protection",
    "reserved", "reserved", "reserved", "reserved", "reserved", "reserved",
    "#HV hypervisor injection", "#VC VMM communication", "#SX security", "reserved",
};

extern const unsigned char font8x16[95][16];    /* the example kernel's, from console-setup */

/* A colour in the framebuffer's own channel layout, from 8-bit values. */
static uint32_t pixel(const struct embedboot_framebuffer *fb, uint8_t r, uint8_t g, uint8_t b)
{
    return (uint32_t)(r >> (8 - fb->red_size)) << fb->red_shift |
           (uint32_t)(g >> (8 - fb->green_size)) << fb->green_shift |
           (uint32_t)(b >> (8 - fb->blue_size)) << fb->blue_shift;
}

static void put_pixel(const struct embedboot_framebuffer *fb, uint32_t x, uint32_t y, uint32_t c)
{
    volatile uint8_t *p = (volatile uint8_t *)fb->virtual_address + (uint64_t)y * fb->stride +
                          x * (fb->bits_per_pixel / 8);
    for (unsigned i = 0; i < fb->bits_per_pixel / 8; i++)
        p[i] = (uint8_t)(c >> (8 * i));
}

/* One line of 8x16 glyphs, white on red, across a linear framebuffer. */
static void draw_line(const struct embedboot_framebuffer *fb, unsigned row, const char *s)
{
    uint32_t fg = pixel(fb, 0xff, 0xff, 0xff), bg = pixel(fb, 0xa0, 0, 0);
    unsigned n = 0;
    if ((row + 1) * 16 > fb->height || fb->bits_per_pixel % 8 || fb->bits_per_pixel > 32)
        return;
    while (s[n] && s[n] != '\n')
        n++;
    for (unsigned col = 0; col < fb->width / 8; col++) {
        char ch = col < n ? s[col] : ' ';
        const unsigned char *glyph = font8x16[ch >= 32 && ch < 127 ? ch - 32 : 0];
        for (unsigned y = 0; y < 16; y++)
            for (unsigned x = 0; x < 8; x++)
                put_pixel(fb, col * 8 + x, row * 16 + y, glyph[y] & (0x80 >> x) ? fg : bg);
    }
}

static void screen_line(unsigned *text_row, const char *s)
{
    const struct embedboot_framebuffer *fb = &catcher_config.fb;
    if (fb->pixel_format == EMBEDBOOT_PIXELS_RGB) {
        draw_line(fb, (*text_row)++, s);
        return;
    }
    if (fb->pixel_format != EMBEDBOOT_PIXELS_TEXT || *text_row >= TEXT_ROWS)
        return;
    volatile uint16_t *row = (volatile uint16_t *)fb->virtual_address + (*text_row)++ * TEXT_COLS;
    unsigned i = 0;
    for (; s[i] && s[i] != '\n' && i < TEXT_COLS; i++)
        row[i] = (uint16_t)(TEXT_ATTR | (uint8_t)s[i]);
    for (; i < TEXT_COLS; i++)
        row[i] = TEXT_ATTR | ' ';
}

/* One line, "embedboot: " first, on COM1 and the screen's next row. */
__attribute__((format(printf, 2, 3))) static void say(unsigned *row, const char *format, ...)
{
    char line[160];
    va_list ap;
    va_start(ap, format);
    fmt_format(line, 12, "embedboot: ");
    fmt_vformat(line + 11, sizeof(line) - 11, format, ap);
    va_end(ap);
    for (const char *p = line; *p; p++)
        serial_putc(*p);
    screen_line(row, line);
}

/* The function `address` lies in, as "name+0xoff", or "" without one. */
static void symbolise(uint64_t address, char *out, unsigned room)
{
    const struct catcher_symbol *sym = (const void *)catcher_config.symbols;
    const char *names = (const char *)catcher_config.names;
    uint64_t lo = 0, hi = catcher_config.symbol_count;
    out[0] = 0;
    while (lo < hi) {                       /* the last symbol at or below address */
        uint64_t mid = lo + (hi - lo) / 2;
        if (sym[mid].address <= address)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (!lo)
        return;
    const struct catcher_symbol *s = &sym[lo - 1];
    uint64_t off = address - s->address;
    if (s->size && off >= s->size)
        return;
    fmt_format(out, room, " (%s+0x%llx)", names + s->name, (unsigned long long)off);
}

static int on_stack(uint64_t address)
{
    return address >= catcher_config.stack_bottom && address < catcher_config.stack_top;
}

/* Up to 6 words on the stack above RSP that lie inside a kernel function:
 * likely return addresses (kernels often run without frame pointers). */
static void report_callers(unsigned *row, uint64_t rsp)
{
    char line[160], name[80];
    unsigned used = 0, found = 0;
    if (!on_stack(rsp) || !catcher_config.symbol_count)
        return;
    used = (unsigned)fmt_format(line, sizeof(line), "  callers:");
    for (uint64_t a = rsp & ~7ull; a < catcher_config.stack_top && a < rsp + 64 * 8 && found < 6;
         a += 8) {
        symbolise(*(const uint64_t *)a, name, sizeof(name));
        if (!name[0] || used >= sizeof(line))
            continue;
        used += (unsigned)fmt_format(line + used, sizeof(line) - used, " 0x%llx%s",
                                     (unsigned long long)*(const uint64_t *)a, name);
        found++;
        if (found % 2 == 0) {
            say(row, "%s\n", line);
            used = (unsigned)fmt_format(line, sizeof(line), "  callers:");
        }
    }
    if (found % 2)
        say(row, "%s\n", line);
}

static uint64_t read_cr2(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr2, %0" : "=r"(v));
    return v;
}

__attribute__((noreturn)) void catcher_report(const struct fault_frame *f)
{
    typedef unsigned long long ull;
    char where[80];
    uint64_t cr2 = read_cr2(), guard = catcher_config.stack_bottom - 4096;

    unsigned row[1] = { 0 };
    say(row, "kernel fault: %s (vector %llu), error code 0x%llx\n",
        exception_names[f->vector % CATCHER_VECTORS], (ull)f->vector, (ull)f->error_code);
    symbolise(f->rip, where, sizeof(where));
    say(row, "  RIP 0x%016llx%s\n", (ull)f->rip, where);
    say(row, "  CR2 0x%016llx  RSP 0x%016llx  RFLAGS 0x%llx\n", (ull)cr2, (ull)f->rsp, (ull)f->rflags);
    if ((cr2 >= guard && cr2 < guard + 4096) || (f->rsp >= guard && f->rsp < guard + 4096 + 64))
        say(row, "  the kernel stack overflowed into its guard page (0x%llx)\n", (ull)guard);
    say(row, "  RAX 0x%016llx RBX 0x%016llx RCX 0x%016llx\n", (ull)f->rax, (ull)f->rbx, (ull)f->rcx);
    say(row, "  RDX 0x%016llx RSI 0x%016llx RDI 0x%016llx\n", (ull)f->rdx, (ull)f->rsi, (ull)f->rdi);
    say(row, "  RBP 0x%016llx R8  0x%016llx R9  0x%016llx\n", (ull)f->rbp, (ull)f->r8, (ull)f->r9);
    say(row, "  R10 0x%016llx R11 0x%016llx R12 0x%016llx\n", (ull)f->r10, (ull)f->r11, (ull)f->r12);
    say(row, "  R13 0x%016llx R14 0x%016llx R15 0x%016llx\n", (ull)f->r13, (ull)f->r14, (ull)f->r15);
    report_callers(row, f->rsp);
    say(row, "kernel fault: halted (embedboot's IDT: the kernel had not loaded its own)\n");
    for (;;)
        __asm__ volatile("cli; hlt");
}
