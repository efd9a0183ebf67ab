/* The boot timeline (timeline.h). */
#include "timeline.h"

#include "console.h"
#include "cpu.h"
#include "io.h"

uint64_t boot_timeline[EMBEDBOOT_TIMELINE_MAX];
uint64_t boot_tsc_frequency;

static const char *const point_names[EMBEDBOOT_T_COUNT] = {
    [EMBEDBOOT_T_LOADER_START] = "start",
    [EMBEDBOOT_T_STAGE2] = "stage 2",
    [EMBEDBOOT_T_DISK_READ] = "disk read",
    [EMBEDBOOT_T_VIDEO] = "video",
    [EMBEDBOOT_T_STAGE3] = "stage 3",
    [EMBEDBOOT_T_STAGE4] = "stage 4",
    [EMBEDBOOT_T_CHECKS] = "checks",
    [EMBEDBOOT_T_KERNEL_LOADED] = "kernel loaded",
    [EMBEDBOOT_T_PAGE_TABLES] = "page tables",
    [EMBEDBOOT_T_KERNEL_ENTRY] = "kernel entry",
};

uint64_t tsc_frequency_from_cpuid(void)
{
    uint32_t max, a, b, c, d;
    cpuid(0, &max, &b, &c, &d);
    if (max >= 0x15) {
        cpuid(0x15, &a, &b, &c, &d);  /* TSC = crystal (ECX Hz) * EBX / EAX */
        if (a && b && c)
            return (uint64_t)c * b / a;
    }
    if (max >= 0x16) {
        cpuid(0x16, &a, &b, &c, &d);  /* EAX: base frequency in MHz */
        if (a & 0xffff)
            return (uint64_t)(a & 0xffff) * 1000000;
    }
    return 0;
}

#define PIT_HZ          1193182u
#define PIT_TICKS       2386u        /* 2 ms: a tick is 0.84 us, so 0.04 % */
#define PIT_CHANNEL2    0x42
#define PIT_COMMAND     0x43
#define PIT_CH2_MODE0   0xb0         /* channel 2, low then high byte, mode 0, binary */
#define PORT_B          0x61
#define PORT_B_GATE2    0x01
#define PORT_B_SPEAKER  0x02
#define PORT_B_OUT2     0x20

uint64_t tsc_frequency_from_pit(void)
{
    uint8_t saved = inb(PORT_B);
    outb(PORT_B, (uint8_t)((saved & ~PORT_B_SPEAKER) | PORT_B_GATE2));
    outb(PIT_COMMAND, PIT_CH2_MODE0);
    outb(PIT_CHANNEL2, PIT_TICKS & 0xff);
    uint64_t start = rdtsc();
    outb(PIT_CHANNEL2, PIT_TICKS >> 8);      /* counting starts here; OUT2 rises at 0 */
    uint64_t polls = 0;
    while (!(inb(PORT_B) & PORT_B_OUT2))
        if (++polls > 100000000)            /* no PIT: never hang on it */
            break;
    uint64_t ticks = rdtsc() - start;
    outb(PORT_B, saved);
    if (polls > 100000000)
        return 0;
    return ticks * PIT_HZ / PIT_TICKS;
}

void timeline_log(const char *who)
{
    uint64_t hz = boot_tsc_frequency;
    uint64_t start = boot_timeline[EMBEDBOOT_T_LOADER_START];
    if (hz)
        console_printf("embedboot: %s: timeline, ms after the loader's start (TSC %llu MHz):",
                       who, (unsigned long long)(hz / 1000000));
    else
        console_printf("embedboot: %s: timeline, TSC ticks after the loader's start (its "
                       "frequency unknown):", who);
    for (unsigned p = EMBEDBOOT_T_STAGE2; p < EMBEDBOOT_T_COUNT; p++) {
        if (!boot_timeline[p])
            continue;
        uint64_t ticks = boot_timeline[p] - start;
        uint64_t us = hz ? ticks * 1000 / (hz / 1000) : ticks;
        console_printf(" %s %llu.%llu", point_names[p], (unsigned long long)(us / 1000),
                       (unsigned long long)(us % 1000 / 100));
    }
    console_printf("\n");
}
