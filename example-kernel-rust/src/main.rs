//! The example kernel in Rust: it prints what embedboot gave it over COM1
//! and draws colour bars on the framebuffer, then exits QEMU.
#![no_std]
#![no_main]

use embedboot::{entry_point, BootInfo, MemoryKind, PixelFormat};
use example_kernel_rust::{exit_qemu, println, wait_seconds, Exit};

entry_point!(kernel_main);

fn kernel_main(boot_info: &'static mut BootInfo) -> ! {
    println!("rust kernel: boot info version {} at {:#x}, valid: {}", boot_info.version,
             boot_info.boot_info_address, boot_info.is_valid());
    let usable: u64 = boot_info.memory_regions().iter()
        .filter(|r| r.kind() == MemoryKind::Usable).map(|r| r.length).sum();
    println!("rust kernel: firmware {:?}, {} memory regions, {} KiB usable",
             boot_info.firmware(), boot_info.memory_regions().len(), usable / 1024);
    println!("rust kernel: command line {:?}",
             core::str::from_utf8(boot_info.cmdline()).unwrap_or("(not UTF-8)"));
    for (i, module) in boot_info.modules().iter().enumerate() {
        println!("rust kernel: module {}: {} bytes at {:#x}", i, module.size, module.virtual_address);
    }
    check_relocation(boot_info);
    if let Some(tls) = boot_info.tls_template() {
        println!("rust kernel: TLS template {:#x}, {} bytes", tls.start_address, tls.mem_size);
    }
    draw(boot_info);
    println!("rust kernel: done");
    exit_qemu(Exit::Success)
}

/// A function pointer in data: a relocatable build's R_X86_64_RELATIVE
/// patches it to the run address, which the code computes RIP-relative.
static PATCHED: [fn(&mut BootInfo); 1] = [draw];

fn check_relocation(boot_info: &BootInfo) {
    // SAFETY: a plain read of an initialised static; volatile, so that the
    // compiler cannot fold it into the address it knows.
    let patched = unsafe { core::ptr::read_volatile(&PATCHED[0]) } as usize;
    assert_eq!(patched, draw as *const () as usize, "a pointer in data holds the run address");
    match boot_info.relocated_by() {
        Some(slide) => println!("rust kernel: relocated by {:#x} ({} relocations, random source {}), \
                                 pointers in data patched", slide, boot_info.kernel_relocations,
                                boot_info.random_source),
        None => println!("rust kernel: not relocated, at its link address"),
    }
}

/// Eight colour bars in the top third and navy below, as the C example
/// kernel draws them (tests/lib.sh finds them in a screendump).
fn draw(boot_info: &mut BootInfo) {
    let Some(fb) = boot_info.framebuffer().copied() else {
        println!("rust kernel: no framebuffer");
        return;
    };
    println!("rust kernel: framebuffer {}x{}, {} bpp, {:?}", fb.width, fb.height,
             fb.bits_per_pixel, fb.pixel_format());
    if fb.pixel_format() != PixelFormat::Rgb || !(fb.bits_per_pixel == 32 || fb.bits_per_pixel == 24) {
        return;
    }
    let bars = [(255, 255, 255), (255, 255, 0), (0, 255, 255), (0, 255, 0),
                (255, 0, 255), (255, 0, 0), (0, 0, 255), (0, 0, 0)];
    let bytes_per_pixel = fb.bits_per_pixel as usize / 8;
    let pixels = boot_info.framebuffer_bytes().unwrap();
    for y in 0..fb.height as usize {
        for x in 0..fb.width as usize {
            let (r, g, b) = if y < fb.height as usize / 3 { bars[x * 8 / fb.width as usize] } else { (0, 0, 128) };
            let value = fb.rgb(r, g, b).to_le_bytes();
            let at = y * fb.stride as usize + x * bytes_per_pixel;
            pixels[at..at + bytes_per_pixel].copy_from_slice(&value[..bytes_per_pixel]);
        }
    }
    println!("rust kernel: drawn");
    wait_seconds(3);                  // leave the picture up (a window shows it)
}
