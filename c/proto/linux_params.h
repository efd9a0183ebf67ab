/* The Linux zero page's machine description, from what the core knows:
 * the E820 table (with setup_data for more than 128 entries), screen_info
 * and, on UEFI, efi_info. Pure: the host tests run it. */
#ifndef LINUX_PARAMS_H
#define LINUX_PARAMS_H

#include "../boot_build.h"
#include "../linux_boot.h"

/* The final map as E820 entries (memmap_e820_type), neighbours of one
 * type merged: the first
 * 128 into the zero page, the rest into `ext` (a setup_data with room for
 * ext_capacity entries; may be NULL when there is none). Returns the
 * number of entries, or -1 if they do not fit. */
int linux_fill_e820(struct linux_boot_params *bp, struct linux_setup_data *ext,
                    unsigned ext_capacity, const struct memmap *map, uint32_t firmware);

/* screen_info for the machine's framebuffer: VGA text, a VESA linear
 * framebuffer (BIOS) or the GOP's (UEFI); nothing without one. */
void linux_fill_screen_info(struct linux_screen_info *si, const struct boot_machine *machine);

/* efi_info on UEFI: the system table and the memory map ExitBootServices
 * was called with, so that Linux can use runtime services. */
void linux_fill_efi_info(struct linux_efi_info *efi, const struct boot_efi *from);

#endif
