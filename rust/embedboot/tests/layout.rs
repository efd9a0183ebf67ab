//! Every field's offset and every struct's size against the C header
//! (include/embedboot.h), so that the two cannot drift: a C program made
//! from the same field list prints the C values, compiled with the host's
//! `cc`.
use std::{env, fs, mem, process::Command};

use embedboot::{BootInfo, Cpu, Framebuffer, MemoryRegion, Module, TlsTemplate};

/// (Rust type, C struct, field, Rust offset, Rust size of the struct)
macro_rules! fields {
    ($($ty:ident => $c:literal { $($f:ident),* $(,)? })*) => {{
        let mut v: Vec<(String, String, usize)> = Vec::new();
        $(
            v.push((format!("struct {}", $c), "sizeof".into(), mem::size_of::<$ty>()));
            $( v.push((format!("struct {}", $c), stringify!($f).into(), mem::offset_of!($ty, $f))); )*
        )*
        v
    }};
}

#[test]
fn layout_matches_the_c_header() {
    let table = fields! {
        MemoryRegion => "embedboot_memory_region" { start, length, kind, firmware_type }
        Framebuffer => "embedboot_framebuffer" {
            physical_address, virtual_address, width, height, stride, bits_per_pixel,
            pixel_format, red_size, red_shift, green_size, green_shift, blue_size, blue_shift,
            reserved,
        }
        TlsTemplate => "embedboot_tls_template" { start_address, file_size, mem_size, alignment }
        Module => "embedboot_module" { physical_address, virtual_address, size, cmdline }
        Cpu => "embedboot_cpu" {
            acpi_id, apic_id, goto_address, extra_argument, stack_top, state, reserved,
        }
        BootInfo => "embedboot_boot_info" {
            magic, version, size, flags, firmware, memory_regions, memory_region_count,
            physical_memory_offset, recursive_index, rsdp_address, kernel_physical_start,
            kernel_physical_size, kernel_virtual_start, kernel_virtual_end, kernel_entry,
            stack_bottom, stack_top, boot_info_address, boot_info_size, framebuffer, tls,
            features, kernel_stack_pages, cmdline, cmdline_length, modules, module_count,
            tsc_frequency, timeline, kernel_slide, kernel_relocations, random_source, reserved,
            cpus, cpu_count, bsp_apic_id,
        }
    };
    let header = concat!(env!("CARGO_MANIFEST_DIR"), "/../../include/embedboot.h");
    let mut c = format!("#include <stddef.h>\n#include <stdio.h>\n#include \"{header}\"\nint main(void)\n{{\n");
    for (ty, field, _) in &table {
        let value = if field == "sizeof" { format!("sizeof({ty})") } else { format!("offsetof({ty}, {field})") };
        c += &format!("    printf(\"%zu\\n\", (size_t){value});\n");
    }
    c += "    return 0;\n}\n";
    let dir = env::temp_dir().join(format!("embedboot-layout-{}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("layout.c"), c).unwrap();
    let cc = Command::new(env::var("CC").unwrap_or_else(|_| "cc".into()))
        .args(["-std=c11", "-Wall", "-Werror", "-o"])
        .arg(dir.join("layout"))
        .arg(dir.join("layout.c"))
        .status()
        .expect("running the C compiler");
    assert!(cc.success(), "the C layout program did not compile");
    let out = Command::new(dir.join("layout")).output().unwrap();
    let c_values: Vec<usize> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| l.parse().unwrap()).collect();
    assert_eq!(c_values.len(), table.len());
    let mut mismatches = Vec::new();
    for ((ty, field, rust), c) in table.iter().zip(&c_values) {
        println!("{ty}.{field}: Rust {rust}, C {c}");
        if rust != c {
            mismatches.push(format!("{ty}.{field}: Rust {rust}, C {c}"));
        }
    }
    fs::remove_dir_all(&dir).ok();
    assert!(mismatches.is_empty(), "layout differs from include/embedboot.h: {mismatches:?}");
}

#[test]
fn accessors_follow_the_flags() {
    let regions = [MemoryRegion { start: 0x100000, length: 0x1000, kind: 1, firmware_type: 1 }];
    let cmdline = b"quiet\0";
    let mut info: BootInfo = unsafe { mem::zeroed() };
    info.magic = embedboot::MAGIC;
    info.version = embedboot::VERSION;
    info.size = mem::size_of::<BootInfo>() as u32;
    info.memory_regions = regions.as_ptr() as u64;
    info.memory_region_count = 1;
    info.cmdline = cmdline.as_ptr() as u64;
    info.cmdline_length = 5;
    info.physical_memory_offset = 0x1234_0000;
    assert!(info.is_valid());
    assert_eq!(info.memory_regions()[0].kind(), embedboot::MemoryKind::Usable);
    assert_eq!(info.cmdline(), b"quiet");
    assert_eq!(info.physical_memory_offset(), None);            // not flagged
    info.flags = embedboot::flags::HAS_PHYSICAL_MEMORY_MAP;
    assert_eq!(info.physical_memory_offset(), Some(0x1234_0000));
    assert!(info.framebuffer().is_none() && info.modules().is_empty());
    // The timeline: nothing without a frequency, then ms from the start.
    info.timeline[embedboot::boot_point::LOADER_START] = 1_000_000;
    info.timeline[embedboot::boot_point::KERNEL_ENTRY] = 3_000_000;
    assert_eq!(info.boot_time_ms(embedboot::boot_point::KERNEL_ENTRY), None);
    info.tsc_frequency = 1_000_000_000;
    assert_eq!(info.boot_time_ms(embedboot::boot_point::KERNEL_ENTRY), Some(2));
    assert_eq!(info.boot_time_ms(embedboot::boot_point::STAGE2), None);   // not passed
}
