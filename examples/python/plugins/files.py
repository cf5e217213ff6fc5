# SPDX-License-Identifier: MIT
"""A plugin that tries to read a file outside its own directory, and says what happened."""
import sys


def run(text):
    try:
        with open("/etc/passwd") as secrets:
            print(secrets.readline())
    except OSError as error:
        print(f"open /etc/passwd: {error.strerror}", file=sys.stderr)
        return 13
    return 0
