# Rust (sourced by tests/run.sh): the embedboot crate's layout against the C
# header, the example Rust kernel built offline with the machine's stable
# toolchain and booted on SeaBIOS and OVMF, and `cargo test` / `cargo run`
# through scripts/cargo-runner, as a bootimage user runs them. Without cargo
# these are skipped, each with a line that says so.

section "Rust: the crate, the example kernel, cargo run and cargo test"

CARGO=$(command -v cargo || { [ -x "$HOME/.cargo/bin/cargo" ] && echo "$HOME/.cargo/bin/cargo"; })
RUST_TARGET=$PWD/build/rust                    # CARGO_TARGET_DIR: the tree stays clean
RUST_ELF=$RUST_TARGET/x86_64-unknown-linux-gnu/release/example-kernel-rust
# cargo_in DIR LOG ARGS...: cargo, offline, in DIR, output in $LOGS/LOG.
cargo_in() {
    local dir=$1 log=$2
    shift 2
    (cd "$dir" && PATH="$(dirname "$CARGO"):$PATH" CARGO_TARGET_DIR=$RUST_TARGET \
        timeout 600 "$CARGO" "$1" --offline "${@:2}") > "$LOGS/$log" 2>&1
}

if [ -z "$CARGO" ]; then
    for t in rust-crate-layout rust-example-build rust-example-bios rust-example-uefi \
             rust-pie-build rust-pie-bios rust-pie-uefi rust-blog-bios rust-blog-uefi rust-cargo-test rust-cargo-run; do
        skip "$t" "no cargo on this machine (PATH or ~/.cargo/bin): the Rust tests need rustc and cargo"
    done
