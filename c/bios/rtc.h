#ifndef BIOS_RTC_H
#define BIOS_RTC_H

#include <stdint.h>

/* Seconds to year from the CMOS clock, packed into one number. */
uint64_t bios_rtc_clock(void);

#endif
