# SPDX-License-Identifier: MIT
"""Running under a policy from Python: spawn() and wait() with a filter kill,
a timeout and pipes; spawn_function(); enter() in a forked child. Each
refusal has a control that runs the same thing without the rule. Run as root
and, by ctest, as uid 65534 (MOAT_TEST_USER says which)."""
import errno
import os
import signal
import sys
import unittest

import moat

SOCKET_PROGRAM = "import socket; socket.socket(socket.AF_INET, socket.SOCK_STREAM); print('open')"
ALLOW_ALL = "moat 1\n[syscalls]\ndefault allow\nkill @default-deny\n"
KILL_SOCKET = ALLOW_ALL + "kill socket\n"
REFUSE_SOCKET = ALLOW_ALL + "errno EACCES socket\n"

# One supervisor for the process's life, given to every spawn, as a host has:
# creating one makes the process undumpable, and only the supervisor that did
# so lets an unprivileged sandbox's user namespace be mapped all the same.
SUPERVISOR = moat.Supervisor()


def python(code):
    return [sys.executable, "-c", code]


class Spawn(unittest.TestCase):
    def spawn(self, text, argv, **options):
        policy = moat.Policy.from_string(text, name="test.policy")
        child = moat.spawn(policy, argv, supervisor=SUPERVISOR, report=moat.REPORT_KILLS,
                           **options)
        self.addCleanup(child.close)
        return child

    def test_a_filter_kill_names_the_call_and_the_statement(self):
        child = self.spawn(KILL_SOCKET, python(SOCKET_PROGRAM), stdout=moat.PIPE)
        result = child.wait(timeout=30)
        if not child.reports_kills:
            self.skipTest("the supervisor cannot report kills here")
        self.assertEqual(result.kind, "filter_killed")
        self.assertEqual(result.call.name, "socket")
        self.assertTrue(result.call.text.startswith("socket(AF_INET, SOCK_STREAM"), result.call)
        self.assertEqual((result.call.file, result.call.line, result.call.column),
                         ("test.policy", 5, 1))
        self.assertEqual(result.call.statement, "kill socket")
        self.assertEqual(child.stdout.read(), b"")

    def test_control_without_the_rule_the_socket_opens(self):
        child = self.spawn(ALLOW_ALL, python(SOCKET_PROGRAM), stdout=moat.PIPE)
        result = child.wait(timeout=30)
        self.assertEqual((result.kind, result.code, result.call), ("exited", 0, None))
        self.assertEqual(child.stdout.read(), b"open\n")

    def test_a_timeout_kills_the_whole_sandbox(self):
        child = self.spawn(ALLOW_ALL, ["/bin/sh", "-c", "sleep 60 & sleep 60"])
        result = child.wait(timeout=0.3)
        self.assertEqual(result.kind, "timeout")
        with self.assertRaises(moat.Error) as raised:
            child.kill(signal.SIGTERM)
        self.assertEqual(raised.exception.errno, errno.ESRCH)

    def test_a_timeout_without_kill_leaves_it_running(self):
        child = self.spawn(ALLOW_ALL, ["/bin/sleep", "60"])
        with self.assertRaises(TimeoutError):
            child.wait(timeout=0.1, kill=False)
        child.kill(signal.SIGTERM)
        result = child.wait(timeout=30)
        self.assertEqual((result.kind, result.signal), ("signalled", "TERM"))

    def test_stdin_and_stdout_pipes(self):
        child = self.spawn(ALLOW_ALL, ["/bin/cat"], stdin=moat.PIPE, stdout=moat.PIPE)
        child.stdin.write(b"through the sandbox\n")
        result = child.wait(timeout=30)
        self.assertEqual((result.kind, result.code), ("exited", 0))
        self.assertEqual(child.stdout.read(), b"through the sandbox\n")

    def test_an_exit_status_and_stderr(self):
        child = self.spawn(ALLOW_ALL, ["/bin/sh", "-c", "echo bad >&2; exit 3"],
                           stderr=moat.PIPE)
        result = child.wait(timeout=30)
        self.assertEqual((result.kind, result.code), ("exited", 3))
        self.assertEqual(child.stderr.read(), b"bad\n")

    def test_a_set_up_failure_is_raised_with_its_step(self):
        policy = moat.Policy.from_string(ALLOW_ALL)
        with self.assertRaises(moat.Error) as raised:
            moat.spawn(policy, ["/nonexistent/program"], supervisor=SUPERVISOR)
        self.assertEqual(raised.exception.errno, errno.ENOENT)
        self.assertEqual(raised.exception.step, "exec")


def plugin(message):
    print(message)
    import socket
    socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    print("open")


class SpawnFunction(unittest.TestCase):
    def run_function(self, text, function, *args):
        policy = moat.Policy.from_string(text, name="function.policy")
        child = moat.spawn_function(policy, function, *args, stdout=moat.PIPE, stderr=moat.PIPE,
                                    supervisor=SUPERVISOR, report=moat.REPORT_KILLS)
        with child:
            result = child.wait(timeout=30)
            return child.reports_kills, result, child.stdout.read()

    def test_the_function_runs_under_the_filter(self):
        reports_kills, result, output = self.run_function(KILL_SOCKET, plugin, "hello")
        self.assertEqual(output, b"hello\n")
        if not reports_kills:
            self.skipTest("the supervisor cannot report kills here")
        self.assertEqual((result.kind, result.call.statement), ("filter_killed", "kill socket"))

    def test_control_without_the_rule_it_returns(self):
        _, result, output = self.run_function(ALLOW_ALL, plugin, "hello")
        self.assertEqual((result.kind, result.code), ("exited", 0))
        self.assertEqual(output, b"hello\nopen\n")

    def test_results_and_exceptions_become_exit_statuses(self):
        self.assertEqual(self.run_function(ALLOW_ALL, lambda: 7)[1].code, 7)
        self.assertEqual(self.run_function(ALLOW_ALL, sys.exit, 5)[1].code, 5)
        self.assertEqual(self.run_function(ALLOW_ALL, lambda: 1 / 0)[1].code, 1)

    def test_the_copy_shares_no_memory(self):
        seen = []
        _, result, _ = self.run_function(ALLOW_ALL, seen.append, "in the child")
        self.assertEqual((result.kind, seen), ("exited", []))


class Enter(unittest.TestCase):
    def run_entered(self, text):
        """Forks; the child enters `text` and tries a socket: its exit status
        is 0 when the socket opened, else the errno."""
        policy = moat.Policy.from_string(text, name="enter.policy")
        pid = os.fork()
        if pid == 0:
            status = 100
            try:
                moat.enter(policy)
                import socket
                socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()
                status = 0
            except OSError as error:
                status = error.errno if isinstance(error.errno, int) else 101
            finally:
                os._exit(status)
        _, status = os.waitpid(pid, 0)
        return os.waitstatus_to_exitcode(status)

    def test_an_entered_policy_refuses_the_socket(self):
        self.assertEqual(self.run_entered(REFUSE_SOCKET), errno.EACCES)

    def test_control_without_the_rule_the_socket_opens(self):
        self.assertEqual(self.run_entered(ALLOW_ALL), 0)

    def test_an_invalid_entry_is_raised(self):
        policy = moat.Policy.from_string("moat 1\n[namespaces]\nunshare pid\n")
        with self.assertRaises(moat.Error) as raised:
            moat.enter(policy)
        self.assertEqual(raised.exception.errno, errno.EINVAL)


if __name__ == "__main__":
    unittest.main()