else
    echo "  rust: $("$CARGO" --version) ($CARGO), $("$(dirname "$CARGO")/rustc" --version 2>/dev/null)"
    # The crate's #[repr(C)] types against include/embedboot.h, field by field.
    if cargo_in rust/embedboot rust-crate.log test -- --nocapture; then
        n=$(grep -c "^struct embedboot_.*: Rust \([0-9]*\), C \1$" "$LOGS/rust-crate.log")
        pass "rust-crate-layout: all $n offsets and sizes of the embedboot crate match the C header"
    else
        fail "rust-crate-layout" "$(grep -a -m 3 "differs\|error\|panicked" "$LOGS/rust-crate.log")"
    fi
    if cargo_in example-kernel-rust rust-build.log build --release; then
        pass "rust-example-build: example-kernel-rust built offline with stable cargo"
        mkdir -p "$T/rust"
        echo "a small text module" > "$T/rust/b.txt"
        build_image rust-example "$RUST_ELF" KERNEL_MANIFEST=example-kernel-rust/Cargo.toml \
            FRAMEBUFFER=800x600 CMDLINE="from rust" MODULES="$T/rust/b.txt two words"
        screenshot rust-example-bios "$T/rust-example/image.bin"
        if [ $SHOT_OK = 1 ] && grep -q "rust kernel: command line \"from rust\"" "$LOGS/rust-example-bios.serial" &&
           grep -q "rust kernel: module 0: 20 bytes" "$LOGS/rust-example-bios.serial" &&
           out=$(bars_in "$LOGS/rust-example-bios.ppm" 800 600); then
            pass "rust-example-bios: the Rust kernel reads its boot info (command line, module) and draws the bars"
        else
            fail "rust-example-bios" "${out:-$(grep -a 'rust kernel' "$LOGS/rust-example-bios.serial" | tail -n 3)}"
        fi
        expect_uefi_boot rust-example-uefi "$T/rust-example/image.bin" "rust kernel: done"
        grep -q "rust kernel: firmware Uefi" "$LOGS/rust-example-uefi.serial" &&
            pass "rust-example-uefi: the kernel sees UEFI firmware" ||
            fail "rust-example-uefi: the kernel sees UEFI firmware" "$(grep -a 'rust kernel' "$LOGS/rust-example-uefi.serial")"
    else
        fail "rust-example-build" "$(grep -a -m 3 "^error" -A 3 "$LOGS/rust-build.log")"
    fi

    # The same kernel relocatable (relocation-model=pie, linked -static-pie
    # at -2 GiB), booted with KASLR: it checks a function pointer in its
    # data holds the run address. RUSTFLAGS replaces the static flags of
    # .cargo/config.toml; its own target directory keeps both builds.
    RUST_PIE_ELF=$PWD/build/rust-pie/x86_64-unknown-linux-gnu/release/example-kernel-rust
    if (cd example-kernel-rust && PATH="$(dirname "$CARGO"):$PATH" CARGO_TARGET_DIR=$PWD/../build/rust-pie \
            RUSTFLAGS="-C panic=abort -C relocation-model=pie -C link-arg=-nostartfiles -C link-arg=-nostdlib -C link-arg=-static-pie -C link-arg=-Wl,--build-id=none" \
            timeout 600 "$CARGO" build --release --offline) > "$LOGS/rust-pie-build.log" 2>&1 &&
       readelf -h "$RUST_PIE_ELF" | grep -q "DYN"; then
        pass "rust-pie-build: example-kernel-rust built as a PIE ($(readelf -rW "$RUST_PIE_ELF" | grep -c R_X86_64_RELATIVE) RELATIVE relocations)"
        build_image rust-pie "$RUST_PIE_ELF" KERNEL_MANIFEST=example-kernel-rust/Cargo.toml FEATURES="sse kaslr"
        pie_line="rust kernel: relocated by 0x[0-9a-f]* ([0-9]* relocations, random source 2), pointers in data patched"
        expect_boot rust-pie-bios "$T/rust-pie/image.bin" "$pie_line"
        expect_uefi_boot rust-pie-uefi "$T/rust-pie/image.bin" "$pie_line"
        grep -q "rust kernel: not relocated" "$LOGS/rust-example-bios.serial" &&
            pass "rust-example-not-relocated: the static build runs at its link address and says so" ||
            fail "rust-example-not-relocated" "$(grep -a 'relocat' "$LOGS/rust-example-bios.serial")"
    else
        fail "rust-pie-build" "$(grep -a -m 3 "^error" -A 3 "$LOGS/rust-pie-build.log")"
    fi

    # A blog_os-style kernel for bootloader 0.9 (tests/boot/rust-bl09/),
    # compiled against the crate's Rust types: its Cargo.toml chooses v0.9's
    # BootInfo; it walks the map for usable frames and the page tables
    # through physical_memory_offset, and uses frames through it.
    BLOG_ELF=$RUST_TARGET/x86_64-unknown-linux-gnu/release/blog-style-kernel
    if cargo_in tests/boot/rust-bl09/kernel rust-blog-build.log build --release &&
       build_image rust-blog "$BLOG_ELF" KERNEL_MANIFEST=tests/boot/rust-bl09/kernel/Cargo.toml; then
        expect_boot rust-blog-bios "$T/rust-blog/image.bin" "blog kernel: done"
        expect_uefi_boot rust-blog-uefi "$T/rust-blog/image.bin" "blog kernel: done"
    else
        fail "rust-blog: build" "$(tail -n 3 "$LOGS/rust-blog-build.log" "$LOGS/rust-blog.build" 2>/dev/null)"
    fi

    # cargo test: one test kernel passes, one fails on purpose; each gets
    # its own verdict from the runner, and the whole run fails.
    cargo_in example-kernel-rust rust-test-boots.log test --test boots &&
        grep -q "boots: \[ok\]" "$LOGS/rust-test-boots.log" &&
        pass "rust-cargo-test: a passing test kernel passes" ||
        fail "rust-cargo-test: a passing test kernel passes" "$(tail -n 3 "$LOGS/rust-test-boots.log")"
    if ! cargo_in example-kernel-rust rust-test-fail.log test --test should_fail &&
       grep -q "should_fail-[0-9a-f]*: failed: QEMU exit status 35, expected 33" "$LOGS/rust-test-fail.log" &&
       grep -q "assertion .* failed: the memory map is not empty" "$LOGS/rust-test-fail.log"; then
        pass "rust-cargo-test: a failing test kernel fails, with QEMU's status and its panic message"
    else
        fail "rust-cargo-test: a failing test kernel fails" "$(tail -n 3 "$LOGS/rust-test-fail.log")"
    fi

    # cargo run: the image beside the ELF, booted with run-command.
    if cargo_in example-kernel-rust rust-run.log run -- -display none -serial stdio \
           -device isa-debug-exit,iobase=0xf4,iosize=0x04 -no-reboot; then
        fail "rust-cargo-run" "cargo run exited 0; the kernel exits QEMU with 33"
    elif grep -q "rust kernel: done" "$LOGS/rust-run.log" &&
         [ -f "$RUST_TARGET/x86_64-unknown-linux-gnu/debug/embedboot/example-kernel-rust/image.bin" ]; then
        pass "rust-cargo-run: cargo run builds the image beside the ELF and boots it"
    else
        fail "rust-cargo-run" "$(tail -n 3 "$LOGS/rust-run.log")"
    fi
    # A second run after touching only the kernel: embed and link again,
    # nothing of the loader rebuilt.
    touch example-kernel-rust/src/main.rs
    cargo_in example-kernel-rust rust-run2.log run -- -display none -serial stdio \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 -no-reboot
    log2=$RUST_TARGET/x86_64-unknown-linux-gnu/debug/embedboot/example-kernel-rust/build.log
    if grep -q "rust kernel: done" "$LOGS/rust-run2.log" && grep -q "LD .*bootloader.elf" "$log2" &&
       ! grep -q "NASM\|CC  *c/\|HOSTCC" "$log2"; then
        pass "rust-cargo-run: after touching the kernel, only the embed and link steps run again"
    else
        fail "rust-cargo-run: rebuild after touching the kernel" "$(tr '\n' ' ' < "$log2")"
    fi
