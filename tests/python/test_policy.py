# SPDX-License-Identifier: MIT
"""Loading policies (errors raised with their place) and the decisions a
policy makes for a syscall, a path and a port, each with a control that
shows the same question decided the other way."""
import errno
import os
import tempfile
import unittest

import moat

SOCKETS = """moat 1
[syscalls]
default allow
errno EACCES socket if arg0 == AF_INET
kill ptrace
"""


class Load(unittest.TestCase):
    def test_an_error_is_raised_with_its_place(self):
        with self.assertRaises(moat.Error) as raised:
            moat.Policy.from_string("moat 1\n[syscalls]\nallow @nonesuch\n", name="bad.policy")
        error = raised.exception
        self.assertEqual(error.errno, errno.EINVAL)
        self.assertEqual((error.file, error.line, error.column), ("bad.policy", 3, 7))
        self.assertIn("@nonesuch", error.message)
        self.assertIn("bad.policy:3:7: error: unknown group '@nonesuch'", error.diagnostics)
        self.assertEqual(str(error), "bad.policy:3:7: unknown group '@nonesuch'")

    def test_an_error_in_an_included_file_is_placed_there(self):
        with tempfile.TemporaryDirectory() as directory:
            with open(os.path.join(directory, "base.policy"), "w") as base:
                base.write("moat 1\n[syscalls]\n\nallow nonesuch_call\n")
            main = os.path.join(directory, "main.policy")
            with open(main, "w") as text:
                text.write('moat 1\ninclude "base.policy"\n')
            with self.assertRaises(moat.Error) as raised:
                moat.Policy.load(main)
        self.assertEqual(os.path.basename(raised.exception.file), "base.policy")
        self.assertEqual(raised.exception.line, 4)

    def test_a_missing_file_is_enoent(self):
        with self.assertRaises(moat.Error) as raised:
            moat.Policy.load("/nonexistent/x.policy")
        self.assertEqual(raised.exception.errno, errno.ENOENT)

    def test_a_valid_file_and_a_name_load(self):
        with tempfile.NamedTemporaryFile("w", suffix=".policy") as text:
            text.write(SOCKETS)
            text.flush()
            policy = moat.Policy.load(text.name)
        # `default allow` without `kill @default-deny` is warned about, not refused.
        self.assertEqual(policy.warning_count, 1)
        self.assertIn(": warning: the default lets", policy.warnings[0])
        # A shipped policy, found by name through MOAT_POLICY_PATH.
        self.assertGreater(moat.Policy.load("python3").filter_length, 0)

    def test_variables_expand_from_the_given_environment(self):
        text = "moat 1\n[filesystem]\nread ${DATA}\n"
        policy = moat.Policy.from_string(text, environment={"DATA": "/usr/share"})
        self.assertTrue(policy.decide_path("/usr/share").allowed)


class Decide(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.policy = moat.Policy.from_string(SOCKETS, name="sockets.policy")

    def test_a_condition_decides_by_its_arguments(self):
        refused = self.policy.decide_syscall("socket", "AF_INET", "SOCK_STREAM", 0)
        self.assertFalse(refused.allowed)
        self.assertEqual((refused.action, refused.errno), ("errno", errno.EACCES))
        self.assertEqual((refused.file, refused.line), ("sockets.policy", 4))
        self.assertEqual(refused.statement, "errno EACCES socket if arg0 == AF_INET")
        # Control: another family goes through, decided by the default.
        allowed = self.policy.decide_syscall("socket", "AF_UNIX", "SOCK_STREAM", 0)
        self.assertTrue(allowed.allowed)
        self.assertEqual(allowed.statement, "default allow")

    def test_a_kill_and_its_control(self):
        killed = self.policy.decide_syscall("ptrace")
        self.assertEqual((killed.allowed, killed.action, killed.line), (False, "kill", 5))
        self.assertTrue(self.policy.decide_syscall("getpid").allowed)

    def test_names_and_numbers_agree(self):
        import socket
        by_number = self.policy.decide_syscall(41 if os.uname().machine == "x86_64" else "socket",
                                               socket.AF_INET)
        self.assertEqual(by_number.line, 4)
        with self.assertRaises(ValueError):
            self.policy.decide_syscall("nonesuch")
        with self.assertRaises(ValueError):
            self.policy.decide_syscall("socket", "NO_SUCH_CONSTANT")

    def test_paths(self):
        policy = moat.Policy.from_string("moat 1\n[filesystem]\nread /usr\n", name="fs.policy")
        read = policy.decide_path("/usr/bin", "read")
        self.assertTrue(read.allowed)
        self.assertEqual((read.file, read.line, read.statement), ("fs.policy", 3, "read /usr"))
        self.assertFalse(policy.decide_path("/usr/bin", "write").allowed)
        self.assertFalse(policy.decide_path("/etc/passwd", "read").allowed)
        with self.assertRaises(moat.Error) as raised:
            policy.decide_path("/usr", "fly")
        self.assertEqual(raised.exception.errno, errno.EINVAL)

    def test_ports(self):
        policy = moat.Policy.from_string("moat 1\n[network]\nconnect tcp 443\n", name="n.policy")
        self.assertTrue(policy.decide_port(443).allowed)
        self.assertFalse(policy.decide_port(80).allowed)
        with self.assertRaises(moat.Error):
            policy.decide_port(70000)

    def test_a_listing_names_the_calls(self):
        self.assertIn("ptrace", self.policy.filter_listing())


if __name__ == "__main__":
    unittest.main()
