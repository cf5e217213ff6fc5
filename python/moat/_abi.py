# SPDX-License-Identifier: MIT
"""The C ABI of libmoat as ctypes sees it: the structs of <moat.h>, field for
field, the constants the binding uses, and the prototypes of the functions.

Everything here mirrors include/moat.h; tests/python/test_abi.py compares
every size, offset and constant below with what a C compiler makes of the
header, so that the two cannot drift apart. Nothing outside this module
knows a number of the ABI.
"""
import ctypes
import ctypes.util
import os

# The soname of the library the package was built with (the ABI's major
# version), which CMake writes into _soname.py: lib/CMakeLists.txt says it once.
from ._soname import SONAME

# The versions of the versioned options structs (MOAT_*_OPTIONS_VERSION).
LOAD_OPTIONS_VERSION = 2
SANDBOX_OPTIONS_VERSION = 1
SUPERVISOR_OPTIONS_VERSION = 1

# enum moat_action_kind, in order.
ACTION_NAMES = ("kill", "kill-thread", "trap", "errno", "notify", "log", "allow")
# enum moat_exit_kind, in order.
EXIT_KINDS = ("exited", "signalled", "filter_killed", "limit", "timeout")
# enum moat_severity, in order.
SEVERITY_NAMES = ("error", "warning", "note")
# enum moat_port_access
PORT_CONNECT = 0
PORT_BIND = 1

STDIN = 1 << 0
STDOUT = 1 << 1
STDERR = 1 << 2
IDENTITY_UID = 1 << 0
IDENTITY_GID = 1 << 1
IDENTITY_GROUPS = 1 << 2
REPORT_KILLS = 1 << 0
REPORT_ERRNO = 1 << 1
REPORT_KERNEL = 1 << 2
WAIT_KILL = 1 << 0

uid_t = ctypes.c_uint32
gid_t = ctypes.c_uint32
pid_t = ctypes.c_int32


class MoatError(ctypes.Structure):
    _fields_ = [
        ("code", ctypes.c_int),
        ("line", ctypes.c_uint),
        ("column", ctypes.c_uint),
        ("file", ctypes.c_char * 1024),
        ("message", ctypes.c_char * 1024),
        ("step", ctypes.c_char * 32),
        ("reserved", ctypes.c_ubyte * 256),
    ]


class Action(ctypes.Structure):
    _fields_ = [("kind", ctypes.c_int), ("errno_value", ctypes.c_int)]


class Location(ctypes.Structure):
    _fields_ = [("file", ctypes.c_char_p), ("line", ctypes.c_uint), ("column", ctypes.c_uint)]


class Diagnostic(ctypes.Structure):
    _fields_ = [
        ("severity", ctypes.c_int),
        ("location", Location),
        ("message", ctypes.c_char_p),
        ("included_from", ctypes.POINTER(Location)),
        ("included_from_count", ctypes.c_size_t),
    ]


DIAGNOSTIC_FN = ctypes.CFUNCTYPE(None, ctypes.POINTER(Diagnostic), ctypes.c_void_p)
CHILD_FN = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p)


class LoadOptions(ctypes.Structure):
    _fields_ = [
        ("version", ctypes.c_uint),
        ("policy_path", ctypes.c_char_p),
        ("environment", ctypes.POINTER(ctypes.c_char_p)),
        ("on_diagnostic", DIAGNOSTIC_FN),
        ("diagnostic_context", ctypes.c_void_p),
        # Version 2: policy text merged after the files (unused by the binding: NULL).
        ("last_layer_name", ctypes.c_char_p),
        ("last_layer", ctypes.c_char_p),
        ("last_layer_length", ctypes.c_size_t),
    ]


class Decision(ctypes.Structure):
    _fields_ = [
        ("allowed", ctypes.c_int),
        ("action", Action),
        ("location", Location),
        ("statement", ctypes.c_char_p),
    ]


class FdMap(ctypes.Structure):
    _fields_ = [("parent_fd", ctypes.c_int), ("child_fd", ctypes.c_int)]


class SandboxOptions(ctypes.Structure):
    _fields_ = [
        ("version", ctypes.c_uint),
        ("identity", ctypes.c_uint),
        ("uid", uid_t),
        ("gid", gid_t),
        ("groups", ctypes.POINTER(gid_t)),
        ("group_count", ctypes.c_size_t),
        ("environment", ctypes.POINTER(ctypes.c_char_p)),
        ("keep_fds", ctypes.POINTER(ctypes.c_int)),
        ("keep_fd_count", ctypes.c_size_t),
        ("on_diagnostic", DIAGNOSTIC_FN),
        ("diagnostic_context", ctypes.c_void_p),
        ("landlock_abi_limit", ctypes.c_int),
        ("supervisor", ctypes.c_void_p),
        ("report", ctypes.c_uint),
        ("fd_map", ctypes.POINTER(FdMap)),
        ("fd_map_count", ctypes.c_size_t),
    ]


