# Test kernels. check-high / check-low are the same source linked at -2 GiB
# and at 1 MiB; payload carries PAYLOAD_MIB MiB; bigbss needs BIGBSS_MIB MiB.

TK          := $(BUILD)/tests/kernels
TK_SRC      := tests/boot/kernels
PAYLOAD_MIB ?= 32
BIGBSS_MIB  ?= 600
STACK_PAGES ?= 512
TK_DEPS     := $(TK_SRC)/entry.asm $(TK_SRC)/check.ld $(TK_SRC)/trap.c $(TK_SRC)/trap.h \
               $(TK_SRC)/checks.c $(TK_SRC)/checks.h $(KERNEL_LIB_SRCS) \
               include/embedboot.h example-kernel/kio.h


$(TK)/entry.o: $(TK_SRC)/entry.asm
	@mkdir -p $(@D)
	$(Q)$(NASM) -f elf64 -o $@ $<

tk_link = $(CC) $(KERNEL_CFLAGS) -I$(TK_SRC) -T $(TK_SRC)/check.ld $(TK_SRC)/trap.c $(TK_SRC)/checks.c \
          -Wl,--defsym=KERNEL_BASE=$(1) -o $@ $(2) $(TK)/entry.o $(KERNEL_LIB_SRCS) $(KERNEL_LDFLAGS)

$(TK)/check-high.elf: $(TK_SRC)/check.c $(TK)/entry.o $(TK_DEPS)
	$(call say,KERNEL,$@)
	$(Q)$(call tk_link,0xffffffff80000000,-DSTACK_PAGES=$(STACK_PAGES) $<)

$(TK)/check-low.elf: $(TK_SRC)/check.c $(TK)/entry.o $(TK_DEPS)
	$(call say,KERNEL,$@)
	$(Q)$(call tk_link,0x100000,-DSTACK_PAGES=$(STACK_PAGES) $<)

# check-high with 32 KiB of bytes no segment loads at its end (a section
# that is not allocated): its BSS then lies over file bytes within the
# file's own pages, so stage 4 can load it in place (c/elf_check.h).
$(TK)/check-inplace.elf: $(TK)/check-high.elf
	$(call say,KERNEL,$@)
	$(Q)head -c 32768 /dev/zero > $@.pad && $(OBJCOPY) --add-section .pad=$@.pad $< $@

# The check kernel relocatable, linked at 0: -static-pie (RELATIVE
# relocations only), and -shared, whose globals are reached through the
# GOT (GLOB_DAT) and pointed at from data (R_X86_64_64); embedboot
# relocates both. -Bsymbolic-functions binds calls locally: no PLT.
comma := ,
PIE_CFLAGS := $(filter-out -fno-pic -fno-pie -no-pie -mcmodel=kernel -static,$(KERNEL_CFLAGS))
tk_pie_link = $(CC) $(PIE_CFLAGS) $(1) -DLINK_BASE=0 -I$(TK_SRC) -T $(TK_SRC)/check.ld \
          $(TK_SRC)/trap.c $(TK_SRC)/checks.c -Wl,--defsym=KERNEL_BASE=0 -o $@ $(2) $(TK)/entry.o \
          $(KERNEL_LIB_SRCS) $(KERNEL_LDFLAGS)

$(TK)/check-pie.elf: $(TK_SRC)/check.c $(TK)/entry.o $(TK_DEPS)
	$(call say,KERNEL,$@)
	$(Q)$(call tk_pie_link,-fpie -static-pie,-DSTACK_PAGES=$(STACK_PAGES) $<)

$(TK)/check-shared.elf: $(TK_SRC)/check.c $(TK)/entry.o $(TK_DEPS)
	$(call say,KERNEL,$@)
	$(Q)$(call tk_pie_link,-fpic -fno-plt -shared -Wl$(comma)-Bsymbolic-functions,-DSTACK_PAGES=$(STACK_PAGES) $<)

