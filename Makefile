# embedboot: turn a kernel (ELF64, a Linux bzImage or a Multiboot kernel) and its
# modules into one bootable raw disk image, for BIOS and UEFI.
#
#   make KERNEL=path/to/kernel.elf image.bin
#   make run        # the bundled example kernel (or KERNEL=...) in QEMU
#   make test       # the whole suite
#
# `make V=1` prints every command. Intermediates go to build/.

KERNEL            ?=
V                 ?= 0
IMAGE             ?= image.bin

# Configuration (README: Configuration). Empty means "from KERNEL_MANIFEST,
# else the default"; a make variable overrides the manifest.
KERNEL_MANIFEST        ?=
KERNEL_STACK_ADDRESS   ?=
KERNEL_STACK_SIZE      ?=
PHYSICAL_MEMORY_OFFSET ?=
BOOT_INFO_ADDRESS      ?=
KERNEL_BASE            ?=
KASLR_RANGE_START      ?=
KASLR_RANGE_SIZE       ?=
FEATURES               ?=
FRAMEBUFFER            ?=
KERNEL_ON_ESP          ?=
# The kernel command line; modules in QEMU's -initrd syntax ("FILE [ARGS],
# FILE..."); INITRD=FILE is the Linux spelling of one module (README).
INITRD                 ?=
CMDLINE                ?=
MODULES                ?=
PROTOCOL               ?=
# make run / run-uefi: QEMU's memory
MEM                    ?= 512M
export CMDLINE MODULES          # recipes write them with printf: any characters survive
# binutils reads and writes whole payloads through malloc: with transparent
# huge pages for it, a 64 MiB kernel costs 32 page faults instead of 16384
# (objcopy -O binary: 320 -> 45 ms here). glibc without the tunable ignores it.
GLIBC_TUNABLES ?= glibc.malloc.hugetlb=1
export GLIBC_TUNABLES

# Every rule is written here: make's built-in rules and variables would
# only cost it stat() calls for files that are never there (~8 ms a run).
MAKEFLAGS += --no-builtin-rules --no-builtin-variables

# Building an image, make runs two jobs at a time unless told otherwise
# (-j): the kernel pipeline has branches that run side by side: the .text
# size check beside the strip, mkheader beside the kernel's object and
# archive (objcopy, ar).
ifneq ($(filter image.bin $(IMAGE) BOOTX64.EFI $(EFI_APP),$(MAKECMDGOALS)),)
MAKEFLAGS += -j2
endif

BUILD   := build
CC      := gcc
HOSTCC  := gcc
LD      := ld
AR      := ar
NASM    := nasm
OBJCOPY := objcopy
SIZE    := size
# ar hands every member to each plugin in bfd-plugins, LLVM's gold plugin
# (from the fuzzing toolchain) included, whose loading alone is ~70 ms of a
# rebuild. Naming GCC's LTO plugin loads that one only (no LTO objects here).
# Its path is asked of the compiler once ($(BUILD)/host/ar-plugin).
AR_PLUGIN = --plugin $(file <$(BUILD)/host/ar-plugin)

# say NAME,FILE: "  NAME    FILE" before a step, printed by make itself
# ($(info)): a shell per line costs ~10 ms here, and a rebuild prints ten.
sp    := $(subst x, ,x)
say_padded := AR______ CC______ EMBED___ ESP_____ FONT____ FUZZCC__ GEN_____ HEADER__ HOSTCC__ SBSIGN__ \
              KCHECK__ KERNEL__ LD______ NASM____ OBJCOPY_ STRIP___ TABLE___
ifeq ($(V),1)
Q   :=
say :=
else
Q   := @
say  = $(info $(sp)$(sp)$(subst _,$(sp),$(filter $(1)_%,$(say_padded)))$(sp)$(2))
endif

include targets/stage4.mk
include targets/host.mk
include targets/kernel.mk
include targets/uefi.mk

.DELETE_ON_ERROR:
.PHONY: all run run-uefi run-image test bench fuzz fuzzers gdb gdb-kernel usb screenshot unit-tests example-kernel test-kernels clean FORCE

all: example-kernel

# ---------------------------------------------------------------------------
# Stages 1-4: built once, independent of the kernel.

# The C is in three parts (README: Architecture): the firmware-neutral core
# and the kernel protocols, which both front ends link, and each front end.
CORE_SRCS  := boot_build boot_modules console_format serial string fmt checksum elf_check elf_reloc memmap frames paging \
              kernel_load kernel_place random smp madt lapic vspace config acpi video_mode bzimage kernel_kind multiboot_image \
              payload_layout measure timeline boot_catcher ksyms
PROTO_SRCS := embedboot bootloader09 bootloader09_info linux linux_params multiboot multiboot_info
BIOS_SRCS  := stage4 console textcon memory rsdp rtc asm_layout tpm
UEFI_SRCS  := main console clock cpu gop memory tables kernel_file secure_boot tpm progress
# Where the application's payloads come from: embedded (make BOOTX64.EFI), or
# read from the disk image it lies on (the ESP inside image.bin); and its
# image header: linked in (make BOOTX64.EFI, a signed image's ESP), or read
# from the disk too (an unsigned image's ESP, one application for every kernel).
UEFI_PAYLOADS_EMBEDDED := $(BUILD)/uefi/uefi/payloads_embedded.o
UEFI_PAYLOADS_DISK     := $(BUILD)/uefi/uefi/payloads_disk.o
UEFI_HEADER_LINKED     := $(BUILD)/uefi/uefi/header_linked.o
UEFI_HEADER_DISK       := $(BUILD)/uefi/uefi/header_disk.o
ASM_SRCS   := stage1 stage2 a20 cpu memory load video stage3 gdt handoff bios_call ap_trampoline

