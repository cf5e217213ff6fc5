# Cross-compiles moat for riscv64 Linux with Debian's gcc-riscv64-linux-gnu
# (scripts/cross.sh). Programs built with it run under qemu-riscv64-static.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR riscv64)
set(CMAKE_C_COMPILER riscv64-linux-gnu-gcc)
set(CMAKE_FIND_ROOT_PATH /usr/riscv64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-riscv64-static -L /usr/riscv64-linux-gnu)
# Only riscv64 libraries: none of the build machine's .pc files.
set(ENV{PKG_CONFIG_LIBDIR} /usr/riscv64-linux-gnu/lib/pkgconfig:/usr/lib/riscv64-linux-gnu/pkgconfig)
