// The example Rust kernel's linker script (the same layout: -2 GiB), by
// absolute path: rustc links from another directory.
fn main() {
    let dir = std::env::var("CARGO_MANIFEST_DIR").unwrap();
    let script = format!("{dir}/../../../../example-kernel-rust/kernel.ld");
    println!("cargo:rustc-link-arg=-T{script}");
    println!("cargo:rerun-if-changed={script}");
}