C_HEADERS  := $(wildcard c/*.h c/*/*.h) include/embedboot.h
CATCHER_BLOB := $(BUILD)/catcher/blob.o
C_OBJS      = $(CORE_SRCS:%=$(1)/core/%.o) $(PROTO_SRCS:%=$(1)/proto/%.o)
STAGE_OBJS := $(ASM_SRCS:%=$(BUILD)/stages/%.o) $(call C_OBJS,$(BUILD)/stages) \
              $(BIOS_SRCS:%=$(BUILD)/stages/bios/%.o) $(CATCHER_BLOB)
UEFI_OBJS  := $(call C_OBJS,$(BUILD)/uefi) $(UEFI_SRCS:%=$(BUILD)/uefi/uefi/%.o) \
              $(BUILD)/uefi/core/sha256.o $(BUILD)/uefi/handoff.o $(BUILD)/uefi/ap_trampoline.o $(CATCHER_BLOB)

# The stages as one relocatable object, linked once: the image's link then
# reads one file instead of ~60 (~20 ms of every rebuild).
LOADER_OBJ := $(BUILD)/stages/loader.o
$(LOADER_OBJ): $(STAGE_OBJS)
	$(call say,LD,$@)
	$(Q)$(LD) -r -z noexecstack -o $@ $(STAGE_OBJS)

