"""Small files for the demo's attachments, written by hand so the demo needs
no imaging or PDF library: a PNG drawing of a house and a one-page PDF."""

from __future__ import annotations

import random
import struct
import zlib
from typing import Callable, Sequence

from rep_tui.domain.text import strip_accents


def png(width: int, height: int, pixel: Callable[[int, int], tuple[int, int, int]]) -> bytes:
    """An 8-bit RGB PNG, written by hand so the demo needs no imaging library."""
    raw = b"".join(b"\x00" + bytes(c for x in range(width) for c in pixel(x, y)) for y in range(height))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    body = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + body


def house_png(rng: random.Random) -> bytes:
    """A 120x80 drawing of a house: sky, lawn, walls, roof, two windows, a door."""
    wall = tuple(rng.randint(150, 235) for _ in range(3))
    roof = tuple(rng.randint(40, 110) for _ in range(3))
    door = tuple(rng.randint(60, 160) for _ in range(3))

    def pixel(x: int, y: int) -> tuple[int, int, int]:
        if 36 <= y < 72 and 30 <= x < 90:
            if any(wx <= x < wx + 14 and 44 <= y < 56 for wx in (36, 70)):
                return (255, 255, 255) if x % 7 == 0 or y == 50 else (150, 200, 235)
            if 54 <= x < 64 and 52 <= y < 72:
                return door
            return wall
        if 14 <= y < 36 and abs(x - 60) <= (y - 14) * 36 // 22:
            return roof
        if y >= 68:
            return (70, 140 + (x * 7 + y * 3) % 25, 60)
        return (110 + y, 160 + y, 235)

    return png(120, 80, pixel)


def pdf(lines: Sequence[str]) -> bytes:
    """A one-page PDF showing the lines in Helvetica, with a correct xref table."""
    def escape(line: str) -> str:
        return strip_accents(line).replace("—", "-").replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    text = "BT /F1 12 Tf 14 TL 56 740 Td " + " ".join(f"({escape(line)}) '" for line in lines) + " ET"
    stream = text.encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out
