# gdb setup for embedboot: `make gdb` and `make gdb-kernel` load this.
# The loader's ELF (stages 1-4, with debug info; the raw image has none) is
# the symbol file, so stage symbols and C source lines work.
set pagination off
set confirm off
source debug/embedboot.py
