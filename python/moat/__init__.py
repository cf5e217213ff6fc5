# SPDX-License-Identifier: MIT
"""moat: put a program, or a function of this Python process, into a sandbox
described by a policy file. A binding of libmoat's C API (<moat.h>) with
ctypes; docs/python.md is its guide.

    import moat
    policy = moat.Policy.load("worker.policy")
    child = moat.spawn(policy, ["/usr/bin/worker", "job.json"], stdout=moat.PIPE)
    result = child.wait(timeout=10)
    print(result.kind, result.code, child.stdout.read())
"""
import ctypes
import errno as _errno
import os
import sys

from . import _abi
from ._syscalls import syscall_name, syscall_number, argument_value

__all__ = [
    "Error", "Policy", "Decision", "Call", "Exit", "Child", "Supervisor",
    "spawn", "spawn_function", "enter", "version", "PIPE",
    "REPORT_KILLS", "REPORT_ERRNO", "REPORT_KERNEL",
]

# spawn(stdin=PIPE, ...): a pipe between the caller and that stream of the child.
PIPE = -1
REPORT_KILLS = _abi.REPORT_KILLS
REPORT_ERRNO = _abi.REPORT_ERRNO
REPORT_KERNEL = _abi.REPORT_KERNEL

_lib = _abi.load_library()
_libc = ctypes.CDLL(None)
_libc.free.argtypes = [ctypes.c_void_p]
_libc.free.restype = None


def version():
    """The version of the libmoat that was loaded, "MAJOR.MINOR.PATCH"."""
    return _lib.moat_version().decode()


def _text(value):
    return value.decode(errors="replace") if value else ""


class Error(Exception):
    """A libmoat call failed: `errno` (positive), `message`, and the place in
    a policy file (`file`, `line`, `column`; empty and 0 without one).
    `step` names the set-up step of a spawn that failed in the new process;
    `diagnostics` are the formatted diagnostics of a policy load."""

    def __init__(self, errno, message, file="", line=0, column=0, step="", diagnostics=()):
        super().__init__(errno, message, file, line, column)
        self.errno = errno
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.step = step
        self.diagnostics = list(diagnostics)

    def __str__(self):
        place = f"{self.file}:{self.line}:{self.column}: " if self.line else (
            f"{self.file}: " if self.file else "")
        step = f" (in {self.step})" if self.step else ""
        return f"{place}{self.message}{step}"


def _check(rc, error, diagnostics=()):
    if rc >= 0:
        return rc
    if error is None or not error.message:
        raise Error(-rc, os.strerror(-rc), diagnostics=diagnostics)
    raise Error(-rc, _text(error.message), _text(error.file), error.line, error.column,
                _text(error.step), diagnostics)


def _string_array(strings):
    """A NULL-terminated char *[] and the bytes it points to (keep both alive)."""
    encoded = [os.fsencode(s) for s in strings]
    array = (ctypes.c_char_p * (len(encoded) + 1))(*encoded, None)
    return array, encoded


def _environment_array(environment):
    if environment is None:
        return None, None
    if isinstance(environment, dict):
        environment = [f"{k}={v}" for k, v in environment.items()]
    return _string_array(environment)


class _Closable:
    """A handle freed by close(), at the end of a with block, or when collected."""

    def __del__(self):
        self.close()

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.close()


class _DiagnosticCollector:
    """Formats every diagnostic of a load or spawn into `lines`."""

    def __init__(self):
        self.lines = []
        self.callback = _abi.DIAGNOSTIC_FN(self._collect)

    def _collect(self, diagnostic, _context):
        buffer = ctypes.create_string_buffer(4096)
        _lib.moat_diagnostic_format(diagnostic, buffer, len(buffer))
        self.lines.append(_text(buffer.value).rstrip("\n"))


class Decision:
    """What a policy decides for one syscall, path or port, and the statement
    that decided (`line` 0 for one of moat's own rules, or a missing section)."""

    def __init__(self, decision):
        self.allowed = bool(decision.allowed)
        self.action = _abi.ACTION_NAMES[decision.action.kind]
        self.errno = decision.action.errno_value
        self.file = _text(decision.location.file)
        self.line = decision.location.line
        self.column = decision.location.column
        self.statement = _text(decision.statement)

    def __repr__(self):
        action = f"errno {self.errno}" if self.action == "errno" else self.action
        return (f"<Decision {action} by {self.file}:{self.line}:{self.column} "
                f"({self.statement})>")


