/* The UEFI application (BOOTX64.EFI): the UEFI front end of embedboot.
 * It finds out what the BIOS stages find (CPU, memory, framebuffer, RSDP)
 * through boot services, takes its frames from AllocatePages, and builds
 * the kernel's world with the same code as the BIOS stage 4
 * (boot_build.h), so the kernel sees the same contract on both. */
#include "../console.h"
#include "uefi.h"

extern const uint8_t _kernel_start_addr[], _kernel_end_addr[];   /* objcopy: the blob */
extern const struct image_header _image_header;

struct uefi uefi;

__attribute__((noreturn)) static void boot(void)
{
    static struct boot_layout l;
    struct boot_machine m = { .firmware = EMBEDBOOT_FIRMWARE_UEFI, .log_name = "uefi" };
    const uint8_t *blob = _kernel_start_addr;
    uint64_t size = (uint64_t)(_kernel_end_addr - _kernel_start_addr);

    console_init();
    console_printf("embedboot: uefi: started, UEFI %u.%u\n", uefi.st->hdr.revision >> 16,
                   (uefi.st->hdr.revision & 0xffff) / 10);
    uefi.bs->set_watchdog_timer(0, 0, 0, 0);   /* no reset while a big kernel loads */
    uefi_describe_cpu(&m);
    if ((_image_header.configured & CONFIG_KERNEL_ON_ESP) && !uefi_read_kernel_file(&blob, &size)) {
        console_printf("embedboot: uefi: checking \\kernel.elf from the boot volume (%llu bytes)\n",
                       (unsigned long long)size);
        boot_check_elf(&l, &_image_header, blob, size);
    } else {
        console_printf("embedboot: uefi: checking the kernel image (%llu bytes)\n",
                       (unsigned long long)size);
        boot_check_kernel(&l, &_image_header, blob, size);
    }
    uefi_set_up_framebuffer(&_image_header, &m);
    m.rsdp = uefi_find_rsdp();
    uefi_describe_memory(&m);
    uefi_copy_handoff(&m);
    uefi_take_arena(boot_prepare(&l, &m), &m);
    boot_build(&l, blob);
    boot_log_layout(&l);

    struct memmap final_map = boot_info_regions(&l);
    uefi_exit_boot_services(&final_map, &l);
    boot_enter(&l, &final_map);
}

efi_status EFIAPI efi_main(efi_handle image, struct efi_system_table *st)
{
    uefi.image = image;
    uefi.st = st;
    uefi.bs = st->boot_services;
    uefi.panic_status = EFI_LOAD_ERROR;
    if (__builtin_setjmp(uefi.panic_jump)) {     /* a panic before ExitBootServices */
        uefi_release_all();
        return uefi.panic_status;
    }
    boot();
}
