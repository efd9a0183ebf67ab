#include "smp.h"

#include <string.h>

#include "acpi.h"
#include "boot_build.h"
#include "console.h"
#include "cpu.h"
#include "lapic.h"
#include "page.h"
#include "proto/proto.h"
#include "timeline.h"
#include "vspace.h"

#define GiB               (1ull << 30)
#define TRANSITION_PAGES  6            /* PML4, PDPT, 4 PDs of 2 MiB pages */
#define INIT_WAIT_US      10000        /* the SDM's MP initialisation: 10 ms after INIT, */
#define STARTUP_WAIT_US   200          /* 200 us after each STARTUP */

extern const uint8_t ap_trampoline[], ap_trampoline_params[], ap_trampoline_end[];
extern const uint8_t ap_trampoline_protected[], ap_trampoline_long[];
extern const uint8_t gdt[], ap_entry[];                  /* asm/handoff.asm */

void smp_find_cpus(struct boot_layout *layout)
{
    struct smp_layout *smp = &layout->smp;
    const struct boot_machine *machine = layout->machine;
    struct lapic lapic = lapic_open();
    const uint8_t *madt =
        machine->rsdp ? acpi_find_table(machine->rsdp, "APIC", machine->identity_limit) : 0;

    smp->bsp_apic_id = lapic_id(&lapic);
    smp->count = madt ? madt_cpus(madt, smp->cpu, MADT_MAX_CPUS, &smp->more) : 0;
    for (smp->bsp = 0; smp->bsp < smp->count; smp->bsp++)
        if (smp->cpu[smp->bsp].apic_id == smp->bsp_apic_id)
            break;
    if (smp->bsp == smp->count) {          /* no MADT, or one without us: list ourselves */
        smp->bsp = smp->count < MADT_MAX_CPUS ? smp->count++ : 0;
        smp->cpu[smp->bsp] = (struct madt_cpu){ 0, smp->bsp_apic_id };
    }
    console_printf("embedboot: %s: SMP: %s%u CPUs%s, this one APIC %u (%s)\n", machine->log_name,
                   madt ? "the MADT lists " : "no MADT: ", smp->count,
                   smp->more ? " (the rest are not listed)" : "", smp->bsp_apic_id,
                   lapic.x2apic ? "x2APIC" : "xAPIC");
}

uint64_t smp_pages(const struct boot_layout *layout)
{
    uint64_t aps = layout->smp.count - 1, span = aps * (AP_STACK_PAGES + 1);
    return aps * AP_STACK_PAGES + span / 512 + 3 + TRANSITION_PAGES;
}

static uint64_t ap_stack_top(const struct smp_layout *smp, unsigned ap)
{
    return smp->stacks_virt + ((uint64_t)ap + 1) * (AP_STACK_PAGES + 1) * PAGE_SIZE;
}

/* Each AP's stack above a guard page of its own, in one free slot. */
static void map_stacks(struct boot_layout *layout, struct vspace *vs)
{
    struct smp_layout *smp = &layout->smp;
    uint64_t aps = smp->count - 1;
    uint64_t phys = boot_alloc(layout, aps * AP_STACK_PAGES, &frames_anywhere,
                               EMBEDBOOT_MEMORY_KERNEL_STACK, "application processors' stacks");
    memset((void *)phys, 0, aps * AP_STACK_PAGES * PAGE_SIZE);
    smp->stacks_virt = vspace_take_slot(vs);
    if (!smp->stacks_virt)
        panic("no free 512 GiB region of the address space for the application processors' stacks");
    for (unsigned ap = 0; ap < aps; ap++)
        boot_map(layout, "AP stack", ap_stack_top(smp, ap) - AP_STACK_PAGES * PAGE_SIZE,
                 phys + ap * AP_STACK_PAGES * PAGE_SIZE, AP_STACK_PAGES, PT_WRITE);
}

/* The tables the trampoline enables paging with: CR3 is loaded in 32-bit
 * mode, so below 4 GiB; they identity-map the first 4 GiB, where the
 * trampoline and the hand-off page are. */
static void build_transition_tables(struct boot_layout *layout)
{
    static const struct frames_where below_4g = { PAGE_SIZE, 0, 4 * GiB, 0 };
    uint64_t base = boot_alloc(layout, TRANSITION_PAGES, &below_4g, EMBEDBOOT_MEMORY_BOOTLOADER,
                               "application processors' transition page tables");
    uint64_t *pml4 = (uint64_t *)base, *pdpt = pml4 + 512;

    memset(pml4, 0, TRANSITION_PAGES * PAGE_SIZE);
    pml4[0] = (uint64_t)pdpt | PTE_P | PTE_W;
    for (uint64_t g = 0; g < 4; g++) {
        uint64_t *pd = pml4 + 512 * (2 + g);
        pdpt[g] = (uint64_t)pd | PTE_P | PTE_W;
        for (uint64_t i = 0; i < 512; i++)
            pd[i] = (g * GiB + i * 2 * 0x100000ull) | PTE_P | PTE_W | PTE_PS;
    }
    layout->smp.transition_pml4 = base;
}

void smp_prepare(struct boot_layout *layout, struct vspace *vs)
{
    struct smp_layout *smp = &layout->smp;
    smp->cpus_phys = layout->info_phys + boot_info_cpus_offset(layout);
    smp->cpus_virt = layout->info_virt + boot_info_cpus_offset(layout);
    if (smp->count < 2)
        return;
    map_stacks(layout, vs);
    build_transition_tables(layout);
}

