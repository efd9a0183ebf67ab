/* The Multiboot test kernel: 32-bit, in C, as an OSDev "Bare Bones"
 * kernel is. It checks from the inside the machine state and every field
 * of the Multiboot 1 or Multiboot2 information it gets, prints the command
 * line and each module's size, CRC-32 and command line (tests/lib.sh
 * compares them with what was built in), finds its own symbol through the
 * ELF sections it was given, draws colour bars on an RGB framebuffer with
 * the channel positions it was told, and exits QEMU with success only if
 * every check holds. With "hold" on its command line it says "drawn" and
 * halts instead, for a screendump (scripts/screenshot.sh). */
#include <stddef.h>
#include <stdint.h>

#include "../../../../c/crc32.h"
#include "../../../../c/elf.h"
#include "../../../../c/multiboot.h"

extern uint32_t entry_state[6];     /* eax, ebx, eflags, cr0, cs|ds, ss */
void mbcheck(void);
static unsigned checks, failed;
static int hold;                    /* "hold" on the command line: stay for a screendump */

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }

static void putc(char c)
{
    for (int i = 0; i < 100000 && !(inb(0x3fd) & 0x20); i++)
        ;
    outb(0x3f8, (uint8_t)c);
}

static void puts(const char *s)
{
    while (*s)
        putc(*s++);
}

static void put_hex(uint64_t v, int digits)
{
    for (int i = digits - 1; i >= 0; i--)
        putc("0123456789abcdef"[(v >> (4 * i)) & 15]);
}

static void put_dec(uint32_t v)
{
    char b[12];
    int n = 0;
    do
        b[n++] = (char)('0' + v % 10);
    while (v /= 10);
    while (n)
        putc(b[--n]);
}

static void check(int ok, const char *what)
{
    checks++;
    failed += !ok;
    puts("check ");
    puts(what);
    puts(ok ? ": ok\n" : ": FAILED\n");
}

