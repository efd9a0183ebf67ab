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
