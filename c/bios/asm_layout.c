/* Ties every layout and value the assembler shares with the C to its C
 * definition: build/gen/asm_layout.h holds what nasm computed from
 * asm/handoff.inc (asm/layout_export.asm), and a mismatch fails the build
 * here. The object is empty. */
#include <stddef.h>

#include "../../build/gen/asm_layout.h"
#include "../boot_build.h"
#include "../image_header.h"
#include "../io.h"
#include "bios_call.h"
#include "handoff.h"
#include "vbe.h"

#define SAME(c, asm) _Static_assert((c) == (asm), #c " differs from asm/handoff.inc")

SAME(E820_MAX, ASM_e820_max);
SAME(sizeof(struct e820_entry), ASM_e820_entry_size);
SAME(offsetof(struct e820_entry, base), ASM_e820_entry_base);
SAME(offsetof(struct e820_entry, length), ASM_e820_entry_length);
SAME(offsetof(struct e820_entry, type), ASM_e820_entry_type);
SAME(offsetof(struct e820_entry, acpi_attributes), ASM_e820_entry_acpi_attributes);

SAME(sizeof(struct vbe_mode_info), ASM_vbe_mode_info_size);
SAME(offsetof(struct vbe_mode_info, attributes), ASM_vbe_mode_info_attributes);
SAME(offsetof(struct vbe_mode_info, width), ASM_vbe_mode_info_width);
SAME(offsetof(struct vbe_mode_info, height), ASM_vbe_mode_info_height);
SAME(offsetof(struct vbe_mode_info, bits_per_pixel), ASM_vbe_mode_info_bits_per_pixel);
SAME(offsetof(struct vbe_mode_info, memory_model), ASM_vbe_mode_info_memory_model);
SAME(offsetof(struct vbe_mode_info, colors), ASM_vbe_mode_info_colors);
SAME(offsetof(struct vbe_mode_info, framebuffer), ASM_vbe_mode_info_framebuffer);
SAME(offsetof(struct vbe_mode_info, linear_bytes_per_scan_line),
     ASM_vbe_mode_info_linear_bytes_per_scan_line);
SAME(offsetof(struct vbe_mode_info, linear_colors), ASM_vbe_mode_info_linear_colors);
SAME(VBE_ATTR_SUPPORTED, ASM_vbe_attr_supported);
SAME(VBE_ATTR_GRAPHICS, ASM_vbe_attr_graphics);
SAME(VBE_ATTR_LINEAR, ASM_vbe_attr_linear);
SAME(VBE_MODEL_DIRECT, ASM_vbe_model_direct);

SAME(sizeof(struct bios_handoff), ASM_bios_handoff_size);
SAME(offsetof(struct bios_handoff, boot_drive), ASM_bios_handoff_boot_drive);
SAME(offsetof(struct bios_handoff, memory_source), ASM_bios_handoff_memory_source);
SAME(offsetof(struct bios_handoff, cpu_flags), ASM_bios_handoff_cpu_flags);
SAME(offsetof(struct bios_handoff, e820_count), ASM_bios_handoff_e820_count);
SAME(offsetof(struct bios_handoff, e820), ASM_bios_handoff_e820);
SAME(offsetof(struct bios_handoff, video), ASM_bios_handoff_video);
SAME(offsetof(struct bios_handoff, vbe_version), ASM_bios_handoff_vbe_version);
SAME(offsetof(struct bios_handoff, vbe_mode), ASM_bios_handoff_vbe_mode);
SAME(offsetof(struct bios_handoff, vbe_mode_info), ASM_bios_handoff_vbe_mode_info);

SAME(VIDEO_TEXT, ASM_video_text);
SAME(VIDEO_VGA13, ASM_video_vga13);
SAME(VIDEO_VBE, ASM_video_vbe);
SAME(MEMORY_E820, ASM_memory_e820);
SAME(MEMORY_E801, ASM_memory_e801);
SAME(MEMORY_88H, ASM_memory_88h);
SAME(CPU_NX, ASM_cpu_nx);
SAME(CPU_1G_PAGES, ASM_cpu_1g_pages);
SAME(CPU_PAT, ASM_cpu_pat);

