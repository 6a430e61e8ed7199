"""Files built in the tests for the upload checks: PDFs with text, DOCX, OLE2 compound files
(Word/Excel, with or without macros) and ZIPs with chosen flags. Nothing is read from disk."""

from __future__ import annotations

import io
import itertools
import struct
import zipfile


def pdf_with_text(lines: list[str]) -> bytes:
    """A minimal one-page PDF whose text (CID font, ToUnicode map) pypdf can extract."""
    chars = sorted({ch for line in lines for ch in line})
    cid = {ch: i + 1 for i, ch in enumerate(chars)}
    body = (
        "BT /F1 20 Tf 72 760 Td 24 TL "
        + " ".join("<" + "".join(f"{cid[ch]:04X}" for ch in line) + "> Tj T*" for line in lines)
        + " ET"
    )
    cmap = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap "
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def "
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def "
        "1 begincodespacerange <0000> <FFFF> endcodespacerange "
        f"{len(chars)} beginbfchar "
        + " ".join(f"<{cid[ch]:04X}> <{ord(ch):04X}>" for ch in chars)
        + " endbfchar endcmap CMapName currentdict /CMap defineresource pop end end"
    )
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H "
        "/DescendantFonts [6 0 R] /ToUnicode 7 0 R >>",
        f"<< /Length {len(body)} >>\nstream\n{body}\nendstream",
        "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun "
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
        "/FontDescriptor 8 0 R /DW 1000 >>",
        f"<< /Length {len(cmap)} >>\nstream\n{cmap}\nendstream",
        "<< /Type /FontDescriptor /FontName /SimSun /Flags 4 /FontBBox [0 -140 1000 860] "
        "/ItalicAngle 0 /Ascent 860 /Descent -140 /CapHeight 700 /StemV 80 >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{obj}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def zip_bytes(entries: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def encrypted_zip(entries: dict[str, bytes]) -> bytes:
    """A ZIP whose entries say they are encrypted (general purpose flag bit 0)."""
    data = bytearray(zip_bytes(entries, zipfile.ZIP_STORED))
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        while at != -1:
            data[at + offset] |= 0x01
            at = data.find(signature, at + 4)
    return bytes(data)


def docx(paragraphs: list[str], extra: dict[str, bytes] | None = None) -> bytes:
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.'
        f'openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>'
    )
    return zip_bytes(
        {"[Content_Types].xml": b"<Types/>", "word/document.xml": xml.encode()} | (extra or {})
    )


_FREE, _END, _FAT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD


def ole2(streams: dict[str, bytes]) -> bytes:
    """A minimal compound file (CFB v3). Keys are paths ("Macros/VBA/dir"); storages are made
    for the folders. Streams are padded to 4096 bytes so none lives in the mini stream."""
    tree: dict[str, dict] = {}
    for path, data in streams.items():
        node = tree
        parts = path.split("/")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = data.ljust(4096, b"\0")
    entries: list[dict] = [{"name": "Root Entry", "type": 5, "kids": tree}]
    sectors: list[bytes] = []

    def add(kids: dict) -> int:
        order = sorted(kids, key=lambda n: (len(n), n.upper()))
        ids = []
        for name in order:
            value = kids[name]
            entry = {"name": name, "type": 1 if isinstance(value, dict) else 2}
            entries.append(entry)
            ids.append(len(entries) - 1)
            if isinstance(value, dict):
                entry["child"] = add(value)
            else:
                entry["start"], entry["size"] = len(sectors), len(value)
                sectors.extend(value[i : i + 512] for i in range(0, len(value), 512))
        for left, right in itertools.pairwise(ids):
            entries[left]["right"] = right
        return ids[0] if ids else _FREE

    entries[0]["child"] = add(tree)
    directory = b"".join(_dir_entry(e) for e in entries)
    directory = directory.ljust(-(-len(directory) // 512) * 512, b"\0")
    dir_sectors = len(directory) // 512
    # Layout: sector 0 = FAT, then the directory, then the stream data.
    first_dir, first_data = 1, 1 + dir_sectors
    fat = [_FAT] + [first_dir + i + 1 for i in range(dir_sectors - 1)] + [_END]
    for e in entries:
        if e.get("type") == 2:
            n = e["size"] // 512
            chain = [first_data + e["start"] + i + 1 for i in range(n - 1)] + [_END]
            fat.extend(chain)
            e["start"] += first_data
    assert len(fat) <= 128, "one FAT sector is enough for these samples"
    fat_sector = struct.pack("<128I", *(fat + [_FREE] * (128 - len(fat))))
    directory = b"".join(_dir_entry(e) for e in entries).ljust(dir_sectors * 512, b"\0")
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, 1, first_dir, 0, 4096, _END, 0, _END, 0)
        + struct.pack("<109I", 0, *([_FREE] * 108))
    )  # fmt: skip
    return header + fat_sector + directory + b"".join(sectors)


def _dir_entry(e: dict) -> bytes:
    name = e["name"].encode("utf-16-le") + b"\0\0"
    start = e.get("start", _END if e["type"] != 2 else 0)
    return (
        name.ljust(64, b"\0")
        + struct.pack("<HBB", len(name), e["type"], 1)
        + struct.pack("<III", e.get("left", _FREE), e.get("right", _FREE), e.get("child", _FREE))
        + b"\0" * 16 + b"\0" * 4 + b"\0" * 16
        + struct.pack("<IQ", start, e.get("size", 0))
    )  # fmt: skip


def word97(*, macros: bool = False) -> bytes:
    streams = {"WordDocument": b"\xec\xa5" + b"word", "1Table": b"table"}
    if macros:
        streams |= {"Macros/VBA/dir": b"attribute", "Macros/PROJECT": b"ID="}
    return ole2(streams)


def excel97(*, macros: bool = False) -> bytes:
    streams = {"Workbook": b"\x09\x08" + b"book"}
    if macros:
        streams |= {"_VBA_PROJECT_CUR/VBA/dir": b"attribute"}
    return ole2(streams)