class ReportedCall(ctypes.Structure):
    _fields_ = [
        ("syscall", ctypes.c_int),
        ("args", ctypes.c_uint64 * 6),
        ("action", Action),
        ("file", ctypes.c_char * 1024),
        ("line", ctypes.c_uint),
        ("column", ctypes.c_uint),
        ("statement", ctypes.c_char * 512),
        ("pid", pid_t),
        ("count", ctypes.c_ulong),
    ]


class Exit(ctypes.Structure):
    _fields_ = [
        ("kind", ctypes.c_int),
        ("status", ctypes.c_int),
        ("code", ctypes.c_int),
        ("limit", ctypes.c_char_p),
        ("call", ReportedCall),
        ("cpu_time_us", ctypes.c_uint64),
        ("max_rss_kb", ctypes.c_uint64),
    ]


class StdioPipes(ctypes.Structure):
    _fields_ = [
        ("parent", ctypes.c_int * 3),
        ("child", ctypes.c_int * 3),
        ("map", FdMap * 3),
        ("map_count", ctypes.c_size_t),
    ]


class SupervisorOptions(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint), ("flags", ctypes.c_uint), ("threads", ctypes.c_uint)]


# The C name of each struct, for the layout test.
STRUCTS = {
    "moat_error": MoatError,
    "moat_action": Action,
    "moat_location": Location,
    "moat_diagnostic": Diagnostic,
    "moat_load_options": LoadOptions,
    "moat_decision": Decision,
    "moat_fd_map": FdMap,
    "moat_sandbox_options": SandboxOptions,
    "moat_reported_call": ReportedCall,
    "moat_exit": Exit,
    "moat_stdio_pipes": StdioPipes,
    "moat_supervisor_options": SupervisorOptions,
}

# The constants, by their C names, for the layout test.
CONSTANTS = {
    "MOAT_LOAD_OPTIONS_VERSION": LOAD_OPTIONS_VERSION,
    "MOAT_SANDBOX_OPTIONS_VERSION": SANDBOX_OPTIONS_VERSION,
    "MOAT_SUPERVISOR_OPTIONS_VERSION": SUPERVISOR_OPTIONS_VERSION,
    "MOAT_ACTION_KILL_PROCESS": ACTION_NAMES.index("kill"),
    "MOAT_ACTION_KILL_THREAD": ACTION_NAMES.index("kill-thread"),
    "MOAT_ACTION_TRAP": ACTION_NAMES.index("trap"),
    "MOAT_ACTION_ERRNO": ACTION_NAMES.index("errno"),
    "MOAT_ACTION_NOTIFY": ACTION_NAMES.index("notify"),
    "MOAT_ACTION_LOG": ACTION_NAMES.index("log"),
    "MOAT_ACTION_ALLOW": ACTION_NAMES.index("allow"),
    "MOAT_EXIT_EXITED": EXIT_KINDS.index("exited"),
    "MOAT_EXIT_SIGNALLED": EXIT_KINDS.index("signalled"),
    "MOAT_EXIT_FILTER_KILLED": EXIT_KINDS.index("filter_killed"),
    "MOAT_EXIT_LIMIT": EXIT_KINDS.index("limit"),
    "MOAT_EXIT_TIMEOUT": EXIT_KINDS.index("timeout"),
    "MOAT_SEVERITY_ERROR": SEVERITY_NAMES.index("error"),
    "MOAT_SEVERITY_WARNING": SEVERITY_NAMES.index("warning"),
    "MOAT_SEVERITY_NOTE": SEVERITY_NAMES.index("note"),
    "MOAT_PORT_CONNECT": PORT_CONNECT,
    "MOAT_PORT_BIND": PORT_BIND,
    "MOAT_STDIN": STDIN,
    "MOAT_STDOUT": STDOUT,
    "MOAT_STDERR": STDERR,
    "MOAT_IDENTITY_UID": IDENTITY_UID,
    "MOAT_IDENTITY_GID": IDENTITY_GID,
    "MOAT_IDENTITY_GROUPS": IDENTITY_GROUPS,
    "MOAT_REPORT_KILLS": REPORT_KILLS,
    "MOAT_REPORT_ERRNO": REPORT_ERRNO,
    "MOAT_REPORT_KERNEL": REPORT_KERNEL,
    "MOAT_WAIT_KILL": WAIT_KILL,
}

