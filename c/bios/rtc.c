/* The CMOS real-time clock as one number: the time of day and the date,
 * raw (BCD or binary, as the firmware keeps it). KASLR mixes it into the
 * TSC jitter when the CPU has no RDRAND (c/random.h). */
#include "rtc.h"

#include "../io.h"

#define CMOS_DATA 0x71

static uint8_t cmos_read(uint8_t reg)
{
    outb(CMOS_INDEX, CMOS_NMI_MASK | reg);     /* NMIs stay masked until the kernel's entry */
    return inb(CMOS_DATA);
}

uint64_t bios_rtc_clock(void)
{
    static const uint8_t regs[] = { 0x00, 0x02, 0x04, 0x07, 0x08, 0x09 };  /* s m h day month year */
    uint64_t clock = 0;
    for (unsigned i = 0; i < sizeof(regs); i++)
        clock = clock << 8 | cmos_read(regs[i]);
    return clock;
}