$(BUILD)/stages/%.o: asm/%.asm $(wildcard asm/*.inc) | $(BUILD)/stages
	$(call say,NASM,$<)
	$(Q)$(NASM) -f elf64 -g -F dwarf -I asm/ -o $@ $<

$(BUILD)/stages/core/%.o: c/%.c $(C_HEADERS)
	$(call say,CC,$<)
	$(Q)mkdir -p $(@D) && $(CC) $(STAGE4_CFLAGS) -c -o $@ $<
$(BUILD)/stages/%.o: c/%.c $(C_HEADERS)
	$(call say,CC,$<)
	$(Q)mkdir -p $(@D) && $(CC) $(STAGE4_CFLAGS) -c -o $@ $<

# The shared values asm/handoff.inc names, as the assembler computes them,
# for the C to check against its own definitions (c/bios/asm_layout.c).
$(BUILD)/stages/bios/asm_layout.o: $(BUILD)/gen/asm_layout.h
$(BUILD)/gen/asm_layout.h: asm/layout_export.asm $(wildcard asm/*.inc)
	@mkdir -p $(@D)
	$(Q)$(NASM) -f elf64 -I asm/ -o $(@:.h=.o) $<
	$(Q)nm $(@:.h=.o) | awk '$$2 == "A" { print "#define " $$3 " 0x" $$1 }' > $@

# The UEFI application: the same core and protocols again, position-
# independent, its own front end (c/uefi/) and the hand-off page.
$(BUILD)/uefi/core/%.o: c/%.c $(C_HEADERS)
	$(call say,CC,$<)
	$(Q)mkdir -p $(@D) && $(CC) $(UEFI_CFLAGS) -c -o $@ $<
	$(Q)$(call uefi_no_got,$@)
$(BUILD)/uefi/%.o: c/%.c $(C_HEADERS)
	$(call say,CC,$<)
	$(Q)mkdir -p $(@D) && $(CC) $(UEFI_CFLAGS) -c -o $@ $<
	$(Q)$(call uefi_no_got,$@)

$(BUILD)/uefi/handoff.o $(BUILD)/uefi/ap_trampoline.o: $(BUILD)/uefi/%.o: asm/%.asm asm/handoff.inc | $(BUILD)/uefi
	$(call say,NASM,$<)
	$(Q)$(NASM) -f elf64 -I asm/ -o $@ $<

# The fault catcher (c/catcher/catcher.h): linked on its own at 0 into a
# flat blob that stage 4 and the EFI application copy into the kernel's
# address space; its C may hold no absolute address (nothing relocates it).
# Its font is the example kernel's (console-setup's, made by mkfont).
CATCHER_OBJS := $(addprefix $(BUILD)/catcher/,report.o fmt.o string.o serial.o font.o entry.o)
$(BUILD)/catcher/report.o: c/catcher/report.c $(C_HEADERS)
$(BUILD)/catcher/fmt.o: c/fmt.c $(C_HEADERS)
$(BUILD)/catcher/string.o: c/string.c $(C_HEADERS)
$(BUILD)/catcher/serial.o: c/serial.c $(C_HEADERS)
$(BUILD)/catcher/font.o: $(BUILD)/example-kernel/font8x16.c
$(BUILD)/catcher/report.o $(BUILD)/catcher/fmt.o $(BUILD)/catcher/string.o $(BUILD)/catcher/serial.o \
$(BUILD)/catcher/font.o:
	$(call say,CC,$<)
	$(Q)mkdir -p $(@D) && $(CC) $(CATCHER_CFLAGS) -c -o $@ $<
	$(Q)if readelf -r $@ | grep -qE "R_X86_64_(64|32|32S|GOT[A-Z0-9_]*) "; then \
	    echo "embedboot: error: $@ holds an absolute address; the fault catcher runs wherever it is copied" >&2; \
	    rm -f $@; exit 1; fi
$(BUILD)/catcher/entry.o: asm/catcher_entry.asm
	$(call say,NASM,$<)
	$(Q)mkdir -p $(@D) && $(NASM) -f elf64 -o $@ $<
$(BUILD)/catcher/catcher.bin: $(CATCHER_OBJS) c/catcher/catcher.ld
	$(call say,LD,$@)
	$(Q)$(LD) -T c/catcher/catcher.ld -nostdlib -z noexecstack --no-warn-rwx-segments -o $(@:.bin=.elf) $(CATCHER_OBJS) && \
	    $(OBJCOPY) -O binary -j .blob $(@:.bin=.elf) $@
$(CATCHER_BLOB): $(BUILD)/catcher/catcher.bin
	$(Q)$(OBJCOPY) -I binary -O elf64-x86-64 -B i386:x86-64 \
	    --rename-section .data=.rodata.catcher,alloc,load,readonly,data,contents \
	    --set-section-alignment .data=16 \
	    --redefine-sym $(call mangle,$<)_start=_catcher_start \
	    --redefine-sym $(call mangle,$<)_end=_catcher_end \
	    --strip-symbol $(call mangle,$<)_size $< $@

# ---------------------------------------------------------------------------
# Host tools: the kernel check (same C as stage 4) and the header writer.

KCHECK_SRCS   := embed/kcheck.c embed/readfile.c embed/report.c c/elf_check.c c/elf_reloc.c c/fmt.c \
                 c/bzimage.c c/kernel_kind.c c/multiboot_image.c
MKHEADER_SRCS := embed/mkheader.c embed/manifest.c embed/toml.c embed/readfile.c embed/report.c embed/elf_object.c \
                 c/config.c c/kernel_place.c c/checksum.c c/sha256.c embed/sha256_x86.c c/elf_check.c c/elf_reloc.c c/fmt.c c/bzimage.c c/kernel_kind.c \
                 c/multiboot_image.c c/payload_layout.c

BOOTIMAGE_CONFIG_SRCS := embed/bootimage_config.c embed/toml.c embed/readfile.c embed/report.c

$(BUILD)/host/bootimage-config: $(BOOTIMAGE_CONFIG_SRCS) $(wildcard embed/*.h) | $(BUILD)/host
	$(call say,HOSTCC,$@)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -o $@ $(BOOTIMAGE_CONFIG_SRCS)

$(BUILD)/host/kcheck: $(KCHECK_SRCS) $(wildcard c/*.h embed/*.h) | $(BUILD)/host
	$(call say,HOSTCC,$@)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -o $@ $(KCHECK_SRCS)

$(BUILD)/host/mkheader: $(MKHEADER_SRCS) $(wildcard c/*.h embed/*.h) | $(BUILD)/host
	$(call say,HOSTCC,$@)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -o $@ $(MKHEADER_SRCS)

# ---------------------------------------------------------------------------
# The kernel pipeline: check, strip, embed, archive, link, flatten, pad.

KDIR    ?= $(BUILD)/kernel
BLOB    := $(KDIR)/kernel.stripped
MANGLED := _binary_$(subst -,_,$(subst .,_,$(subst /,_,$(BLOB))))
HDR     := $(KDIR)/header.bin
mangle   = _binary_$(subst -,_,$(subst .,_,$(subst /,_,$(1))))

# Modules: one line "FILE ARGS" each (spaces kept as \001); their files;
# the symbol names of their objects (_initrd_start_addr for INITRD,
# _module0_start_addr...); the arguments for mkheader.
shell_quote   = '$(subst ','\'',$(1))'
# (No shell at all without MODULES: each costs ~15 ms of every rebuild.)
SOH          := $(if $(MODULES),$(shell printf '\001'))
MODULE_LINES := $(if $(MODULES),$(shell printf '%s' $(call shell_quote,$(MODULES)) | tr ',' '\n' | \
                  sed 's/^ *//; s/ *$$//' | grep -v '^$$' | tr ' ' '\001'))
module_file   = $(firstword $(subst $(SOH), ,$(1)))
module_args   = $(wordlist 2,999,$(subst $(SOH), ,$(1)))
MODULE_FILES := $(if $(INITRD),$(INITRD),$(foreach l,$(MODULE_LINES),$(call module_file,$(l))))
MODULE_SYMS  := $(if $(INITRD),initrd,$(if $(MODULE_FILES),$(addprefix module,$(shell seq 0 $$(($(words $(MODULE_FILES)) - 1))))))
MODULE_OBJS  := $(MODULE_SYMS:%=$(KDIR)/%_blob.o)
MODULE_ARGS  := $(if $(INITRD),--initrd --module $(call shell_quote,$(INITRD)) '',$(foreach l,$(MODULE_LINES),--module $(call shell_quote,$(call module_file,$(l))) $(call shell_quote,$(call module_args,$(l)))))

# The settings' checks, made by make itself: the first one's message that
# fails, else nothing. (A shell runs only to report one, or to check the
# signing inputs when there are some.)
is_file        = $(and $(wildcard $(1)),$(if $(wildcard $(1)/.),,yes))
settings_error = $(strip $(or \
    $(if $(KERNEL),,KERNEL is not set: make KERNEL=path/to/kernel.elf image.bin), \
    $(if $(wildcard $(KERNEL)),,$(KERNEL): no such file (KERNEL=$(KERNEL))), \
    $(if $(KERNEL_MANIFEST),$(if $(call is_file,$(KERNEL_MANIFEST)),,$(KERNEL_MANIFEST): no such file (KERNEL_MANIFEST=$(KERNEL_MANIFEST)))), \
    $(if $(INITRD),$(if $(call is_file,$(INITRD)),,$(INITRD): not a file (INITRD=$(INITRD)))), \
    $(if $(and $(INITRD),$(MODULES)),INITRD and MODULES both given: INITRD=FILE is MODULES=FILE), \
    $(if $(INITRD),,$(if $(missing_module),$(missing_module): not a file (MODULES=$(MODULES)))), \
    $(if $(word 17,$(MODULE_FILES)),MODULES: $(words $(MODULE_FILES)) modules$(comma) more than 16)))
missing_module = $(firstword $(foreach m,$(MODULE_FILES),$(if $(call is_file,$(m)),,$(m))))
comma := ,
# Two strings are the same when each holds the other.
same_text = $(and $(findstring x$(1)x,x$(2)x),$(findstring x$(2)x,x$(1)x))
define settings_text
KERNEL=$(abspath $(KERNEL)) INITRD=$(abspath $(INITRD)) $(MKHEADER_ARGS)
SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH)
SIGN_KEY=$(abspath $(SIGN_KEY)) SIGN_CERT=$(abspath $(SIGN_CERT))
MODULES=$(MODULES)
CMDLINE=$(CMDLINE)
endef

