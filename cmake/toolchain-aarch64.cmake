# Cross-compiles moat for aarch64 Linux with Debian's gcc-aarch64-linux-gnu
# (scripts/cross.sh). Programs built with it run under qemu-aarch64-static.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# Programs run with the loader and C library of Debian's arm64 multiarch
# packages (libc6:arm64, which the arm64 cmocka and libseccomp bring). With
# libc6-arm64-cross's loader (-L /usr/aarch64-linux-gnu), the host's
# ld.so.cache still sends it to /lib/aarch64-linux-gnu/libc.so.6, another
# glibc build whose view of the loader's private data (_rtld_global)
# differs: every fork()ed child then loops forever in glibc's
# reclaim_stacks().
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64-static -L /)
# Only aarch64 libraries: none of the build machine's .pc files.
set(ENV{PKG_CONFIG_LIBDIR} /usr/aarch64-linux-gnu/lib/pkgconfig:/usr/lib/aarch64-linux-gnu/pkgconfig)
