"""The pool of layout workers (`writers.pdf_chunks._Pool`): each job laid out once, by one
worker, however pools overlap; a worker that stops without a result is an error."""

from __future__ import annotations

import gc
import os
import time
from pathlib import Path
from typing import Any

import pytest
from test_parallel import sample_book

from dossier.writers import pdf_chunks
from dossier.writers.pdf_layout_cache import LayoutCache, Report

from conftest import copy_project


def fake_lay_out(renderer: Any, cache: LayoutCache, job: Any, keep: bool = True) -> Any:
    """Instead of WeasyPrint: note which process did the job, slowly for a "slow" one."""
    if "slow" in job.html:
        time.sleep(1.0 if job.html == "slow" else 2.5)
    (cache.folder / f"{job.key}-{os.getpid()}").write_text(job.html)
    return Report(1, {}, [], []), b"%PDF"


@pytest.fixture
def book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple:
    monkeypatch.setattr(pdf_chunks, "_lay_out", fake_lay_out)
    return sample_book(copy_project("minimal", tmp_path / "p"))


def test_a_pool_made_while_another_still_works_gets_its_own_jobs(
    book: tuple, tmp_path: Path
) -> None:
    """The first pool's counter of jobs taken must not be freed while its workers run (its
    memory would become the second pool's counter, and a late worker of the first would
    take the second pool's job)."""
    cache = LayoutCache(tmp_path / "cache", reuse=False)
    cache.folder.mkdir()
    first = pdf_chunks._Pool(
        book[0], book[2], 0, cache, [pdf_chunks._Job("fast", "a"), pdf_chunks._Job("slow", "b")]
    )
    results = first.results()
    next(results)  # the fast job; the slow one is still being laid out
    gc.collect()
    jobs = [pdf_chunks._Job("slower", "c"), pdf_chunks._Job("slower", "d")]
    second = pdf_chunks._Pool(book[0], book[2], 0, cache, [*jobs, pdf_chunks._Job("x", "e")])
    try:  # the first pool's slow worker finishes while the second pool's two are busy
        assert sorted(index for index, _, _ in second.results()) == [0, 1, 2]
        assert [index for index, _, _ in results] == [1]
    finally:
        first.close()
        second.close()
    done = sorted(p.name.split("-")[0] for p in cache.folder.glob("*-*"))
    assert done == ["a", "b", "c", "d", "e"]  # each job once


def test_a_worker_that_dies_is_an_error(book: tuple, tmp_path: Path) -> None:
    def die(*args: Any, **kwargs: Any) -> Any:
        os._exit(0)

    pdf_chunks._lay_out = die  # type: ignore[assignment]  # restored by monkeypatch
    cache = LayoutCache(tmp_path, reuse=False)
    pool = pdf_chunks._Pool(book[0], book[2], 0, cache, [pdf_chunks._Job("x", "k")])
    try:
        with pytest.raises(RuntimeError, match="stopped without a result"):
            list(pool.results())
    finally:
        pool.close()
