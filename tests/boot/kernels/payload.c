/* The payload kernel: carries PAYLOAD_MIB MiB of pseudo-random bytes in
 * .rodata (made by gen_payload with the same generator) and checks every
 * one of them, so a byte lost or moved anywhere in loading is caught.
 * With the command line "unread" it checks the first word only: the
 * benchmarks' kernel that carries a payload it does not read (issue 16),
 * whose time is the loader's alone. */
#include <stdint.h>

#include "embedboot.h"
#include "kio.h"
#include "trap.h"
#include "payload_prng.h"

extern const uint8_t payload_start[], payload_end[];

__asm__(".section .rodata.payload, \"a\"\n"
        ".balign 8\n"
        ".global payload_start\n"
        "payload_start:\n"
        ".incbin \"" PAYLOAD_FILE "\"\n"
        ".global payload_end\n"
        "payload_end:\n"
        ".previous\n");

static int unread(const struct embedboot_boot_info *info)
{
    const char *c = (const char *)info->cmdline, *word = "unread";
    while (*word && *c == *word)
        c++, word++;
    return !*word && !*c;
}

void kmain(const struct embedboot_boot_info *info)
{
    kio_init(info);
    install_idt();
    uint64_t size = (uint64_t)(payload_end - payload_start);
    uint64_t state = PAYLOAD_SEED;
    const uint64_t *p = (const uint64_t *)payload_start;
    if (unread(info)) {
        if (p[0] != payload_next(&state)) {
            kprintf("payload kernel: the first word differs\n");
            qemu_exit(QEMU_EXIT_FAILURE);
        }
        kprintf("payload kernel: %llu MiB carried, not read\n", (unsigned long long)(size >> 20));
        qemu_exit(QEMU_EXIT_SUCCESS);
    }
    for (uint64_t i = 0; i < size / 8; i++)
        if (p[i] != payload_next(&state)) {
            kprintf("payload kernel: word %llu of %llu differs\n", (unsigned long long)i,
                    (unsigned long long)(size / 8));
            qemu_exit(QEMU_EXIT_FAILURE);
        }
    kprintf("payload kernel: %llu MiB intact\n", (unsigned long long)(size >> 20));
    qemu_exit(QEMU_EXIT_SUCCESS);
}