_P = ctypes.c_void_p
_ERR = ctypes.POINTER(MoatError)
# name: (result, argument types)
PROTOTYPES = {
    "moat_version": (ctypes.c_char_p, []),
    "moat_diagnostic_format": (
        ctypes.c_int, [ctypes.POINTER(Diagnostic), ctypes.c_char_p, ctypes.c_size_t]),
    "moat_policy_load": (
        ctypes.c_int,
        [ctypes.POINTER(_P), ctypes.POINTER(ctypes.c_char_p), ctypes.c_size_t,
         ctypes.POINTER(LoadOptions), _ERR]),
    "moat_policy_load_string": (
        ctypes.c_int,
        [ctypes.POINTER(_P), ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t,
         ctypes.POINTER(LoadOptions), _ERR]),
    "moat_policy_load_arch": (
        ctypes.c_int,
        [ctypes.POINTER(_P), ctypes.c_char_p, ctypes.POINTER(ctypes.c_char_p), ctypes.c_size_t,
         ctypes.POINTER(LoadOptions), _ERR]),
    "moat_policy_free": (None, [_P]),
    "moat_policy_warning_count": (ctypes.c_size_t, [_P]),
    "moat_policy_needs_supervisor": (ctypes.c_int, [_P]),
    "moat_filter_compile": (ctypes.c_int, [ctypes.POINTER(_P), _P, _ERR]),
    "moat_filter_free": (None, [_P]),
    "moat_filter_length": (ctypes.c_size_t, [_P]),
    "moat_filter_listing": (ctypes.c_int, [_P, ctypes.POINTER(ctypes.c_void_p)]),
    "moat_decide_syscall": (
        ctypes.c_int, [_P, ctypes.c_int, ctypes.POINTER(ctypes.c_uint64), ctypes.POINTER(Decision)]),
    "moat_decide_path": (
        ctypes.c_int, [_P, ctypes.c_char_p, ctypes.c_char_p, ctypes.POINTER(Decision), _ERR]),
    "moat_decide_port": (
        ctypes.c_int, [_P, ctypes.c_int, ctypes.c_uint, ctypes.POINTER(Decision), _ERR]),
    "moat_spawn": (
        ctypes.c_int,
        [ctypes.POINTER(_P), _P, ctypes.c_char_p, ctypes.POINTER(ctypes.c_char_p),
         ctypes.POINTER(SandboxOptions), _ERR]),
    "moat_spawn_function": (
        ctypes.c_int,
        [ctypes.POINTER(_P), _P, CHILD_FN, ctypes.c_void_p, ctypes.POINTER(SandboxOptions), _ERR]),
    "moat_child_pid": (pid_t, [_P]),
    "moat_child_pidfd": (ctypes.c_int, [_P]),
    "moat_child_kill": (ctypes.c_int, [_P, ctypes.c_int]),
    "moat_child_wait_result": (ctypes.c_int, [_P, ctypes.POINTER(Exit)]),
    "moat_child_wait_timeout": (
        ctypes.c_int, [_P, ctypes.c_int, ctypes.c_uint, ctypes.POINTER(Exit)]),
    "moat_child_reports_kills": (ctypes.c_int, [_P]),
    "moat_child_refusal_count": (ctypes.c_size_t, [_P]),
    "moat_child_refusal": (ctypes.c_int, [_P, ctypes.c_size_t, ctypes.POINTER(ReportedCall)]),
    "moat_call_format": (
        ctypes.c_int, [ctypes.c_int, ctypes.POINTER(ctypes.c_uint64), ctypes.c_char_p,
                       ctypes.c_size_t]),
    "moat_child_free": (None, [_P]),
    "moat_enter": (
        ctypes.c_int, [_P, ctypes.POINTER(SandboxOptions), ctypes.POINTER(ctypes.c_int), _ERR]),
    "moat_stdio_pipes_open": (ctypes.c_int, [ctypes.POINTER(StdioPipes), ctypes.c_uint, _ERR]),
    "moat_stdio_pipes_spawned": (None, [ctypes.POINTER(StdioPipes)]),
    "moat_stdio_pipes_close": (None, [ctypes.POINTER(StdioPipes)]),
    "moat_supervisor_new": (
        ctypes.c_int, [ctypes.POINTER(_P), ctypes.POINTER(SupervisorOptions), _ERR]),
    "moat_supervisor_free": (None, [_P]),
    "moat_supervisor_start": (ctypes.c_int, [_P, _ERR]),
}


def _candidates():
    """Where the library is looked for, first match wins (docs/python.md)."""
    override = os.environ.get("MOAT_LIBRARY")
    if override:
        return [override]
    found = []
    try:
        from . import _config  # written by `cmake --install`
        found.append(_config.LIBRARY)
    except ImportError:
        pass
    found.append(SONAME)  # the dynamic linker's search path (LD_LIBRARY_PATH, ld.so.cache)
    name = ctypes.util.find_library("moat")
    if name:
        found.append(name)
    return found


def load_library():
    """The library with every prototype set; OSError naming each place tried."""
    tried = []
    for candidate in _candidates():
        try:
            library = ctypes.CDLL(candidate, use_errno=True)
        except OSError as error:
            tried.append(f"{candidate}: {error}")
            continue
        for name, (result, arguments) in PROTOTYPES.items():
            function = getattr(library, name)
            function.restype = result
            function.argtypes = arguments
        return library
    raise OSError("moat: cannot load libmoat (set MOAT_LIBRARY to its path): " + "; ".join(tried))