fi

# The runner itself, without cargo: an ELF under target/debug/deps with a
# hash suffix is a test; its Cargo.toml is found by walking up; a kernel
# that never exits is stopped at test-timeout; bootimage's table is read
# strictly.
RP=$T/runner-pkg
mkdir -p "$RP/target/debug/deps"
cp build/example-kernel/kernel.elf "$RP/target/debug/deps/hangs-0123456789abcdef"
printf '[package]\nname = "hangs"\nversion = "0.1.0"\n\n[package.metadata.bootimage]\ntest-args = ["-display", "none", "-serial", "stdio"]\ntest-timeout = 8\n' > "$RP/Cargo.toml"
(cd "$RP" && env -u CARGO_MANIFEST_DIR "$OLDPWD/scripts/cargo-runner" target/debug/deps/hangs-0123456789abcdef) \
    > "$LOGS/runner-timeout.log" 2>&1
status=$?
if [ $status -ne 0 ] && grep -q "embedboot: hangs-0123456789abcdef: timed out after 8 s" "$LOGS/runner-timeout.log" &&
   grep -q "example kernel: done" "$LOGS/runner-timeout.log"; then
    pass "runner-timeout: a test kernel that never exits QEMU is stopped at test-timeout and fails"
else
    fail "runner-timeout" "status $status; $(tail -n 2 "$LOGS/runner-timeout.log")"
fi
cp build/example-kernel/kernel.elf "$T/orphan.elf"
(cd / && env -u CARGO_MANIFEST_DIR "$OLDPWD/scripts/cargo-runner" "$OLDPWD/$T/orphan.elf") > "$LOGS/runner-orphan.log" 2>&1 ||
    true
grep -q "no Cargo.toml with a \[package\] above it, and no CARGO_MANIFEST_DIR" "$LOGS/runner-orphan.log" &&
    pass "runner-no-manifest: an ELF with no package above it is refused" ||
    fail "runner-no-manifest" "$(cat "$LOGS/runner-orphan.log")"
make -s --no-print-directory build/host/bootimage-config
runner_refusal() {   # runner_refusal NAME 'TOML LINE' MESSAGE
    printf '[package]\nname = "k"\n\n[package.metadata.bootimage]\n%s\n' "$2" > "$T/$1.toml"
    if ! out=$(build/host/bootimage-config "$T/$1.toml" 2>&1) && grep -qF "$3" <<< "$out"; then
        pass "$1"
    else
        fail "$1" "expected '$3', got: $out"
    fi
}
runner_refusal runner-unknown-key 'test-timout = 5' \
    "package.metadata.bootimage.test-timout (line 5): unknown key"
runner_refusal runner-args-type 'test-args = "-serial stdio"' \
    "package.metadata.bootimage.test-args (line 5): expected an array of strings"
runner_refusal runner-exit-code 'test-success-exit-code = 300' \
    "test-success-exit-code (line 5): expected an integer from 0 to 255"
runner_refusal runner-no-reboot 'test-no-reboot = "yes"' \
    "test-no-reboot (line 5): expected true or false"
