#include "trap.h"

#include <stdint.h>

#include "kio.h"

extern void *exception_stubs[32];

struct idt_gate {
    uint16_t offset0, selector;
    uint8_t ist, type;
    uint16_t offset1;
    uint32_t offset2, zero;
};
static struct idt_gate idt[32];

void unexpected_exception(uint64_t vector, uint64_t rip, uint64_t error, uint64_t cr2)
{
    kprintf("test kernel: unexpected exception %llu at rip 0x%llx, error 0x%llx, cr2 0x%llx\n",
            (unsigned long long)vector, (unsigned long long)rip, (unsigned long long)error,
            (unsigned long long)cr2);
    qemu_exit(QEMU_EXIT_FAILURE);
}

void install_idt(void)
{
    uint16_t cs;
    __asm__ volatile("mov %%cs, %0" : "=r"(cs));
    for (int i = 0; i < 32; i++) {
        uint64_t a = (uint64_t)exception_stubs[i];
        idt[i] = (struct idt_gate){ (uint16_t)a, cs, 0, 0x8e, (uint16_t)(a >> 16),
                                    (uint32_t)(a >> 32), 0 };
    }
    struct __attribute__((packed)) { uint16_t limit; uint64_t base; } idtr = {
        sizeof(idt) - 1, (uint64_t)idt };
    __asm__ volatile("lidt %0" : : "m"(idtr));
}
