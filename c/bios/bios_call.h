/* BIOS interrupts from stage 4 (asm/bios_call.asm): long mode down to real
 * mode, the interrupt, and back. Each call costs two mode switches; it is
 * for the few services stage 4 needs after stage 2 (the TCG interface). */
#ifndef BIOS_CALL_H
#define BIOS_CALL_H

#include <stdint.h>

/* struc bios_regs (asm/handoff.inc): in before the call, out after it. */
struct bios_regs {
    uint32_t eax, ebx, ecx, edx, esi, edi;
    uint16_t ds, es;
    uint32_t eflags;                   /* out: CF is bit 0 */
};

#define BIOS_CF 1u

/* INT 1Ah with `regs`; buffers it points at (ES:DI, DS:SI) lie below 1 MiB. */
void bios_int1a(struct bios_regs *regs);

/* The real-mode segment and offset of a pointer below 1 MiB. */
static inline uint16_t real_segment(const void *p)
{
    return (uint16_t)((uintptr_t)p >> 4);
}

static inline uint16_t real_offset(const void *p)
{
    return (uint16_t)((uintptr_t)p & 0xf);
}

#endif
