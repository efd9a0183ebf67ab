/* The native protocol's back end: fill the boot info (include/embedboot.h)
 * from the layout, put the CPU in the state the contract promises (README:
 * Boot contract) and jump through the hand-off page. */
#include <string.h>

#include "../console.h"
#include "../cpu.h"
#include "../io.h"
#include "../page.h"
#include "../timeline.h"
#include "proto.h"

extern const uint8_t enter_kernel[], gdt[];         /* asm/handoff.asm */
typedef void enter_fn(uint64_t pml4, uint64_t entry, uint64_t stack_top, uint64_t boot_info,
                      const struct boot_idtr *idtr, uint64_t tss_selector);

/* The fault catcher's TSS descriptor, in the copy of the GDT the entry
 * loads. */
static void set_tss_descriptor(const struct boot_layout *layout)
{
    boot_catcher_tss_descriptor(layout,
                                (uint64_t *)(handoff_address(layout->machine, gdt) + HANDOFF_SEL_TSS));
}

static uint32_t boot_info_flags(const struct boot_layout *layout)
{
    const struct boot_machine *machine = layout->machine;
    return (machine->nx ? EMBEDBOOT_NX_ENABLED : 0) |
           ((layout->hdr->features & FEATURE_SSE) ? EMBEDBOOT_SSE_ENABLED : 0) |
           (machine->has_framebuffer ? EMBEDBOOT_HAS_FRAMEBUFFER : 0) |
           (layout->has_phys_map ? EMBEDBOOT_HAS_PHYSICAL_MEMORY_MAP : 0) |
           (layout->has_recursive ? EMBEDBOOT_HAS_RECURSIVE_INDEX : 0) |
           (machine->rsdp ? EMBEDBOOT_HAS_RSDP : 0) |
           (layout->plan.has_tls ? EMBEDBOOT_HAS_TLS : 0) |
           (machine->secure_boot ? EMBEDBOOT_SECURE_BOOT : 0) |
           (machine->measured ? EMBEDBOOT_TPM_MEASURED : 0) |
           (layout->plan.relocatable ? EMBEDBOOT_KERNEL_RELOCATED : 0);
}

/* The module array and the command lines, in the boot info's pages after
 * the memory map. */
static void fill_modules(const struct boot_layout *layout, struct embedboot_boot_info *bi)
{
    const struct image_header *hdr = layout->hdr;
    uint8_t *base = (uint8_t *)layout->info_phys;
    uint64_t strings = layout->info_virt + boot_info_strings_offset(layout);
    struct embedboot_module *module = (void *)(base + boot_info_modules_offset(layout));

    memcpy(base + boot_info_strings_offset(layout), layout->strings, IMAGE_STRINGS_MAX);
    bi->cmdline = strings;
    bi->cmdline_length = hdr->cmdline_length;
    bi->modules = layout->info_virt + boot_info_modules_offset(layout);
    bi->module_count = hdr->module_count;
    for (unsigned i = 0; i < hdr->module_count; i++)
        module[i] = (struct embedboot_module){ layout->module_phys[i], layout->module_virt[i],
                                               hdr->module[i].size,
                                               strings + hdr->module[i].cmdline_offset };
}

