# SPDX-License-Identifier: MIT
"""A well-behaved plugin: prints its answer and returns 0."""


def run(text):
    print(f"hello, {text}")
    return 0
