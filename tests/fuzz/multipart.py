"""multipart/form-data written by hand, as a hostile client would: any bytes, any names.

Django's test client refuses to encode text it cannot encode (a lone surrogate)
and writes well-formed headers only; this writes what it is given.
"""

from __future__ import annotations

BOUNDARY = "mapa-fuzz-7c2e1f0b9a"

# A part is (name, text) or (name, (filename, content type, bytes)).
Part = tuple[str, str | tuple[str, str, bytes]]

# How a browser writes a name or filename in a part's header (the HTML standard).
BROWSER_ESCAPES = str.maketrans({'"': "%22", "\r": "%0D", "\n": "%0A"})


def _bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def multipart(parts: list[Part], *, as_browser: bool = False) -> tuple[bytes, str]:
    """The body and its Content-Type. ``as_browser`` escapes quotes and line breaks in
    names as browsers do; otherwise they go as they are, breaking the part's header."""

    def name(text: str) -> str:
        return text.translate(BROWSER_ESCAPES) if as_browser else text

    body = b""
    for field, value in parts:
        body += _bytes(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name(field)}"')
        if isinstance(value, tuple):
            filename, content_type, data = value
            body += _bytes(f'; filename="{name(filename)}"\r\nContent-Type: {content_type}')
        else:
            data = _bytes(value)
        body += b"\r\n\r\n" + data + b"\r\n"
    body += _bytes(f"--{BOUNDARY}--\r\n")
    return body, f"multipart/form-data; boundary={BOUNDARY}"
