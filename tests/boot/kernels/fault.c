/* The fault kernel: faults at once, before it has an IDT of its own, in
 * the way its command line names, so that the loader's fault catcher must
 * report it: "pointer" writes through a bad pointer (#PF), "ud2" executes
 * an invalid opcode (#UD), "stack" recurses into the stack's guard page (a
 * #PF that cannot be delivered on that stack: #DF, on the catcher's own). */
#include <stdint.h>

#include "embedboot.h"
#include "kio.h"

static int is(const char *cmdline, const char *word)
{
    while (*word && *cmdline == *word)
        cmdline++, word++;
    return !*word && !*cmdline;
}

__attribute__((noinline)) void write_through_bad_pointer(volatile uint64_t *p)
{
    *p = 0x4242;
}

__attribute__((noinline)) void execute_ud2(void)
{
    __asm__ volatile("ud2");
}

static volatile int keep_going = 1;       /* the compiler cannot see the end coming */

__attribute__((noinline)) uint64_t recurse_forever(uint64_t depth)
{
    volatile uint8_t frame[512];
    frame[0] = (uint8_t)depth;
    return keep_going ? recurse_forever(depth + 1) + frame[0] : depth;
}

void kmain(const struct embedboot_boot_info *info)
{
    const char *cmdline = (const char *)info->cmdline;
    kio_init(info);
    kprintf("fault kernel: %s\n", cmdline);
    if (is(cmdline, "pointer"))
        write_through_bad_pointer((volatile uint64_t *)0xdead0000ull);
    else if (is(cmdline, "ud2"))
        execute_ud2();
    else if (is(cmdline, "stack"))
        recurse_forever(0);
    kprintf("fault kernel: no fault happened\n");
    qemu_exit(QEMU_EXIT_FAILURE);
}
