#include "checks.h"

#include "kio.h"

static unsigned failures, total;

void check(int ok, const char *what)
{
    total++;
    failures += !ok;
    kprintf("check %s: %s\n", what, ok ? "ok" : "FAILED");
}

void checks_finish(const char *name)
{
    if (failures) {
        kprintf("%s: %u of %u checks FAILED\n", name, failures, total);
        qemu_exit(QEMU_EXIT_FAILURE);
    }
    kprintf("%s: all %u checks passed\n", name, total);
    qemu_exit(QEMU_EXIT_SUCCESS);
}

uint64_t leaf_entry(uint64_t offset, uint64_t virt, int *level_out)
{
    uint64_t table = read_cr3() & PTE_ADDR_MASK;
    for (int level = 3; level >= 0; level--) {
        uint64_t e = ((volatile uint64_t *)(offset + table))[(virt >> (12 + 9 * level)) & 511];
        if (!(e & 1) || level == 0 || (e & 0x80)) {
            *level_out = level;
            return e;
        }
        table = e & PTE_ADDR_MASK;
    }
    return 0;
}

uint64_t walk(uint64_t offset, uint64_t virt)
{
    int level;
    uint64_t e = leaf_entry(offset, virt, &level);
    if (!(e & 1))
        return 0;
    uint64_t span = 1ull << (12 + 9 * level);
    return (e & PTE_ADDR_MASK & ~(span - 1)) + (virt & (span - 1));
}