# Records KERNEL and the settings baked into the image; rewritten only when
# they change, so a new path or stack size rebuilds and nothing else does.
# It runs on every make, so it starts no process when nothing is wrong and
# nothing changed: make compares and writes the files itself ($(file)).
# The command line is written by printf, byte for byte ($(file) would add
# a newline).
$(KDIR)/settings: FORCE | $(KDIR)
	$(if $(settings_error),$(Q)rm -f $(IMAGE); \
	    printf '%s\n' $(call shell_quote,embedboot: error: $(settings_error)) >&2; exit 1)
	$(if $(SIGN_KEY)$(SIGN_CERT),$(Q)$(check_signing_inputs))
	$(if $(settings_error)$(and $(wildcard $(KDIR)/cmdline),$(call same_text,$(file <$(KDIR)/cmdline),$(CMDLINE))),,$(Q)printf '%s' "$$CMDLINE" > $(KDIR)/cmdline)
	$(if $(settings_error)$(call same_text,$(file <$@),$(settings_text)),,$(file >$@,$(settings_text)))

# Signing needs both files, sbsign, and a key without a passphrase.
check_signing_inputs = \
	if [ -z "$(SIGN_KEY)" ] || [ -z "$(SIGN_CERT)" ]; then rm -f $(IMAGE); \
	    echo "embedboot: error: signing needs both SIGN_KEY and SIGN_CERT (one was given)" >&2; exit 1; fi; \
	for f in $(call shell_quote,$(SIGN_KEY)) $(call shell_quote,$(SIGN_CERT)); do if [ ! -f "$$f" ]; then \
	    rm -f $(IMAGE); echo "embedboot: error: $$f: not a file (SIGN_KEY=$(SIGN_KEY) SIGN_CERT=$(SIGN_CERT))" >&2; \
	    exit 1; fi; done; \
	command -v sbsign >/dev/null || { rm -f $(IMAGE); \
	    echo "embedboot: error: SIGN_KEY: sbsign is missing (Debian package sbsigntool; make test installs it)" >&2; \
	    exit 1; }; \
	if grep -q 'ENCRYPTED' $(call shell_quote,$(SIGN_KEY)); then rm -f $(IMAGE); \
	    echo "embedboot: error: $(SIGN_KEY): the key is encrypted, and sbsign cannot ask for its passphrase in a build; give a plain copy (openssl pkey -in KEY -out plain.key)" >&2; \
	    exit 1; fi

$(KDIR)/cmdline: $(KDIR)/settings

# The kind of kernel comes from its bytes (kcheck prints it), after a
# gzip-compressed kernel (Debian's xen-*.gz) is decompressed: an ELF kernel
# is size-checked and stripped, a Linux bzImage or a Multiboot kernel is
# embedded as it is. PROTOCOL=multiboot1 boots a kernel that has both
# Multiboot headers with the older one. Two steps: kind.raw is KERNEL's
# ("gzip" for compressed data), kind the one after decompressing, and
# $(KDIR)/source names the file the later steps read (the kernel, or its
# decompressed copy). Make reads and writes these files itself ($(file)):
# for a kernel that is not compressed, no shell runs.
KCHECK  = $(BUILD)/host/kcheck --remove $(IMAGE) $(if $(filter multiboot1,$(PROTOCOL)),--multiboot1)
KSOURCE = $(file <$(KDIR)/source)
UNPACKED := $(KDIR)/kernel.unpacked
$(KDIR)/kind.raw: $(wildcard $(KERNEL)) $(KDIR)/settings $(BUILD)/host/kcheck
	$(call say,KCHECK,$(KERNEL))
	$(Q)$(KCHECK) --out $@ $(KERNEL) $(KDIR)/cmdline

$(KDIR)/kind: $(KDIR)/kind.raw
	$(if $(filter gzip,$(file <$<)),$(Q)zcat $(KERNEL) > $(UNPACKED) || { rm -f $(UNPACKED); \
	    echo "embedboot: error: $(KERNEL): gzip-compressed$(comma) and it does not decompress" >&2; \
	    exit 1; }; $(KCHECK) --unpacked --out $@ $(UNPACKED) $(KDIR)/cmdline,$(file >$@,$(file <$<)))
	$(file >$(KDIR)/source,$(if $(filter gzip,$(file <$<)),$(UNPACKED),$(KERNEL)))