class Policy(_Closable):
    """A policy that was read, checked and resolved (docs/policy-language.md).
    Immutable: any number of threads may use one. `warnings` holds the
    formatted diagnostics of the load."""

    def __init__(self, handle, warnings):
        self._handle = ctypes.c_void_p(handle)
        self._filter = None
        self.warnings = warnings

    @staticmethod
    def _options(policy_path, environment, collector):
        options = _abi.LoadOptions(version=_abi.LOAD_OPTIONS_VERSION)
        keep = []
        if policy_path is not None:
            keep.append(os.fsencode(policy_path))
            options.policy_path = keep[-1]
        if environment is not None:
            array, strings = _environment_array(environment)
            keep += [array, strings]
            options.environment = array
        options.on_diagnostic = collector.callback
        return options, keep

    @classmethod
    def load(cls, *paths, policy_path=None, environment=None, arch=None):
        """Reads the policy files `paths` (merged in order) or policy names.
        `policy_path`: directories searched by `include NAME` (None: the
        MOAT_POLICY_PATH variable); `environment`: what ${NAME} expands from
        (a dict or "NAME=VALUE" strings; None: os.environ); `arch`: another
        architecture's numbers (a policy to decide, never to apply)."""
        collector = _DiagnosticCollector()
        options, _keep = cls._options(policy_path, environment, collector)
        array, _strings = _string_array(paths)
        handle = ctypes.c_void_p()
        error = _abi.MoatError()
        if arch is None:
            rc = _lib.moat_policy_load(ctypes.byref(handle), array, len(paths),
                                       ctypes.byref(options), ctypes.byref(error))
        else:
            rc = _lib.moat_policy_load_arch(ctypes.byref(handle), arch.encode(), array,
                                            len(paths), ctypes.byref(options),
                                            ctypes.byref(error))
        _check(rc, error, collector.lines)
        return cls(handle.value, collector.lines)

    @classmethod
    def from_string(cls, text, name="<string>", policy_path=None, environment=None):
        """A policy held in memory; `name` is its file name in diagnostics and
        the directory its quoted includes are relative to."""
        collector = _DiagnosticCollector()
        options, _keep = cls._options(policy_path, environment, collector)
        data = text.encode()
        handle = ctypes.c_void_p()
        error = _abi.MoatError()
        rc = _lib.moat_policy_load_string(ctypes.byref(handle), os.fsencode(name), data,
                                          len(data), ctypes.byref(options),
                                          ctypes.byref(error))
        _check(rc, error, collector.lines)
        return cls(handle.value, collector.lines)

    def close(self):
        """Frees the policy now (it is freed when collected otherwise)."""
        if self._filter:
            _lib.moat_filter_free(self._filter)
            self._filter = None
        if self._handle:
            _lib.moat_policy_free(self._handle)
            self._handle = ctypes.c_void_p()


    @property
    def handle(self):
        if not self._handle:
            raise ValueError("moat: the policy was closed")
        return self._handle

    @property
    def warning_count(self):
        return _lib.moat_policy_warning_count(self.handle)

    @property
    def needs_supervisor(self):
        """True when the policy routes syscalls to a supervisor (`notify`)."""
        return bool(_lib.moat_policy_needs_supervisor(self.handle))

    def _compiled(self):
        if not self._filter:
            compiled = ctypes.c_void_p()
            error = _abi.MoatError()
            _check(_lib.moat_filter_compile(ctypes.byref(compiled), self.handle,
                                            ctypes.byref(error)), error)
            self._filter = compiled
        return self._filter

    @property
    def filter_length(self):
        """The number of instructions of the compiled seccomp filter."""
        return _lib.moat_filter_length(self._compiled())

    def filter_listing(self):
        """A readable listing of the compiled seccomp filter."""
        text = ctypes.c_void_p()
        _check(_lib.moat_filter_listing(self._compiled(), ctypes.byref(text)), None)
        try:
            return ctypes.string_at(text.value).decode()
        finally:
            _libc.free(text)

    def decide_syscall(self, syscall, *args):
        """What the filter does with `syscall` (a name or native number) called
        with `args`: numbers, or constant names ("AF_INET", "O_WRONLY|O_CREAT")."""
        number = syscall_number(syscall, _lib)
        values = (ctypes.c_uint64 * 6)(*(argument_value(a) for a in args))
        decision = _abi.Decision()
        _check(_lib.moat_decide_syscall(self._compiled(), number, values,
                                        ctypes.byref(decision)), None)
        return Decision(decision)

    def decide_path(self, path, access="read"):
        """Whether [filesystem] lets the sandbox use `path` with `access`
        ("read", "write", "exec" or right names, comma-separated)."""
        decision = _abi.Decision()
        error = _abi.MoatError()
        _check(_lib.moat_decide_path(self.handle, os.fsencode(path), access.encode(),
                                     ctypes.byref(decision), ctypes.byref(error)), error)
        return Decision(decision)

    def decide_port(self, port, access="connect"):
        """Whether [network] lets the sandbox connect to (or "bind") TCP `port`."""
        kinds = {"connect": _abi.PORT_CONNECT, "bind": _abi.PORT_BIND}
        decision = _abi.Decision()
        error = _abi.MoatError()
        _check(_lib.moat_decide_port(self.handle, kinds[access], port, ctypes.byref(decision),
                                     ctypes.byref(error)), error)
        return Decision(decision)


