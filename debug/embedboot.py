# gdb support for embedboot (loaded by debug/embedboot.gdb).
#
# QEMU's x86-64 gdb stub always describes the CPU as x86-64, and gdb then
# refuses `set architecture i8086` (and i386), so `x/i` decodes real-mode and
# protected-mode code as 64-bit code. These commands avoid that:
#
#   eb-x [N] [ADDR]  disassemble N instructions at ADDR (default CS:IP) in
#                    the CPU's current mode, through objdump (-m i8086 /
#                    i386 / x86-64), reading memory from the target
#   eb-mode          print the mode: real, protected or long (CR0, EFER)
#   eb-stages        hardware breakpoints at each stage's entry
#   eb-e820          the raw BIOS memory map stage 2 collected
#   eb-pagetables [PML4]  the mappings of a page-table tree (default CR3),
#                    read from physical memory
#
# After every stop the current mode and, outside long mode, the next
# instructions decoded for that mode are shown.

import os
import subprocess
import tempfile

import gdb


def reg(name):
    return int(gdb.parse_and_eval("$" + name)) & 0xFFFFFFFFFFFFFFFF


def mode():
    if not reg("cr0") & 1:
        return "real"
    return "long" if reg("efer") & (1 << 10) else "protected"


def current_address():
    if mode() == "real":
        return (reg("cs") << 4) + (reg("rip") & 0xFFFF)
    return reg("rip")


def read_physical(addr, size):
    """Read guest physical memory (QEMU's PhyMemMode), whatever CR3 maps."""
    gdb.execute("maint packet Qqemu.PhyMemMode:1", to_string=True)
    try:
        return bytes(gdb.selected_inferior().read_memory(addr, size))
    finally:
        gdb.execute("maint packet Qqemu.PhyMemMode:0", to_string=True)


def disassemble(addr, count, machine):
    code = bytes(gdb.selected_inferior().read_memory(addr, 16 * count))
    with tempfile.NamedTemporaryFile(suffix=".bin", delete=False) as f:
        f.write(code)
    try:
        out = subprocess.run(
            ["objdump", "-D", "-b", "binary", "-m", machine, "--adjust-vma=%#x" % addr, f.name],
            capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(f.name)
    lines = [l for l in out.splitlines() if l.strip()[:1].isalnum() and ":\t" in l]
    return "\n".join(lines[:count])


MACHINE = {"real": "i8086", "protected": "i386", "long": "i386:x86-64"}


class X(gdb.Command):
    """eb-x [N] [ADDR]: disassemble in the CPU's current mode."""

    def __init__(self):
        super().__init__("eb-x", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        args = gdb.string_to_argv(arg)
        count = int(args[0]) if args else 5
        addr = int(gdb.parse_and_eval(args[1])) if len(args) > 1 else current_address()
        print(disassemble(addr, count, MACHINE[mode()]))


class Mode(gdb.Command):
    """eb-mode: the CPU mode (real, protected, long)."""

    def __init__(self):
        super().__init__("eb-mode", gdb.COMMAND_STATUS)

    def invoke(self, arg, from_tty):
        print("%s mode, CS:IP %04x:%x, CR0 %#x, EFER %#x" %
              (mode(), reg("cs"), reg("rip"), reg("cr0"), reg("efer")))


class Stages(gdb.Command):
    """eb-stages: hardware breakpoints at every stage's entry (hardware ones
    survive the page-table switches that software breakpoints do not)."""

    def __init__(self):
        super().__init__("eb-stages", gdb.COMMAND_BREAKPOINTS)

    def invoke(self, arg, from_tty):
        for sym in ("*0x7c00", "stage2_start", "stage3_start", "long_mode", "stage4_main",
                    "enter_kernel"):
            gdb.execute("hbreak " + sym)


class E820(gdb.Command):
    """eb-e820: the raw memory map stage 2 read from the BIOS."""

    def __init__(self):
        super().__init__("eb-e820", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        base = int(gdb.parse_and_eval("&bios_handoff"))
        head = read_physical(base, 8)
        count = int.from_bytes(head[4:8], "little")
        source = {1: "E820", 2: "E801", 3: "AH=88h"}.get(head[1], "not read yet")
        print("%d entries (%s)" % (count, source))
        data = read_physical(base + 8, 24 * min(count, 256))
        for i in range(min(count, 256)):
            e = data[24 * i:24 * i + 24]
            start = int.from_bytes(e[0:8], "little")
            length = int.from_bytes(e[8:16], "little")
            kind = int.from_bytes(e[16:20], "little")
            print("  %#018x-%#018x type %d" % (start, start + length, kind))


class PageTables(gdb.Command):
    """eb-pagetables [PML4]: present mappings, merged into runs."""

    def __init__(self):
        super().__init__("eb-pagetables", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        pml4 = int(gdb.parse_and_eval(arg)) if arg else reg("cr3") & ~0xFFF
        runs = []

        def walk(table, level, virt):
            entries = read_physical(table, 4096)
            for i in range(512):
                e = int.from_bytes(entries[8 * i:8 * i + 8], "little")
                if not e & 1:
                    continue
                v = virt | (i << (12 + 9 * level))
                if level == 3 and i >= 256:
                    v |= 0xFFFF000000000000
                phys = e & 0x000FFFFFFFFFF000
                if level == 0 or (level < 3 and e & 0x80):
                    size = 1 << (12 + 9 * level)
                    flags = ("W" if e & 2 else "-") + ("-" if e >> 63 else "X")
                    last = runs[-1] if runs else None
                    if last and last[0] + last[2] == v and last[1] + last[2] == phys and last[3] == flags:
                        last[2] += size
                    else:
                        runs.append([v, phys, size, flags])
                else:
                    walk(phys, level - 1, v)

        walk(pml4, 3, 0)
        print("page tables at %#x:" % pml4)
        for v, p, size, flags in runs:
            print("  %#018x-%#018x -> %#x %s" % (v, v + size, p, flags))


def on_stop(event):
    try:
        m = mode()
        print("[embedboot] %s mode" % m)
        if m != "long":
            print(disassemble(current_address(), 3, MACHINE[m]))
    except gdb.error:
        pass


for command in (X, Mode, Stages, E820, PageTables):
    command()
gdb.events.stop.connect(on_stop)
