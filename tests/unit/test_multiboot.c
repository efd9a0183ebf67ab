/* Multiboot headers, load plans and the information structures. */
#include <stdint.h>
#include <stdlib.h>

#include "../../c/elf.h"
#include "../../c/multiboot_image.h"
#include "../../c/proto/multiboot_info.h"
#include "unit.h"

static uint8_t file[16384];

static void put32(uint64_t at, uint32_t v)
{
    memcpy(file + at, &v, 4);
}

/* A flat MB1 kernel with address fields: loaded at 2 MiB, 8 KiB of file,
 * 4 KiB of BSS, entry 32 bytes in. */
static void make_mb1_flat(void)
{
    memset(file, 0x90, sizeof(file));
    put32(0, MB1_HEADER_MAGIC);
    put32(4, 0x10003);
    put32(8, -(MB1_HEADER_MAGIC + 0x10003));
    put32(12, 0x200000);                      /* header_addr */
    put32(16, 0x200000);                      /* load_addr */
    put32(20, 0x202000);                      /* load_end_addr */
    put32(24, 0x203000);                      /* bss_end_addr */
    put32(28, 0x200020);                      /* entry */
}

/* A flat MB2 kernel at offset 8 with an address tag, an entry tag and the
 * given extra tag (type, flags, one 32-bit body word). */
static void make_mb2_flat(uint16_t extra_type, uint16_t extra_flags, uint32_t extra_word)
{
    memset(file, 0x90, sizeof(file));
    uint32_t at = 8, len = 16 + 24 + 16 + 16 + 8;
    put32(at, MB2_HEADER_MAGIC);
    put32(at + 4, 0);
    put32(at + 8, len);
    put32(at + 12, -(MB2_HEADER_MAGIC + len));
    uint32_t t = at + 16;
    put32(t, MB2_HEADER_ADDRESS | 0 << 16); put32(t + 4, 24);
    put32(t + 8, 0x200008); put32(t + 12, 0x200000); put32(t + 16, 0); put32(t + 20, 0x204000);
    t += 24;
    put32(t, MB2_HEADER_ENTRY); put32(t + 4, 12); put32(t + 8, 0x200100);
    t += 16;
    put32(t, extra_type | (uint32_t)extra_flags << 16); put32(t + 4, 12); put32(t + 8, extra_word);
    t += 16;
    put32(t, MB2_HEADER_END); put32(t + 4, 8);
}

static enum mb_error check(int force_v1, struct multiboot_image *mb)
{
    struct mb_result why = { MB_OK, 0, 0 };
    multiboot_check(file, sizeof(file), force_v1, mb, &why);
    return why.error;
}

TEST(mb1_address_fields_plan)
{
    static struct multiboot_image mb;
    make_mb1_flat();
    CHECK_EQ(check(0, &mb), MB_OK);
    CHECK_EQ(mb.version, 1);
    CHECK_EQ(mb.count, 1);
    CHECK_EQ(mb.piece[0].phys, 0x200000);
    CHECK_EQ(mb.piece[0].filesz, 0x2000);
    CHECK_EQ(mb.piece[0].memsz, 0x3000);
    CHECK_EQ(mb.entry, 0x200020);
    CHECK(mb.page_align_modules);
    put32(12, 0x1ff000);                      /* header before load_addr */
    put32(8, -(MB1_HEADER_MAGIC + 0x10003));
    CHECK_EQ(check(0, &mb), MB_ADDRESS_FIELDS);
    make_mb1_flat();
    put32(20, 0x200000 + sizeof(file) + 16);  /* load_end past the file */
    CHECK_EQ(check(0, &mb), MB_ADDRESS_FIELDS);
    make_mb1_flat();
    put32(8, 0);                              /* checksum */
    CHECK_EQ(check(0, &mb), MB_BAD_CHECKSUM);
    make_mb1_flat();
    put32(4, 0x10013);                        /* requirement bit 4 */
    put32(8, -(MB1_HEADER_MAGIC + 0x10013));
    CHECK_EQ(check(0, &mb), MB_REQUIRED_FLAGS);
}

