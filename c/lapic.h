/* The bootstrap CPU's local APIC, in the mode the firmware left it:
 * x2APIC through MSRs, else xAPIC through its MMIO page (identity-mapped
 * by both front ends). Only what starting the other CPUs needs. */
#ifndef LAPIC_H
#define LAPIC_H

#include <stdint.h>

struct lapic {
    int x2apic;
    volatile uint32_t *mmio;
};

struct lapic lapic_open(void);

uint32_t lapic_id(const struct lapic *l);

/* INIT (level assert), then a STARTUP IPI with the trampoline's page
 * number, to `apic_id`; waits for each to be delivered (xAPIC). */
void lapic_send_init(const struct lapic *l, uint32_t apic_id);
void lapic_send_startup(const struct lapic *l, uint32_t apic_id, uint8_t page);

#endif
