/* The Multiboot test kernel: 32-bit, in C, as an OSDev "Bare Bones"
 * kernel is. It checks from the inside the machine state and every field
 * of the Multiboot 1 or Multiboot2 information it gets, prints the command
 * line and each module's size, CRC-32 and command line (tests/lib.sh
 * compares them with what was built in), and exits QEMU with success only
 * if every check holds. */
#include <stddef.h>
#include <stdint.h>

#include "../../../../c/crc32.h"
#include "../../../../c/multiboot.h"

extern uint32_t entry_state[6];     /* eax, ebx, eflags, cr0, cs|ds, ss */
static unsigned checks, failed;

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

__attribute__((noreturn)) static void finish(void)
{
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

static void check_framebuffer(uint64_t addr, uint32_t pitch, uint32_t width, uint8_t type)
{
    puts("check kernel: framebuffer type ");
    put_dec(type);
    puts(" at 0x");
    put_hex(addr, 8);
    puts(", ");
    put_dec(width);
    puts(" wide\n");
    if (type == MB_FRAMEBUFFER_TEXT) {
        check(addr == 0xb8000 && pitch == 160 && width == 80, "EGA text framebuffer at 0xb8000");
        *(volatile uint16_t *)(uintptr_t)addr = 0x2f4d;       /* an 'M' to see */
    } else {
        check(type == MB_FRAMEBUFFER_RGB && pitch >= width, "RGB framebuffer");
    }
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
    check(info->elf_num > 0 && info->elf_size == 40 && info->elf_shndx < info->elf_num,
          "ELF section headers (ELF32)");
    if (info->flags & MB1_INFO_FRAMEBUFFER)
        check_framebuffer(info->framebuffer_addr, info->framebuffer_pitch,
                          info->framebuffer_width, info->framebuffer_type);
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
            check_framebuffer(f->addr, f->pitch, f->width, f->framebuffer_type);
            break;
        }
        case MB2_TAG_ELF_SECTIONS: {
            const uint32_t *e = (const void *)p;
            check(e[2] > 0 && e[3] == 40 && e[4] < e[2], "ELF section headers (ELF32)");
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
