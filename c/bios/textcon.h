/* A VGA-style text console: cells of character + attribute, with newline
 * and scrolling. For stage 4 and the bundled kernels. */
#ifndef TEXTCON_H
#define TEXTCON_H

#include <stdint.h>

struct textcon {
    volatile uint16_t *cells;
    unsigned cols, rows;
    unsigned col, row;
    uint8_t attribute;
};

void textcon_putc(struct textcon *t, char c);
void textcon_clear(struct textcon *t);

#endif
