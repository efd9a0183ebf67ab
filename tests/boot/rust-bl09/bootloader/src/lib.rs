//! The kernel-facing API of the `bootloader` crate v0.9: `BootInfo`, its
//! memory map types and `entry_point!`, as a v0.9 kernel uses them.
#![no_std]

pub mod bootinfo {
    use core::ops::Deref;

    const PAGE_SIZE: u64 = 4096;

    #[repr(C)]
    pub struct BootInfo {
        pub memory_map: MemoryMap,
        #[cfg(feature = "recursive_page_table")]
        pub recursive_page_table_addr: u64,
        #[cfg(feature = "map_physical_memory")]
        pub physical_memory_offset: u64,
        tls_template: TlsTemplate,
        _non_exhaustive: u8,
    }

    impl BootInfo {
        pub fn tls_template(&self) -> Option<TlsTemplate> {
            if self.tls_template.mem_size > 0 { Some(self.tls_template) } else { None }
        }
    }

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[repr(C)]
    pub struct TlsTemplate {
        pub start_addr: u64,
        pub file_size: u64,
        pub mem_size: u64,
    }

    #[repr(C)]
    pub struct MemoryMap {
        entries: [MemoryRegion; 64],
        next_entry_index: u64,
    }

    impl Deref for MemoryMap {
        type Target = [MemoryRegion];
        fn deref(&self) -> &[MemoryRegion] {
            &self.entries[..self.next_entry_index as usize]
        }
    }

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[repr(C)]
    pub struct MemoryRegion {
        pub range: FrameRange,
        pub region_type: MemoryRegionType,
    }

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[repr(C)]
    pub struct FrameRange {
        pub start_frame_number: u64,
        pub end_frame_number: u64,
    }

    impl FrameRange {
        pub fn start_addr(&self) -> u64 { self.start_frame_number * PAGE_SIZE }
        pub fn end_addr(&self) -> u64 { self.end_frame_number * PAGE_SIZE }
    }

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[repr(C)]
    pub enum MemoryRegionType {
        Usable, InUse, Reserved, AcpiReclaimable, AcpiNvs, BadMemory, Kernel, KernelStack,
        PageTable, Bootloader, FrameZero, Empty, BootInfo, Package,
        #[doc(hidden)]
        NonExhaustive,
    }
}

pub use bootinfo::BootInfo;

/// As v0.9's: `_start` calls the kernel's `fn(&'static BootInfo) -> !`.
#[macro_export]
macro_rules! entry_point {
    ($path:path) => {
        #[export_name = "_start"]
        pub extern "C" fn __impl_start(boot_info: &'static $crate::bootinfo::BootInfo) -> ! {
            let f: fn(&'static $crate::bootinfo::BootInfo) -> ! = $path;
            f(boot_info)
        }
    };
}
