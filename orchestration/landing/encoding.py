"""Which text encoding a CSV file is in.

Order: a pin (per landing folder, see ``orchestration.landing.context``) wins; else a
byte-order mark (UTF-8, UTF-16 LE/BE); else UTF-8 when the bytes are valid UTF-8; else
GB18030 when they decode as GB18030 into mostly Chinese text; else charset-normalizer's
best guess on the bytes (BOM-less UTF-16, other code pages). GBK and GB2312 are read as
GB18030 (their superset: what Excel and Chinese DMS exports write).
"""

from __future__ import annotations

import codecs

import charset_normalizer

# How much of a file the detector looks at (it is the slow part on a big file).
DETECT_SAMPLE_BYTES = 256 * 1024

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CHINESE = {"gbk", "gb2312", "gb18030", "cp936", "hz"}


class UnknownEncodingError(ValueError):
    pass


def canonical(name: str) -> str:
    """Python's codec name for ``name``; GBK/GB2312 widen to GB18030."""
    try:
        found = codecs.lookup(name.strip()).name
    except LookupError as error:
        raise UnknownEncodingError(f"unknown text encoding {name!r}") from error
    return "gb18030" if found in _CHINESE else found


def sniff_bom(data: bytes) -> str | None:
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    return None


def _valid_utf8_prefix(sample: bytes) -> bool:
    """Valid UTF-8, allowing a character cut off at the end of the sample."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        return False
    return True


def _looks_chinese(sample: bytes) -> bool:
    """The sample decodes as GB18030 and most of what is not ASCII is Chinese text.

    GB18030/GBK is what the contract expects besides UTF-8; a detector that sees only a
    few Chinese words among much ASCII may pick a single-byte code page instead.
    """
    try:
        text = codecs.getincrementaldecoder("gb18030")().decode(sample, final=False)
    except UnicodeDecodeError:
        return False
    wide = [ch for ch in text if ord(ch) > 127]
    chinese = sum(1 for ch in wide if "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef")
    return bool(wide) and chinese >= 0.8 * len(wide)


def detect(sample: bytes, pin: str | None = None) -> str:
    """The encoding of a file starting with ``sample`` (see the module docstring)."""
    if pin:
        return canonical(pin)
    bom = sniff_bom(sample)
    if bom:
        return bom
    sample = sample[:DETECT_SAMPLE_BYTES]
    if _valid_utf8_prefix(sample):
        return "utf-8"
    if _looks_chinese(sample):
        return "gb18030"
    best = charset_normalizer.from_bytes(sample).best()
    if best is None:
        raise UnknownEncodingError("the text encoding could not be recognised")
    return canonical(best.encoding)


def decode_error_line(data: bytes, encoding: str, error: UnicodeDecodeError) -> int:
    """The 1-based line of the first byte that did not decode."""
    return data[: error.start].decode(encoding, errors="replace").count("\n") + 1