SAME(sizeof(struct image_header), ASM_image_header_size);
SAME(offsetof(struct image_header, features), ASM_image_header_features);
SAME(offsetof(struct image_header, kernel_size), ASM_image_header_kernel_size);
SAME(offsetof(struct image_header, kernel_room_pages), ASM_image_header_kernel_room_pages);
SAME(offsetof(struct image_header, framebuffer_width), ASM_image_header_framebuffer_width);
SAME(offsetof(struct image_header, framebuffer_height), ASM_image_header_framebuffer_height);
SAME(FEATURE_VGA_320X200, ASM_feature_vga_320x200);

SAME(CMOS_INDEX, ASM_cmos_index);
SAME(CMOS_NMI_MASK, ASM_cmos_nmi_mask);

SAME(sizeof(struct bios_regs), ASM_bios_regs_size);
SAME(offsetof(struct bios_regs, eax), ASM_bios_regs_eax);
SAME(offsetof(struct bios_regs, edi), ASM_bios_regs_edi);
SAME(offsetof(struct bios_regs, ds), ASM_bios_regs_ds);
SAME(offsetof(struct bios_regs, es), ASM_bios_regs_es);
SAME(offsetof(struct bios_regs, eflags), ASM_bios_regs_eflags);

SAME(EMBEDBOOT_TIMELINE_MAX, ASM_timeline_max);
SAME(offsetof(struct bios_handoff, timeline), ASM_bios_handoff_timeline);
SAME(offsetof(struct bios_handoff, kernel_hole), ASM_bios_handoff_kernel_hole);
SAME(EMBEDBOOT_T_LOADER_START, ASM_t_loader_start);
SAME(EMBEDBOOT_T_STAGE2, ASM_t_stage2);
SAME(EMBEDBOOT_T_DISK_READ, ASM_t_disk_read);
SAME(EMBEDBOOT_T_VIDEO, ASM_t_video);
SAME(EMBEDBOOT_T_STAGE3, ASM_t_stage3);
SAME(EMBEDBOOT_T_STAGE4, ASM_t_stage4);

SAME(HANDOFF_SEL_CODE64, ASM_sel_code64);
SAME(HANDOFF_SEL_TSS, ASM_sel_tss);
SAME(HANDOFF_SEL_CODE32, ASM_sel_code32);
SAME(HANDOFF_GDT_SIZE, ASM_gdt_size);
SAME(sizeof(struct ap_boot), ASM_ap_boot_size);
SAME(offsetof(struct ap_boot, gdt_base), ASM_ap_boot_gdt_base);
SAME(offsetof(struct ap_boot, prot_entry), ASM_ap_boot_prot_entry);
SAME(offsetof(struct ap_boot, long_entry), ASM_ap_boot_long_entry);
SAME(offsetof(struct ap_boot, cr3), ASM_ap_boot_cr3);
SAME(offsetof(struct ap_boot, efer), ASM_ap_boot_efer);
SAME(offsetof(struct ap_boot, apic_id), ASM_ap_boot_apic_id);
SAME(offsetof(struct ap_boot, answered), ASM_ap_boot_answered);
SAME(offsetof(struct ap_boot, pat), ASM_ap_boot_pat);
SAME(offsetof(struct ap_boot, ap_entry), ASM_ap_boot_ap_entry);
SAME(offsetof(struct ap_boot, kernel_cr3), ASM_ap_boot_kernel_cr3);
SAME(offsetof(struct ap_boot, cpu), ASM_ap_boot_cpu);
SAME(offsetof(struct ap_boot, stack_top), ASM_ap_boot_stack_top);
SAME(offsetof(struct embedboot_cpu, goto_address), ASM_cpu_goto_address);
