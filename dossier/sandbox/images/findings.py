"""The words a finding of identifying metadata is reported in, most sensitive first, and
the error a container that cannot be walked raises."""

from __future__ import annotations

GPS = "GPS position"
AUTHOR = "author"
CAMERA = "camera make/model"
SERIAL = "camera serial number"
SETTINGS = "camera settings"
DATE = "date taken"
SOFTWARE = "software"
DESCRIPTION = "description"
COMMENT = "comment"
MAKER_NOTES = "maker notes"
THUMBNAIL = "embedded thumbnail or preview"
EXIF = "EXIF metadata"
XMP = "XMP metadata"
IPTC = "IPTC/Photoshop metadata"
TEXT = "text metadata"
MODIFIED = "date modified"
EDITOR_PATH = "editor file path"
EDITOR = "editor data"
SVG_METADATA = "SVG metadata"
TRAILER = "data after the end of the image"
OTHER = "other metadata"
DAMAGED = "metadata in a damaged file (cannot be scanned)"
#: the order findings are reported in (most sensitive first)
ORDER = [
    GPS,
    AUTHOR,
    CAMERA,
    SERIAL,
    DATE,
    EDITOR_PATH,
    COMMENT,
    DESCRIPTION,
    MAKER_NOTES,
    THUMBNAIL,
    SETTINGS,
    SOFTWARE,
    MODIFIED,
    XMP,
    IPTC,
    EXIF,
    TEXT,
    SVG_METADATA,
    EDITOR,
    TRAILER,
    OTHER,
    DAMAGED,
]


class Damaged(ValueError):
    """The file's container structure cannot be walked."""