static int same(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

static uint32_t length(const char *s)
{
    uint32_t n = 0;
    while (s[n])
        n++;
    return n;
}

/* Whether the command line has `word` as one of its words. */
static int has_word(const char *s, const char *word)
{
    while (*s) {
        const char *w = word;
        while (*s && *s == *w)
            s++, w++;
        if (!*w && (!*s || *s == ' '))
            return 1;
        while (*s && *s != ' ')
            s++;
        while (*s == ' ')
            s++;
    }
    return 0;
}

__attribute__((noreturn)) static void finish(void)
{
    if (hold) {
        puts(failed ? "check kernel: some checks FAILED\n" : "check kernel: all checks passed\n");
        puts("check kernel: drawn\n");
        for (;;)
            __asm__ volatile("cli; hlt");
    }
    if (failed) {
        puts("check kernel: ");
        put_dec(failed);
        puts(" checks FAILED\n");
        outb(0xf4, 0x11);
    } else {
        puts("check kernel: all ");
        put_dec(checks);
        puts(" checks passed\n");
        outb(0xf4, 0x10);
    }
    for (;;)
        __asm__ volatile("cli; hlt");
}

/* Multiboot's machine state: protected mode, paging off, interrupts off,
 * flat segments (the data selector reaches past 1 MiB and back), A20 on. */
static void check_state(void)
{
    volatile uint8_t *low = (volatile uint8_t *)0x500, *high = (volatile uint8_t *)0x100500;
    uint8_t keep_low = *low, keep_high = *high;

    check((entry_state[3] & 1) && !(entry_state[3] & 0x80000000u), "protected mode, paging off");
    check(!(entry_state[2] & (1u << 9)), "interrupts off");
    check(!(entry_state[2] & (1u << 17)), "not in virtual-8086 mode");
    *low = 0x5a;
    *high = 0xa5;
    check(*low == 0x5a, "A20 on (1 MiB does not wrap to 0)");
    *low = keep_low;
    *high = keep_high;
}

static void report_cmdline(const char *cmdline)
{
    hold = has_word(cmdline, "hold");
    puts("check kernel: cmdline [");
    puts(cmdline);
    puts("] (");
    put_dec(length(cmdline));
    puts(" bytes)\n");
}

static void report_module(unsigned i, uint32_t start, uint32_t end, const char *cmdline)
{
    puts("check kernel: module ");
    put_dec(i);
    puts(": ");
    put_dec(end - start);
    puts(" bytes, crc32 ");
    put_hex(crc32_update(0, (const void *)start, end - start), 8);
    puts(", cmdline [");
    puts(cmdline);
    puts("]\n");
    check(start % 4096 == 0, "module page-aligned");
    check(end >= start, "module end after its start");
}

/* RAM in the map, and its agreement with mem_upper. */
static void check_memory(uint64_t ram, uint32_t mem_lower, uint32_t mem_upper)
{
    puts("check kernel: ");
    put_dec((uint32_t)(ram >> 10));
    puts(" KiB RAM in the memory map, mem_lower ");
    put_dec(mem_lower);
    puts(" KiB, mem_upper ");
    put_dec(mem_upper);
    puts(" KiB\n");
    check(mem_lower >= 500 && mem_lower <= 640, "mem_lower: most of the 640 KiB below");
    check(mem_upper >= 1024 && (uint64_t)mem_upper * 1024 <= ram,
          "mem_upper: RAM from 1 MiB to the first gap, within the map");
}

/* The framebuffer fields both versions give, in the same order (MB2
 * puts two reserved bytes before the channels). */
struct framebuffer {
    uint64_t addr;
    uint32_t pitch, width, height;
    uint8_t bpp, type;
    uint8_t red_position, red_size, green_position, green_size, blue_position, blue_size;
};

static uint32_t channel(uint8_t value, uint8_t position, uint8_t size)
{
    return size > 8 ? 0 : (uint32_t)(value >> (8 - size)) << position;
}

static void put_pixel(const struct framebuffer *fb, uint32_t x, uint32_t y, uint32_t rgb)
{
    uint32_t v = channel(rgb >> 16, fb->red_position, fb->red_size) |
                 channel(rgb >> 8, fb->green_position, fb->green_size) |
                 channel(rgb, fb->blue_position, fb->blue_size);
    uint8_t *p = (uint8_t *)(uintptr_t)fb->addr + y * fb->pitch + x * (fb->bpp / 8);
    for (unsigned i = 0; i < fb->bpp / 8u; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Eight colour bars in the top third, navy below, as the example kernel
 * draws them (tests/lib.sh's bar_points finds them in a screendump): the
 * colours come out right only if the channel fields are. */
static void draw_bars(const struct framebuffer *fb)
{
    static const uint32_t bars[8] = { 0xffffff, 0xffff00, 0x00ffff, 0x00ff00,
                                      0xff00ff, 0xff0000, 0x0000ff, 0x000000 };
    for (uint32_t y = 0; y < fb->height; y++)
        for (uint32_t x = 0; x < fb->width; x++)
            put_pixel(fb, x, y, y < fb->height / 3 ? bars[x * 8 / fb->width] : 0x000080);
}

static void check_framebuffer(const struct framebuffer *fb)
{
    puts("check kernel: framebuffer type ");
    put_dec(fb->type);
    puts(" at 0x");
    put_hex(fb->addr, 8);
    puts(", ");
    put_dec(fb->width);
    puts(" wide\n");
    if (fb->type == MB_FRAMEBUFFER_TEXT) {
        check(fb->addr == 0xb8000 && fb->pitch == 160 && fb->width == 80,
              "EGA text framebuffer at 0xb8000");
        *(volatile uint16_t *)(uintptr_t)fb->addr = 0x2f4d;     /* an 'M' to see */
        return;
    }
    int rgb = fb->type == MB_FRAMEBUFFER_RGB && fb->pitch >= fb->width * (fb->bpp / 8u) &&
              fb->bpp >= 15 && fb->bpp <= 32 && fb->addr < 0x100000000ull;
    check(rgb, "RGB framebuffer: a linear one the kernel can reach");
    if (rgb)
        draw_bars(fb);
}

struct elf32_sym {
    uint32_t st_name, st_value, st_size;
    uint8_t st_info, st_other;
    uint16_t st_shndx;
};

/* The ELF sections: the section names and the symbol table, which no
 * segment holds, were loaded too, so the kernel finds its own symbol. */
static void check_sections(uint32_t num, uint32_t size, uint32_t addr, uint32_t shndx)
{
    const struct elf32_shdr *sh = (const void *)(uintptr_t)addr;
    check(num > 0 && size == sizeof(*sh) && shndx < num, "ELF section headers (ELF32)");
    if (!(num > 0 && size == sizeof(*sh) && shndx < num))
        return;
    const char *names = (const char *)(uintptr_t)sh[shndx].sh_addr;
    check(names != 0, "section names loaded");
    const struct elf32_shdr *symtab = 0;
    for (uint32_t i = 1; names && i < num; i++)
        if (same(names + sh[i].sh_name, ".symtab"))
            symtab = &sh[i];
    check(symtab && symtab->sh_addr && symtab->sh_link < num && sh[symtab->sh_link].sh_addr,
          ".symtab and its strings loaded");
    if (!(symtab && symtab->sh_addr && symtab->sh_link < num && sh[symtab->sh_link].sh_addr))
        return;
    const struct elf32_sym *sym = (const void *)(uintptr_t)symtab->sh_addr;
    const char *strings = (const char *)(uintptr_t)sh[symtab->sh_link].sh_addr;
    int found = 0;
    for (uint32_t i = 0; i < symtab->sh_size / sizeof(*sym); i++)
        found |= same(strings + sym[i].st_name, "mbcheck") &&
                 sym[i].st_value == (uint32_t)(uintptr_t)mbcheck;
    check(found, "symbol mbcheck found at its address");
    puts("check kernel: ELF sections: ");
    put_dec(num);
    puts(" headers; names, symbols and strings loaded; mbcheck found\n");
}

static void check_mb1(const struct mb1_info *info)
{
    uint32_t want = MB1_INFO_MEMORY | MB1_INFO_CMDLINE | MB1_INFO_MODS | MB1_INFO_MEM_MAP |
                    MB1_INFO_LOADER_NAME | MB1_INFO_ELF_SHDR;
    uint64_t ram = 0;

    puts("check kernel: Multiboot 1\n");
    check((info->flags & want) == want, "flags: memory, cmdline, modules, map, loader name, ELF");
    check(same((const char *)info->boot_loader_name, "embedboot"), "boot loader name 'embedboot'");
    report_cmdline((const char *)info->cmdline);
    const struct mb1_module *mods = (const void *)info->mods_addr;
    for (unsigned i = 0; i < info->mods_count; i++)
        report_module(i, mods[i].mod_start, mods[i].mod_end, (const char *)mods[i].string);
    for (uint32_t off = 0; off < info->mmap_length;) {
        const struct mb1_mmap_entry *e = (const void *)(info->mmap_addr + off);
        check(e->size == 20, "memory map entry size 20");
        ram += e->type == 1 ? e->length : 0;
        off += e->size + 4;
    }
    check_memory(ram, info->mem_lower, info->mem_upper);
    check_sections(info->elf_num, info->elf_size, info->elf_addr, info->elf_shndx);
    if (info->flags & MB1_INFO_FRAMEBUFFER) {
        struct framebuffer fb = { info->framebuffer_addr, info->framebuffer_pitch,
                                  info->framebuffer_width, info->framebuffer_height,
                                  info->framebuffer_bpp, info->framebuffer_type,
                                  info->red_position, info->red_size, info->green_position,
                                  info->green_size, info->blue_position, info->blue_size };
        check_framebuffer(&fb);
    }
}

static void check_rsdp(const uint8_t *t, const char *what)
{
    static const char sig[] = "RSD PTR ";
    int ok = 1;
    for (int i = 0; i < 8; i++)
        ok &= t[8 + i] == (uint8_t)sig[i];
    check(ok, what);
}

static void check_mb2(const uint8_t *info)
{
    uint32_t total = *(const uint32_t *)info, seen = 0, mem_lower = 0, mem_upper = 0;
    uint64_t ram = 0;
    unsigned modules = 0;

    puts("check kernel: Multiboot2\n");
    check((uintptr_t)info % 8 == 0, "information 8-aligned");
    for (const uint8_t *p = info + 8; p < info + total;) {
        const struct mb2_tag *t = (const void *)p;
        seen |= t->type < 32 ? 1u << t->type : 0;
        if (t->type == MB2_TAG_END)
            break;
        switch (t->type) {
        case MB2_TAG_CMDLINE:       report_cmdline((const char *)(p + 8)); break;
        case MB2_TAG_LOADER_NAME:
            check(same((const char *)(p + 8), "embedboot"), "boot loader name 'embedboot'");
            break;
        case MB2_TAG_MODULE: {
            const uint32_t *m = (const void *)p;
            report_module(modules++, m[2], m[3], (const char *)(p + 16));
            break;
        }
        case MB2_TAG_BASIC_MEMINFO:
            mem_lower = ((const uint32_t *)p)[2];
            mem_upper = ((const uint32_t *)p)[3];
            break;
        case MB2_TAG_MMAP: {
            const uint32_t *m = (const void *)p;
            check(m[2] == 24 && m[3] == 0, "memory map entries of 24 bytes, version 0");
            for (uint32_t off = 16; off + 24 <= t->size; off += 24) {
                const struct mb2_mmap_entry *e = (const void *)(p + off);
                ram += e->type == 1 ? e->length : 0;
            }
            break;
        }
        case MB2_TAG_FRAMEBUFFER: {
            const struct mb2_tag_framebuffer *f = (const void *)p;
            struct framebuffer fb = { f->addr, f->pitch, f->width, f->height, f->bpp,
                                      f->framebuffer_type, f->red_position, f->red_size,
                                      f->green_position, f->green_size, f->blue_position,
                                      f->blue_size };
            check_framebuffer(&fb);
            break;
        }
        case MB2_TAG_ELF_SECTIONS: {
            const uint32_t *e = (const void *)p;     /* num, entsize, shndx, then the headers */
            check_sections(e[2], e[3], (uint32_t)(uintptr_t)(e + 5), e[4]);
            break;
        }
        case MB2_TAG_ACPI_OLD:      check_rsdp(p, "ACPI 1.0 RSDP copy"); break;
        case MB2_TAG_ACPI_NEW:      check_rsdp(p, "ACPI 2.0 RSDP copy"); break;
        case MB2_TAG_LOAD_BASE_ADDR:
            check(((const uint32_t *)p)[2] == 0x100000, "image load base: 1 MiB, where it is linked");
            break;
        }
        p += (t->size + 7) & ~7u;
    }
    uint32_t required = (1u << 1) | (1u << 2) | (1u << 4) | (1u << 6) | (1u << 9) | (1u << 21);
    check((seen & required) == required, "every required tag given");
    check(seen & 1, "an end tag");
    check_memory(ram, mem_lower, mem_upper);
    puts("check kernel: tags 0x");
    put_hex(seen, 8);
    puts("\n");
}

void mbcheck(void)
{
    uint32_t magic = entry_state[0];
    puts("check kernel: Multiboot test kernel, magic 0x");
    put_hex(magic, 8);
    puts("\n");
    check(magic == MB1_BOOT_MAGIC || magic == MB2_BOOT_MAGIC, "EAX holds a Multiboot magic");
    check_state();
    if (magic == MB1_BOOT_MAGIC)
        check_mb1((const struct mb1_info *)entry_state[1]);
    else if (magic == MB2_BOOT_MAGIC)
        check_mb2((const uint8_t *)entry_state[1]);
    finish();
}
