/* The payloads embedded in the application (make BOOTX64.EFI): the same
 * objects as the BIOS image, linked into the PE file, for an application
 * that has no embedboot disk behind it (an ESP of its own, a network
 * boot). */
#include "uefi.h"

extern const uint8_t _kernel_start_addr[], _kernel_end_addr[];   /* objcopy: the blob */
extern const struct module_table _module_table;                   /* $(KDIR)/modules.asm */
extern const char _image_strings[];                               /* the command lines */

const int uefi_payloads_signed = 1;

void uefi_find_payloads(struct boot_payloads *payloads, const struct image_header *hdr)
{
    (void)hdr;
    boot_payloads_from(payloads, _kernel_start_addr,
                       (uint64_t)(_kernel_end_addr - _kernel_start_addr), &_module_table,
                       _image_strings);
}
