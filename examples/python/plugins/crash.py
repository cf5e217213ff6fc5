# SPDX-License-Identifier: MIT
"""A plugin that crashes the interpreter: a write through a null pointer."""
import ctypes


def run(text):
    ctypes.memset(0, 1, 1)
    return 0