# The features kernel, one ELF per configuration it expects (see features.c
# and tests/boot/manifests/).
F_MAP := EMBEDBOOT_FEATURE_MAP_PHYSICAL_MEMORY
F_REC := EMBEDBOOT_FEATURE_RECURSIVE_PAGE_TABLE
F_SSE := EMBEDBOOT_FEATURE_SSE
F_VGA := EMBEDBOOT_FEATURE_VGA_320X200
feat_default := -DEXPECT_FEATURES=0 -DEXPECT_STACK_PAGES=512 -DEXPECT_STACK_ADDRESS=0 \
                -DEXPECT_BOOT_INFO=0 -DEXPECT_PHYS_OFFSET=0
feat_config  := '-DEXPECT_FEATURES=($(F_MAP)|$(F_SSE))' -DEXPECT_STACK_PAGES=128 \
                -DEXPECT_STACK_ADDRESS=0xffffff8000000000ull -DEXPECT_BOOT_INFO=0xffffffff40000000ull \
                -DEXPECT_PHYS_OFFSET=0xffff800000000000ull
feat_mixed   := '-DEXPECT_FEATURES=($(F_REC)|$(F_VGA))' -DEXPECT_STACK_PAGES=16 \
                -DEXPECT_STACK_ADDRESS=0 -DEXPECT_BOOT_INFO=0 -DEXPECT_PHYS_OFFSET=0
feat_physmap := -DEXPECT_FEATURES=$(F_MAP) -DEXPECT_STACK_PAGES=512 -DEXPECT_STACK_ADDRESS=0 \
                -DEXPECT_BOOT_INFO=0 -DEXPECT_PHYS_OFFSET=0
feat_vbe     := $(feat_physmap) -DEXPECT_VBE_WIDTH=800
FEATURE_KERNELS := $(foreach v,default config mixed physmap vbe,$(TK)/features-$(v).elf)

$(TK)/features-%.elf: $(TK_SRC)/features.c $(TK)/entry.o $(TK_DEPS)
	$(call say,KERNEL,$@)
	$(Q)$(call tk_link,0xffffffff80000000,$(feat_$*) $<)

# The bootloader-0.9 kernel, one ELF per crate-feature combination (the
# BootInfo layout moves with them): none, rec, phys, both.
bl09_none := -DRECURSIVE=0 -DPHYSMAP=0
bl09_rec  := -DRECURSIVE=1 -DPHYSMAP=0
bl09_phys := -DRECURSIVE=0 -DPHYSMAP=1
bl09_both := -DRECURSIVE=1 -DPHYSMAP=1
BL09_KERNELS := $(foreach v,none rec phys both,$(TK)/bl09-$(v).elf)

$(TK)/bl09-%.elf: $(TK_SRC)/bl09.c $(TK)/entry.o $(TK_DEPS) include/bootloader_0_9.h
	$(call say,KERNEL,$@)
	$(Q)$(call tk_link,0xffffffff80000000,$(bl09_$*) $<)

$(TK)/fault.elf: $(TK_SRC)/fault.c $(TK)/entry.o $(TK_DEPS)
	$(call say,KERNEL,$@)
	$(Q)$(call tk_link,0xffffffff80000000,$<)

$(TK)/tpm.elf: $(TK_SRC)/tpm.c $(TK)/entry.o $(TK_DEPS)
	$(call say,KERNEL,$@)
	$(Q)$(call tk_link,0xffffffff80000000,$<)

$(TK)/exit.elf: $(TK_SRC)/exit.c $(TK)/entry.o $(TK_DEPS)
	$(call say,KERNEL,$@)
	$(Q)$(call tk_link,0xffffffff80000000,$<)

$(TK)/bigbss.elf: $(TK_SRC)/bigbss.c $(TK)/entry.o $(TK_DEPS)
	$(call say,KERNEL,$@)
	$(Q)$(call tk_link,0xffffffff80000000,-DBIGBSS_MIB=$(BIGBSS_MIB) $<)

$(TK)/gen_payload: $(TK_SRC)/gen_payload.c $(TK_SRC)/payload_prng.h
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -o $@ $<

$(TK)/payload-%.bin: $(TK)/gen_payload
	$(call say,GEN,$@)
	$(Q)$(TK)/gen_payload $* $@