# An ELF kernel's .text must not be empty (size -A). Its own step, which
# make runs beside the strip: the link waits for both.
# (The stamp is written once the check passed: by the shell for an ELF
# kernel, by make for the others.)
$(KDIR)/text-size: $(KDIR)/kind
	$(if $(filter elf,$(file <$(KDIR)/kind)),$(Q)$(SIZE) -A $(KSOURCE) > $@.sections || exit 1; text=; \
	    while read name bytes address; do [ "$$name" = .text ] && text=$$bytes; done < $@.sections; \
	    if [ -z "$$text" ] || [ "$$text" -eq 0 ]; then \
	    echo "embedboot: error: $(KERNEL): empty .text section: the kernel has no code" >&2; exit 1; fi; \
	    echo ".text $$text" > $@,$(file >$@,no .text check for a $(file <$(KDIR)/kind) kernel))

# (make reads the kind when it runs the recipe: no shell.)
$(BLOB): $(KDIR)/kind
	$(call say,STRIP,$(KERNEL))
	$(Q)$(if $(filter elf,$(file <$(KDIR)/kind)),$(OBJCOPY) --strip-debug,cp) $(KSOURCE) $@

$(KDIR)/kernel_blob.o: $(BLOB)
	$(call say,EMBED,$<)
	$(Q)$(OBJCOPY) -I binary -O elf64-x86-64 -B i386:x86-64 \
	    --rename-section .data=.kernel,alloc,load,readonly,data,contents \
	    --redefine-sym $(MANGLED)_start=_kernel_start_addr \
	    --redefine-sym $(MANGLED)_end=_kernel_end_addr \
	    --redefine-sym $(MANGLED)_size=_kernel_size \
	    $< $@

# Each module (or the initrd): its own object, made from a link to the
# file so that its symbols do not depend on where it is; section
# .module.NN, page-aligned, placed in order after the kernel (linker.ld).
# objcopy refuses an empty file: an empty module is an empty section with
# the same symbols, from nasm. The alignment is set on the section's input
# name (.data): objcopy ignores it given the new one. After the header
# (order only): mkheader refuses payloads too large to load before a module
# of gigabytes is copied into an object.
define module_rule
$(KDIR)/$(1)_blob.o: $(2) $(KDIR)/settings | $(HDR)
	$$(call say,EMBED,$(2))
	$$(Q)rm -f $(KDIR)/$(1).bin && ln -s $$(abspath $(2)) $(KDIR)/$(1).bin
	$$(Q)if [ -s $(KDIR)/$(1).bin ]; then $$(OBJCOPY) -I binary -O elf64-x86-64 -B i386:x86-64 \
	    --rename-section .data=.module.$(3),alloc,load,readonly,data,contents \
	    --set-section-alignment .data=4096 \
	    --redefine-sym $$(call mangle,$(KDIR)/$(1).bin)_start=_$(1)_start_addr \
	    --redefine-sym $$(call mangle,$(KDIR)/$(1).bin)_end=_$(1)_end_addr \
	    --redefine-sym $$(call mangle,$(KDIR)/$(1).bin)_size=_$(1)_size $(KDIR)/$(1).bin $$@; \
	    else printf 'section .module.$(3) progbits alloc noexec nowrite align=4096\nglobal _$(1)_start_addr, _$(1)_end_addr, _$(1)_size\n_$(1)_start_addr:\n_$(1)_end_addr:\n_$(1)_size equ 0\n' \
	    > $(KDIR)/$(1).asm && $$(NASM) -f elf64 -o $$@ $(KDIR)/$(1).asm; fi
endef
$(foreach i,$(if $(MODULE_SYMS),$(shell seq 1 $(words $(MODULE_SYMS)))),$(eval $(call module_rule,$(word $(i),$(MODULE_SYMS)),$(word $(i),$(MODULE_FILES)),$(shell printf %02d $$(($(i) - 1))))))

# The module table the loader reads (struct module_table, c/boot_build.h):
# the count, then each module's start and end as 32-bit offsets from the
# field, which link the same into the loader and the EFI application.
$(KDIR)/modules.o: $(KDIR)/settings
	$(call say,TABLE,$@)
	$(Q){ printf 'section .rodata\nalign 4\nglobal _module_table\n'; \
	    for s in $(MODULE_SYMS); do printf 'extern _%s_start_addr, _%s_end_addr\n' $$s $$s; done; \
	    printf '_module_table:\n    dd %d\n' $(words $(MODULE_SYMS)); \
	    for s in $(MODULE_SYMS); do \
	    printf '    dd _%s_start_addr - $$\n    dd _%s_end_addr - $$\n' $$s $$s; done; } > $(KDIR)/modules.asm
	$(Q)cd $(KDIR) && $(NASM) -f elf64 -o $(notdir $@) modules.asm     # no directory in its file symbol

$(BUILD)/host/ar-plugin: | $(BUILD)/host
	$(Q)$(CC) -print-file-name=liblto_plugin.so > $@

# Thin (crsT): the members stay where they are, nothing is copied. It
# starts from an empty thin archive, its magic line written by make, so a
# member dropped from the list does not linger (and no rm runs).
$(KDIR)/libkernel.a: $(KDIR)/kernel_blob.o $(KDIR)/modules.o $(MODULE_OBJS) | $(BUILD)/host/ar-plugin
	$(call say,AR,$@)
	$(file >$@,!<thin>)
	$(Q)$(AR) $(AR_PLUGIN) crsT $@ $^

