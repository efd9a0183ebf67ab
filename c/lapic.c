#include "lapic.h"

#include "cpu.h"

#define MSR_APIC_BASE      0x1bu
#define APIC_BASE_X2APIC   (1ull << 10)
#define APIC_BASE_ADDRESS  0x000ffffffffff000ull
#define X2APIC_MSR_ID      0x802u
#define X2APIC_MSR_ICR     0x830u
#define XAPIC_ID           (0x20 / 4)
#define XAPIC_ICR_LOW      (0x300 / 4)
#define XAPIC_ICR_HIGH     (0x310 / 4)
#define ICR_PENDING        (1u << 12)
#define ICR_INIT           0x00004500u    /* delivery mode INIT, level assert */
#define ICR_STARTUP        0x00004600u    /* delivery mode STARTUP; the vector is the page */

struct lapic lapic_open(void)
{
    uint64_t base = rdmsr(MSR_APIC_BASE);
    return (struct lapic){ (base & APIC_BASE_X2APIC) != 0,
                           (volatile uint32_t *)(base & APIC_BASE_ADDRESS) };
}

uint32_t lapic_id(const struct lapic *l)
{
    return l->x2apic ? (uint32_t)rdmsr(X2APIC_MSR_ID) : l->mmio[XAPIC_ID] >> 24;
}

static void send(const struct lapic *l, uint32_t apic_id, uint32_t command)
{
    if (l->x2apic) {
        wrmsr(X2APIC_MSR_ICR, (uint64_t)apic_id << 32 | command);
        return;
    }
    l->mmio[XAPIC_ICR_HIGH] = apic_id << 24;
    l->mmio[XAPIC_ICR_LOW] = command;
    while (l->mmio[XAPIC_ICR_LOW] & ICR_PENDING)
        __asm__ volatile("pause");
}

void lapic_send_init(const struct lapic *l, uint32_t apic_id)
{
    send(l, apic_id, ICR_INIT);
}

void lapic_send_startup(const struct lapic *l, uint32_t apic_id, uint8_t page)
{
    send(l, apic_id, ICR_STARTUP | page);
}