void smp_fill_cpus(const struct boot_layout *layout)
{
    const struct smp_layout *smp = &layout->smp;
    struct embedboot_cpu *cpu = (struct embedboot_cpu *)smp->cpus_phys;
    for (unsigned i = 0, ap = 0; i < smp->count; i++) {
        int bsp = i == smp->bsp;
        cpu[i] = (struct embedboot_cpu){
            .acpi_id = smp->cpu[i].acpi_id, .apic_id = smp->cpu[i].apic_id,
            .stack_top = bsp ? layout->stack_top : ap_stack_top(smp, ap++),
            .state = bsp ? EMBEDBOOT_CPU_BOOTSTRAP : EMBEDBOOT_CPU_NO_ANSWER };
    }
}

static void delay_us(uint64_t us)
{
    uint64_t hz = boot_tsc_frequency ? boot_tsc_frequency : 3000000000ull;
    uint64_t start = rdtsc(), ticks = hz / 1000000 * us;
    while (rdtsc() - start < ticks)
        __asm__ volatile("pause");
}

/* The trampoline in its page, and what every AP reads the same. */
static struct ap_boot *copy_trampoline(const struct boot_layout *layout)
{
    const struct boot_machine *machine = layout->machine;
    uint8_t *page = (uint8_t *)machine->ap_trampoline;
    struct ap_boot *p = (struct ap_boot *)(page + (ap_trampoline_params - ap_trampoline));

    memcpy(page, ap_trampoline, (size_t)(ap_trampoline_end - ap_trampoline));
    p->gdt_limit = HANDOFF_GDT_SIZE - 1;
    p->gdt_base = (uint32_t)handoff_address(machine, gdt);
    p->prot_entry = (uint32_t)(uint64_t)(page + (ap_trampoline_protected - ap_trampoline));
    p->prot_selector = HANDOFF_SEL_CODE32;
    p->long_entry = (uint32_t)(uint64_t)(page + (ap_trampoline_long - ap_trampoline));
    p->long_selector = HANDOFF_SEL_CODE64;
    p->cr3 = (uint32_t)layout->smp.transition_pml4;
    p->cr4 = (uint32_t)read_cr4();
    p->cr0 = (uint32_t)read_cr0();
    p->efer = (uint32_t)(rdmsr(MSR_EFER) & (EFER_LME | EFER_NXE));
    p->pat = machine->pat ? rdmsr(MSR_PAT) : 0;
    p->ap_entry = handoff_address(machine, ap_entry);
    p->kernel_cr3 = layout->pml4;
    return p;
}

/* STARTUP, STARTUP again if it has not answered, then wait (the CPU had
 * its INIT already). */
static int start_one(const struct lapic *lapic, struct ap_boot *p, uint32_t apic_id, uint8_t page)
{
    for (int startup = 0; startup < 2 && !p->answered; startup++) {
        lapic_send_startup(lapic, apic_id, page);
        delay_us(STARTUP_WAIT_US);
    }
    for (unsigned ms = 0; ms < AP_ANSWER_MS && !p->answered; ms++)
        delay_us(1000);
    return p->answered;
}

/* A CPU the local APIC can address in its mode. */
static int addressable(const struct lapic *lapic, uint32_t apic_id)
{
    return lapic->x2apic || apic_id < 255;
}

/* INIT to every AP at once, then the SDM's 10 ms for all of them, not for
 * each: they wait for their STARTUP, which comes one CPU at a time. */
static void init_all(const struct smp_layout *smp, const struct embedboot_cpu *cpu,
                     const struct lapic *lapic)
{
    for (unsigned i = 0; i < smp->count; i++)
        if (i != smp->bsp && addressable(lapic, cpu[i].apic_id))
            lapic_send_init(lapic, cpu[i].apic_id);
    delay_us(INIT_WAIT_US);
}

void smp_start(const struct boot_layout *layout)
{
    const struct smp_layout *smp = &layout->smp;
    const char *who = layout->machine->log_name;
    struct embedboot_cpu *cpu = (struct embedboot_cpu *)smp->cpus_phys;
    unsigned started = 0;

    if (smp->count < 2)
        return;
    if (!layout->machine->ap_trampoline || (read_cr4() & CR4_LA57)) {
        console_printf("embedboot: %s: SMP: %s: the other CPUs are not started\n", who,
                       layout->machine->ap_trampoline ? "5-level paging is on"
                                                      : "no free page below 1 MiB for their trampoline");
        return;
    }
    struct ap_boot *p = copy_trampoline(layout);
    struct lapic lapic = lapic_open();
    init_all(smp, cpu, &lapic);
    for (unsigned i = 0; i < smp->count; i++) {
        if (i == smp->bsp)
            continue;
        p->apic_id = cpu[i].apic_id;
        p->cpu = smp->cpus_virt + i * sizeof(*cpu);
        p->stack_top = cpu[i].stack_top;
        p->answered = 0;
        __asm__ volatile("" ::: "memory");        /* the block is complete before the IPIs */
        if (addressable(&lapic, cpu[i].apic_id) &&
            start_one(&lapic, p, cpu[i].apic_id, (uint8_t)(layout->machine->ap_trampoline >> 12))) {
            cpu[i].state = EMBEDBOOT_CPU_WAITING;
            started++;
        } else {
            console_printf("embedboot: %s: SMP: the CPU with APIC ID %u did not answer\n", who,
                           cpu[i].apic_id);
        }
    }
    console_printf("embedboot: %s: SMP: %u of %u application processors started, waiting on "
                   "their goto_address\n", who, started, smp->count - 1);
}