set_arg = $(if $($(2)),--set $(1) $(2) '$($(2))')
MKHEADER_ARGS := $(if $(KERNEL_MANIFEST),--manifest '$(KERNEL_MANIFEST)') \
    $(call set_arg,kernel-stack-address,KERNEL_STACK_ADDRESS) \
    $(call set_arg,kernel-stack-size,KERNEL_STACK_SIZE) \
    $(call set_arg,physical-memory-offset,PHYSICAL_MEMORY_OFFSET) \
    $(call set_arg,boot-info-address,BOOT_INFO_ADDRESS) \
    $(call set_arg,module-address,MODULE_ADDRESS) \
    $(call set_arg,kernel-base,KERNEL_BASE) \
    $(call set_arg,kaslr-range-start,KASLR_RANGE_START) \
    $(call set_arg,kaslr-range-size,KASLR_RANGE_SIZE) \
    $(call set_arg,features,FEATURES) \
    $(call set_arg,framebuffer,FRAMEBUFFER) \
    $(if $(filter 1,$(KERNEL_ON_ESP)),--kernel-on-esp) \
    $(if $(filter multiboot1,$(PROTOCOL)),--multiboot1) \
    $(if $(BOOT_INFO),--boot-info '$(BOOT_INFO)')

# mkheader writes header.o itself (no assembler run): the header and the
# command lines as linker.ld's sections .image_header and .image_strings.
$(HDR) $(KDIR)/header.o &: $(BLOB) $(BUILD)/host/mkheader $(KDIR)/settings $(wildcard $(KERNEL_MANIFEST)) \
        $(MODULE_FILES)
	$(call say,HEADER,$(HDR))
	$(Q)$(BUILD)/host/mkheader $(BLOB) $(HDR) --object $(KDIR)/header.o --remove $(IMAGE) $(MKHEADER_ARGS) \
	    --cmdline-file $(KDIR)/cmdline --kernel-name $(call shell_quote,$(notdir $(KERNEL))) $(MODULE_ARGS)

# The payloads' digests, for the EFI application alone (struct payload_digests).
$(KDIR)/digests.o: $(HDR)
	$(Q)$(OBJCOPY) -I binary -O elf64-x86-64 -B i386:x86-64 \
	    --rename-section .data=.payload_digests,alloc,load,readonly,data,contents \
	    --redefine-sym $(call mangle,$(HDR).digests)_start=_payload_digests \
	    --strip-symbol $(call mangle,$(HDR).digests)_end \
	    --strip-symbol $(call mangle,$(HDR).digests)_size $(HDR).digests $@

# Secure Boot: with SIGN_KEY and SIGN_CERT, the EFI application on the ESP
# and the one `make BOOTX64.EFI` gives are signed (Debian's sbsign). The
# payloads it reads from the disk are vouched for by the digests inside it.
SIGNED := $(if $(SIGN_KEY),-signed)
$(KDIR)/%-signed.EFI: $(KDIR)/%.EFI $(KDIR)/settings $(wildcard $(SIGN_KEY) $(SIGN_CERT))
	$(call say,SBSIGN,$@)
	$(Q)sbsign --key $(call shell_quote,$(SIGN_KEY)) --cert $(call shell_quote,$(SIGN_CERT)) \
	    --output $@ $< > $@.log 2>&1 || { sed 's/^/  /' $@.log >&2; rm -f $@ $(IMAGE); \
	    echo "embedboot: error: sbsign could not sign $(notdir $<) with SIGN_KEY=$(SIGN_KEY) SIGN_CERT=$(SIGN_CERT)" >&2; \
	    exit 1; }

# Its application: unsigned, the one in $(BUILD)/uefi for every kernel (it
# reads the header from the disk), so touching the kernel rebuilds no ESP;
# signed, this kernel's, its header and digests inside the signature.
ESP_APP := $(if $(SIGN_KEY),$(KDIR)/BOOTX64-disk-signed.EFI,$(BUILD)/uefi/BOOTX64-disk.EFI)
$(KDIR)/esp.img: $(ESP_APP) scripts/mkesp.sh $(KDIR)/settings $(if $(filter 1,$(KERNEL_ON_ESP)),$(BLOB))
	$(call say,ESP,$@)
	$(Q)$(if $(SOURCE_DATE_EPOCH),SOURCE_DATE_EPOCH='$(SOURCE_DATE_EPOCH)') \
	    scripts/mkesp.sh $@ $< $(if $(filter 1,$(KERNEL_ON_ESP)),$(BLOB))

# The ESP as an object the linker places after the BIOS part.
$(KDIR)/esp.o: $(KDIR)/esp.img
	$(Q)$(OBJCOPY) -I binary -O elf64-x86-64 -B i386:x86-64 \
	    --rename-section .data=.esp,alloc,load,readonly,data,contents \
	    --strip-symbol $(call mangle,$<)_start --strip-symbol $(call mangle,$<)_end \
	    --strip-symbol $(call mangle,$<)_size $< $@

# The linker places everything, the ESP included: the image is the link,
# flattened, with the gap before the ESP zero-filled by objcopy.
$(KDIR)/bootloader.elf: $(LOADER_OBJ) $(KDIR)/header.o $(KDIR)/libkernel.a $(KDIR)/esp.o linker.ld \
                        $(KDIR)/text-size
	$(call say,LD,$@)
	$(Q)$(LD) -n -z noexecstack --no-warn-rwx-segments -T linker.ld \
	    -o $@ $(LOADER_OBJ) $(KDIR)/header.o $(KDIR)/libkernel.a $(KDIR)/esp.o

$(IMAGE): $(KDIR)/bootloader.elf
	$(call say,OBJCOPY,$@)
	$(Q)$(OBJCOPY) -O binary $< $@

