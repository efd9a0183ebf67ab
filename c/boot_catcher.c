/* The fault catcher's place in the kernel's address space (c/catcher/
 * catcher.h): a 512 GiB slot of its own holding its code (read-only,
 * executable), one read-only page with its IDT and TSS, an unmapped guard
 * page, its double-fault stack (IST 1) and the kernel's function symbols
 * (read-only), all in frames marked as the loader's. The entry loads IDTR
 * and TR from what this fills in. */
#include <string.h>

#include "boot_build.h"
#include "catcher/catcher.h"
#include "console.h"
#include "ksyms.h"
#include "page.h"
#include "vspace.h"

extern const uint8_t _catcher_start[], _catcher_end[];   /* the blob (Makefile) */

#define IDT_GATE_INTERRUPT 0x8e            /* present, DPL 0, 64-bit interrupt gate */
#define CATCHER_IST        1

struct idt_gate {
    uint16_t offset_low, selector;
    uint8_t ist, type;
    uint16_t offset_mid;
    uint32_t offset_high, reserved;
};

struct tss64 {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3, iomap_base;
} __attribute__((packed));

_Static_assert(sizeof(struct idt_gate) == 16, "IDT gate");
_Static_assert(sizeof(struct tss64) == 104, "64-bit TSS");
_Static_assert(CATCHER_VECTORS * sizeof(struct idt_gate) + sizeof(struct tss64) <= PAGE_SIZE,
               "the IDT and the TSS share a page");

static const struct catcher_header *blob(void)
{
    const struct catcher_header *h = (const void *)_catcher_start;
    if (h->magic != CATCHER_MAGIC || h->size != (uint64_t)(_catcher_end - _catcher_start))
        panic("the fault catcher in this loader is damaged: rebuild it");
    return h;
}

uint64_t boot_catcher_pages(const struct boot_layout *layout)
{
    uint64_t code = pages_of((uint64_t)(_catcher_end - _catcher_start));
    uint64_t symbols = pages_of(layout->symbol_bytes);
    return code + 1 + CATCHER_STACK_PAGES + symbols + 3 + symbols / 512;   /* + tables */
}

/* The kernel's function symbols in frames of their own, read from the
 * file before the kernel is loaded: loading in place (c/kernel_load.h)
 * zeroes BSS over file bytes the symbol table may have been. */
void boot_read_kernel_symbols(struct boot_layout *layout, const struct boot_payloads *payloads)
{
    uint64_t pages = pages_of(layout->symbol_bytes);
    if (!pages)
        return;
    layout->symbols_phys = boot_alloc(layout, pages, &frames_anywhere, EMBEDBOOT_MEMORY_BOOTLOADER,
                                      "kernel's symbols");
    layout->symbol_count = ksyms_build(payloads->kernel, payloads->kernel_size,
                                       layout->kernel_slide, (uint8_t *)layout->symbols_phys);
}

/* ... mapped read-only after the stack: fills the config's symbol fields. */
static void map_symbols(struct boot_layout *layout, uint64_t virt, struct catcher_config *config)
{
    uint64_t pages = pages_of(layout->symbol_bytes);
    if (!pages)
        return;
    boot_map(layout, "kernel's symbols", virt, layout->symbols_phys, pages, 0);
    config->symbols = virt;
    config->symbol_count = layout->symbol_count;
    config->names = virt + layout->symbol_count * sizeof(struct catcher_symbol);
}

/* An available 64-bit TSS (type 9), present, DPL 0: a system descriptor
 * of two quadwords, the base split as the SDM lays it out. */
void boot_catcher_tss_descriptor(const struct boot_layout *layout, uint64_t descriptor[2])
{
    uint64_t base = layout->tss_virt, limit = sizeof(struct tss64) - 1;
    descriptor[0] = (limit & 0xffff) | (base & 0xffffff) << 16 | 0x89ull << 40 |
                    ((limit >> 16) & 0xf) << 48 | ((base >> 24) & 0xff) << 56;
    descriptor[1] = base >> 32;
}

static void fill_idt(struct idt_gate *idt, uint64_t stubs, uint16_t code_selector)
{
    for (unsigned v = 0; v < CATCHER_VECTORS; v++) {
        uint64_t at = stubs + v * CATCHER_STUB_BYTES;
        int own_stack = v == 2 || v == 8 || v == 18;     /* NMI, #DF, #MC: any stack may be bad */
        idt[v] = (struct idt_gate){ (uint16_t)at, code_selector,
                                    (uint8_t)(own_stack ? CATCHER_IST : 0), IDT_GATE_INTERRUPT,
                                    (uint16_t)(at >> 16), (uint32_t)(at >> 32), 0 };
    }
}

void boot_install_catcher(struct boot_layout *layout, struct vspace *vs, uint16_t code_selector)
{
    const struct catcher_header *h = blob();
    uint64_t code_pages = pages_of(h->size), base = vspace_take_slot(vs);
    if (!base)
        panic("no free 512 GiB region of the address space for the fault catcher");
    uint64_t code = boot_alloc(layout, code_pages, &frames_anywhere, EMBEDBOOT_MEMORY_BOOTLOADER,
                               "fault catcher");
    uint64_t tables = boot_alloc(layout, 1, &frames_anywhere, EMBEDBOOT_MEMORY_BOOTLOADER,
                                 "fault catcher's IDT");
    uint64_t stack = boot_alloc(layout, CATCHER_STACK_PAGES, &frames_anywhere,
                                EMBEDBOOT_MEMORY_BOOTLOADER, "fault catcher's stack");
    uint64_t tables_virt = base + code_pages * PAGE_SIZE;
    uint64_t stack_virt = tables_virt + 2 * PAGE_SIZE;             /* a guard page between */

    memcpy((void *)code, _catcher_start, h->size);
    struct catcher_config *config = (void *)(code + h->config);
    *config = (struct catcher_config){ CATCHER_CONFIG_MAGIC, layout->stack_bottom,
                                       layout->stack_top, 0, 0, 0, layout->machine->fb };
    config->fb.virtual_address = layout->fb_virt;
    if (!layout->machine->has_framebuffer)
        config->fb.pixel_format = EMBEDBOOT_PIXELS_NONE;

    memset((void *)tables, 0, PAGE_SIZE);
    fill_idt((struct idt_gate *)tables, base + h->stubs, code_selector);
    struct tss64 *tss = (void *)(tables + CATCHER_VECTORS * sizeof(struct idt_gate));
    tss->ist[CATCHER_IST - 1] = stack_virt + CATCHER_STACK_PAGES * PAGE_SIZE;
    tss->iomap_base = sizeof(*tss);                   /* no I/O permission bitmap */
    memset((void *)stack, 0, CATCHER_STACK_PAGES * PAGE_SIZE);

    boot_map(layout, "fault catcher", base, code, code_pages, PT_EXEC);
    boot_map(layout, "fault catcher's IDT", tables_virt, tables, 1, 0);
    boot_map(layout, "fault catcher's stack", stack_virt, stack, CATCHER_STACK_PAGES, PT_WRITE);
    map_symbols(layout, stack_virt + CATCHER_STACK_PAGES * PAGE_SIZE, config);
    layout->idtr = (struct boot_idtr){ CATCHER_VECTORS * sizeof(struct idt_gate) - 1, tables_virt };
    layout->tss_virt = tables_virt + CATCHER_VECTORS * sizeof(struct idt_gate);
}
