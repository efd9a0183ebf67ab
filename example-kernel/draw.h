/* Drawing on a linear framebuffer (RGB or 8-bit palette) for the example
 * kernel: colour bars and text in the 8x16 font it carries. */
#ifndef DRAW_H
#define DRAW_H

#include <stdint.h>

#include "embedboot.h"

struct rgb {
    uint8_t r, g, b;
};

/* The eight bars, left to right (a palette index for 8-bit modes). */
extern const struct rgb draw_bar_colours[8];
extern const uint8_t draw_bar_indices[8];

void draw_fill(const struct embedboot_framebuffer *fb, unsigned x, unsigned y, unsigned w,
               unsigned h, struct rgb c, uint8_t index);
void draw_bars(const struct embedboot_framebuffer *fb, unsigned y, unsigned h);
/* Text at (x, y) in pixels; returns the y of the next line. */
unsigned draw_text(const struct embedboot_framebuffer *fb, unsigned x, unsigned y,
                   const char *s, struct rgb c, uint8_t index);

#endif