TEST(mb2_tags_and_refusals)
{
    static struct multiboot_image mb;
    make_mb2_flat(MB2_HEADER_MODULE_ALIGN, 0, 0);
    CHECK_EQ(check(0, &mb), MB_OK);
    CHECK_EQ(mb.version, 2);
    CHECK_EQ(mb.entry, 0x200100);
    CHECK_EQ(mb.piece[0].phys, 0x200000);
    CHECK_EQ(mb.piece[0].memsz, 0x4000);
    CHECK(mb.page_align_modules);
    make_mb2_flat(MB2_HEADER_INFO_REQUEST, 0, MB2_TAG_SMBIOS);
    CHECK_EQ(check(0, &mb), MB_UNSUPPORTED_REQUEST);
    make_mb2_flat(MB2_HEADER_INFO_REQUEST, MB2_TAG_OPTIONAL, MB2_TAG_SMBIOS);
    CHECK_EQ(check(0, &mb), MB_OK);
    make_mb2_flat(MB2_HEADER_INFO_REQUEST, 0, MB2_TAG_MMAP);
    CHECK_EQ(check(0, &mb), MB_OK);
    CHECK_EQ(mb.requests_required, 1u << MB2_TAG_MMAP);
    make_mb2_flat(99, 0, 0);
    CHECK_EQ(check(0, &mb), MB_UNKNOWN_TAG);
    make_mb2_flat(99, MB2_TAG_OPTIONAL, 0);
    CHECK_EQ(check(0, &mb), MB_OK);
    make_mb2_flat(MB2_HEADER_ENTRY_EFI32, 0, 0x200200);
    CHECK_EQ(check(0, &mb), MB_UNSUPPORTED_TAG);
    make_mb2_flat(MB2_HEADER_ENTRY_EFI64, 0, 0x200200);
    CHECK_EQ(check(0, &mb), MB_OK);
    CHECK_EQ(mb.efi64_entry, 0x200200);
    make_mb2_flat(MB2_HEADER_MODULE_ALIGN, 0, 0);
    put32(12, 0xdead);                        /* architecture, checksum fixed */
    put32(20, -(MB2_HEADER_MAGIC + 0xdead + 80));
    CHECK_EQ(check(0, &mb), MB_ARCHITECTURE);
    make_mb2_flat(MB2_HEADER_MODULE_ALIGN, 0, 0);
    put32(20, 1);
    CHECK_EQ(check(0, &mb), MB_BAD_CHECKSUM);
    CHECK(multiboot_present(file, sizeof(file)));
}

/* Found by fuzz_multiboot: a 56-byte ELF64 (shorter than its header) with
 * a Multiboot header inside; the program header fields lie past its end. */
TEST(short_elf64_with_a_header_is_refused)
{
    static struct multiboot_image mb;
    struct mb_result why;
    uint8_t *small = calloc(1, 56);                  /* ASan guards its end */
    memcpy(small, "\x7f" "ELF\x02\x01\x01", 7);
    uint32_t header[3] = { MB1_HEADER_MAGIC, 0, -MB1_HEADER_MAGIC };
    memcpy(small + 40, header, 12);
    CHECK_EQ(multiboot_check(small, 56, 0, &mb, &why), -1);
    CHECK_EQ(why.error, MB_ELF);
    free(small);
}

/* An ELF32 Multiboot kernel: one segment at 1 MiB (file bytes 0x1000..
 * 0x2000, the MB1 header at its start), and five sections: null, .text
 * (allocated), .symtab (0x100 bytes, align 4), .strtab (0x31 bytes) and
 * .bss-like NOBITS with sh_addr 0, which has no bytes to load. */
