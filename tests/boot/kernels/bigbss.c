/* The big-BSS kernel: a small file whose segments need BIGBSS_MIB MiB of
 * memory, to make stage 4 run out of memory. Reaching kmain is a failure. */
#include <stdint.h>

#include "embedboot.h"
#include "kio.h"
#include "trap.h"

static uint8_t huge[(uint64_t)BIGBSS_MIB << 20];

void kmain(const struct embedboot_boot_info *info)
{
    kio_init(info);
    install_idt();
    kprintf("bigbss kernel: started with %llu MiB of BSS at 0x%llx\n",
            (unsigned long long)BIGBSS_MIB, (unsigned long long)(uint64_t)huge);
    qemu_exit(QEMU_EXIT_FAILURE);
}