# The UEFI application, linked into a PE32+ three ways. On image.bin's ESP
# it reads the payloads from the disk it lies on (one copy of the kernel in
# the image): unsigned, the header too, so one application serves every
# kernel; signed, with this kernel's header and digests linked in for the
# signature to cover. `make BOOTX64.EFI` embeds everything, for an ESP or a
# network boot of its own.
$(BUILD)/uefi/BOOTX64-disk.EFI: $(UEFI_OBJS) $(UEFI_PAYLOADS_DISK) $(UEFI_HEADER_DISK)
	$(call say,LD,$@)
	$(Q)$(LD) $(UEFI_LDFLAGS) -o $@ $(UEFI_OBJS) $(UEFI_PAYLOADS_DISK) $(UEFI_HEADER_DISK)

$(KDIR)/BOOTX64-disk.EFI: $(UEFI_OBJS) $(UEFI_PAYLOADS_DISK) $(UEFI_HEADER_LINKED) $(KDIR)/header.o \
                          $(KDIR)/digests.o
	$(call say,LD,$@)
	$(Q)$(LD) $(UEFI_LDFLAGS) -o $@ $(UEFI_OBJS) $(UEFI_PAYLOADS_DISK) $(UEFI_HEADER_LINKED) \
	    $(KDIR)/header.o $(KDIR)/digests.o

$(KDIR)/BOOTX64.EFI: $(UEFI_OBJS) $(UEFI_PAYLOADS_EMBEDDED) $(UEFI_HEADER_LINKED) $(KDIR)/header.o \
                     $(KDIR)/digests.o $(KDIR)/libkernel.a $(KDIR)/text-size
	$(call say,LD,$@)
	$(Q)$(LD) $(UEFI_LDFLAGS) -o $@ $(UEFI_OBJS) $(UEFI_PAYLOADS_EMBEDDED) $(UEFI_HEADER_LINKED) \
	    $(KDIR)/header.o $(KDIR)/digests.o \
	    --whole-archive $(KDIR)/libkernel.a --no-whole-archive

EFI_APP ?= BOOTX64.EFI
$(EFI_APP): $(KDIR)/BOOTX64$(SIGNED).EFI
	$(Q)cp $< $@

# IMAGE=other/path.bin builds there; `image.bin` stays the name to ask for.
ifneq ($(IMAGE),image.bin)
.PHONY: image.bin
image.bin: $(IMAGE)
endif

# ---------------------------------------------------------------------------
# The example kernel, running it, and the tests.

EXAMPLE_ELF := $(BUILD)/example-kernel/kernel.elf

example-kernel: $(EXAMPLE_ELF)

# The 8x16 font the example kernel carries, from Debian's console-setup.
FONT_PSF := /usr/share/consolefonts/Lat15-VGA16.psf.gz

$(BUILD)/example-kernel/font8x16.c: example-kernel/mkfont.c $(FONT_PSF) | $(BUILD)/example-kernel
	$(call say,FONT,$@)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -o $(BUILD)/example-kernel/mkfont example-kernel/mkfont.c
	$(Q)zcat $(FONT_PSF) | $(BUILD)/example-kernel/mkfont > $@

