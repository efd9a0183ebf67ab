//! The blog's v0.9 kernel, as far as it reads the boot info: it finds
//! usable frames in the memory map ("BootInfoFrameAllocator"), reaches
//! physical memory through `physical_memory_offset` to walk the active page
//! tables ("translate_addr") and to use the frames it allocates, as a heap
//! would.
#![no_std]
#![no_main]

use bootloader::bootinfo::{MemoryRegionType, MemoryRegion};
use bootloader::{entry_point, BootInfo};
use kernel_support::{exit_qemu, println, Exit};

entry_point!(kernel_main);

/// The blog's BootInfoFrameAllocator: every usable 4 KiB frame, in order.
fn usable_frames(map: &'static [MemoryRegion]) -> impl Iterator<Item = u64> {
    map.iter()
        .filter(|r| r.region_type == MemoryRegionType::Usable)
        .map(|r| r.range.start_addr()..r.range.end_addr())
        .flat_map(|r| r.step_by(4096))
}

/// The blog's translate_addr: walk the four levels from CR3 through the
/// physical memory offset.
fn translate(offset: u64, virt: u64) -> Option<u64> {
    let cr3: u64;
    unsafe { core::arch::asm!("mov {}, cr3", out(reg) cr3) };
    let mut table = cr3 & 0x000f_ffff_ffff_f000;
    for level in (0..4).rev() {
        let index = (virt >> (12 + 9 * level)) & 511;
        let entry = unsafe { *((offset + table) as *const u64).add(index as usize) };
        if entry & 1 == 0 {
            return None;
        }
        if level == 0 || entry & 0x80 != 0 {
            let span = 1u64 << (12 + 9 * level);
            return Some((entry & 0x000f_ffff_ffff_f000 & !(span - 1)) + (virt & (span - 1)));
        }
        table = entry & 0x000f_ffff_ffff_f000;
    }
    None
}

fn kernel_main(boot_info: &'static BootInfo) -> ! {
    let offset = boot_info.physical_memory_offset;
    let map: &'static [MemoryRegion] = &boot_info.memory_map;
    println!("blog kernel: {} memory regions, physical memory at {:#x}", map.len(), offset);
    for region in map {
        println!("blog kernel: {:#x}-{:#x} {:?}", region.range.start_addr(),
                 region.range.end_addr(), region.region_type);
    }
    let frames = usable_frames(map).count();
    println!("blog kernel: {} usable frames ({} KiB)", frames, frames * 4);

    let code = kernel_main as *const () as u64;
    let phys = translate(offset, code).expect("the kernel's code is mapped");
    let kernel_region = map.iter().find(|r| r.range.start_addr() <= phys && phys < r.range.end_addr());
    println!("blog kernel: kernel_main at {:#x} -> physical {:#x} in {:?}", code, phys,
             kernel_region.map(|r| r.region_type));
    assert_eq!(kernel_region.map(|r| r.region_type), Some(MemoryRegionType::Kernel));
    assert_eq!(unsafe { *((offset + phys) as *const u8) }, unsafe { *(code as *const u8) });

    // A "heap": 100 KiB worth of usable frames, written and read back
    // through the physical memory offset.
    let mut sum = 0u64;
    for (i, frame) in usable_frames(map).take(25).enumerate() {
        let page = (offset + frame) as *mut u64;
        unsafe {
            for k in 0..512 {
                page.add(k).write_volatile(frame ^ (i as u64) ^ k as u64);
            }
            for k in 0..512 {
                sum = sum.wrapping_add(page.add(k).read_volatile() ^ frame ^ (i as u64) ^ k as u64);
            }
        }
    }
    assert_eq!(sum, 0, "frames read back what was written");
    println!("blog kernel: 25 usable frames written and read back through the offset");
    println!("blog kernel: done");
    exit_qemu(Exit::Success)
}
