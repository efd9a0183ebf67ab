/* A relocatable kernel with an ifunc: its R_X86_64_IRELATIVE relocation
 * asks for a resolver to run at load time, which embedboot does not do;
 * the build refuses the kernel, naming the type (tests/build.sh). */
#include "kio.h"

static int plain(void)
{
    return 1;
}

static int (*resolve(void))(void)
{
    return plain;
}

int chosen(void) __attribute__((ifunc("resolve")));

void kmain(void)
{
    qemu_exit(chosen() ? QEMU_EXIT_SUCCESS : QEMU_EXIT_FAILURE);
}
