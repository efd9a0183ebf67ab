//! What the example kernel and its test kernels share: COM1, QEMU's exit
//! device, a panic handler and the symbols `core` expects of a freestanding
//! binary.
#![no_std]

use core::arch::asm;
use core::fmt::{self, Write};

const COM1: u16 = 0x3f8;

fn outb(port: u16, value: u8) {
    // SAFETY: port I/O to COM1 and QEMU's isa-debug-exit, nothing else.
    unsafe { asm!("out dx, al", in("dx") port, in("al") value, options(nomem, nostack)) };
}

fn inb(port: u16) -> u8 {
    let value: u8;
    // SAFETY: reading COM1's line status.
    unsafe { asm!("in al, dx", in("dx") port, out("al") value, options(nomem, nostack)) };
    value
}

/// COM1, as embedboot left it (115200 8N1).
pub struct Serial;

impl Write for Serial {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for byte in s.bytes() {
            for _ in 0..100_000 {
                if inb(COM1 + 5) & 0x20 != 0 {
                    break;
                }
            }
            outb(COM1, byte);
        }
        Ok(())
    }
}

#[macro_export]
macro_rules! println {
    ($($arg:tt)*) => {{
        use core::fmt::Write;
        let _ = writeln!($crate::Serial, $($arg)*);
    }};
}

/// The CMOS clock's seconds register (BCD or binary; only changes matter).
pub fn rtc_seconds() -> u8 {
    outb(0x70, 0x00);
    inb(0x71)
}

/// Wait until the clock's seconds have changed `ticks` times.
pub fn wait_seconds(ticks: u32) {
    for _ in 0..ticks {
        let start = rtc_seconds();
        while rtc_seconds() == start {}
    }
}

/// QEMU's isa-debug-exit (iobase 0xf4): status (code << 1) | 1.
#[repr(u8)]
pub enum Exit {
    Success = 0x10,
    Failure = 0x11,
}

pub fn exit_qemu(code: Exit) -> ! {
    outb(0xf4, code as u8);
    loop {
        // SAFETY: halting with interrupts off, when QEMU has no exit device.
        unsafe { asm!("cli; hlt", options(nomem, nostack)) };
    }
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    println!("rust kernel: panic: {}", info);
    exit_qemu(Exit::Failure)
}

/// `core` is prebuilt with unwinding tables that name this; nothing here
/// unwinds (panic=abort).
#[no_mangle]
pub extern "C" fn rust_eh_personality() {}

// The memory functions `core` calls: the prebuilt compiler_builtins of a
// Linux target expects them from libc, and there is none. String
// instructions, so that the compiler cannot turn them back into calls.

/// # Safety
/// As C's memcpy: `n` bytes, not overlapping.
#[no_mangle]
pub unsafe extern "C" fn memcpy(dest: *mut u8, src: *const u8, n: usize) -> *mut u8 {
    asm!("rep movsb", inout("rcx") n => _, inout("rdi") dest => _, inout("rsi") src => _,
         options(nostack, preserves_flags));
    dest
}

/// # Safety
/// As C's memmove: `n` bytes, possibly overlapping.
#[no_mangle]
pub unsafe extern "C" fn memmove(dest: *mut u8, src: *const u8, n: usize) -> *mut u8 {
    if (dest as usize) <= (src as usize) || (dest as usize) >= (src as usize) + n {
        return memcpy(dest, src, n);
    }
    // Overlapping, destination above: copy from the end down.
    asm!("std", "rep movsb", "cld", inout("rcx") n => _, inout("rdi") dest.add(n - 1) => _,
         inout("rsi") src.add(n - 1) => _, options(nostack));
    dest
}

/// # Safety
/// As C's memset.
#[no_mangle]
pub unsafe extern "C" fn memset(dest: *mut u8, value: i32, n: usize) -> *mut u8 {
    asm!("rep stosb", inout("rcx") n => _, inout("rdi") dest => _, in("al") value as u8,
         options(nostack, preserves_flags));
    dest
}

/// # Safety
/// As C's memcmp.
#[no_mangle]
pub unsafe extern "C" fn memcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    for i in 0..n {
        let (x, y) = (*a.add(i), *b.add(i));
        if x != y {
            return x as i32 - y as i32;
        }
    }
    0
}

/// # Safety
/// As memcmp, equal or not.
#[no_mangle]
pub unsafe extern "C" fn bcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    memcmp(a, b, n)
}