class Supervisor(_Closable):
    """A supervisor for notified calls and denial reports (docs/supervisor.md).
    Creating one makes this process non-dumpable. Without start(), it is
    served while Child.wait() waits, on the caller's thread."""

    def __init__(self, threads=0):
        options = _abi.SupervisorOptions(version=_abi.SUPERVISOR_OPTIONS_VERSION,
                                         threads=threads)
        handle = ctypes.c_void_p()
        error = _abi.MoatError()
        _check(_lib.moat_supervisor_new(ctypes.byref(handle), ctypes.byref(options),
                                        ctypes.byref(error)), error)
        self._handle = handle

    def start(self):
        """Serves from threads of the supervisor's own until close()."""
        error = _abi.MoatError()
        _check(_lib.moat_supervisor_start(self._handle, ctypes.byref(error)), error)

    def close(self):
        if self._handle:
            _lib.moat_supervisor_free(self._handle)
            self._handle = ctypes.c_void_p()


class Call:
    """A call the filter refused, as the supervisor saw it."""

    def __init__(self, call):
        self.syscall = call.syscall
        self.name = syscall_name(call.syscall, _lib)
        self.args = tuple(call.args)
        buffer = ctypes.create_string_buffer(1024)
        _lib.moat_call_format(call.syscall, call.args, buffer, len(buffer))
        self.text = _text(buffer.value)  # "socket(AF_INET, SOCK_STREAM, 0)"
        self.action = _abi.ACTION_NAMES[call.action.kind]
        self.errno = call.action.errno_value
        self.file = _text(call.file)
        self.line = call.line
        self.column = call.column
        self.statement = _text(call.statement)
        self.pid = call.pid
        self.count = call.count

    def __repr__(self):
        return f"<Call {self.text} by {self.file}:{self.line}:{self.column} ({self.statement})>"


class Exit:
    """How a sandboxed child ended. `kind`: "exited" (`code` is its exit
    status), "signalled" (`code` the signal), "filter_killed" (`call` says
    which call and statement), "limit" (`limit`: "cpu", "fsize" or "as") or
    "timeout" (killed at wait()'s deadline)."""

    def __init__(self, result):
        self.kind = _abi.EXIT_KINDS[result.kind]
        self.status = result.status
        self.code = result.code
        self.limit = _text(result.limit) or None
        self.call = Call(result.call) if result.call.count else None
        self.cpu_time_us = result.cpu_time_us
        self.max_rss_kb = result.max_rss_kb

    @property
    def signal(self):
        """The signal's name ("SEGV") for a signalled child, else None."""
        if self.kind != "signalled":
            return None
        import signal
        try:
            return signal.Signals(self.code).name[3:]
        except ValueError:
            return str(self.code)

    def __repr__(self):
        return f"<Exit {self.kind} code={self.code} limit={self.limit} call={self.call!r}>"


