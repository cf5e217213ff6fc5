# SPDX-License-Identifier: MIT
"""A plugin that loops for ever, using the CPU: the cpu limit ends it."""


def run(text):
    counter = 0
    while True:
        counter += 1
