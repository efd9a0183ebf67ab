/* The UEFI front end: state shared by its files, and what each provides. */
#ifndef UEFI_H
#define UEFI_H

#include "../boot_build.h"
#include "efi.h"

struct uefi {
    efi_handle image;
    struct efi_system_table *st;
    struct efi_boot_services *bs;     /* 0 once boot services are gone */
    void *panic_jump[5];              /* __builtin_setjmp buffer: back to efi_main */
    efi_status panic_status;          /* what efi_main returns after a panic (console_stop) */
};

extern struct uefi uefi;

/* console.c: ConOut and COM1 while boot services last, then COM1 only. */
void console_boot_services_gone(void);


/* cpu.c: CPU features the loader uses; panics on what it cannot handle. */
void uefi_describe_cpu(struct boot_machine *machine);

/* TSC ticks per second: CPUID 15h/16h, else counted over a 2 ms Stall. */
uint64_t uefi_tsc_frequency(void);

/* GetTime as one number (0 if it fails), for KASLR's entropy (c/clock.c). */
uint64_t uefi_clock(void);

/* A page below 1 MiB for starting the other CPUs, 0 if none (memory.c). */
uint64_t uefi_ap_trampoline_page(void);

/* gop.c: set the mode FRAMEBUFFER= asks for (or keep the current one)
 * and describe it. */
void uefi_set_up_framebuffer(const struct image_header *hdr, struct boot_machine *machine);

/* tables.c: the RSDP from the configuration table (ACPI 2.0, then 1.0). */
uint64_t uefi_find_rsdp(void);

/* memory.c: the firmware's map, clean, for the core (machine->memory). */
void uefi_describe_memory(struct boot_machine *machine);

/* `pages` of EfiLoaderData anywhere, recorded for uefi_release_all; panics
 * with EFI_OUT_OF_RESOURCES when there are none. */
uint64_t uefi_alloc_pages(uint64_t pages, const char *what);
/* ... or 0 when the firmware has not that much (no error). */
uint64_t uefi_try_alloc_pages(uint64_t pages);

/* The free memory the core takes the kernel's frames from: conventional
 * memory above 1 MiB, each run claimed with AllocatePages before use. */
struct boot_free_memory uefi_free_memory(void);

/* asm/handoff.asm copied to a page of its own below 1 MiB (or 4 GiB). */
void uefi_copy_handoff(struct boot_machine *machine);

/* Free every allocation: a panic before ExitBootServices. */
void uefi_release_all(void);

/* ExitBootServices, then the firmware's final map, clean, in final_map;
 * the map it was called with in *efi (Linux takes it). */
void uefi_exit_boot_services(struct memmap *final_map, struct boot_efi *efi);

/* The same, with boot services left running: the map as it is now. */
void uefi_memory_map_now(struct memmap *final_map, struct boot_efi *efi);

/* header_linked.c or header_disk.c, whichever is linked: the image
 * header, linked into this file (make BOOTX64.EFI, and a signed image's
 * ESP, where the signature must cover it), or read from LBA 1 of the disk
 * it was loaded from (an unsigned image's ESP, which then holds nothing of
 * the kernel's and is not rebuilt when the kernel changes). */
const struct image_header *uefi_image_header(void);

/* progress.c: a long load's percentage, "embedboot: uefi: WHAT: N %"
 * redrawn in place once it has taken a second, at most twice a second,
 * ending at 100 % on its own line; nothing for a shorter load. */
struct uefi_progress {
    const char *what;
    uint64_t done, total;
    efi_event timer;          /* signalled when a line is due; 0: none */
    int shown;
};
void uefi_progress_start(struct uefi_progress *p, const char *what, uint64_t total);
void uefi_progress_add(struct uefi_progress *p, uint64_t bytes);
void uefi_progress_end(struct uefi_progress *p);
/* Ends a progress line drawn so far (before an error message); p may be 0. */
void uefi_progress_break(const struct uefi_progress *p);

/* payloads_disk.c: the whole disk this application was loaded from (its
 * ESP's disk), and `bytes` from byte `offset` of it into `buffer` (room
 * for `bytes` plus a block); returns where the bytes begin in it. A long
 * read counts into `progress` (0: none). */
struct efi_block_io *uefi_boot_disk(void);
uint8_t *uefi_read_disk(struct efi_block_io *bio, uint64_t offset, uint64_t bytes,
                        uint8_t *buffer, struct uefi_progress *progress);

/* payloads_embedded.c or payloads_disk.c, whichever is linked: the
 * kernel, modules and command lines the header describes (checked after). */
void uefi_find_payloads(struct boot_payloads *payloads, const struct image_header *hdr);

/* The same file: 1 when the payloads lie inside this (signed) file. */
extern const int uefi_payloads_signed;

/* secure_boot.c: whether the firmware enforces Secure Boot (the SecureBoot
 * variable is 1); the payloads from outside the signed file against the
 * digests signed into it (the kernel from \kernel.elf when
 * kernel_from_file), panicking on the first that does not match. */
int uefi_secure_boot(void);
void uefi_check_digests(const struct boot_payloads *payloads, const struct image_header *hdr,
                        int kernel_from_file);

/* kernel_file.c: KERNEL_ON_ESP: \kernel.elf from the volume this
 * application was loaded from. 0 and *blob set, or -1 if there is none. */
int uefi_read_kernel_file(const uint8_t **blob, uint64_t *size);

/* tpm.c: the boot's measurements (c/measure.h) through EFI_TCG2_PROTOCOL;
 * 1 when all were made, 0 when there is no TPM (one log line) or one failed. */
int uefi_measure_boot(const struct image_header *hdr, const struct boot_payloads *payloads);

#endif