class Child(_Closable):
    """A sandboxed process started by spawn() or spawn_function(). Its
    `stdin`, `stdout` and `stderr` are binary files for the streams spawned
    with PIPE, else None. One thread at a time."""

    def __init__(self, handle, supervisor, pipes):
        self._handle = handle
        self._supervisor = supervisor  # must outlive the child
        self.stdin, self.stdout, self.stderr = pipes
        self.pid = _lib.moat_child_pid(handle)
        self.result = None

    def _live(self):
        if not self._handle:
            raise ValueError("moat: the child was closed")
        return self._handle

    @property
    def pidfd(self):
        return _lib.moat_child_pidfd(self._live())

    @property
    def reports_kills(self):
        """True when the supervisor reports this sandbox's kills (Exit.call)."""
        return bool(_lib.moat_child_reports_kills(self._live()))

    def kill(self, signal=9):
        _check(_lib.moat_child_kill(self._live(), signal), None)

    def wait(self, timeout=None, kill=True):
        """Waits for the child to end (at most `timeout` seconds) and returns
        an Exit; serves the supervisor meanwhile. At the deadline the whole
        sandbox is killed and the Exit says "timeout"; with kill=False,
        TimeoutError is raised and the child runs on."""
        if self.result is not None:
            return self.result
        if self.stdin is not None:
            self.stdin.close()
        milliseconds = -1 if timeout is None else max(0, int(timeout * 1000))
        result = _abi.Exit()
        rc = _lib.moat_child_wait_timeout(self._live(), milliseconds,
                                          _abi.WAIT_KILL if kill else 0, ctypes.byref(result))
        if rc == -_errno.ETIMEDOUT and not kill:
            raise TimeoutError(f"moat: the child {self.pid} runs on after {timeout} s")
        if rc < 0 and rc != -_errno.ETIMEDOUT:
            _check(rc, None)
        self.result = Exit(result)
        return self.result

    def refusals(self):
        """The calls the filter refused with an errno (REPORT_ERRNO)."""
        calls = []
        for index in range(_lib.moat_child_refusal_count(self._live())):
            call = _abi.ReportedCall()
            if _lib.moat_child_refusal(self._handle, index, ctypes.byref(call)) == 0:
                calls.append(Call(call))
        return calls

    def close(self):
        """Kills the child if it still runs, reaps it and closes the pipes."""
        if getattr(self, "_handle", None):
            _lib.moat_child_free(self._handle)
            self._handle = None
        for stream in (self.stdin, self.stdout, self.stderr):
            if stream is not None:
                stream.close()


def _sandbox_options(supervisor, report, uid, gid, groups, environment, keep_fds,
                     landlock_abi_limit, collector):
    """The options struct and everything it points to, which must stay alive."""
    options = _abi.SandboxOptions(version=_abi.SANDBOX_OPTIONS_VERSION)
    keep = [collector]
    options.on_diagnostic = collector.callback
    if uid is not None:
        options.identity |= _abi.IDENTITY_UID
        options.uid = uid
    if gid is not None:
        options.identity |= _abi.IDENTITY_GID
        options.gid = gid
    if groups is not None:
        array = (_abi.gid_t * max(1, len(groups)))(*groups)
        keep.append(array)
        options.identity |= _abi.IDENTITY_GROUPS
        options.groups = array
        options.group_count = len(groups)
    if environment is not None:
        array, strings = _environment_array(environment)
        keep += [array, strings]
        options.environment = array
    if keep_fds:
        array = (ctypes.c_int * len(keep_fds))(*keep_fds)
        keep.append(array)
        options.keep_fds = array
        options.keep_fd_count = len(keep_fds)
    options.landlock_abi_limit = landlock_abi_limit
    if supervisor is not None:
        options.supervisor = supervisor._handle
    options.report = report
    return options, keep


def _stream_fd(stream):
    return stream if isinstance(stream, int) else stream.fileno()


def _spawn(start, policy, stdin, stdout, stderr, supervisor, report, **identity):
    """Opens the pipes, fills the options, calls `start(child, options,
    error)`, and wraps the result in a Child."""
    streams = (stdin, stdout, stderr)
    pipes = _abi.StdioPipes()
    error = _abi.MoatError()
    wanted = sum(bit for bit, s in zip((_abi.STDIN, _abi.STDOUT, _abi.STDERR), streams)
                 if s is PIPE)
    _check(_lib.moat_stdio_pipes_open(ctypes.byref(pipes), wanted, ctypes.byref(error)), error)
    try:
        mapping = [(m.parent_fd, m.child_fd) for m in pipes.map[:pipes.map_count]]
        mapping += [(_stream_fd(s), n) for n, s in enumerate(streams)
                    if s is not None and s is not PIPE]
        fd_map = (_abi.FdMap * max(1, len(mapping)))(*mapping)
        collector = _DiagnosticCollector()
        options, _keep = _sandbox_options(supervisor, report, collector=collector, **identity)
        options.fd_map = fd_map
        options.fd_map_count = len(mapping)
        handle = ctypes.c_void_p()
        rc = start(ctypes.byref(handle), ctypes.byref(options), ctypes.byref(error))
        _lib.moat_stdio_pipes_spawned(ctypes.byref(pipes))
        _check(rc, error, collector.lines)
    except BaseException:
        _lib.moat_stdio_pipes_close(ctypes.byref(pipes))
        raise
    files = []
    for n in range(3):
        fd = pipes.parent[n]
        files.append(os.fdopen(fd, "wb" if n == 0 else "rb") if fd >= 0 else None)
    return Child(handle, supervisor, files)


