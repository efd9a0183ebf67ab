/* Randomness for KASLR, at boot: RDRAND when the CPU has it, else RDTSC
 * jitter (the TSC read around slow port accesses) mixed with the
 * firmware's clock, which the front end reads (machine->clock). */
#ifndef RANDOM_H
#define RANDOM_H

#include <stdint.h>

/* A random number; *source says where it came from
 * (enum embedboot_random_source). */
uint64_t boot_random(uint64_t clock, uint32_t *source);

#endif
