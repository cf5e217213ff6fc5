# SPDX-License-Identifier: MIT
"""Syscall names and argument constants, for Policy.decide_syscall().

The names come from the library itself (moat_call_format() names a number as
a policy does), so the binding carries no syscall table of its own. Argument
constants are the ones Python's os, socket, signal, mmap and fcntl modules
define, which are the C library's values for this machine.
"""
import ctypes
import functools

# Above the highest native syscall number of every architecture moat knows.
_HIGHEST_NUMBER = 1024


@functools.lru_cache(maxsize=1)
def _table(library):
    names = {}
    buffer = ctypes.create_string_buffer(64)
    zero = (ctypes.c_uint64 * 6)()
    for number in range(_HIGHEST_NUMBER):
        library.moat_call_format(number, zero, buffer, len(buffer))
        name = buffer.value.split(b"(", 1)[0].decode()
        if not name.startswith("syscall_"):
            names[name] = number
    return names


def syscall_number(syscall, library):
    """The native number of `syscall`, a name ("openat") or a number."""
    if isinstance(syscall, int):
        return syscall
    try:
        return _table(library)[syscall]
    except KeyError:
        raise ValueError(f"moat: no syscall named {syscall!r} on this architecture") from None


def syscall_name(number, library):
    for name, known in _table(library).items():
        if known == number:
            return name
    return f"syscall_{number}"


def _constant(name):
    import fcntl
    import mmap
    import os
    import signal
    import socket
    for module in (os, socket, signal, mmap, fcntl):
        value = getattr(module, name, None)
        if isinstance(value, int):
            return int(value)
    raise ValueError(f"moat: unknown constant {name!r}")


def argument_value(argument):
    """An argument as the kernel sees it: an int (negative ones as the
    64-bit two's complement), or constant names joined by |."""
    if isinstance(argument, str):
        value = 0
        for part in argument.split("|"):
            part = part.strip()
            value |= int(part, 0) if part[:1].isdigit() else _constant(part)
        argument = value
    return argument & 0xFFFFFFFFFFFFFFFF
