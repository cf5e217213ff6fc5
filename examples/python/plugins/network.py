# SPDX-License-Identifier: MIT
"""A plugin that tries to open a network socket."""
import socket


def run(text):
    print("socket:", socket.socket(socket.AF_INET, socket.SOCK_STREAM).fileno())
    return 0
