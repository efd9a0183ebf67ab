#include "draw.h"

extern const unsigned char font8x16[95][16];

const struct rgb draw_bar_colours[8] = {
    { 255, 255, 255 }, { 255, 255, 0 }, { 0, 255, 255 }, { 0, 255, 0 },
    { 255, 0, 255 },   { 255, 0, 0 },   { 0, 0, 255 },   { 0, 0, 0 },
};
/* The same colours in the VGA default palette. */
const uint8_t draw_bar_indices[8] = { 15, 14, 11, 10, 13, 12, 9, 0 };

static uint32_t pixel_value(const struct embedboot_framebuffer *fb, struct rgb c)
{
    return (uint32_t)(c.r >> (8 - fb->red_size)) << fb->red_shift |
           (uint32_t)(c.g >> (8 - fb->green_size)) << fb->green_shift |
           (uint32_t)(c.b >> (8 - fb->blue_size)) << fb->blue_shift;
}

static void put_pixel(const struct embedboot_framebuffer *fb, unsigned x, unsigned y,
                      uint32_t value)
{
    volatile uint8_t *p = (volatile uint8_t *)fb->virtual_address + (uint64_t)y * fb->stride +
                          x * (fb->bits_per_pixel / 8);
    if (fb->bits_per_pixel == 32)
        *(volatile uint32_t *)p = value;
    else if (fb->bits_per_pixel == 24) {
        p[0] = (uint8_t)value;
        p[1] = (uint8_t)(value >> 8);
        p[2] = (uint8_t)(value >> 16);
    } else {
        *p = (uint8_t)value;
    }
}

void draw_fill(const struct embedboot_framebuffer *fb, unsigned x, unsigned y, unsigned w,
               unsigned h, struct rgb c, uint8_t index)
{
    uint32_t v = fb->pixel_format == EMBEDBOOT_PIXELS_RGB ? pixel_value(fb, c) : index;
    for (unsigned j = y; j < y + h && j < fb->height; j++)
        for (unsigned i = x; i < x + w && i < fb->width; i++)
            put_pixel(fb, i, j, v);
}

void draw_bars(const struct embedboot_framebuffer *fb, unsigned y, unsigned h)
{
    for (unsigned k = 0; k < 8; k++)
        draw_fill(fb, k * fb->width / 8, y, (k + 1) * fb->width / 8 - k * fb->width / 8, h,
                  draw_bar_colours[k], draw_bar_indices[k]);
}

unsigned draw_text(const struct embedboot_framebuffer *fb, unsigned x, unsigned y,
                   const char *s, struct rgb c, uint8_t index)
{
    uint32_t v = fb->pixel_format == EMBEDBOOT_PIXELS_RGB ? pixel_value(fb, c) : index;
    for (; *s && x + 8 <= fb->width && y + 16 <= fb->height; s++, x += 8) {
        unsigned ch = (unsigned char)*s;
        if (ch < 32 || ch > 126)
            ch = '?';
        for (unsigned row = 0; row < 16; row++)
            for (unsigned bit = 0; bit < 8; bit++)
                if (font8x16[ch - 32][row] & (0x80 >> bit))
                    put_pixel(fb, x + bit, y + row, v);
    }
    return y + 18;
}
