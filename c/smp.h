/* The other CPUs (FEATURES=smp, native protocol): the MADT's enabled CPUs
 * are listed in the boot info (struct embedboot_cpu), each AP gets a stack
 * with a guard page, and at the kernel's entry, after the bootstrap CPU's
 * state is final (and on UEFI after ExitBootServices), each AP is started
 * with INIT-SIPI-SIPI through the trampoline (asm/ap_trampoline.asm) and
 * left waiting on its goto_address in the hand-off page (ap_entry). */
#ifndef SMP_H
#define SMP_H

#include <stdint.h>

#include "madt.h"

#define AP_STACK_PAGES     16          /* 64 KiB per application processor */
#define AP_ANSWER_MS       1000        /* how long one AP has to answer */

/* What the core decided (in struct boot_layout). */
struct smp_layout {
    unsigned count;                    /* CPUs listed, the bootstrap CPU included */
    int more;                          /* the MADT had more than MADT_MAX_CPUS */
    uint32_t bsp_apic_id;
    unsigned bsp;                      /* its index in cpu[] */
    struct madt_cpu cpu[MADT_MAX_CPUS];
    uint64_t cpus_phys, cpus_virt;     /* the struct embedboot_cpu array, in the boot info pages */
    uint64_t stacks_virt;              /* the AP stacks' slot: guard page, stack, guard page, ... */
    uint64_t transition_pml4;          /* below 4 GiB: the first 4 GiB, identity */
};

/* struc ap_boot (asm/handoff.inc): c/bios/asm_layout.c ties the two. */
struct ap_boot {
    uint16_t gdt_limit;
    uint32_t gdt_base;
    uint16_t pad0;
    uint32_t prot_entry;
    uint16_t prot_selector, pad1;
    uint32_t long_entry;
    uint16_t long_selector, pad2;
    uint32_t cr3, cr4, cr0, efer;
    uint32_t apic_id;
    volatile uint32_t answered;
    uint64_t pat, ap_entry, kernel_cr3, cpu, stack_top;
} __attribute__((packed));
_Static_assert(sizeof(struct ap_boot) == 88, "struct ap_boot layout");

struct boot_layout;
struct vspace;

/* boot_prepare: the CPUs from the MADT (machine->rsdp), or the bootstrap
 * CPU alone when there is none. */
void smp_find_cpus(struct boot_layout *layout);

/* Frames the AP stacks, their tables and the transition tables take at most. */
uint64_t smp_pages(const struct boot_layout *layout);

/* boot_build: the AP stacks mapped, the transition tables built. */
void smp_prepare(struct boot_layout *layout, struct vspace *vs);

/* The CPU list in the boot info (the bootstrap CPU's state set). */
void smp_fill_cpus(const struct boot_layout *layout);

/* Start every AP and record whether it answered; the last thing before
 * the jump. */
void smp_start(const struct boot_layout *layout);

#endif
