/* The UEFI floor: an EFI application that exits QEMU as soon as OVMF
 * starts it (isa-debug-exit, status 33), on the same disk layout as an
 * embedboot image (bench/run.sh swaps it in for BOOTX64.EFI). */
#include <stdint.h>

__attribute__((ms_abi)) uint64_t efi_main(void *image, void *system_table)
{
    (void)image;
    (void)system_table;
    __asm__ volatile("outb %0, %1" : : "a"((uint8_t)0x10), "Nd"((uint16_t)0xf4));
    return 0;
}
