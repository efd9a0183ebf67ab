/* Port I/O and halting, for the freestanding parts. */
#ifndef IO_H
#define IO_H

#include <stdint.h>

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

/* CMOS index port: bit 7 masks NMIs. Stage 2 masks them across the mode
 * switches (as Linux does); the protocols unmask them for the kernel,
 * leaving the index at status register D, which reads harmlessly. */
#define CMOS_INDEX      0x70
#define CMOS_NMI_MASK   0x80
#define CMOS_STATUS_D   0x0d

static inline void nmi_unmask(void)
{
    outb(CMOS_INDEX, CMOS_STATUS_D);
}

__attribute__((noreturn)) static inline void halt_forever(void)
{
    for (;;)
        __asm__ volatile("cli; hlt");
}

#endif
