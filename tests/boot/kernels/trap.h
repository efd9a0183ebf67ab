/* Test kernels: an IDT whose every exception is reported on COM1 and fails
 * the test, except faults raised on purpose by probe() (entry.asm). */
#ifndef TRAP_H
#define TRAP_H

void install_idt(void);

#endif
