# gdb support for embedboot (loaded by debug/embedboot.gdb).
#
# QEMU's x86-64 gdb stub always describes the CPU as x86-64, and gdb then
# refuses `set architecture i8086` (and i386), so `x/i` decodes real-mode and
# protected-mode code as 64-bit code. In real mode these scripts reconnect
# with a target description derived from the stub's own: architecture i8086,
# the same registers in the same packet layout, except that esp, ebp and eip
# (which gdb's i386 code insists are 32-bit) are each followed by a 32-bit
# *_hi register standing for the upper half QEMU sends. QEMU stays halted
# across the reconnect. `make gdb` starts with the 16-bit description, so
# `x/i $pc` decodes real-mode code (IP; CS is 0 in embedboot's stages); the
# stop hook says when the CPU has left real mode and `eb-native` switches to
# the 64-bit view (reconnecting from a stop hook itself confuses gdb). For
# 32-bit protected mode, and any mode, there is also:
#
#   eb-real, eb-native  reconnect with the 16-bit / the stub's description
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
import re
import subprocess
import tempfile

import gdb

TDESC_16 = os.path.abspath("build/gdb-i8086.xml")
state = {"tdesc16": False, "switching": False}


def reg(name):
    """A register by its x86-64 name, under either description."""
    if state["tdesc16"] and name in ("rip", "rsp", "rbp"):
        low = int(gdb.parse_and_eval("$e" + name[1:])) & 0xFFFFFFFF
        return low | (int(gdb.parse_and_eval("$e%s_hi" % name[1:])) & 0xFFFFFFFF) << 32
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


def offsets(struct):
    """Byte offsets of a C struct's fields, from the debug information."""
    return {f.name: f.bitpos // 8 for f in gdb.lookup_type(struct).fields()}


class E820(gdb.Command):
    """eb-e820: the raw memory map stage 2 read from the BIOS."""

    def __init__(self):
        super().__init__("eb-e820", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        # The layout from stage 4's debug information (c/bios/handoff.h).
        record = offsets("struct bios_handoff")
        entry = offsets("struct e820_entry")
        size = gdb.lookup_type("struct e820_entry").sizeof
        base = int(gdb.parse_and_eval("&handoff_record"))
        head = read_physical(base, record["e820"])
        count = min(int.from_bytes(head[record["e820_count"]:record["e820_count"] + 4], "little"),
                    256)
        source = {1: "E820", 2: "E801", 3: "AH=88h"}.get(head[record["memory_source"]],
                                                        "not read yet")
        print("%d entries (%s)" % (count, source))
        data = read_physical(base + record["e820"], size * count)

        def field(e, name, width):
            return int.from_bytes(e[entry[name]:entry[name] + width], "little")
        for i in range(count):
            e = data[size * i:size * (i + 1)]
            start, length = field(e, "base", 8), field(e, "length", 8)
            print("  %#018x-%#018x type %d" % (start, start + length, field(e, "type", 4)))


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


def remote():
    """The stub's address (scripts/gdb.sh exports it)."""
    return os.environ.get("EMBEDBOOT_GDB_REMOTE")


def make_tdesc16(xml):
    """The 16-bit description from the stub's own (XML text)."""
    xml = re.sub(r"<architecture>[^<]*</architecture>", "<architecture>i8086</architecture>", xml)
    xml = re.sub(r' regnum="[0-9]+"', "", xml)
    for wide, narrow in (("rax", "eax"), ("rbx", "ebx"), ("rcx", "ecx"), ("rdx", "edx"),
                         ("rsi", "esi"), ("rdi", "edi")):
        xml = xml.replace('name="%s"' % wide, 'name="%s"' % narrow)

    def split(m):
        narrow = {"rbp": "ebp", "rsp": "esp", "rip": "eip"}[m.group(1)]
        return ('<reg name="%s" bitsize="32"/>\n    <reg name="%s_hi" bitsize="32" type="int32"/>'
                % (narrow, narrow))

    xml = re.sub(r'<reg name="(rbp|rsp|rip)"[^/]*/>', split, xml)
    os.makedirs(os.path.dirname(TDESC_16), exist_ok=True)
    with open(TDESC_16, "w") as f:
        f.write(xml)


class Tdesc16(gdb.Command):
    """eb-tdesc16 FILE: derive the 16-bit description from the stub's (FILE,
    saved with `maint print xml-tdesc`) and use it for the next connection."""

    def __init__(self):
        super().__init__("eb-tdesc16", gdb.COMMAND_STATUS)

    def invoke(self, arg, from_tty):
        with open(arg) as f:
            make_tdesc16(f.read())
        gdb.execute("set tdesc filename " + TDESC_16)
        state["tdesc16"] = True


def reconnect(sixteen):
    target = remote()
    if not target or state["tdesc16"] == sixteen:
        return
    if sixteen and not os.path.exists(TDESC_16):
        make_tdesc16(gdb.execute("maint print xml-tdesc", to_string=True))
    state["switching"] = True
    try:
        gdb.execute("disconnect", to_string=True)
        gdb.execute(("set tdesc filename " + TDESC_16) if sixteen else "unset tdesc filename")
        gdb.execute("target remote " + target, to_string=True)
        state["tdesc16"] = sixteen
    finally:
        state["switching"] = False


class Real(gdb.Command):
    """eb-real: reconnect with the 16-bit description (x/i decodes real mode)."""

    def __init__(self):
        super().__init__("eb-real", gdb.COMMAND_STATUS)

    def invoke(self, arg, from_tty):
        reconnect(True)


class Native(gdb.Command):
    """eb-native: reconnect with the stub's own x86-64 description."""

    def __init__(self):
        super().__init__("eb-native", gdb.COMMAND_STATUS)

    def invoke(self, arg, from_tty):
        reconnect(False)


def on_stop(event):
    if state["switching"]:
        return
    try:
        m = mode()
        print("[embedboot] %s mode" % m)
        if m == "protected":
            print(disassemble(current_address(), 3, MACHINE[m]))
        if state["tdesc16"] and m != "real":
            print("[embedboot] the CPU left real mode: `eb-native` for 64-bit registers and "
                  "disassembly (`eb-x` decodes any mode)")
    except gdb.error:
        pass


for command in (X, Mode, Stages, E820, PageTables, Real, Native, Tdesc16):
    command()
gdb.events.stop.connect(on_stop)
