//! A test kernel that fails on purpose (an assertion): `cargo test` must
//! report it as failed. tests/rust.sh runs it alone and expects that.
#![no_std]
#![no_main]

use embedboot::{entry_point, BootInfo};
use example_kernel_rust::{exit_qemu, println, Exit};

entry_point!(test_main);

fn test_main(boot_info: &'static mut BootInfo) -> ! {
    println!("should_fail: asserting that there is no memory map");
    assert_eq!(boot_info.memory_regions().len(), 0, "the memory map is not empty");
    exit_qemu(Exit::Success)
}
