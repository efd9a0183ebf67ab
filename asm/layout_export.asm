; Every value asm/handoff.inc shares with the C, as an absolute symbol
; ASM_<name> (constants in lower case: their names are macros here). The build turns them into build/gen/asm_layout.h (nm), and
; c/bios/asm_layout.c asserts each equals its C definition: the two sides
; cannot drift apart silently. Not linked into anything.

%include "handoff.inc"

%macro EXPORT 2
    global ASM_%1
    ASM_%1 equ %2
%endmacro

EXPORT e820_max, E820_MAX
EXPORT e820_entry_size, e820_entry_size
EXPORT e820_entry_base, e820_entry.base
EXPORT e820_entry_length, e820_entry.length
EXPORT e820_entry_type, e820_entry.type
EXPORT e820_entry_acpi_attributes, e820_entry.acpi_attributes

EXPORT vbe_mode_info_size, vbe_mode_info_size
EXPORT vbe_mode_info_attributes, vbe_mode_info.attributes
EXPORT vbe_mode_info_width, vbe_mode_info.width
EXPORT vbe_mode_info_height, vbe_mode_info.height
EXPORT vbe_mode_info_bits_per_pixel, vbe_mode_info.bits_per_pixel
EXPORT vbe_mode_info_memory_model, vbe_mode_info.memory_model
EXPORT vbe_mode_info_colors, vbe_mode_info.colors
EXPORT vbe_mode_info_framebuffer, vbe_mode_info.framebuffer
EXPORT vbe_mode_info_linear_bytes_per_scan_line, vbe_mode_info.linear_bytes_per_scan_line
EXPORT vbe_mode_info_linear_colors, vbe_mode_info.linear_colors
EXPORT vbe_attr_supported, VBE_ATTR_SUPPORTED
EXPORT vbe_attr_graphics, VBE_ATTR_GRAPHICS
EXPORT vbe_attr_linear, VBE_ATTR_LINEAR
EXPORT vbe_model_direct, VBE_MODEL_DIRECT

EXPORT bios_handoff_size, bios_handoff_size
EXPORT bios_handoff_boot_drive, bios_handoff.boot_drive
EXPORT bios_handoff_memory_source, bios_handoff.memory_source
EXPORT bios_handoff_cpu_flags, bios_handoff.cpu_flags
EXPORT bios_handoff_e820_count, bios_handoff.e820_count
EXPORT bios_handoff_e820, bios_handoff.e820
EXPORT bios_handoff_video, bios_handoff.video
EXPORT bios_handoff_vbe_version, bios_handoff.vbe_version
EXPORT bios_handoff_vbe_mode, bios_handoff.vbe_mode
EXPORT bios_handoff_vbe_mode_info, bios_handoff.vbe_mode_info

EXPORT video_text, VIDEO_TEXT
EXPORT video_vga13, VIDEO_VGA13
EXPORT video_vbe, VIDEO_VBE
EXPORT memory_e820, MEMORY_E820
EXPORT memory_e801, MEMORY_E801
EXPORT memory_88h, MEMORY_88H
EXPORT cpu_nx, CPU_NX
EXPORT cpu_1g_pages, CPU_1G_PAGES
EXPORT cpu_pat, CPU_PAT

EXPORT image_header_size, image_header_size
EXPORT image_header_features, image_header.features
EXPORT image_header_kernel_size, image_header.kernel_size
EXPORT image_header_kernel_room_pages, image_header.kernel_room_pages
EXPORT image_header_framebuffer_width, image_header.framebuffer_width
EXPORT image_header_framebuffer_height, image_header.framebuffer_height
EXPORT feature_vga_320x200, FEATURE_VGA_320X200

EXPORT cmos_index, CMOS_INDEX
EXPORT cmos_nmi_mask, CMOS_NMI_MASK

EXPORT bios_regs_size, bios_regs_size
EXPORT bios_regs_eax, bios_regs.eax
EXPORT bios_regs_edi, bios_regs.edi
EXPORT bios_regs_ds, bios_regs.ds
EXPORT bios_regs_es, bios_regs.es
EXPORT bios_regs_eflags, bios_regs.eflags

EXPORT timeline_max, TIMELINE_MAX
EXPORT bios_handoff_timeline, bios_handoff.timeline
EXPORT bios_handoff_kernel_hole, bios_handoff.kernel_hole
EXPORT t_loader_start, T_LOADER_START
EXPORT t_stage2, T_STAGE2
EXPORT t_disk_read, T_DISK_READ
EXPORT t_video, T_VIDEO
EXPORT t_stage3, T_STAGE3
EXPORT t_stage4, T_STAGE4

EXPORT sel_code64, SEL_CODE64
EXPORT sel_tss, SEL_TSS
EXPORT sel_code32, SEL_CODE32
EXPORT gdt_size, GDT_SIZE
EXPORT ap_boot_size, ap_boot_size
EXPORT ap_boot_gdt_base, ap_boot.gdt_base
EXPORT ap_boot_prot_entry, ap_boot.prot_entry
EXPORT ap_boot_long_entry, ap_boot.long_entry
EXPORT ap_boot_cr3, ap_boot.cr3
EXPORT ap_boot_efer, ap_boot.efer
EXPORT ap_boot_apic_id, ap_boot.apic_id
EXPORT ap_boot_answered, ap_boot.answered
EXPORT ap_boot_pat, ap_boot.pat
EXPORT ap_boot_ap_entry, ap_boot.ap_entry
EXPORT ap_boot_kernel_cr3, ap_boot.kernel_cr3
EXPORT ap_boot_cpu, ap_boot.cpu
EXPORT ap_boot_stack_top, ap_boot.stack_top
EXPORT cpu_goto_address, CPU_GOTO_ADDRESS