$(EXAMPLE_ELF): example-kernel/kernel.c example-kernel/draw.c example-kernel/kernel.ld \
                $(BUILD)/example-kernel/font8x16.c $(KERNEL_LIB_SRCS) \
                $(wildcard example-kernel/*.h) include/embedboot.h | $(BUILD)/example-kernel
	$(call say,KERNEL,$@)
	$(Q)$(CC) $(KERNEL_CFLAGS) -T example-kernel/kernel.ld -o $@ example-kernel/kernel.c \
	    example-kernel/draw.c $(BUILD)/example-kernel/font8x16.c $(KERNEL_LIB_SRCS) $(KERNEL_LDFLAGS)

# run, gdb and gdb-kernel: the image for KERNEL, or for the example kernel.
RUN_KERNEL = $(or $(KERNEL),$(EXAMPLE_ELF))

run-image:
	$(Q)scripts/deps.sh
	$(Q)$(MAKE) --no-print-directory $(EXAMPLE_ELF)
	$(Q)$(MAKE) --no-print-directory KERNEL=$(RUN_KERNEL) image.bin

run: run-image
	$(Q)MEM=$(MEM) scripts/run-qemu.sh $(IMAGE)

run-uefi: run-image
	$(Q)MEM=$(MEM) scripts/run-qemu.sh --uefi $(IMAGE)

# Debugging: QEMU halted with a gdb stub, gdb attached (README: Debugging).
gdb: run-image
	$(Q)scripts/gdb.sh boot $(IMAGE) $(KDIR)/bootloader.elf

gdb-kernel: run-image
	$(Q)scripts/gdb.sh kernel $(IMAGE) $(KDIR)/bootloader.elf $(RUN_KERNEL)

# docs/screenshot.png: the example kernel in an 800x600 VBE mode (README).
screenshot: $(EXAMPLE_ELF) $(BUILD)/tests/ppmtool
	$(Q)$(MAKE) --no-print-directory KDIR=$(BUILD)/shot IMAGE=$(BUILD)/shot/image.bin \
	    KERNEL=$(EXAMPLE_ELF) FRAMEBUFFER=800x600 image.bin
	$(Q)scripts/screenshot.sh $(BUILD)/shot/image.bin $(BUILD)/shot/screen.ppm
	$(Q)mkdir -p docs
	$(Q)$(BUILD)/tests/ppmtool png $(BUILD)/shot/screen.ppm docs/screenshot.png

# Write the image to a USB stick, after the checks in scripts/usb.sh.
usb: $(IMAGE)
	$(Q)DEV_IS_FILE=$(DEV_IS_FILE) YES=$(YES) scripts/usb.sh $(IMAGE) "$(DEV)"

test:
	$(Q)scripts/deps.sh
	$(Q)tests/run.sh

bench:
	$(Q)scripts/deps.sh
	$(Q)bench/run.sh
	$(Q)bench/linux.sh
	$(Q)bench/xen.sh

# The UEFI floor for the benchmarks: an application that exits at once.
$(BUILD)/bench/efi-exit.efi: bench/efi-exit.c targets/uefi.mk
	@mkdir -p $(@D)
	$(Q)$(CC) $(UEFI_CFLAGS) -c -o $(@:.efi=.o) $<
	$(Q)$(LD) $(UEFI_LDFLAGS) -o $@ $(@:.efi=.o)

# The UEFI raw read for the image in KDIR (bench/efi-read.c): the UEFI
# front end without its main, reading the payloads and nothing else.
EFI_READ_OBJS = $(filter-out %/uefi/main.o,$(UEFI_OBJS)) $(UEFI_PAYLOADS_DISK) $(UEFI_HEADER_DISK)
$(KDIR)/efi-read.efi: bench/efi-read.c $(EFI_READ_OBJS)
	$(Q)$(CC) $(UEFI_CFLAGS) -c -o $(@:.efi=.o) $<
	$(Q)$(LD) $(UEFI_LDFLAGS) -o $@ $(@:.efi=.o) $(EFI_READ_OBJS)

# Host unit tests of the shared C, under ASan and UBSan.
UNIT_TESTS := elf reloc smp memmap frames paging misc string config bios linux multiboot bootloader09 sha256 measure ksyms
unit_srcs_elf    := c/elf_check.c c/elf_reloc.c c/fmt.c
unit_srcs_smp    := c/madt.c c/acpi.c
unit_srcs_reloc  := c/elf_check.c c/elf_reloc.c c/kernel_place.c c/fmt.c
unit_srcs_memmap := c/memmap.c
unit_srcs_frames := c/frames.c
unit_srcs_paging := c/paging.c c/kernel_load.c c/elf_check.c c/elf_reloc.c c/fmt.c
unit_srcs_misc   := c/checksum.c c/crc32.c c/fmt.c c/vspace.c c/acpi.c c/video_mode.c
unit_srcs_bios   := c/bios/memory.c c/bios/rsdp.c c/memmap.c c/acpi.c
unit_srcs_bootloader09 := c/proto/bootloader09_info.c
unit_srcs_sha256 := c/sha256.c embed/sha256_x86.c
unit_srcs_measure := c/measure.c c/console_format.c c/fmt.c
unit_srcs_ksyms := c/ksyms.c
unit_srcs_multiboot := c/multiboot_image.c c/fmt.c c/memmap.c c/proto/multiboot_info.c
unit_srcs_linux  := c/bzimage.c c/kernel_kind.c c/multiboot_image.c c/fmt.c c/memmap.c \
                    c/proto/linux_params.c c/proto/multiboot_info.c
unit_flags_config := -Wl,--wrap=strdup        # to make strdup fail on purpose
unit_srcs_config := c/config.c c/kernel_place.c c/elf_check.c c/elf_reloc.c c/fmt.c embed/manifest.c embed/toml.c embed/readfile.c

unit-tests: $(UNIT_TESTS:%=$(BUILD)/tests/unit/test_%)

$(BUILD)/tests/unit/test_%: tests/unit/test_%.c tests/unit/unit.h $(wildcard c/*.[ch] c/*/*.[ch] embed/*.[ch])
	@mkdir -p $(@D)
	$(call say,HOSTCC,$@)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -O1 $(HOST_SANITIZE) -o $@ $< $(unit_srcs_$*) $(unit_flags_$*)

# Fuzzing (libFuzzer, clang): `make fuzz` runs each harness FUZZ_SECONDS,
# seeded with the test kernels, real memory maps and the manifests.
FUZZ_SECONDS ?= 60
FUZZERS := elf memmap toml bzimage multiboot
fuzz_srcs_multiboot := c/multiboot_image.c c/fmt.c
fuzz_srcs_elf    := c/elf_check.c c/elf_reloc.c c/fmt.c
fuzz_srcs_bzimage := c/bzimage.c c/kernel_kind.c c/multiboot_image.c c/fmt.c
fuzz_srcs_memmap := c/memmap.c
fuzz_srcs_toml   := embed/toml.c

fuzzers: $(FUZZERS:%=$(BUILD)/fuzz/fuzz_%)

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(wildcard c/*.[ch] embed/*.[ch])
	@mkdir -p $(@D)
	$(call say,FUZZCC,$@)
	$(Q)clang -g -O1 -fsanitize=fuzzer,address,undefined -o $@ $< $(fuzz_srcs_$*)

fuzz: fuzzers test-kernels
	$(Q)scripts/deps.sh
	$(Q)tests/fuzz/run.sh $(FUZZ_SECONDS)

# Test kernels: tests/boot/kernels/NAME.c (+ entry.asm), linked at the base
# the name asks for. PAYLOAD_MIB sets the payload kernel's size.
include tests/boot/kernels/kernels.mk

$(sort $(BUILD)/stages $(BUILD)/uefi $(BUILD)/host $(KDIR) $(BUILD)/example-kernel):
	$(Q)mkdir -p $@

clean:
	rm -rf $(BUILD) image.bin BOOTX64.EFI

FORCE:
