/* The boot timeline: the TSC at each point of the boot (EMBEDBOOT_T_* in
 * include/embedboot.h), for the kernel (boot info version 3) and for the
 * loader's own log line, so a kernel author can see where boot time went.
 * Stages 1-3 record theirs in the BIOS hand-off record; stage 4 and the
 * EFI application mark the rest here. */
#ifndef TIMELINE_H
#define TIMELINE_H

#include <stdint.h>

#include "../include/embedboot.h"

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

extern uint64_t boot_timeline[EMBEDBOOT_TIMELINE_MAX];
extern uint64_t boot_tsc_frequency;   /* ticks per second, 0 if unknown; set by the front end */

static inline void timeline_mark(enum embedboot_boot_point point)
{
    boot_timeline[point] = rdtsc();
}

/* TSC ticks per second from CPUID leaf 15h (crystal ratio) or 16h (base
 * MHz), 0 when the CPU does not say. */
uint64_t tsc_frequency_from_cpuid(void);

/* TSC ticks per second measured over 2 ms of the PIT's channel 2 (the
 * BIOS front end); 0 if the PIT does not count. */
uint64_t tsc_frequency_from_pit(void);

/* "embedboot: WHO: timeline ..." on the console: each point passed, in
 * milliseconds after the loader's start (ticks when the frequency is not
 * known). */
void timeline_log(const char *who);

#endif
