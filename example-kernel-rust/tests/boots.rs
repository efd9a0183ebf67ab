//! A test kernel that passes: `cargo test` boots it and expects QEMU's
//! success status.
#![no_std]
#![no_main]

use embedboot::{entry_point, BootInfo};
use example_kernel_rust::{exit_qemu, println, Exit};

entry_point!(test_main);

fn test_main(boot_info: &'static mut BootInfo) -> ! {
    println!("boots: boot info valid: {}", boot_info.is_valid());
    if !boot_info.is_valid() || boot_info.memory_regions().is_empty() {
        exit_qemu(Exit::Failure);
    }
    println!("boots: [ok]");
    exit_qemu(Exit::Success)
}
