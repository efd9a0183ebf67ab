/* Console for the UEFI application: every line goes to ConOut (the screen)
 * and to COM1, like the BIOS stages, but to COM1 only once if ConOut is
 * already a serial terminal there (OVMF). After ExitBootServices only COM1
 * is left. A panic while boot services last returns to efi_main, which frees
 * what was allocated and hands the error status to the firmware. */
#include "../console.h"

#include "../io.h"
#include "../serial.h"
#include "uefi.h"

static int boot_services_gone;
static int con_out_has_serial;     /* ConOut reaches a UART already */

/* Does the firmware's ConOut include a serial terminal (its "ConOut"
 * variable lists a device path with a UART node)? Then writing COM1 as
 * well would print every line twice there. */
static int con_out_includes_serial(void)
{
    static const struct efi_guid global = EFI_GLOBAL_VARIABLE_GUID;
    static const char16 name[] = u"ConOut";
    uint8_t path[1024];
    uint64_t size = sizeof(path);

    if (uefi.st->runtime_services->get_variable(name, &global, 0, &size, path) != EFI_SUCCESS)
        return 0;
    for (uint64_t off = 0; off + sizeof(struct efi_device_path) <= size;) {
        const struct efi_device_path *node = (const void *)(path + off);
        unsigned length = node->length[0] | node->length[1] << 8;
        if (node->type == EFI_DEVICE_PATH_MESSAGING && node->subtype == EFI_DEVICE_PATH_UART)
            return 1;
        if (length < sizeof(*node))
            break;
        off += length;
    }
    return 0;
}

void console_init(void)
{
    con_out_has_serial = con_out_includes_serial();
}

void console_graphics_mode(void)
{
}

void console_boot_services_gone(void)
{
    boot_services_gone = 1;
}

void console_write(const char *s)
{
    char16 wide[260];
    unsigned n = 0;

    if (boot_services_gone || !con_out_has_serial || !uefi.st->con_out)
        for (const char *p = s; *p; p++)
            serial_putc(*p);
    if (boot_services_gone || !uefi.st->con_out)
        return;
    for (; *s && n < sizeof(wide) / sizeof(wide[0]) - 2; s++) {
        if (*s == '\n')
            wide[n++] = '\r';
        wide[n++] = (unsigned char)*s;
    }
    wide[n] = 0;
    uefi.st->con_out->output_string(uefi.st->con_out, wide);
}

/* Before ExitBootServices: back to efi_main, which frees what was allocated
 * and returns the error status to the firmware. After it: halt, as BIOS. */
void console_stop(enum panic_kind kind)
{
    static const efi_status status[] = {
        [PANIC_BAD_IMAGE] = EFI_LOAD_ERROR,     [PANIC_NO_MEMORY] = EFI_OUT_OF_RESOURCES,
        [PANIC_UNSUPPORTED] = EFI_UNSUPPORTED,  [PANIC_DEVICE] = EFI_DEVICE_ERROR,
    };
    if (boot_services_gone)
        halt_forever();
    uefi.panic_status = status[kind];
    __builtin_longjmp(uefi.panic_jump, 1);
}
