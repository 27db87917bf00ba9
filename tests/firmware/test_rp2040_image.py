"""Unit tests of tools/rp2040-image (run by tools/firmware-tests: python3 -m unittest)."""
import importlib.machinery
import importlib.util
import os
import struct
import subprocess
import sys
import tempfile
import unittest

TOOL = os.path.join(os.path.dirname(__file__), "..", "..", "tools", "rp2040-image")


def load_tool():
    loader = importlib.machinery.SourceFileLoader("rp2040_image", TOOL)
    spec = importlib.util.spec_from_loader("rp2040_image", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


img = load_tool()


class Crc(unittest.TestCase):
    def test_check_value_of_the_catalogue(self):
        # CRC-32/MPEG-2's check value (the CRC of "123456789").
        self.assertEqual(img.crc32_mpeg2(b"123456789"), 0x0376E6E7)

    def test_empty_input_is_the_initial_value(self):
        self.assertEqual(img.crc32_mpeg2(b""), 0xFFFFFFFF)

    def test_patched_boot2_carries_the_crc_of_its_first_252_bytes_little_endian(self):
        image = bytes(range(256)) + b"rest of the image"
        patched = img.patch_boot2(image)
        self.assertEqual(len(patched), len(image))
        self.assertEqual(patched[:252], image[:252])
        self.assertEqual(patched[256:], image[256:])
        self.assertEqual(struct.unpack_from("<I", patched, 252)[0], img.crc32_mpeg2(image[:252]))
        self.assertTrue(img.boot2_ok(patched))
        self.assertFalse(img.boot2_ok(image))

    def test_an_image_shorter_than_boot2_is_refused(self):
        with self.assertRaises(ValueError):
            img.patch_boot2(b"\0" * 255)


class Uf2(unittest.TestCase):
    def test_block_fields(self):
        data = bytes(i & 0xFF for i in range(600))  # 3 blocks, the last one partly padding
        uf2 = img.bin_to_uf2(data)
        self.assertEqual(len(uf2), 3 * 512)
        for n in range(3):
            block = uf2[n * 512:(n + 1) * 512]
            m0, m1, flags, addr, size, no, count, family = struct.unpack_from("<8I", block, 0)
            self.assertEqual((m0, m1), (0x0A324655, 0x9E5D5157))
            self.assertEqual(struct.unpack_from("<I", block, 508)[0], 0x0AB16F30)
            self.assertEqual(flags, 0x2000)  # family ID present
            self.assertEqual(family, 0xE48BFF56)
            self.assertEqual(addr, 0x10000000 + 256 * n)
            self.assertEqual(size, 256)
            self.assertEqual((no, count), (n, 3))
            payload = data[256 * n:256 * (n + 1)]
            self.assertEqual(block[32:32 + len(payload)], payload)
            self.assertEqual(block[32 + len(payload):508], b"\0" * (476 - len(payload)))

    def test_round_trip(self):
        data = os.urandom(256 * 5)
        self.assertEqual(img.uf2_to_bin(img.bin_to_uf2(data)), data)

    def test_bad_magic_is_refused(self):
        uf2 = bytearray(img.bin_to_uf2(b"\1" * 256))
        uf2[0] ^= 1
        with self.assertRaises(ValueError):
            list(img.parse_uf2(bytes(uf2)))


class CommandLine(unittest.TestCase):
    def run_tool(self, *args):
        return subprocess.run([sys.executable, TOOL, *args], capture_output=True, text=True)

    def test_boot2_crc_then_bin2uf2_then_uf22bin(self):
        with tempfile.TemporaryDirectory() as d:
            image = os.path.join(d, "a.bin")
            with open(image, "wb") as f:
                f.write(os.urandom(1000))
            self.assertEqual(self.run_tool("boot2-crc", image, "--check").returncode, 1)
            boot2 = os.path.join(d, "boot2.bin")
            self.assertEqual(self.run_tool("boot2-crc", image, "--boot2-out", boot2).returncode, 0)
            self.assertEqual(self.run_tool("boot2-crc", image, "--check").returncode, 0)
            with open(image, "rb") as f:
                patched = f.read()
            with open(boot2, "rb") as f:
                self.assertEqual(f.read(), patched[:256])
            uf2 = os.path.join(d, "a.uf2")
            back = os.path.join(d, "back.bin")
            self.assertEqual(self.run_tool("bin2uf2", image, uf2).returncode, 0)
            self.assertEqual(self.run_tool("uf22bin", uf2, back).returncode, 0)
            with open(back, "rb") as f:
                self.assertEqual(f.read(), patched + b"\0" * (1024 - 1000))


if __name__ == "__main__":
    unittest.main()