$(TK)/payload-%.elf: $(TK_SRC)/payload.c $(TK)/payload-%.bin $(TK)/entry.o $(TK_DEPS)
	$(call say,KERNEL,$@)
	$(Q)$(call tk_link,0xffffffff80000000,-DPAYLOAD_FILE='"$(TK)/payload-$*.bin"' $<)

$(TK)/notext.elf: $(TK_SRC)/notext.s
	@mkdir -p $(@D)
	$(Q)as -o $(TK)/notext.o $<
	$(Q)$(LD) -e _start --section-start=.boot=0x200000 -o $@ $(TK)/notext.o
.PRECIOUS: $(TK)/payload-%.bin

# Tools for the refusal and corruption tests.
$(BUILD)/tests/mkbad: tests/bad/mkbad.c c/elf.h
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -o $@ $<

$(BUILD)/tests/patchimg: tests/bad/patchimg.c c/checksum.c c/checksum.h c/image_header.h c/payload_layout.c c/payload_layout.h
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -o $@ $< c/checksum.c c/payload_layout.c

test-tools: $(BUILD)/tests/mkbad $(BUILD)/tests/patchimg

test-kernels: $(TK)/check-high.elf $(TK)/check-low.elf $(TK)/check-inplace.elf $(TK)/check-pie.elf $(TK)/check-shared.elf $(TK)/payload-$(PAYLOAD_MIB).elf \
              $(TK)/bigbss.elf $(TK)/notext.elf $(TK)/exit.elf $(TK)/tpm.elf $(TK)/fault.elf $(FEATURE_KERNELS) $(BL09_KERNELS)

$(BUILD)/tests/ppmtool: tests/boot/ppmtool.c c/crc32.c c/crc32.h
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -o $@ $< c/crc32.c c/payload_layout.c

test-tools: $(BUILD)/tests/ppmtool

# The Multiboot test kernel: 32-bit C as the OSDev "Bare Bones" kernel is,
# with both headers, linked at 1 MiB (tests/boot/kernels/mb/).
MB_CFLAGS := -m32 -std=gnu11 -O2 -Wall -Wextra -Werror -ffreestanding -nostdlib -static \
    --param=min-pagesize=0 \
    -fno-pic -fno-pie -no-pie -fno-stack-protector -fcf-protection=none -mgeneral-regs-only \
    -fno-asynchronous-unwind-tables -Wl,--build-id=none -Wl,-z,max-page-size=4096 \
    -Wl,-z,noexecstack -Wl,-m,elf_i386
$(TK)/multiboot.elf: $(TK_SRC)/mb/mbcheck.c $(TK_SRC)/mb/entry.asm $(TK_SRC)/mb/mb.ld c/crc32.c c/elf.h \
                     c/multiboot.h
	$(call say,KERNEL,$@)
	@mkdir -p $(@D)
	$(Q)$(NASM) -f elf32 -o $(TK)/mb-entry.o $(TK_SRC)/mb/entry.asm
	$(Q)$(CC) $(MB_CFLAGS) -T $(TK_SRC)/mb/mb.ld -o $@ $(TK)/mb-entry.o $(TK_SRC)/mb/mbcheck.c c/crc32.c
test-kernels: $(TK)/multiboot.elf

# A relocatable kernel with a relocation type embedboot refuses (an ifunc's
# R_X86_64_IRELATIVE).
$(TK)/ifunc.elf: $(TK_SRC)/ifunc.c $(TK)/entry.o $(TK_DEPS)
	$(call say,KERNEL,$@)
	$(Q)$(call tk_pie_link,-fpie -static-pie,$<)
test-kernels: $(TK)/ifunc.elf

# The fault kernel relocatable: the catcher names functions at their run
# addresses.
$(TK)/fault-pie.elf: $(TK_SRC)/fault.c $(TK)/entry.o $(TK_DEPS)
	$(call say,KERNEL,$@)
	$(Q)$(call tk_pie_link,-fpie -static-pie,$<)
test-kernels: $(TK)/fault-pie.elf

$(TK)/smp.elf: $(TK_SRC)/smp.c $(TK)/entry.o $(TK_DEPS)
	$(call say,KERNEL,$@)
	$(Q)$(call tk_link,0xffffffff80000000,$<)
test-kernels: $(TK)/smp.elf
