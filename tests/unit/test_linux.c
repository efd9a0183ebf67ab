/* The Linux protocol's pure parts: bzImage checks, the kind of a kernel
 * file, and the zero page's E820 table, screen_info and efi_info. */
#include <stdint.h>
#include <stdlib.h>

#include "../../c/bzimage.h"
#include "../../c/kernel_kind.h"
#include "../../c/proto/linux_params.h"
#include "unit.h"

/* A minimal bzImage: 4 setup sectors + 1, 64 KiB of "kernel". */
static uint8_t image[5 * 512 + 65536];

static struct linux_setup_header *setup(void)
{
    return (struct linux_setup_header *)(image + LINUX_SETUP_HEADER_OFFSET);
}

static void make_image(void)
{
    struct linux_setup_header *h = setup();
    memset(image, 0, sizeof(image));
    h->setup_sects = 4;
    h->syssize = 65536 / 16;
    h->boot_flag = LINUX_BOOT_FLAG;
    h->header = LINUX_HDRS_MAGIC;
    h->version = 0x020f;
    h->loadflags = LINUX_LOADED_HIGH;
    h->xloadflags = XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G;
    h->kernel_alignment = 0x200000;
    h->relocatable_kernel = 1;
    h->cmdline_size = 2047;
    h->pref_address = 0x1000000;
    h->init_size = 0x400000;
    image[0x201] = 0x6a;                     /* the header ends at 0x26c */
}

static enum bzimage_error check(uint64_t size, uint64_t cmdline)
{
    struct bzimage info;
    struct bzimage_result why = { BZ_OK, 0, 0 };
    bzimage_check(image, size, cmdline, &info, &why);
    return why.error;
}

TEST(bzimage_valid_and_its_parts)
{
    struct bzimage info;
    struct bzimage_result why;
    make_image();
    CHECK_EQ(bzimage_check(image, sizeof(image), 100, &info, &why), 0);
    CHECK_EQ(info.setup_bytes, 5 * 512);
    CHECK_EQ(info.kernel_bytes, 65536);
    CHECK_EQ(info.header_end, 0x26c);
    CHECK_EQ(kernel_kind_of(image, sizeof(image)), KIND_BZIMAGE);
}

/* Every refusal, with the field in its message. */
TEST(bzimage_refusals_name_the_field)
{
    char text[200];
    struct bzimage info;
    struct bzimage_result why;

    make_image();
    CHECK_EQ(check(sizeof(image) - 16, 0), BZ_TRUNCATED);
    CHECK_EQ(check(sizeof(image) - 15, 0), BZ_OK);       /* a partial last paragraph */
    CHECK_EQ(check(0x200, 0), BZ_TOO_SHORT);
    CHECK_EQ(check(sizeof(image), 2048), BZ_CMDLINE_TOO_LONG);
    setup()->version = 0x020a;
    CHECK_EQ(bzimage_check(image, sizeof(image), 0, &info, &why), -1);
    bzimage_error_message(&why, text, sizeof(text));
    CHECK_STR_HAS(text, "version 2.10: boot protocol older than 2.12");
    make_image();
    setup()->xloadflags = 0;
    CHECK_EQ(check(sizeof(image), 0), BZ_NO_64BIT_ENTRY);
    make_image();
    setup()->setup_sects = 65;
    CHECK_EQ(check(sizeof(image), 0), BZ_SETUP_SECTS);
    make_image();
    setup()->loadflags = 0;
    CHECK_EQ(check(sizeof(image), 0), BZ_NOT_BZIMAGE);
    make_image();
    setup()->kernel_alignment = 0x300000;
    CHECK_EQ(check(sizeof(image), 0), BZ_ALIGNMENT);
    make_image();
    setup()->init_size = 100;
    CHECK_EQ(check(sizeof(image), 0), BZ_INIT_SIZE);
    make_image();
    setup()->boot_flag = 0;
    CHECK_EQ(check(sizeof(image), 0), BZ_BOOT_FLAG);
}

