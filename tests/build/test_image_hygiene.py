"""Images reach no output with identifying metadata: the EPUB packs them stripped, the PDF
draws them stripped, `dossier check` warns, `dossier scrub` cleans the project's copies, an
archive edition refuses to attach an unscrubbed image, and the audit looks again."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner
from metadata_images import MAKERS, traces
from PIL import Image

from dossier import build
from dossier.cli import main
from dossier.errors import DossierError
from dossier.sandbox.images import identifying_metadata, strip_metadata

from conftest import copy_project, editions_project

FORMATS = list(MAKERS)  # jpg, png, webp, gif, svg


def add_images(root: Path) -> dict[str, bytes]:
    """Put one image of each format, full of metadata, into a section (with alt text)."""
    folder = root / "sections" / "images"
    images = {}
    for fmt, make in MAKERS.items():
        images[fmt] = make()
        (folder / f"photo.{fmt}").write_bytes(images[fmt])
    story = root / "sections" / "02-story.md"
    lines = [f"![A test picture stored as {fmt.upper()}](images/photo.{fmt})" for fmt in MAKERS]
    story.write_text(story.read_text() + "\n\n" + "\n\n".join(lines) + "\n")
    return images


def pieces(path: Path) -> Iterator[tuple[str, bytes]]:
    """The raw file, every EPUB member, every PDF stream (decoded where the filter is a
    general one; a JPEG stays as its bytes) and every PDF attachment."""
    data = path.read_bytes()
    yield path.name, data
    if path.suffix == ".epub":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in archive.namelist():
                yield name, archive.read(name)
    else:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            for obj in pdf.objects:
                if isinstance(obj, pikepdf.Stream):
                    try:
                        yield f"object {obj.objgen[0]}", obj.read_bytes()
                    except pikepdf.PdfError:  # a JPEG (DCTDecode): its bytes as they are
                        yield f"object {obj.objgen[0]}", obj.read_raw_bytes()
            for name, spec in pdf.attachments.items():
                yield name, spec.get_file().read_bytes()


def assert_no_trace(path: Path) -> None:
    found = {name: t for name, piece in pieces(path) if (t := traces(piece))}
    assert found == {}


@pytest.fixture(scope="module")
def dirty(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    root = copy_project("minimal", tmp_path_factory.mktemp("dirty") / "minimal")
    return root, add_images(root)


@pytest.fixture(scope="module")
def outputs(dirty: tuple[Path, dict[str, bytes]], tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("dirty-out")
    return {o.format: o.path for o in build(dirty[0], output_dir=out)}


def test_check_warns_for_each_image(dirty: tuple[Path, dict[str, bytes]]) -> None:
    result = CliRunner().invoke(main, ["check", str(dirty[0])])
    assert result.exit_code == 0, result.output
    lines = {line.split(":")[0]: line for line in result.output.splitlines() if "metadata" in line}
    assert set(lines) == {f"sections/images/photo.{fmt}" for fmt in FORMATS}
    assert lines["sections/images/photo.jpg"].startswith(
        "sections/images/photo.jpg: warning: image carries identifying metadata "
        "(GPS position, author, camera make/model"
    )
    assert lines["sections/images/photo.jpg"].endswith("run `dossier scrub` to remove it")
    assert "editor file path" in lines["sections/images/photo.svg"]


@pytest.mark.parametrize("fmt", ["epub", "pdf"])
def test_outputs_carry_no_trace(outputs: dict[str, Path], fmt: str) -> None:
    assert_no_trace(outputs[fmt])


def test_epub_packs_the_stripped_images(
    outputs: dict[str, Path], dirty: tuple[Path, dict[str, bytes]]
) -> None:
    with zipfile.ZipFile(outputs["epub"]) as archive:
        for fmt, original in dirty[1].items():
            packed = archive.read(f"EPUB/project/sections/images/photo.{fmt}")
            assert packed == strip_metadata(original, f"photo.{fmt}") != original


def test_pdf_draws_every_image(outputs: dict[str, Path]) -> None:
    with pikepdf.open(outputs["pdf"]) as pdf:
        images = [
            o
            for o in pdf.objects
            if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == pikepdf.Name.Image
        ]
        jpegs = [o for o in images if o.get("/Filter") == pikepdf.Name.DCTDecode]
        assert len(images) >= 4 and jpegs  # the raster ones (the SVG is drawn as vectors)
        for jpeg in jpegs:
            assert identifying_metadata(jpeg.read_raw_bytes()) == []


def test_scrub_then_archive(tmp_path: Path) -> None:
    root = editions_project(tmp_path / "sample")
    originals = add_images(root)
    runner = CliRunner()

    # an archive attaches its sources as they are: it refuses the unscrubbed images
    with pytest.raises(DossierError) as refused:
        build(root, editions=["archive"], output_dir=tmp_path / "out")
    assert len(refused.value.problems) == 1
    message = str(refused.value)
    assert message.startswith("sections/images/photo.") and "run `dossier scrub`" in message
    assert not list((tmp_path / "out").glob("*.pdf"))

    dry = runner.invoke(main, ["scrub", "--dry-run", str(root)])
    assert dry.exit_code == 0, dry.output
    assert sum("would remove" in line for line in dry.output.splitlines()) == len(FORMATS)
    for fmt, data in originals.items():
        assert (root / "sections" / "images" / f"photo.{fmt}").read_bytes() == data

    done = runner.invoke(main, ["scrub", str(root)])
    assert done.exit_code == 0, done.output
    report = {line.split(":")[0]: line for line in done.output.splitlines() if "removed" in line}
    assert set(report) == {f"sections/images/photo.{fmt}" for fmt in FORMATS}
    assert "GPS position" in report["sections/images/photo.jpg"]
    for fmt, data in originals.items():
        cleaned = (root / "sections" / "images" / f"photo.{fmt}").read_bytes()
        assert cleaned == strip_metadata(data, f"photo.{fmt}") and traces(cleaned) == []
    jpeg = root / "sections" / "images" / "photo.jpg"
    with Image.open(jpeg) as after, Image.open(io.BytesIO(originals["jpg"])) as before:
        assert after.tobytes() == before.tobytes()
    assert not list((root / "sections" / "images").glob(".*"))  # no temporary file left

    again = runner.invoke(main, ["scrub", str(root)])
    assert again.exit_code == 0 and "0 image(s) cleaned" in again.output
    checked = runner.invoke(main, ["check", str(root)])
    assert "identifying metadata" not in checked.output

    (archive,) = [o.path for o in build(root, editions=["archive"], output_dir=tmp_path / "out")]
    assert_no_trace(archive)
    with pikepdf.open(archive) as pdf:
        attached = pdf.attachments["sections/images/photo.jpg"].get_file().read_bytes()
    assert attached == (root / "sections" / "images" / "photo.jpg").read_bytes()
    verified = runner.invoke(main, ["verify", str(archive)])
    assert verified.exit_code == 0, verified.output
