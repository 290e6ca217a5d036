"""Parsing XML from other people's files safely (KML, CoT, TAK manifests).

defusedxml refuses entity declarations, external entities and DTDs, so a
"billion laughs" or an XXE file is an import error, not a hang or a leak.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeElementTree
from defusedxml import DefusedXmlException

from .records import ImportFileError, Problem


def parse_xml(data: bytes | str, file: str) -> Element:
    """The root element of `data`; ImportFileError if it is not safe, well-formed XML."""
    try:
        return SafeElementTree.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        reason = f"refused unsafe XML ({type(exc).__name__}: DTDs and entities are not allowed)"
        raise ImportFileError(file, [Problem("document", "xml", reason)]) from None
    except ElementTree.ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        # expat counts columns from 0; editors from 1.
        problem = Problem(
            f"line {line}, column {column + 1}", "xml", f"not well-formed XML ({exc})"
        )
        raise ImportFileError(file, [problem]) from None
    except (ValueError, UnicodeError) as exc:
        raise ImportFileError(file, [Problem("document", "xml", str(exc))]) from None


def local_name(element: Element) -> str:
    """Tag without its namespace: '{http://www.opengis.net/kml/2.2}Placemark' -> 'Placemark'."""
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag.rsplit("}", 1)[-1]


def children(element: Element, name: str) -> list[Element]:
    return [child for child in element if local_name(child) == name]


def child(element: Element, name: str) -> Element | None:
    for item in element:
        if local_name(item) == name:
            return item
    return None


def descendants(element: Element, name: str) -> list[Element]:
    return [item for item in element.iter() if local_name(item) == name]


def child_text(element: Element, name: str) -> str:
    found = child(element, name)
    return (found.text or "").strip() if found is not None else ""


# Characters XML 1.0 cannot hold at all (not even as &#...;): C0 controls other
# than tab, newline and carriage return, lone surrogates, U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> tuple[str, int]:
    """`text` without the characters XML cannot hold, and how many were dropped."""
    cleaned, count = _NOT_XML.subn("", text)
    return cleaned, count


def scrub(root: Element) -> int:
    """Drop every character XML cannot hold from a tree's text, tails and attribute
    values (in place); return how many were dropped, for the export's summary.

    ElementTree would write them as they are, and the file would then be
    refused by every XML reader, ours included.
    """
    dropped = 0
    for element in root.iter():
        if element.text:
            element.text, count = xml_text(element.text)
            dropped += count
        if element.tail:
            element.tail, count = xml_text(element.tail)
            dropped += count
        for key, value in list(element.attrib.items()):
            cleaned, count = xml_text(value)
            if count:
                element.set(key, cleaned)
                dropped += count
    return dropped


def dropped_note(dropped: int) -> list[str]:
    """The export summary's line about dropped characters (none when none were)."""
    if not dropped:
        return []
    return [
        f"dropped {dropped} character(s) XML cannot hold (NUL, control characters, "
        "U+FFFE/U+FFFF) from the exported text"
    ]
