# SPDX-License-Identifier: MIT
"""The binding's structs and constants are the C header's: every size, offset
and constant of moat/_abi.py against what the C compiler made of <moat.h>
(tests/python/layout.c, built by CMake as MOAT_PYTHON_LAYOUT)."""
import ctypes
import os
import subprocess
import sys
import unittest

from moat import _abi


def c_layout():
    output = subprocess.run([os.environ["MOAT_PYTHON_LAYOUT"]], check=True, capture_output=True,
                            text=True).stdout
    sizes, offsets, constants = {}, {}, {}
    for line in output.splitlines():
        words = line.split()
        if words[0] == "size":
            sizes[words[1]] = int(words[2])
        elif words[0] == "offset":
            offsets[(words[1], words[2])] = int(words[3])
        else:
            constants[words[1]] = int(words[2])
    return sizes, offsets, constants


class Layout(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.sizes, cls.offsets, cls.constants = c_layout()

    def test_every_struct_has_the_size_of_the_header(self):
        for name, struct in _abi.STRUCTS.items():
            with self.subTest(struct=name):
                self.assertEqual(ctypes.sizeof(struct), self.sizes[name])

    def test_every_field_has_the_offset_of_the_header(self):
        for name, struct in _abi.STRUCTS.items():
            for field, *_ in struct._fields_:
                with self.subTest(struct=name, field=field):
                    self.assertEqual(getattr(struct, field).offset, self.offsets[(name, field)])

    def test_every_constant_has_the_value_of_the_header(self):
        for name, value in _abi.CONSTANTS.items():
            with self.subTest(constant=name):
                self.assertEqual(value, self.constants[name])

    def test_the_comparison_sees_a_drift(self):
        # Positive control: a struct one field short of the header's differs.
        class Shorter(ctypes.Structure):
            _fields_ = _abi.SupervisorOptions._fields_[:-1]
        self.assertNotEqual(ctypes.sizeof(Shorter), self.sizes["moat_supervisor_options"])

    def test_the_soname_is_the_library_s(self):
        # The DT_SONAME of the library built beside the package, as the
        # dynamic linker reads it: what CMake wrote into _soname.py.
        dynamic = subprocess.run(["objdump", "-p", os.environ["MOAT_LIBRARY"]], check=True,
                                 capture_output=True, text=True).stdout
        sonames = [line.split()[1] for line in dynamic.splitlines()
                   if line.split()[:1] == ["SONAME"]]
        self.assertEqual(sonames, [_abi.SONAME])

    def test_the_soname_finds_the_library(self):
        # Without MOAT_LIBRARY and without an installed _config.py, the
        # package asks the dynamic linker for its soname; the library's
        # directory on LD_LIBRARY_PATH must then be enough.
        environment = dict(os.environ)
        library = environment.pop("MOAT_LIBRARY")
        environment["LD_LIBRARY_PATH"] = os.path.dirname(library)
        loaded = subprocess.run(
            [sys.executable, "-c", "import moat; print(moat._lib._name)"], env=environment,
            check=True, capture_output=True, text=True).stdout.strip()
        self.assertEqual(loaded, _abi.SONAME)

    def test_the_library_loaded_is_this_version(self):
        import moat
        self.assertEqual(moat.version(), os.environ["MOAT_VERSION"])


if __name__ == "__main__":
    unittest.main()
