# SPDX-License-Identifier: MIT
"""A plugin that allocates without end (and touches what it gets)."""


def run(text):
    blocks = []
    while True:
        blocks.append(b"\x01" * (1 << 20))
