"""Open311's two formats: the same records as JSON or as XML, and its error array.

GeoReport v2 names every element; a response is a list of records (``services``
holding ``service`` elements, ``service_requests`` holding ``request``...). JSON
answers the list itself, XML wraps it in the plural element. Values are
str, int, float, bool, None, a nested record (dict) or a list of records.

* JSON leaves out members whose value is None: the standard's schema types them
  as strings, numbers or URIs, with no null.
* XML writes them as empty elements, as the standard's examples do, is built
  with ElementTree (never by joining strings) and starts with the UTF-8
  declaration the standard requires. A character XML 1.0 cannot hold (a C0
  control but tab, line feed and carriage return; U+FFFE, U+FFFF) is written as
  U+FFFD; a carriage return as ``&#13;``, so that it is read back as itself.

Errors are always the standard's array, ``[{"code": 400, "description": "..."}]``,
or ``<errors><error><code/><description/></error></errors>``.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from typing import Any

from django.http import HttpResponse

JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"

Record = Mapping[str, Any]
# As the standard writes it (ElementTree's own would say encoding='utf-8').
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


class Format(StrEnum):
    JSON = "json"
    XML = "xml"

    @classmethod
    def of(cls, suffix: str | None) -> Format | None:
        """The format a URL's suffix names; None for any other suffix."""
        try:
            return cls((suffix or "").lower())
        except ValueError:
            return None

    @classmethod
    def guess(cls, path: str) -> Format:
        """The format to answer an error in: XML for a path ending in .xml, else JSON."""
        return cls.XML if path.lower().endswith(".xml") else cls.JSON


# The element each list item gets in XML, by the list's name.
ITEM_ELEMENT = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
}


OPEN311_MARK = "open311"  # an attribute on the responses this module made


def render(
    fmt: Format,
    root: str,
    records: Sequence[Record] | Record,
    *,
    status: int = 200,
) -> HttpResponse:
    """``records`` (a list, or one record for a non-list document) in ``fmt``."""
    if fmt == Format.JSON:
        body = json.dumps(_without_none(records), ensure_ascii=False, separators=(",", ":"))
        return _marked(HttpResponse(body.encode("utf-8"), status=status, content_type=JSON_TYPE))
    element = ET.Element(root)
    if isinstance(records, Mapping):
        _fill(element, records)
    else:
        _fill_list(element, ITEM_ELEMENT[root], records)
    # A carriage return as a reference: raw, XML parsers read it as a line feed.
    # (ElementTree already writes attributes' that way; the values are in text.)
    body_bytes = XML_DECLARATION + ET.tostring(element, encoding="utf-8").replace(b"\r", b"&#13;")
    return _marked(HttpResponse(body_bytes, status=status, content_type=XML_TYPE))


def _marked(response: HttpResponse) -> HttpResponse:
    setattr(response, OPEN311_MARK, True)
    return response


def is_open311(response: HttpResponse) -> bool:
    """Did this module make ``response`` (rather than a middleware or Django's handlers)?"""
    return bool(getattr(response, OPEN311_MARK, False))


def error_response(fmt: Format, status: int, descriptions: Iterable[str]) -> HttpResponse:
    """The standard's error array: one ``{code, description}`` per message."""
    errors = [{"code": status, "description": text} for text in descriptions]
    return render(fmt, "errors", errors, status=status)


def _without_none(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_without_none(v) for v in value]
    return value


def _fill(element: ET.Element, record: Record) -> None:
    for name, value in record.items():
        child = ET.SubElement(element, name)
        if isinstance(value, Mapping):
            _fill(child, value)
        elif isinstance(value, list | tuple):
            _fill_list(child, ITEM_ELEMENT.get(name, "item"), value)
        else:
            child.text = _text(value)


def _fill_list(element: ET.Element, item_name: str, items: Iterable[Any]) -> None:
    for item in items:
        child = ET.SubElement(element, item_name)
        if isinstance(item, Mapping):
            _fill(child, item)
        else:
            child.text = _text(item)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return xml_text(str(value))


# What XML 1.0 cannot hold at all, not even as a character reference: the C0 controls
# but tab, line feed and carriage return, and the non-characters U+FFFE and U+FFFF.
# (Lone surrogates never reach here: the API refuses them, as PostgreSQL would.)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    """``text`` as XML can carry it: each character XML 1.0 forbids becomes U+FFFD (the
    replacement character), so the document stays well-formed; JSON carries them all."""
    return _NOT_XML.sub("\ufffd", text)
