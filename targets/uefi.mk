# The UEFI application: freestanding position-independent C, linked by ld
# (-m i386pep) straight into a PE32+ EFI application, no gnu-efi. What this
# linker needs, learnt the hard way:
# - ld's PE output has no GOT: position-independent code that loads an
#   address from one (taking the address of a function defined in another
#   file) would run garbage, so uefi_no_got refuses such an object;
# - hidden visibility leaves every cross-file reference undefined: plain
#   -fpie reaches extern data PC-relatively, which works;
# - archive members are not pulled in by symbol: libkernel.a is linked
#   with --whole-archive;
# - -ffunction-sections/-fdata-sections give PE sections with truncated
#   names: left off;
# - without -fno-ident the .comment section makes firmware refuse the file;
# - -s: the COFF symbol table would trail every section, which Authenticode
#   (sbsign, SIGN_KEY) has to hash as loose data after the sections.
UEFI_CFLAGS := -m64 -std=gnu11 -Os -Wall -Wextra -Werror \
    -ffreestanding -nostdlib -fno-builtin-printf -mno-red-zone -mgeneral-regs-only \
    -fpie -fshort-wchar -fno-stack-protector -fcf-protection=none \
    -fno-asynchronous-unwind-tables -fno-unwind-tables -fno-ident \
    --param=min-pagesize=0 -fno-delete-null-pointer-checks
    

UEFI_LDFLAGS := -m i386pep --subsystem 10 -e efi_main -nostdlib --no-insert-timestamp -s

# uefi_no_got OBJECT: fail if the object needs a GOT.
uefi_no_got = if readelf -r $(1) | grep -q "R_X86_64_[A-Z_]*GOT"; then \
    echo "embedboot: error: $(1) loads addresses from a GOT, which the PE link cannot make" \
         "(take the address of a function in its own file)" >&2; rm -f $(1); exit 1; fi
