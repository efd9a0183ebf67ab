//! Types for the boot information embedboot hands a kernel
//! (`include/embedboot.h`), safe accessors for it, and an `entry_point!`
//! macro that type-checks the kernel's entry function.
//!
//! ```ignore
//! #![no_std]
//! #![no_main]
//! use embedboot::{entry_point, BootInfo};
//!
//! entry_point!(kernel_main);
//!
//! fn kernel_main(boot_info: &'static mut BootInfo) -> ! {
//!     for region in boot_info.memory_regions() { /* ... */ }
//!     loop {}
//! }
//! ```
//!
//! The layout is the C header's, field for field; `tests/layout.rs` checks
//! every offset and size against it. Fields are only ever appended, with
//! [`VERSION`] bumped.
#![cfg_attr(not(test), no_std)]

use core::slice;

/// `"EMBDBOOT"`, the first field of the boot info.
pub const MAGIC: u64 = 0x544f_4f42_4442_4d45;
/// The boot info version these types describe (2: command line and
/// modules; 3: the boot timeline; 4: relocation and KASLR; 5: the CPUs).
pub const VERSION: u32 = 5;

/// `flags`: what is present.
pub mod flags {
    pub const HAS_PHYSICAL_MEMORY_MAP: u32 = 1 << 0;
    pub const HAS_RECURSIVE_INDEX: u32 = 1 << 1;
    pub const HAS_FRAMEBUFFER: u32 = 1 << 2;
    pub const HAS_RSDP: u32 = 1 << 3;
    pub const HAS_TLS: u32 = 1 << 4;
    pub const NX_ENABLED: u32 = 1 << 5;
    pub const SSE_ENABLED: u32 = 1 << 6;
    /// UEFI enforced Secure Boot and every payload matched its signed digest.
    pub const SECURE_BOOT: u32 = 1 << 7;
    /// The payloads and command lines went into TPM PCRs 8 and 9.
    pub const TPM_MEASURED: u32 = 1 << 8;
    /// A relocatable (ET_DYN) kernel, moved by [`BootInfo::kernel_slide`](super::BootInfo::kernel_slide).
    pub const KERNEL_RELOCATED: u32 = 1 << 9;
}

/// Where a KASLR base came from: [`BootInfo::random_source`].
pub mod random_source {
    /// Not randomised: the fixed base, or not relocated.
    pub const NONE: u32 = 0;
    pub const RDRAND: u32 = 1;
    /// RDTSC jitter mixed with the firmware's clock.
    pub const TSC: u32 = 2;
}

/// The boot timeline's points: indices into [`BootInfo::timeline`].
pub mod boot_point {
    pub const LOADER_START: usize = 0;
    pub const STAGE2: usize = 1;
    pub const DISK_READ: usize = 2;
    pub const VIDEO: usize = 3;
    pub const STAGE3: usize = 4;
    pub const STAGE4: usize = 5;
    pub const CHECKS: usize = 6;
    pub const KERNEL_LOADED: usize = 7;
    pub const PAGE_TABLES: usize = 8;
    pub const KERNEL_ENTRY: usize = 9;
    pub const COUNT: usize = 10;
}

/// `features`: the Rust bootloader crate's cargo features, as applied.
pub mod features {
    pub const MAP_PHYSICAL_MEMORY: u32 = 1 << 0;
    pub const RECURSIVE_PAGE_TABLE: u32 = 1 << 1;
    pub const SSE: u32 = 1 << 2;
    pub const VGA_320X200: u32 = 1 << 3;
    /// The base of a relocatable kernel was picked at random.
    pub const KASLR: u32 = 1 << 4;
    /// The other CPUs were started and listed ([`BootInfo::cpus`](super::BootInfo::cpus)).
    pub const SMP: u32 = 1 << 5;
}

/// [`Cpu::state`] values.
pub mod cpu_state {
    /// The CPU running the kernel's entry.
    pub const BOOTSTRAP: u32 = 1;
    /// Started: spinning on its `goto_address`.
    pub const WAITING: u32 = 2;
    /// Did not answer INIT-SIPI-SIPI in time; not running.
    pub const NO_ANSWER: u32 = 3;
}

