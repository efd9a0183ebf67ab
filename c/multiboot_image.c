#include "multiboot_image.h"

#include <string.h>

#include "elf.h"
#include "fmt.h"
#include "page.h"

#define MiB        0x100000ull
#define FOUR_GIB   0x100000000ull

static int fail(struct mb_result *why, enum mb_error e, uint64_t value, uint64_t limit)
{
    *why = (struct mb_result){ e, value, limit };
    return -1;
}

static uint32_t le32(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The offset of `magic` at `align` within the first `range` bytes, or -1. */
static int64_t find_magic(const uint8_t *file, uint64_t size, uint32_t magic, unsigned align,
                          uint64_t range)
{
    for (uint64_t off = 0; off + 12 <= size && off < range; off += align)
        if (le32(file + off) == magic)
            return (int64_t)off;
    return -1;
}

int multiboot_present(const uint8_t *file, uint64_t size)
{
    return find_magic(file, size, MB2_HEADER_MAGIC, 8, MB2_SEARCH) >= 0 ||
           find_magic(file, size, MB1_HEADER_MAGIC, 4, MB1_SEARCH) >= 0;
}

static int mb2_checksum_ok(const uint8_t *file, uint64_t size, int64_t at)
{
    return at >= 0 && (uint64_t)at + 16 <= size &&
           (uint32_t)(le32(file + at) + le32(file + at + 4) + le32(file + at + 8) +
                      le32(file + at + 12)) == 0;
}

static int mb1_checksum_ok(const uint8_t *file, int64_t at)
{
    return at >= 0 && (uint32_t)(le32(file + at) + le32(file + at + 4) + le32(file + at + 8)) == 0;
}

/* The address fields (the "a.out kludge"): the file from the header's
 * place backwards to load_addr is loaded at load_addr, up to load_end_addr
 * (0: the end of the file), then zeroes up to bss_end_addr (0: none). */
static int plan_address_fields(uint64_t size, uint32_t header_addr, uint32_t load_addr,
                               uint32_t load_end, uint32_t bss_end, struct multiboot_image *mb,
                               struct mb_result *why)
{
    if (header_addr < load_addr || header_addr - load_addr > mb->header_offset)
        return fail(why, MB_ADDRESS_FIELDS, header_addr, load_addr);
    uint64_t offset = mb->header_offset - (header_addr - load_addr);
    uint64_t filesz = load_end ? (uint64_t)load_end - load_addr : size - offset;
    if (load_end && (load_end <= load_addr || offset + filesz > size))
        return fail(why, MB_ADDRESS_FIELDS, load_end, load_addr + (size - offset));
    uint64_t memsz = bss_end ? (uint64_t)bss_end - load_addr : filesz;
    if (bss_end && memsz < filesz)
        return fail(why, MB_ADDRESS_FIELDS, bss_end, load_addr + filesz);
    mb->piece[0] = (struct mb_piece){ load_addr, offset, filesz, memsz };
    mb->count = 1;
    return 0;
}

/* The ELF header fields the plan uses, from either class. */
struct elf_any_ehdr {
    uint64_t entry, phoff, shoff;
    unsigned phentsize, phnum, shentsize, shnum, shstrndx;
};

static struct elf_any_ehdr read_ehdr(const uint8_t *file, int is64)
{
    if (is64) {
        struct elf64_ehdr e;
        memcpy(&e, file, sizeof(e));
        return (struct elf_any_ehdr){ e.e_entry, e.e_phoff, e.e_shoff, e.e_phentsize, e.e_phnum,
                                      e.e_shentsize, e.e_shnum, e.e_shstrndx };
    }
    struct elf32_ehdr e;
    memcpy(&e, file, sizeof(e));
    return (struct elf_any_ehdr){ e.e_entry, e.e_phoff, e.e_shoff, e.e_phentsize, e.e_phnum,
                                  e.e_shentsize, e.e_shnum, e.e_shstrndx };
}

/* A PT_LOAD program header as a piece (memsz 0 for any other type). */
static struct mb_piece read_phdr(const uint8_t *ph, int is64)
{
    if (is64) {
        struct elf64_phdr p;
        memcpy(&p, ph, sizeof(p));
        return p.p_type == PT_LOAD ? (struct mb_piece){ p.p_paddr, p.p_offset, p.p_filesz, p.p_memsz }
                                   : (struct mb_piece){ 0, 0, 0, 0 };
    }
    struct elf32_phdr p;
    memcpy(&p, ph, sizeof(p));
    return p.p_type == PT_LOAD ? (struct mb_piece){ p.p_paddr, p.p_offset, p.p_filesz, p.p_memsz }
                               : (struct mb_piece){ 0, 0, 0, 0 };
}

struct mb_section multiboot_section(const struct multiboot_image *mb, const uint8_t *shdrs,
                                    unsigned i)
{
    const uint8_t *at = shdrs + (uint64_t)i * mb->shentsize;
    if (mb->elf64) {
        struct elf64_shdr h;
        memcpy(&h, at, sizeof(h));
        return (struct mb_section){ h.sh_type, h.sh_addr, h.sh_offset, h.sh_size, h.sh_addralign };
    }
    struct elf32_shdr h;
    memcpy(&h, at, sizeof(h));
    return (struct mb_section){ h.sh_type, h.sh_addr, h.sh_offset, h.sh_size, h.sh_addralign };
}

void multiboot_section_set_addr(const struct multiboot_image *mb, uint8_t *shdrs, unsigned i,
                                uint64_t addr)
{
    uint8_t *at = shdrs + (uint64_t)i * mb->shentsize;
    if (mb->elf64) {
        memcpy(at + offsetof(struct elf64_shdr, sh_addr), &addr, sizeof(uint64_t));
    } else {
        uint32_t addr32 = (uint32_t)addr;            /* the area lies below 4 GiB */
        memcpy(at + offsetof(struct elf32_shdr, sh_addr), &addr32, sizeof(addr32));
    }
}

int multiboot_section_loaded(unsigned i, const struct mb_section *s)
{
    return i != 0 && s->addr == 0 && s->size != 0 && s->type != SHT_NOBITS;
}

uint64_t multiboot_section_place(const struct mb_section *s, uint64_t *used)
{
    uint64_t align = s->align > 1 && !(s->align & (s->align - 1)) ? s->align : 1;
    if (align > PAGE_SIZE)
        align = PAGE_SIZE;                           /* the area itself is page-aligned */
    uint64_t at = (*used + align - 1) & ~(align - 1);
    *used = at + s->size;
    return at;
}

/* The section headers, and room for the sections that no segment loads
 * (sh_addr 0: symbols, strings, debug information), which GRUB also
 * loads and gives their addresses. A file without section headers has
 * none to give. */
static int plan_sections(const uint8_t *file, uint64_t size, const struct elf_any_ehdr *e,
                         struct multiboot_image *mb, struct mb_result *why)
{
    unsigned entsize = mb->elf64 ? sizeof(struct elf64_shdr) : sizeof(struct elf32_shdr);
    if (!e->shoff || !e->shnum)
        return 0;
    if (e->shentsize != entsize || e->shoff > size ||
        (uint64_t)e->shnum * entsize > size - e->shoff || e->shstrndx >= e->shnum)
        return fail(why, MB_SECTION_HEADERS, e->shoff, size);
    mb->shoff = e->shoff;
    mb->shnum = e->shnum;
    mb->shentsize = entsize;
    mb->shstrndx = e->shstrndx;
    for (unsigned i = 0; i < mb->shnum; i++) {
        struct mb_section s = multiboot_section(mb, file + mb->shoff, i);
        if (!multiboot_section_loaded(i, &s))
            continue;
        if (s.offset > size || s.size > size - s.offset)
            return fail(why, MB_SECTION, i, size);
        multiboot_section_place(&s, &mb->sections_size);
    }
    return 0;
}

/* ELF32 or ELF64 program headers: PT_LOAD segments at p_paddr. */
static int plan_elf(const uint8_t *file, uint64_t size, struct multiboot_image *mb,
                    struct mb_result *why)
{
    int is64 = size > EI_CLASS && file[EI_CLASS] == ELFCLASS64;
    unsigned ehsize = is64 ? sizeof(struct elf64_ehdr) : sizeof(struct elf32_ehdr);
    unsigned phentsize = is64 ? sizeof(struct elf64_phdr) : sizeof(struct elf32_phdr);
    if (size < ehsize || (file[EI_CLASS] != ELFCLASS32 && !is64) || file[EI_DATA] != ELFDATA2LSB)
        return fail(why, MB_ELF, size, ehsize);
    struct elf_any_ehdr e = read_ehdr(file, is64);
    if (e.phentsize != phentsize || e.phoff > size || (uint64_t)e.phnum * phentsize > size - e.phoff)
        return fail(why, MB_ELF, e.phoff, size);
    mb->elf64 = is64;
    mb->entry = e.entry;
    for (unsigned i = 0; i < e.phnum; i++) {
        struct mb_piece p = read_phdr(file + e.phoff + (uint64_t)i * phentsize, is64);
        if (!p.memsz)
            continue;
        if (p.filesz > p.memsz || p.offset > size || p.filesz > size - p.offset)
            return fail(why, MB_ELF, p.offset + p.filesz, size);
        if (mb->count == MB_MAX_PIECES)
            return fail(why, MB_TOO_MANY_PIECES, e.phnum, MB_MAX_PIECES);
        mb->piece[mb->count++] = p;
    }
    mb->elf = 1;
    if (!mb->count)
        return fail(why, MB_NOT_LOADABLE, 0, 0);
    return plan_sections(file, size, &e, mb, why);
}

/* Every piece in [1 MiB, 4 GiB), the entry inside one of them. */
static int check_pieces(struct multiboot_image *mb, struct mb_result *why)
{
    int entry_inside = 0;
    mb->load_start = UINT64_MAX;
    mb->load_end = 0;
    for (unsigned i = 0; i < mb->count; i++) {
        const struct mb_piece *p = &mb->piece[i];
        if (p->phys < MiB)
            return fail(why, MB_PIECE_LOW, p->phys, MiB);
        if (p->phys >= FOUR_GIB || p->memsz > FOUR_GIB - p->phys)
            return fail(why, MB_PIECE_HIGH, p->phys + p->memsz, FOUR_GIB);
        entry_inside |= mb->entry >= p->phys && mb->entry < p->phys + p->memsz;
        if (p->phys < mb->load_start)
            mb->load_start = p->phys;
        if (p->phys + p->memsz > mb->load_end)
            mb->load_end = p->phys + p->memsz;
    }
    return entry_inside ? 0 : fail(why, MB_ENTRY, mb->entry, 0);
}

/* One MB2 header tag. */
static int mb2_tag(const uint8_t *tag, uint32_t size, struct multiboot_image *mb,
                   const uint8_t *file, uint64_t file_size, struct mb_result *why)
{
    unsigned type = tag[0] | tag[1] << 8;
    int optional = (tag[2] & MB2_TAG_OPTIONAL) != 0;

    switch (type) {
    case MB2_HEADER_INFO_REQUEST:
        for (uint32_t off = 8; off + 4 <= size; off += 4) {
            uint32_t want = le32(tag + off);
            if (want < 32 && (MB2_GIVABLE >> want) & 1)
                *(optional ? &mb->requests_optional : &mb->requests_required) |= 1u << want;
            else if (!optional)
                return fail(why, MB_UNSUPPORTED_REQUEST, want, 0);
        }
        return 0;
    case MB2_HEADER_ADDRESS:
        if (size < 24)
            return fail(why, MB_HEADER_TRUNCATED, size, 24);
        if (plan_address_fields(file_size, le32(tag + 8), le32(tag + 12), le32(tag + 16),
                                le32(tag + 20), mb, why))
            return -1;
        return 0;
    case MB2_HEADER_ENTRY:
        if (size < 12)
            return fail(why, MB_HEADER_TRUNCATED, size, 12);
        mb->entry = le32(tag + 8);
        return 1;                             /* overrides the ELF entry */
    case MB2_HEADER_FRAMEBUFFER:
        mb->want_framebuffer = 1;
        if (size >= 20) {
            mb->fb_width = le32(tag + 8);
            mb->fb_height = le32(tag + 12);
            mb->fb_depth = le32(tag + 16);
        }
        return 0;
    case MB2_HEADER_MODULE_ALIGN:
        mb->page_align_modules = 1;
        return 0;
    case MB2_HEADER_CONSOLE:
    case MB2_HEADER_RELOCATABLE:              /* loaded where it is linked */
        return 0;
    case MB2_HEADER_EFI_BS:                   /* with tag 9: the EFI entry, boot services on */
        mb->efi_boot_services = 1;
        return 0;
    case MB2_HEADER_ENTRY_EFI64:
        if (size < 12)
            return fail(why, MB_HEADER_TRUNCATED, size, 12);
        mb->efi64_entry = le32(tag + 8);
        return 0;
    case MB2_HEADER_ENTRY_EFI32:              /* no 32-bit UEFI here */
        return optional ? 0 : fail(why, MB_UNSUPPORTED_TAG, type, 0);
    default:
        (void)file;
        return optional ? 0 : fail(why, MB_UNKNOWN_TAG, type, 0);
    }
}

static int is_elf(const uint8_t *file, uint64_t size)
{
    return size >= 4 && file[0] == 0x7f && file[1] == 'E' && file[2] == 'L' && file[3] == 'F';
}

static int parse_mb2(const uint8_t *file, uint64_t size, int64_t at, struct multiboot_image *mb,
                     struct mb_result *why)
{
    uint32_t length = le32(file + at + 8);
    int entry_tag = 0;
    uint64_t tag_entry = 0;

    if (le32(file + at + 4) != MB2_ARCH_I386)
        return fail(why, MB_ARCHITECTURE, le32(file + at + 4), MB2_ARCH_I386);
    if (length < 16 || (uint64_t)at + length > size)
        return fail(why, MB_HEADER_TRUNCATED, length, size - (uint64_t)at);
    mb->version = 2;
    mb->header_offset = (uint64_t)at;
    for (uint32_t off = 16; off + 8 <= length;) {
        const uint8_t *tag = file + at + off;
        uint32_t tag_size = le32(tag + 4);
        unsigned type = tag[0] | tag[1] << 8;
        if (type == MB2_HEADER_END)
            break;
        if (tag_size < 8 || tag_size > length - off)
            return fail(why, MB_HEADER_TRUNCATED, tag_size, length - off);
        int rc = mb2_tag(tag, tag_size, mb, file, size, why);
        if (rc < 0)
            return -1;
        if (rc > 0) {
            entry_tag = 1;
            tag_entry = mb->entry;
        }
        off += (tag_size + 7) & ~7u;
    }
    if (!mb->count && (!is_elf(file, size) || plan_elf(file, size, mb, why)))
        return mb->count ? -1 : fail(why, MB_NOT_LOADABLE, 0, 0);
    if (entry_tag)
        mb->entry = tag_entry;
    else if (!mb->elf)
        return fail(why, MB_ENTRY, 0, 0);    /* address fields need the entry tag */
    return 0;
}

static int parse_mb1(const uint8_t *file, uint64_t size, int64_t at, struct multiboot_image *mb,
                     struct mb_result *why)
{
    const uint8_t *h = file + at;
    uint32_t flags = le32(h + 4);

    mb->version = 1;
    mb->header_offset = (uint64_t)at;
    mb->mb1_flags = flags;
    if (flags & 0xffffu & ~MB1_KNOWN_REQUIREMENTS)
        return fail(why, MB_REQUIRED_FLAGS, flags & 0xffffu & ~MB1_KNOWN_REQUIREMENTS, 0);
    mb->page_align_modules = (flags & MB1_PAGE_ALIGN) != 0;
    if ((flags & MB1_VIDEO_MODE) && (uint64_t)at + 48 <= size) {
        mb->want_framebuffer = le32(h + 32) == 0;
        mb->want_text = le32(h + 32) == 1;
        mb->fb_width = le32(h + 36);
        mb->fb_height = le32(h + 40);
        mb->fb_depth = le32(h + 44);
    }
    if (flags & MB1_ADDRESS_FIELDS) {
        if ((uint64_t)at + 32 > size)
            return fail(why, MB_HEADER_TRUNCATED, size - (uint64_t)at, 32);
        if (plan_address_fields(size, le32(h + 12), le32(h + 16), le32(h + 20), le32(h + 24), mb,
                                why))
            return -1;
        mb->entry = le32(h + 28);
        return 0;
    }
    if (!is_elf(file, size))
        return fail(why, MB_NOT_LOADABLE, 0, 0);
    return plan_elf(file, size, mb, why);
}

int multiboot_check(const uint8_t *file, uint64_t size, int force_v1,
                    struct multiboot_image *mb, struct mb_result *why)
{
    int64_t at2 = force_v1 ? -1 : find_magic(file, size, MB2_HEADER_MAGIC, 8, MB2_SEARCH);
    int64_t at1 = find_magic(file, size, MB1_HEADER_MAGIC, 4, MB1_SEARCH);
    int rc;

    memset(mb, 0, sizeof(*mb));
    if (mb2_checksum_ok(file, size, at2))
        rc = parse_mb2(file, size, at2, mb, why);
    else if (mb1_checksum_ok(file, at1))
        rc = parse_mb1(file, size, at1, mb, why);
    else
        return fail(why, MB_BAD_CHECKSUM, at2 >= 0 ? 2 : 1,
                    (uint64_t)(at2 >= 0 ? at2 : at1 >= 0 ? at1 : 0));
    return rc ? rc : check_pieces(mb, why);
}

void multiboot_error_message(const struct mb_result *r, char *buf, size_t n)
{
    unsigned long long v = r->value, limit = r->limit;
    switch (r->error) {
    case MB_BAD_CHECKSUM:
        fmt_format(buf, n, "Multiboot%s header at offset 0x%llx: bad checksum",
                   v == 2 ? "2" : "", limit);
        break;
    case MB_ARCHITECTURE:
        fmt_format(buf, n, "Multiboot2 header: architecture %llu, not i386 (0)", v);
        break;
    case MB_HEADER_TRUNCATED:
        fmt_format(buf, n, "Multiboot2 header: a length of %llu runs past its end (%llu)", v, limit);
        break;
    case MB_REQUIRED_FLAGS:
        fmt_format(buf, n, "Multiboot header flags: requirement bits 0x%llx embedboot does not "
                   "know", v);
        break;
    case MB_UNKNOWN_TAG:
        fmt_format(buf, n, "Multiboot2 header tag %llu: unknown and not optional", v);
        break;
    case MB_UNSUPPORTED_TAG:
        fmt_format(buf, n, "Multiboot2 header tag %llu (EFI i386 entry): required, and embedboot "
                   "runs on x86-64 UEFI only", v);
        break;
    case MB_UNSUPPORTED_REQUEST:
        fmt_format(buf, n, "Multiboot2 information request: tag %llu is required and embedboot "
                   "cannot give it", v);
        break;
    case MB_ADDRESS_FIELDS:
        fmt_format(buf, n, "Multiboot address fields: 0x%llx lies outside the file (0x%llx)",
                   v, limit);
        break;
    case MB_NOT_LOADABLE:
        fmt_format(buf, n, "Multiboot kernel: neither ELF nor address fields to load it by");
        break;
    case MB_ELF:
        fmt_format(buf, n, "Multiboot kernel: malformed ELF program headers");
        break;
    case MB_TOO_MANY_PIECES:
        fmt_format(buf, n, "Multiboot kernel: %llu program headers, more than %llu loadable", v, limit);
        break;
    case MB_PIECE_LOW:
        fmt_format(buf, n, "Multiboot kernel: a segment at 0x%llx is below 1 MiB, which the "
                   "loader keeps", v);
        break;
    case MB_PIECE_HIGH:
        fmt_format(buf, n, "Multiboot kernel: a segment reaches 0x%llx, not below 4 GiB", v);
        break;
    case MB_ENTRY:
        fmt_format(buf, n, "Multiboot kernel: entry point 0x%llx is not in what is loaded", v);
        break;
    case MB_SECTION_HEADERS:
        fmt_format(buf, n, "Multiboot kernel: malformed ELF section headers at offset 0x%llx "
                   "(file of %llu bytes)", v, limit);
        break;
    case MB_SECTION:
        fmt_format(buf, n, "Multiboot kernel: ELF section %llu lies outside the file (%llu bytes)",
                   v, limit);
        break;
    default:
        fmt_format(buf, n, "no error");
    }
}