TEST(kind_refusal_says_what_the_file_looks_like)
{
    char text[300];
    static const uint8_t gz[] = { 0x1f, 0x8b, 8, 0 }, elf[] = { 0x7f, 'E', 'L', 'F', 1 };
    CHECK_EQ(kernel_kind_of(elf, sizeof(elf)), KIND_ELF);
    CHECK_EQ(kernel_kind_of(gz, sizeof(gz)), KIND_UNKNOWN);
    kernel_kind_refusal(gz, sizeof(gz), text, sizeof(text));
    CHECK_STR_HAS(text, "gzip-compressed");
    kernel_kind_refusal((const uint8_t *)"hello\n", 6, text, sizeof(text));
    CHECK_STR_HAS(text, "not an ELF file");
    CHECK_STR_HAS(text, "looks like text");
    kernel_kind_refusal(gz, 0, text, sizeof(text));
    CHECK_STR_HAS(text, "an empty file");
}

static struct embedboot_memory_region regions[400];
static struct linux_boot_params bp;

/* Loader kinds are RAM again and merge with their neighbours; firmware
 * kinds keep their E820 types; the framebuffer is left out. */
TEST(e820_from_the_final_map)
{
    struct memmap map = { regions, 0, 400, 0 };
    regions[map.count++] = (struct embedboot_memory_region){ 0, 0x9fc00, EMBEDBOOT_MEMORY_USABLE, 1 };
    regions[map.count++] = (struct embedboot_memory_region){ 0x9fc00, 0x400, EMBEDBOOT_MEMORY_RESERVED, 2 };
    regions[map.count++] = (struct embedboot_memory_region){ 0x100000, 0x100000, EMBEDBOOT_MEMORY_BOOTLOADER, 1 };
    regions[map.count++] = (struct embedboot_memory_region){ 0x200000, 0x100000, EMBEDBOOT_MEMORY_KERNEL, 1 };
    regions[map.count++] = (struct embedboot_memory_region){ 0x300000, 0x100000, EMBEDBOOT_MEMORY_USABLE, 1 };
    regions[map.count++] = (struct embedboot_memory_region){ 0x400000, 0x1000, EMBEDBOOT_MEMORY_ACPI_NVS, 4 };
    regions[map.count++] = (struct embedboot_memory_region){ 0x401000, 0x1000, EMBEDBOOT_MEMORY_UNKNOWN, 12 };
    regions[map.count++] = (struct embedboot_memory_region){ 0xfd000000, 0x300000, EMBEDBOOT_MEMORY_FRAMEBUFFER, 0 };
    memset(&bp, 0, sizeof(bp));
    CHECK_EQ(linux_fill_e820(&bp, NULL, 0, &map, EMBEDBOOT_FIRMWARE_BIOS), 5);
    CHECK_EQ(bp.e820_entries, 5);
    CHECK_EQ(bp.e820_table[2].addr, 0x100000);
    CHECK_EQ(bp.e820_table[2].size, 0x300000);           /* loader, kernel, usable: one RAM */
    CHECK_EQ(bp.e820_table[2].type, E820_TYPE_RAM);
    CHECK_EQ(bp.e820_table[3].type, E820_TYPE_NVS);
    CHECK_EQ(bp.e820_table[4].type, 12);                  /* BIOS: the firmware's own type */
    CHECK_EQ(linux_fill_e820(&bp, NULL, 0, &map, EMBEDBOOT_FIRMWARE_UEFI), 5);
    CHECK_EQ(bp.e820_table[4].type, E820_TYPE_RESERVED);  /* UEFI: no E820 type to keep */
}

