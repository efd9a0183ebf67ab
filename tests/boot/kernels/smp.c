/* The SMP test kernel (FEATURES=smp): the command line says how many CPUs
 * the machine has ("cpus=N"). Every CPU of the boot info's list but this
 * one must be waiting on its goto_address; each is sent to ap_main, which
 * runs kernel code on its own stack, increments a shared counter and
 * reports its APIC ID once. The bootstrap CPU checks the list, waits for
 * the counter, checks the reports and each stack's guard page, and exits
 * QEMU with the verdict. */
#include <stdint.h>

#include "checks.h"
#include "embedboot.h"
#include "kio.h"
#include "trap.h"

#define MAX_CPUS 256
int probe(int kind, const volatile void *addr);
enum { READ };

static struct embedboot_cpu *cpus;
static uint32_t counter;
static uint32_t reports[MAX_CPUS];
static uint32_t reported_id[MAX_CPUS];
static uint64_t reported_rsp[MAX_CPUS];

/* This CPU's APIC ID, as the CPU itself says: CPUID 0Bh (x2APIC ID) when
 * it has that leaf, else the initial ID of CPUID 1. */
static uint32_t own_apic_id(void)
{
    uint32_t a = 0, b, c = 0, d;
    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
    if (a >= 0x0b) {
        a = 0x0b, c = 0;
        __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
        if (b)
            return d;
    }
    a = 1;
    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
    return b >> 24;
}

static void ap_main(struct embedboot_cpu *cpu)
{
    unsigned i = (unsigned)(cpu - cpus);
    uint64_t rsp;
    __asm__ volatile("mov %%rsp, %0" : "=r"(rsp));
    reported_id[i] = own_apic_id();
    reported_rsp[i] = rsp;
    __atomic_fetch_add(&reports[i], 1, __ATOMIC_SEQ_CST);
    __atomic_fetch_add(&counter, 1, __ATOMIC_SEQ_CST);
    for (;;)
        __asm__ volatile("cli; hlt");
}

static unsigned expected_cpus(const struct embedboot_boot_info *info)
{
    const char *p = (const char *)info->cmdline;
    unsigned n = 0;
    while (*p && !(p[0] == 'c' && p[1] == 'p' && p[2] == 'u' && p[3] == 's' && p[4] == '='))
        p++;
    for (p += *p ? 5 : 0; *p >= '0' && *p <= '9'; p++)
        n = n * 10 + (unsigned)(*p - '0');
    return n;
}

/* The list: one bootstrap CPU (this one), the rest waiting, distinct IDs. */
static unsigned check_list(const struct embedboot_boot_info *info)
{
    unsigned bootstrap = 0, waiting = 0, distinct = 1;
    for (uint32_t i = 0; i < info->cpu_count; i++) {
        bootstrap += cpus[i].state == EMBEDBOOT_CPU_BOOTSTRAP && cpus[i].apic_id == own_apic_id();
        waiting += cpus[i].state == EMBEDBOOT_CPU_WAITING && cpus[i].goto_address == 0 &&
                   cpus[i].stack_top % 16 == 0;
        for (uint32_t k = 0; k < i; k++)
            distinct &= cpus[k].apic_id != cpus[i].apic_id && cpus[k].stack_top != cpus[i].stack_top;
    }
    check(bootstrap == 1 && info->bsp_apic_id == own_apic_id(),
          "one bootstrap CPU: this one, its APIC ID recorded");
    check(waiting == info->cpu_count - 1, "every other CPU waits on its goto_address");
    check(distinct, "APIC IDs and stacks distinct");
    return waiting;
}

static void start_and_wait(const struct embedboot_boot_info *info, unsigned waiting)
{
    for (uint32_t i = 0; i < info->cpu_count; i++)
        if (cpus[i].state == EMBEDBOOT_CPU_WAITING)
            __atomic_store_n(&cpus[i].goto_address, (uint64_t)ap_main, __ATOMIC_SEQ_CST);
    uint64_t start = rdtsc(), limit = (info->tsc_frequency ? info->tsc_frequency : 3000000000ull) * 10;
    while (__atomic_load_n(&counter, __ATOMIC_SEQ_CST) < waiting && rdtsc() - start < limit)
        __asm__ volatile("pause");
    check(counter == waiting, "every started CPU ran ap_main");
}

static void check_reports(const struct embedboot_boot_info *info)
{
    int once = 1, own = 1, stacks = 1;
    for (uint32_t i = 0; i < info->cpu_count; i++) {
        if (cpus[i].state != EMBEDBOOT_CPU_WAITING)
            continue;
        kprintf("smp kernel: cpu %u: APIC ID %u ran kernel code, reported %u time(s)\n", i,
                reported_id[i], reports[i]);
        once &= reports[i] == 1;
        own &= reported_id[i] == cpus[i].apic_id;
        stacks &= reported_rsp[i] < cpus[i].stack_top && reported_rsp[i] > cpus[i].stack_top - 65536 &&
                  probe(READ, (const void *)(cpus[i].stack_top - 65536 - 1));
    }
    check(once, "each CPU reported once");
    check(own, "each CPU's own APIC ID is its entry's");
    check(stacks, "each ran on its own stack, a guard page below it");
}

void kmain(const struct embedboot_boot_info *info)
{
    kio_init(info);
    install_idt();
    unsigned expect = expected_cpus(info);
    cpus = (struct embedboot_cpu *)info->cpus;
    kprintf("smp kernel: %u CPUs listed, %u expected, bootstrap APIC ID %u\n", info->cpu_count,
            expect, info->bsp_apic_id);
    check(info->version >= 5 && (info->features & EMBEDBOOT_FEATURE_SMP), "smp feature applied");
    check(info->cpu_count == expect && expect > 0, "the MADT's CPUs listed");
    unsigned waiting = check_list(info);
    start_and_wait(info, waiting);
    check_reports(info);
    kprintf("smp kernel: counter %u\n", counter);
    checks_finish("smp kernel");
}