static void make_elf32_with_sections(void)
{
    struct elf32_ehdr eh = { .e_type = ET_EXEC, .e_machine = 3, .e_version = EV_CURRENT,
                             .e_entry = 0x100010, .e_phoff = 52, .e_shoff = 0x3000,
                             .e_ehsize = 52, .e_phentsize = 32, .e_phnum = 1,
                             .e_shentsize = 40, .e_shnum = 5, .e_shstrndx = 3 };
    struct elf32_phdr ph = { PT_LOAD, 0x1000, 0x100000, 0x100000, 0x1000, 0x1000, PF_R | PF_X, 0x1000 };
    struct elf32_shdr sh[5] = {
        { 0 },
        { 1, 1, 6, 0x100000, 0x1000, 0x1000, 0, 0, 16, 0 },
        { 7, 2, 0, 0, 0x2000, 0x100, 3, 0, 4, 16 },
        { 15, 3, 0, 0, 0x2100, 0x31, 0, 0, 1, 0 },
        { 23, SHT_NOBITS, 0, 0, 0x2200, 0x5000, 0, 0, 8, 0 },
    };
    memset(file, 0, sizeof(file));
    memcpy(file, "\x7f" "ELF\x01\x01\x01", 7);
    memcpy(file + 16, (uint8_t *)&eh + 16, sizeof(eh) - 16);
    memcpy(file + 52, &ph, sizeof(ph));
    memcpy(file + 0x3000, sh, sizeof(sh));
    put32(0x1000, MB1_HEADER_MAGIC);
    put32(0x1004, 0);
    put32(0x1008, -MB1_HEADER_MAGIC);
}

TEST(elf32_sections_are_planned_and_checked)
{
    static struct multiboot_image mb;
    make_elf32_with_sections();
    CHECK_EQ(check(0, &mb), MB_OK);
    CHECK_EQ(mb.elf64, 0);
    CHECK_EQ(mb.shnum, 5);
    CHECK_EQ(mb.shentsize, 40);
    CHECK_EQ(mb.shstrndx, 3);
    CHECK_EQ(mb.shoff, 0x3000);
    CHECK_EQ(mb.sections_size, 0x131);      /* .symtab at 0, .strtab at 0x100; no NOBITS */

    /* The area's layout, and the addresses written into a copy. */
    uint8_t copy[5 * 40];
    memcpy(copy, file + 0x3000, sizeof(copy));
    uint64_t used = 0;
    for (unsigned i = 0; i < 5; i++) {
        struct mb_section sec = multiboot_section(&mb, copy, i);
        if (multiboot_section_loaded(i, &sec))
            multiboot_section_set_addr(&mb, copy, i, 0x400000 + multiboot_section_place(&sec, &used));
    }
    CHECK_EQ(multiboot_section(&mb, copy, 1).addr, 0x100000);
    CHECK_EQ(multiboot_section(&mb, copy, 2).addr, 0x400000);
    CHECK_EQ(multiboot_section(&mb, copy, 3).addr, 0x400100);
    CHECK_EQ(multiboot_section(&mb, copy, 4).addr, 0);

    put32(0x3000 + 2 * 40 + 16, 0x3ff0);    /* .symtab's offset: runs past the end */
    CHECK_EQ(check(0, &mb), MB_SECTION);
    make_elf32_with_sections();
    put32(0x2e, 0x30005);                   /* e_shentsize 5 (and e_shnum 3) */
    CHECK_EQ(check(0, &mb), MB_SECTION_HEADERS);
    make_elf32_with_sections();
    put32(0x20, 0x3ff0);                    /* e_shoff: the table runs past the end */
    CHECK_EQ(check(0, &mb), MB_SECTION_HEADERS);
    make_elf32_with_sections();
    put32(0x20, 0);                         /* no section headers: none to give */
    CHECK_EQ(check(0, &mb), MB_OK);
    CHECK_EQ(mb.shnum, 0);
    CHECK_EQ(mb.sections_size, 0);
}

static struct embedboot_memory_region regions[8];
static uint8_t area[65536] __attribute__((aligned(8)));

