/* The UEFI application (BOOTX64.EFI): the UEFI front end of embedboot.
 * It finds out what the BIOS stages find (CPU, memory, framebuffer, RSDP)
 * through boot services and names the firmware's free memory; the core
 * (boot_build.h) decides and builds as on BIOS, and the protocol back end
 * (c/proto/) enters the kernel, so the kernel sees the same contract on
 * both. */
#include "../console.h"
#include "../timeline.h"
#include "uefi.h"

struct uefi uefi;

/* The payloads (embedded, or from the disk), or \kernel.elf from the
 * boot volume in the kernel's place (KERNEL_ON_ESP: no checksum in the
 * header for it). With Secure Boot on, what lies outside the signed file is
 * checked against its signed digests first, before anything parses it. */
static void check_kernel(struct boot_layout *layout, const struct image_header *hdr,
                         struct boot_payloads *payloads, int secure_boot)
{
    uefi_find_payloads(payloads, hdr);
    timeline_mark(EMBEDBOOT_T_DISK_READ);
    int from_file = (hdr->configured & CONFIG_KERNEL_ON_ESP) &&
                    !uefi_read_kernel_file(&payloads->kernel, &payloads->kernel_size);
    if (secure_boot)
        uefi_check_digests(payloads, hdr, from_file);
    if (from_file) {
        payloads->kernel_room = 0;             /* a buffer of the file's size: copied */
        console_printf("embedboot: uefi: checking \\kernel.elf from the boot volume (%llu bytes)\n",
                       (unsigned long long)payloads->kernel_size);
        boot_check_payloads(layout, hdr, payloads);
        return;
    }
    console_printf("embedboot: uefi: checking the kernel image (%llu bytes)\n",
                   (unsigned long long)payloads->kernel_size);
    boot_check_kernel(layout, hdr, payloads);
}

__attribute__((noreturn)) static void boot(void)
{
    static struct boot_layout layout;
    struct boot_machine machine = { .firmware = EMBEDBOOT_FIRMWARE_UEFI, .log_name = "uefi" };
    static struct boot_payloads payloads;

    console_init();
    console_printf("embedboot: uefi: started, UEFI %u.%u\n", uefi.st->hdr.revision >> 16,
                   (uefi.st->hdr.revision & 0xffff) / 10);
    uefi.bs->set_watchdog_timer(0, 0, 0, 0);   /* no reset while a big kernel loads */
    machine.efi.system_table = (uint64_t)uefi.st;
    machine.efi.image_handle = (uint64_t)uefi.image;
    uefi_describe_cpu(&machine);
    boot_tsc_frequency = uefi_tsc_frequency();
    machine.clock = uefi_clock();
    machine.identity_limit = UINT64_MAX;               /* the firmware maps everything */
    machine.secure_boot = uefi_secure_boot();
    console_printf("embedboot: uefi: Secure Boot is %s\n", machine.secure_boot ? "on" : "off");
    const struct image_header *hdr = uefi_image_header();
    check_kernel(&layout, hdr, &payloads, machine.secure_boot);
    machine.measured = uefi_measure_boot(hdr, &payloads);
    timeline_mark(EMBEDBOOT_T_CHECKS);
    uefi_set_up_framebuffer(hdr, &machine);
    timeline_mark(EMBEDBOOT_T_VIDEO);
    machine.rsdp = uefi_find_rsdp();
    uefi_describe_memory(&machine);
    uefi_copy_handoff(&machine);
    if (hdr->features & FEATURE_SMP)
        machine.ap_trampoline = uefi_ap_trampoline_page();
    boot_prepare(&layout, hdr, &machine);
    struct boot_free_memory free = uefi_free_memory();
    boot_build(&layout, &payloads, &free);
    boot_log_layout(&layout);

    struct memmap final_map = boot_final_map(&layout);
    if (boot_keeps_boot_services(&layout))
        uefi_memory_map_now(&final_map, &machine.efi);
    else
        uefi_exit_boot_services(&final_map, &machine.efi);
    boot_finish_memory_map(&layout, &final_map);
    boot_enter(&layout, &final_map);
}

efi_status EFIAPI efi_main(efi_handle image, struct efi_system_table *st)
{
    timeline_mark(EMBEDBOOT_T_LOADER_START);
    uefi.image = image;
    uefi.st = st;
    uefi.bs = st->boot_services;
    if (__builtin_setjmp(uefi.panic_jump)) {     /* a panic before ExitBootServices */
        uefi_release_all();
        return uefi.panic_status;
    }
    boot();
}