/* More than 128 entries: the rest go to a SETUP_E820_EXT setup_data. */
TEST(e820_beyond_128_entries_goes_to_setup_data)
{
    struct memmap map = { regions, 0, 400, 0 };
    struct linux_setup_data *ext = calloc(1, sizeof(*ext) + 200 * sizeof(struct linux_e820_entry));
    for (unsigned i = 0; i < 300; i++)
        regions[map.count++] = (struct embedboot_memory_region){
            i * 0x2000ull, 0x1000, i % 2 ? EMBEDBOOT_MEMORY_USABLE : EMBEDBOOT_MEMORY_RESERVED, 1 };
    CHECK_EQ(linux_fill_e820(&bp, NULL, 0, &map, EMBEDBOOT_FIRMWARE_BIOS), -1);
    CHECK_EQ(linux_fill_e820(&bp, ext, 200, &map, EMBEDBOOT_FIRMWARE_BIOS), 300);
    CHECK_EQ(bp.e820_entries, 128);
    CHECK_EQ(ext->type, SETUP_E820_EXT);
    CHECK_EQ(ext->len, 172 * sizeof(struct linux_e820_entry));
    struct linux_e820_entry *more = (void *)ext->data;
    CHECK_EQ(more[0].addr, 128 * 0x2000ull);
    CHECK_EQ(more[171].addr, 299 * 0x2000ull);
    free(ext);
}

TEST(screen_info_for_each_framebuffer)
{
    struct linux_screen_info si;
    struct boot_machine m = { .firmware = EMBEDBOOT_FIRMWARE_BIOS, .has_framebuffer = 1 };
    m.fb = (struct embedboot_framebuffer){ .physical_address = 0xfd000000, .width = 1024,
        .height = 768, .stride = 4096, .bits_per_pixel = 32, .pixel_format = EMBEDBOOT_PIXELS_RGB,
        .red_size = 8, .red_shift = 16, .green_size = 8, .green_shift = 8, .blue_size = 8 };
    m.fb_bytes = 4096 * 768;
    linux_fill_screen_info(&si, &m);
    CHECK_EQ(si.orig_video_is_vga, VIDEO_TYPE_VLFB);
    CHECK_EQ(si.lfb_size, 48);                           /* 3 MiB in 64 KiB units */
    CHECK_EQ(si.lfb_linelength, 4096);
    CHECK_EQ(si.red_pos, 16);
    CHECK_EQ(si.rsvd_pos, 24);
    m.firmware = EMBEDBOOT_FIRMWARE_UEFI;
    m.fb.physical_address = 0x800000000ull;
    linux_fill_screen_info(&si, &m);
    CHECK_EQ(si.orig_video_is_vga, VIDEO_TYPE_EFI);
    CHECK_EQ(si.lfb_size, 4096 * 768);                   /* bytes */
    CHECK_EQ(si.ext_lfb_base, 8);
    CHECK_EQ(si.capabilities, VIDEO_CAPABILITY_64BIT_BASE);
    m.fb = (struct embedboot_framebuffer){ .physical_address = 0xb8000, .width = 80, .height = 25,
        .stride = 160, .bits_per_pixel = 16, .pixel_format = EMBEDBOOT_PIXELS_TEXT };
    linux_fill_screen_info(&si, &m);
    CHECK_EQ(si.orig_video_is_vga, VIDEO_TYPE_VGAC);
    CHECK_EQ(si.orig_video_cols, 80);
    CHECK_EQ(si.orig_video_lines, 25);
    m.has_framebuffer = 0;
    linux_fill_screen_info(&si, &m);
    CHECK_EQ(si.orig_video_is_vga, 0);
}

TEST(efi_info_splits_addresses)
{
    struct linux_efi_info efi;
    struct boot_efi from = { .system_table = 0x1234567890ull, .memmap = 0xabcdef000ull,
                             .memmap_size = 48 * 100, .descriptor_size = 48,
                             .descriptor_version = 1 };
    linux_fill_efi_info(&efi, &from);
    CHECK_EQ(efi.loader_signature, EFI64_LOADER_SIGNATURE);
    CHECK_EQ(efi.systab, 0x34567890);
    CHECK_EQ(efi.systab_hi, 0x12);
    CHECK_EQ(efi.memmap_hi, 0xa);
    CHECK_EQ(efi.memdesc_size, 48);
    CHECK_EQ(efi.memmap_size, 4800);
}

UNIT_MAIN(linux, T(bzimage_valid_and_its_parts), T(bzimage_refusals_name_the_field),
          T(kind_refusal_says_what_the_file_looks_like), T(e820_from_the_final_map),
          T(e820_beyond_128_entries_goes_to_setup_data), T(screen_info_for_each_framebuffer),
          T(efi_info_splits_addresses))