/// `struct embedboot_cpu`: one CPU of the machine (with the `smp` feature).
/// Write a function's address to `goto_address` to run it on that CPU; it
/// gets a pointer to this entry.
#[repr(C)]
#[derive(Debug)]
pub struct Cpu {
    pub acpi_id: u32,
    pub apic_id: u32,
    pub goto_address: u64,
    pub extra_argument: u64,
    pub stack_top: u64,
    /// [`cpu_state`] value.
    pub state: u32,
    pub reserved: u32,
}

impl Cpu {
    /// Run `f` on this CPU (it must be [`cpu_state::WAITING`]): a volatile
    /// store of its address, which the CPU is polling.
    pub fn start(&mut self, f: extern "C" fn(&mut Cpu) -> !) {
        // SAFETY: a plain aligned store to a field of a live entry.
        unsafe { core::ptr::write_volatile(&mut self.goto_address, f as usize as u64) }
    }
}

/// `struct embedboot_memory_region`: one physical region; the regions are
/// sorted by start and never overlap.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryRegion {
    pub start: u64,
    pub length: u64,
    /// `enum embedboot_memory_kind`; see [`MemoryRegion::kind`].
    pub kind: u32,
    /// The firmware's own type (E820 on BIOS), 0 if none.
    pub firmware_type: u32,
}

/// `enum embedboot_memory_kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemoryKind {
    Usable,
    Reserved,
    AcpiReclaimable,
    AcpiNvs,
    Bad,
    /// A firmware type embedboot does not know; see `firmware_type`.
    UnknownFirmwareType,
    Bootloader,
    Kernel,
    KernelStack,
    PageTables,
    BootInfo,
    Framebuffer,
    Module,
    /// A kind newer than these types.
    Other(u32),
}

impl MemoryRegion {
    pub fn kind(&self) -> MemoryKind {
        match self.kind {
            1 => MemoryKind::Usable,
            2 => MemoryKind::Reserved,
            3 => MemoryKind::AcpiReclaimable,
            4 => MemoryKind::AcpiNvs,
            5 => MemoryKind::Bad,
            6 => MemoryKind::UnknownFirmwareType,
            0x100 => MemoryKind::Bootloader,
            0x101 => MemoryKind::Kernel,
            0x102 => MemoryKind::KernelStack,
            0x103 => MemoryKind::PageTables,
            0x104 => MemoryKind::BootInfo,
            0x105 => MemoryKind::Framebuffer,
            0x106 => MemoryKind::Module,
            other => MemoryKind::Other(other),
        }
    }

    /// One past the last byte.
    pub fn end(&self) -> u64 {
        self.start + self.length
    }
}

/// `enum embedboot_firmware`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Firmware {
    Bios,
    Uefi,
    Other(u32),
}

/// `enum embedboot_pixel_format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PixelFormat {
    None,
    /// Direct colour: see the mask sizes and shifts.
    Rgb,
    /// 8-bit palette indices (VGA mode 13h).
    Index,
    /// VGA text: 16-bit cells, character and attribute.
    Text,
    Other(u32),
}

/// `struct embedboot_framebuffer`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Framebuffer {
    pub physical_address: u64,
    /// Where the kernel finds it.
    pub virtual_address: u64,
    /// Pixels, or text columns.
    pub width: u32,
    /// Pixels, or text rows.
    pub height: u32,
    /// Bytes per line.
    pub stride: u32,
    pub bits_per_pixel: u32,
    pub pixel_format: u32,
    pub red_size: u8,
    pub red_shift: u8,
    pub green_size: u8,
    pub green_shift: u8,
    pub blue_size: u8,
    pub blue_shift: u8,
    pub reserved: [u8; 2],
}

impl Framebuffer {
    pub fn pixel_format(&self) -> PixelFormat {
        match self.pixel_format {
            0 => PixelFormat::None,
            1 => PixelFormat::Rgb,
            2 => PixelFormat::Index,
            3 => PixelFormat::Text,
            other => PixelFormat::Other(other),
        }
    }

    /// Bytes in the mapping: `stride * height`.
    pub fn byte_len(&self) -> usize {
        self.stride as usize * self.height as usize
    }

