# SPDX-License-Identifier: MIT
"""A plugin that waits for ever without using the CPU: only the timeout ends it."""
import signal


def run(text):
    while True:
        signal.pause()
