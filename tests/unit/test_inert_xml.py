"""sandbox/inert_xml.py: a project's XML (SVG, CSL) reaches nothing outside itself; entity
tricks (billion laughs, external entities) are refused, not expanded."""

from __future__ import annotations

from pathlib import Path

import pytest

from dossier.sandbox.inert_xml import parse_xml


def test_a_plain_svg_is_parsed() -> None:
    root = parse_xml(
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b'<rect width="4" height="4" fill="#123456"/></svg>'
    )
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("width") == "10"
    assert [child.get("fill") for child in root] == ["#123456"]


def test_the_xml_declaration_and_encoding_are_honoured() -> None:
    data = '<?xml version="1.0" encoding="UTF-8"?><style><title>Стиль</title></style>'
    root = parse_xml(data.encode())
    assert root.findtext("title") == "Стиль"


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<svg xmlns="http://www.w3.org/2000/svg"><text>&lol4;</text></svg>"""


def test_billion_laughs_is_refused() -> None:
    with pytest.raises(ValueError, match="DOCTYPE"):
        parse_xml(BILLION_LAUGHS)


def test_an_external_entity_is_refused_and_the_file_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    xxe = (
        f'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>'
    ).encode()
    with pytest.raises(ValueError) as caught:
        parse_xml(xxe)
    assert "DOCTYPE" in str(caught.value)
    assert "TOP-SECRET-CONTENT" not in str(caught.value)


def test_an_external_dtd_is_refused() -> None:
    data = (
        b'<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
        b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd"><svg/>'
    )
    with pytest.raises(ValueError, match="remove it"):
        parse_xml(data)


def test_a_parameter_entity_pointing_outside_is_refused(tmp_path: Path) -> None:
    data = (f'<!DOCTYPE r [<!ENTITY % p SYSTEM "file://{tmp_path}/x.dtd"> %p;]><r/>').encode()
    with pytest.raises(ValueError):
        parse_xml(data)


@pytest.mark.parametrize(
    "data",
    [b"", b"<svg>", b"<a></b>", b"not xml at all", b"<a>&undefined;</a>"],
)
def test_malformed_xml_is_a_value_error_saying_so(data: bytes) -> None:
    with pytest.raises(ValueError, match="not well-formed XML"):
        parse_xml(data)


def test_an_xinclude_is_not_processed(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    data = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xi="http://www.w3.org/2001/XInclude">'
        f'<xi:include href="file://{secret}" parse="text"/></svg>'
    ).encode()
    from lxml import etree

    root = parse_xml(data)
    assert b"TOP-SECRET-CONTENT" not in etree.tostring(root)


def test_even_an_empty_doctype_is_refused() -> None:
    with pytest.raises(ValueError, match="<!DOCTYPE> declaration"):
        parse_xml(b"<!DOCTYPE svg><svg/>")