    /// An RGB pixel value for this framebuffer's channel layout.
    pub fn rgb(&self, red: u8, green: u8, blue: u8) -> u32 {
        fn channel(value: u8, size: u8, shift: u8) -> u32 {
            if size == 0 || size > 8 {
                0
            } else {
                ((value >> (8 - size)) as u32) << shift
            }
        }
        channel(red, self.red_size, self.red_shift)
            | channel(green, self.green_size, self.green_shift)
            | channel(blue, self.blue_size, self.blue_shift)
    }
}

/// `struct embedboot_tls_template`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TlsTemplate {
    pub start_address: u64,
    pub file_size: u64,
    pub mem_size: u64,
    pub alignment: u64,
}

/// `struct embedboot_module`: a file from `MODULES=`, mapped read-only and
/// not executable.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Module {
    pub physical_address: u64,
    pub virtual_address: u64,
    pub size: u64,
    /// Virtual address of its NUL-terminated command line.
    pub cmdline: u64,
}

impl Module {
    /// The module's bytes, where embedboot mapped them.
    pub fn data(&self) -> &'static [u8] {
        if self.size == 0 {
            return &[];
        }
        // SAFETY: embedboot maps `size` bytes read-only at `virtual_address`
        // for the kernel's lifetime.
        unsafe { slice::from_raw_parts(self.virtual_address as *const u8, self.size as usize) }
    }

    /// Its command line (the words after the file name), without the NUL.
    pub fn cmdline(&self) -> &'static [u8] {
        // SAFETY: a NUL-terminated string in the boot info's pages.
        unsafe { c_string(self.cmdline) }
    }
}

/// `struct embedboot_boot_info`, which `rdi` points at.
#[repr(C)]
#[derive(Debug)]
pub struct BootInfo {
    pub magic: u64,
    pub version: u32,
    pub size: u32,
    /// [`flags`] bits.
    pub flags: u32,
    pub firmware: u32,
    pub memory_regions: u64,
    pub memory_region_count: u64,
    pub physical_memory_offset: u64,
    pub recursive_index: u64,
    pub rsdp_address: u64,
    pub kernel_physical_start: u64,
    pub kernel_physical_size: u64,
    pub kernel_virtual_start: u64,
    pub kernel_virtual_end: u64,
    pub kernel_entry: u64,
    pub stack_bottom: u64,
    pub stack_top: u64,
    pub boot_info_address: u64,
    pub boot_info_size: u64,
    pub framebuffer: Framebuffer,
    pub tls: TlsTemplate,
    /// [`features`] bits.
    pub features: u32,
    pub kernel_stack_pages: u32,
    // version 2
    pub cmdline: u64,
    pub cmdline_length: u64,
    pub modules: u64,
    pub module_count: u64,
    // version 3
    /// TSC ticks per second, 0 if unknown.
    pub tsc_frequency: u64,
    /// The TSC at each [`boot_point`], 0 for a point this boot did not pass.
    pub timeline: [u64; 16],
    // version 4
    /// Run address minus link address (wrapping); 0 unless
    /// [`flags::KERNEL_RELOCATED`].
    pub kernel_slide: u64,
    /// Relocation entries applied.
    pub kernel_relocations: u64,
    /// [`random_source`] of the base.
    pub random_source: u32,
    pub reserved: u32,
    // version 5
    /// Virtual address of the [`Cpu`] array (with the `smp` feature).
    pub cpus: u64,
    pub cpu_count: u32,
    /// The bootstrap CPU's APIC ID.
    pub bsp_apic_id: u32,
}

impl BootInfo {
    /// Magic and version as these types expect.
    pub fn is_valid(&self) -> bool {
        self.magic == MAGIC && self.version >= VERSION && self.size as usize >= core::mem::size_of::<Self>()
    }

    fn has(&self, flag: u32) -> bool {
        self.flags & flag != 0
    }

    pub fn firmware(&self) -> Firmware {
        match self.firmware {
            1 => Firmware::Bios,
            2 => Firmware::Uefi,
            other => Firmware::Other(other),
        }
    }

    /// The memory map.
    pub fn memory_regions(&self) -> &[MemoryRegion] {
        // SAFETY: embedboot maps `memory_region_count` regions at
        // `memory_regions`, inside the boot info's pages.
        unsafe {
            slice::from_raw_parts(self.memory_regions as *const MemoryRegion,
                                  self.memory_region_count as usize)
        }
    }