static struct mb_info_input input(struct boot_machine *m, struct memmap *map)
{
    regions[0] = (struct embedboot_memory_region){ 0, 0x9fc00, EMBEDBOOT_MEMORY_USABLE, 1 };
    regions[1] = (struct embedboot_memory_region){ 0x9fc00, 0x400, EMBEDBOOT_MEMORY_RESERVED, 2 };
    regions[2] = (struct embedboot_memory_region){ 0x100000, 0x7ee0000, EMBEDBOOT_MEMORY_USABLE, 1 };
    regions[3] = (struct embedboot_memory_region){ 0x7fe0000, 0x20000, EMBEDBOOT_MEMORY_RESERVED, 2 };
    *map = (struct memmap){ regions, 4, 8, 0 };
    *m = (struct boot_machine){ .firmware = EMBEDBOOT_FIRMWARE_BIOS, .has_framebuffer = 1 };
    m->fb = (struct embedboot_framebuffer){ .physical_address = 0xb8000, .width = 80, .height = 25,
        .stride = 160, .bits_per_pixel = 16, .pixel_format = EMBEDBOOT_PIXELS_TEXT };
    struct mb_info_input in = { .machine = m, .map = map, .cmdline = "k.elf a b", .module_count = 1,
                                .load_base = 0x100000 };
    in.module[0] = (struct mb_info_module){ 0x200000, 0x1234, "mod.bin x" };
    return in;
}

/* Multiboot 1: flags, memory, the map, the module, the framebuffer. The
 * area is host memory: the 32-bit fields hold the low halves of its
 * addresses, compared the same way. */
TEST(mb1_information)
{
    struct boot_machine m;
    struct memmap map;
    struct mb_info_input in = input(&m, &map);
    struct mb1_info *info = (void *)multiboot_build_info(1, area, sizeof(area), &in);
    CHECK(info != NULL);
    CHECK_EQ(info->flags & (MB1_INFO_MEMORY | MB1_INFO_MEM_MAP | MB1_INFO_MODS | MB1_INFO_FRAMEBUFFER),
             MB1_INFO_MEMORY | MB1_INFO_MEM_MAP | MB1_INFO_MODS | MB1_INFO_FRAMEBUFFER);
    CHECK_EQ(info->mem_lower, 639);
    CHECK_EQ(info->mem_upper, (0x7fe0000 - 0x100000) / 1024);
    CHECK_EQ(info->mods_count, 1);
    CHECK_EQ(info->mmap_length, 4 * 24);
    CHECK_EQ(info->framebuffer_type, MB_FRAMEBUFFER_TEXT);
    CHECK_EQ(info->framebuffer_addr, 0xb8000);
    CHECK_EQ(multiboot_build_info(1, area, 64, &in), 0);      /* does not fit: refused */
}

/* Multiboot2: the tags in order, 8-aligned, the total size, the end tag. */
TEST(mb2_information)
{
    struct boot_machine m;
    struct memmap map;
    struct mb_info_input in = input(&m, &map);
    uint8_t *info = (void *)multiboot_build_info(2, area, sizeof(area), &in);
    uint32_t seen = 0, total = *(uint32_t *)info;
    CHECK(info != NULL);
    for (uint8_t *p = info + 8; p < info + total;) {
        struct mb2_tag *t = (void *)p;
        CHECK_EQ((uintptr_t)p % 8, 0);
        seen |= 1u << t->type;
        if (t->type == MB2_TAG_MMAP)
            CHECK_EQ(t->size, 16 + 4 * 24);
        if (t->type == MB2_TAG_MODULE)
            CHECK(!strcmp((char *)p + 16, "mod.bin x"));
        if (t->type == MB2_TAG_END) {
            CHECK_EQ(p + 8, info + total);
            break;
        }
        p += (t->size + 7) & ~7u;
    }
    CHECK_EQ(seen, (1u << MB2_TAG_END) | (1u << MB2_TAG_CMDLINE) | (1u << MB2_TAG_LOADER_NAME) |
                   (1u << MB2_TAG_MODULE) | (1u << MB2_TAG_BASIC_MEMINFO) | (1u << MB2_TAG_MMAP) |
                   (1u << MB2_TAG_FRAMEBUFFER) | (1u << MB2_TAG_LOAD_BASE_ADDR));
}

UNIT_MAIN(multiboot, T(mb1_address_fields_plan), T(mb2_tags_and_refusals),
          T(short_elf64_with_a_header_is_refused), T(elf32_sections_are_planned_and_checked),
          T(mb1_information), T(mb2_information))