static void fill_boot_info(const struct boot_layout *layout, const struct memmap *final_map)
{
    const struct image_header *hdr = layout->hdr;
    const struct boot_machine *machine = layout->machine;
    const struct load_plan *plan = &layout->plan;
    struct embedboot_boot_info *bi = (void *)layout->info_phys;

    *bi = (struct embedboot_boot_info){
        .magic = EMBEDBOOT_MAGIC,
        .version = EMBEDBOOT_VERSION,
        .size = sizeof(*bi),
        .flags = boot_info_flags(layout),
        .firmware = machine->firmware,
        .memory_regions = layout->info_virt + sizeof(*bi),
        .memory_region_count = final_map->count,
        .kernel_physical_start = layout->kernel_phys,
        .kernel_physical_size = plan->pages * PAGE_SIZE,
        .kernel_virtual_start = plan->vstart,
        .kernel_virtual_end = plan->vend,
        .kernel_entry = plan->entry,
        .stack_bottom = layout->stack_bottom,
        .stack_top = layout->stack_top,
        .boot_info_address = layout->info_virt,
        .boot_info_size = layout->info_pages * PAGE_SIZE,
        .features = hdr->features,
        .kernel_stack_pages = hdr->kernel_stack_pages,
        .tsc_frequency = boot_tsc_frequency,
        .kernel_slide = layout->kernel_slide,
        .kernel_relocations = elf_reloc_applied(plan),
        .random_source = layout->random_source,
    };
    if (machine->has_framebuffer) {
        bi->framebuffer = machine->fb;
        bi->framebuffer.virtual_address = layout->fb_virt;
    }
    if (layout->has_phys_map)
        bi->physical_memory_offset = layout->phys_offset;
    if (layout->has_recursive)
        bi->recursive_index = layout->recursive_index;
    bi->rsdp_address = machine->rsdp;
    if (plan->has_tls)
        bi->tls = (struct embedboot_tls_template){ plan->tls.p_vaddr, plan->tls.p_filesz,
                                                   plan->tls.p_memsz, plan->tls.p_align };
    fill_modules(layout, bi);
    if (hdr->features & FEATURE_SMP) {
        bi->cpus = layout->smp.cpus_virt;
        bi->cpu_count = layout->smp.count;
        bi->bsp_apic_id = layout->smp.bsp_apic_id;
        smp_fill_cpus(layout);
    }
}

/* The last moment before the jump, after the log line and the other
 * CPUs' start. */
static void stamp_entry(const struct boot_layout *layout)
{
    struct embedboot_boot_info *bi = (void *)layout->info_phys;
    timeline_mark(EMBEDBOOT_T_KERNEL_ENTRY);
    if (layout->hdr->boot_info_format != BOOT_INFO_BOOTLOADER_0_9)
        memcpy(bi->timeline, boot_timeline, sizeof(bi->timeline));
}

/* The same control registers on every firmware: paging with PAE (and LA57
 * only if the firmware left it on), WP, NXE exactly when the CPU has NX,
 * SSE only with the sse feature. UEFI firmware enables SSE and more, and
 * BIOS reset values leave it off: this makes both the contract's state. */
static void set_cpu_state(const struct boot_layout *layout)
{
    const struct boot_machine *machine = layout->machine;
    int sse = (layout->hdr->features & FEATURE_SSE) != 0;
    uint64_t cr0 = read_cr0() | CR0_WP;

    write_cr4((read_cr4() & CR4_LA57) | CR4_PAE | (sse ? CR4_OSFXSR | CR4_OSXMMEXCPT : 0));
    if (sse)
        cr0 = (cr0 & ~CR0_EM) | CR0_MP;
    write_cr0(cr0);
    wrmsr(MSR_EFER, (rdmsr(MSR_EFER) & (EFER_LME | EFER_LMA)) | (machine->nx ? EFER_NXE : 0));
    /* PAT entry 1 (selected by PWT alone) becomes write-combining for the
     * framebuffer; the others keep their power-on values (0 WB, 2 UC-,
     * 3 UC, 4 WB, 5 WT, 6 UC-, 7 UC). */
    if (machine->pat && machine->has_framebuffer &&
        machine->fb.pixel_format == EMBEDBOOT_PIXELS_RGB)
        wrmsr(MSR_PAT, 0x0007040600070106ull);
    nmi_unmask();
}

void embedboot_enter(const struct boot_layout *layout, const struct memmap *final_map)
{
    if (layout->hdr->boot_info_format == BOOT_INFO_BOOTLOADER_0_9)
        bootloader09_fill_boot_info(layout, final_map);
    else
        fill_boot_info(layout, final_map);
    set_cpu_state(layout);
    if (layout->hdr->features & FEATURE_SMP)
        smp_start(layout);                  /* with this CPU's final CR0, CR4, EFER and PAT */
    stamp_entry(layout);
    set_tss_descriptor(layout);
    enter_fn *enter = (enter_fn *)handoff_address(layout->machine, enter_kernel);
    enter(layout->pml4, layout->plan.entry, layout->stack_top, layout->info_virt, &layout->idtr,
          HANDOFF_SEL_TSS);
    __builtin_unreachable();
}