    pub fn framebuffer(&self) -> Option<&Framebuffer> {
        self.has(flags::HAS_FRAMEBUFFER).then_some(&self.framebuffer)
    }

    /// The framebuffer's bytes (`stride * height`), writable.
    pub fn framebuffer_bytes(&mut self) -> Option<&mut [u8]> {
        let fb = self.framebuffer()?;
        let (address, len) = (fb.virtual_address, fb.byte_len());
        // SAFETY: embedboot maps the framebuffer writable at
        // `virtual_address`; `&mut self` keeps this the only borrow.
        Some(unsafe { slice::from_raw_parts_mut(address as *mut u8, len) })
    }

    pub fn physical_memory_offset(&self) -> Option<u64> {
        self.has(flags::HAS_PHYSICAL_MEMORY_MAP).then_some(self.physical_memory_offset)
    }

    /// The PML4 index that maps the PML4 itself.
    pub fn recursive_index(&self) -> Option<u16> {
        self.has(flags::HAS_RECURSIVE_INDEX).then_some(self.recursive_index as u16)
    }

    /// The ACPI RSDP's physical address.
    pub fn rsdp_address(&self) -> Option<u64> {
        self.has(flags::HAS_RSDP).then_some(self.rsdp_address)
    }

    /// The CPUs (empty without the `smp` feature).
    pub fn cpus(&mut self) -> &mut [Cpu] {
        if self.version < 5 || self.cpus == 0 {
            return &mut [];
        }
        // SAFETY: cpu_count entries in the boot info's pages.
        unsafe { slice::from_raw_parts_mut(self.cpus as *mut Cpu, self.cpu_count as usize) }
    }

    /// How far a relocatable kernel was moved from its link address
    /// (wrapping), if it was.
    pub fn relocated_by(&self) -> Option<u64> {
        (self.version >= 4 && self.has(flags::KERNEL_RELOCATED)).then_some(self.kernel_slide)
    }

    pub fn tls_template(&self) -> Option<&TlsTemplate> {
        self.has(flags::HAS_TLS).then_some(&self.tls)
    }

    /// The kernel's command line (`CMDLINE=`), without the NUL.
    pub fn cmdline(&self) -> &[u8] {
        if self.version < 2 || self.cmdline == 0 {
            return &[];
        }
        // SAFETY: `cmdline_length` bytes at `cmdline`, in the boot info's pages.
        unsafe { slice::from_raw_parts(self.cmdline as *const u8, self.cmdline_length as usize) }
    }

    /// Milliseconds from the loader's start to `point` ([`boot_point`]),
    /// when the boot passed it and the TSC frequency is known.
    pub fn boot_time_ms(&self, point: usize) -> Option<u64> {
        let start = self.timeline[boot_point::LOADER_START];
        let at = *self.timeline.get(point)?;
        (self.version >= 3 && self.tsc_frequency != 0 && at != 0 && at >= start)
            .then(|| (at - start) * 1000 / self.tsc_frequency)
    }

    /// The modules (`MODULES=`), in the order given.
    pub fn modules(&self) -> &[Module] {
        if self.version < 2 || self.module_count == 0 {
            return &[];
        }
        // SAFETY: `module_count` entries at `modules`, in the boot info's pages.
        unsafe { slice::from_raw_parts(self.modules as *const Module, self.module_count as usize) }
    }
}

/// The bytes of a NUL-terminated string at `address`, without the NUL.
///
/// # Safety
/// `address` is 0 or a NUL-terminated string that lives forever.
unsafe fn c_string(address: u64) -> &'static [u8] {
    if address == 0 {
        return &[];
    }
    let start = address as *const u8;
    let mut len = 0;
    while *start.add(len) != 0 {
        len += 1;
    }
    slice::from_raw_parts(start, len)
}

/// Defines the kernel's entry point (`_start`, the ELF entry) and checks
/// that the function has the type `fn(&'static mut BootInfo) -> !`.
#[macro_export]
macro_rules! entry_point {
    ($path:path) => {
        #[export_name = "_start"]
        pub extern "C" fn __embedboot_start(boot_info: &'static mut $crate::BootInfo) -> ! {
            let kernel_main: fn(&'static mut $crate::BootInfo) -> ! = $path;
            kernel_main(boot_info)
        }
    };
}
