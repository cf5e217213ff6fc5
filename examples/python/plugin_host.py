#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""plugin_host.py: runs untrusted Python plugins (modules with a function
`run(text)`) each in a sandbox of its own, and survives whatever a plugin
does: crash the interpreter, loop for ever, allocate without end, try to
open files or sockets. For each plugin it prints one line, as the C
example (examples/plugin_host.c) does:

  PLUGIN: ok: OUTPUT                 run() returned 0; OUTPUT is what it printed
  PLUGIN: failed with N: STDERR      it returned N (or raised: 1)
  PLUGIN: crashed: signal NAME
  PLUGIN: killed by the filter: CALL by FILE:LINE:COL (STATEMENT)
  PLUGIN: killed at the cpu limit / at the as limit
  PLUGIN: timed out after N ms

The plugin is imported inside the sandbox (moat.spawn_function(): a copy of
this process, as fork(2) makes one), so not even its module code runs
outside. The host stays single-threaded: the supervisor that reports filter
kills is served while Child.wait() waits.

  python3 plugin_host.py [--timeout SECONDS] plugins/good.py plugins/crash.py ...
"""
import argparse
import importlib.util
import os
import sys
import sysconfig

import moat

# What a plugin may do: compute, print, read its own directory, Python's
# library and the system libraries (imports map them); no other files, no
# network, no new programs, 1 s of CPU, 64 MiB of address space.
POLICY = """moat 1
[syscalls]
default kill
allow @stdio @rpath @prot_exec
kill @default-deny
[filesystem]
exec /usr/lib ?/lib ?/lib64 ?/usr/lib64 ?/usr/local/lib
exec ${PYTHON_LIBRARY} ${PLUGIN_DIR}
[limits]
cpu 1
as 64M
"""


def run_plugin(path):
    """Runs in the sandbox: import the plugin and call it."""
    spec = importlib.util.spec_from_file_location("plugin", path)
    plugin = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(plugin)
    return plugin.run("moat")


def first_line(stream):
    return stream.read().decode(errors="replace").partition("\n")[0]


def report(name, result, output, errors, timeout):
    if result.kind == "exited":
        if result.code == 0:
            return f"{name}: ok: {output}"
        return f"{name}: failed with {result.code}: {errors}"
    if result.kind == "signalled":
        return f"{name}: crashed: signal {result.signal}"
    if result.kind == "filter_killed":
        call = result.call
        return (f"{name}: killed by the filter: {call.text} by "
                f"{call.file}:{call.line}:{call.column} ({call.statement})")
    if result.kind == "limit":
        return (f"{name}: killed at the {result.limit} limit ({result.cpu_time_us // 1000} ms "
                f"of CPU, {result.max_rss_kb} KiB at most)")
    return f"{name}: timed out after {int(timeout * 1000)} ms"


def host(path, supervisor, timeout):
    """One plugin, in a sandbox of its own."""
    absolute = os.path.realpath(path)
    environment = {"PLUGIN_DIR": os.path.dirname(absolute),
                   "PYTHON_LIBRARY": sysconfig.get_path("stdlib")}
    policy = moat.Policy.from_string(POLICY, name="plugin_host.policy", environment=environment)
    with policy, moat.spawn_function(policy, run_plugin, absolute, stdout=moat.PIPE,
                                     stderr=moat.PIPE, supervisor=supervisor,
                                     report=moat.REPORT_KILLS) as child:
        result = child.wait(timeout)
        # The sandbox has ended, every process of it: the pipes are at end of file.
        output, errors = first_line(child.stdout), first_line(child.stderr)
    print(report(path, result, output, errors, timeout), flush=True)


def main():
    parser = argparse.ArgumentParser(description="Run Python plugins, each in a sandbox.")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per plugin")
    parser.add_argument("plugins", nargs="+", metavar="PLUGIN.py")
    arguments = parser.parse_args()
    failed = False
    # One supervisor for the host's life; it makes this process undumpable.
    with moat.Supervisor() as supervisor:
        for path in arguments.plugins:
            try:
                host(path, supervisor, arguments.timeout)
            except (moat.Error, OSError) as error:
                print(f"plugin_host: {path}: {error}", file=sys.stderr)
                failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
