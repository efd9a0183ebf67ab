#include "textcon.h"

static uint16_t blank(const struct textcon *t)
{
    return (uint16_t)(t->attribute << 8 | ' ');
}

static void scroll(struct textcon *t)
{
    for (unsigned i = 0; i < (t->rows - 1) * t->cols; i++)
        t->cells[i] = t->cells[i + t->cols];
    for (unsigned i = 0; i < t->cols; i++)
        t->cells[(t->rows - 1) * t->cols + i] = blank(t);
    t->row = t->rows - 1;
}

void textcon_putc(struct textcon *t, char c)
{
    if (!t->cells)
        return;
    if (c == '\n' || t->col == t->cols) {
        t->col = 0;
        if (++t->row == t->rows)
            scroll(t);
        if (c == '\n')
            return;
    }
    t->cells[t->row * t->cols + t->col++] = (uint16_t)(t->attribute << 8 | (uint8_t)c);
}

void textcon_clear(struct textcon *t)
{
    for (unsigned i = 0; i < t->cols * t->rows; i++)
        t->cells[i] = blank(t);
    t->col = t->row = 0;
}