def spawn(policy, argv, *, path=None, stdin=None, stdout=None, stderr=None, supervisor=None,
          report=0, uid=None, gid=None, groups=None, environment=None, keep_fds=(),
          landlock_abi_limit=0):
    """Starts `argv` (`path`, run as execve runs it: default argv[0], no
    PATH search) in a new process that applies the whole `policy`.
    stdin/stdout/stderr: None (this process's), PIPE, or a file or
    descriptor. `supervisor` serves `notify` rules and `report`
    (REPORT_KILLS, REPORT_ERRNO). uid/gid/groups: run as that identity.
    `environment` (dict or "NAME=VALUE" strings) is what [process] env
    builds from. Returns a Child; raises Error."""
    array, _strings = _string_array(argv)
    program = os.fsencode(path if path is not None else argv[0])

    def start(handle, options, error):
        return _lib.moat_spawn(handle, policy.handle, program, array, options, error)

    return _spawn(start, policy, stdin, stdout, stderr, supervisor, report, uid=uid, gid=gid,
                  groups=groups, environment=environment, keep_fds=keep_fds,
                  landlock_abi_limit=landlock_abi_limit)


def _child_entry(function, args):
    """The body of the sandboxed copy: call, flush, and return the status."""
    try:
        result = function(*args)
        status = 0 if result is None else int(result)
    except SystemExit as end:
        status = end.code if isinstance(end.code, int) else (0 if end.code is None else 1)
    except MemoryError:
        # As C's malloc failure does in the plugins: abort, so that the end is
        # told as the `as` limit's (moat_child_wait_result(3)).
        os.abort()
    except BaseException:  # the child's own trace, on its own stderr
        import traceback
        traceback.print_exc()
        status = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    return status & 0xFF


def spawn_function(policy, function, *args, stdin=None, stdout=None, stderr=None,
                   supervisor=None, report=0, uid=None, gid=None, groups=None, keep_fds=(),
                   landlock_abi_limit=0):
    """Runs `function(*args)` in a sandboxed copy of this process, as
    fork(2) makes one, and returns a Child; its exit status is the
    function's result (None: 0; an exception: 1, MemoryError: SIGABRT).
    The copy runs under the policy's filter, which must allow what the
    interpreter does (allocation, and imports: reading and mapping files).
    Call it while this process has one thread: no lock another thread holds
    (the GIL included) is released in the copy (docs/python.md)."""
    for stream in (sys.stdout, sys.stderr):
        stream.flush()  # what is buffered here would be written again by the copy
    callback = _abi.CHILD_FN(lambda _context: _child_entry(function, args))

    def start(handle, options, error):
        return _lib.moat_spawn_function(handle, policy.handle, callback, None, options, error)

    return _spawn(start, policy, stdin, stdout, stderr, supervisor, report, uid=uid, gid=gid,
                  groups=groups, environment=None, keep_fds=keep_fds,
                  landlock_abi_limit=landlock_abi_limit)


def enter(policy, *, uid=None, gid=None, groups=None, landlock_abi_limit=0):
    """Applies `policy` to this process, as pledge(2) and unveil(2) do, for
    good; call it before starting threads. Returns the seccomp listener
    descriptor when the policy has `notify` rules, else None."""
    collector = _DiagnosticCollector()
    options, _keep = _sandbox_options(None, 0, uid, gid, groups, None, (), landlock_abi_limit,
                                      collector)
    listener = ctypes.c_int(-1)
    error = _abi.MoatError()
    _check(_lib.moat_enter(policy.handle, ctypes.byref(options), ctypes.byref(listener),
                           ctypes.byref(error)), error, collector.lines)
    return listener.value if listener.value >= 0 else None
