/* The UEFI raw read: an EFI application that reads an image's payload
 * area through the firmware's Block I/O exactly as embedboot's application
 * does (the same c/uefi/payloads_disk.c and header_disk.c, linked in), and
 * exits QEMU: no checksum, no ELF, no kernel. bench/run.sh swaps it in for
 * BOOTX64.EFI and compares embedboot's UEFI rows with it, by the whole
 * process's time and by the TSC ticks its reads took, which it writes to the
 * console ("efi-read: TSC ticks 0x..."), timed from its entry as embedboot's
 * timeline is. */
#include "../c/console.h"
#include "../c/timeline.h"
#include "../c/uefi/uefi.h"

struct uefi uefi;

efi_status EFIAPI efi_main(efi_handle image, struct efi_system_table *st)
{
    static struct boot_payloads payloads;
    uint64_t start = rdtsc();
    uefi.image = image;
    uefi.st = st;
    uefi.bs = st->boot_services;
    if (__builtin_setjmp(uefi.panic_jump))
        return uefi.panic_status;
    console_init();
    uefi.bs->set_watchdog_timer(0, 0, 0, 0);
    uefi_find_payloads(&payloads, uefi_image_header());
    console_printf("efi-read: TSC ticks 0x%llx\n", (unsigned long long)(rdtsc() - start));
    __asm__ volatile("outb %0, %1" : : "a"((uint8_t)0x10), "Nd"((uint16_t)0xf4));
    return 0;
}
