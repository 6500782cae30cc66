"""VectorStore against both backends: embedded Chroma in a tmp folder and a real `chroma run` server.

Every test runs twice (`store_target` is parametrised); the server is started by the
`chroma_url` fixture (tests/chroma_server.py). Vectors are small hand-made unit vectors, so the
expected neighbours are known exactly.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

import qa.store as store_module
from qa.store import IndexMismatchError, StoreBusyError, VectorStore


@dataclass(frozen=True)
class Target:
    path: Path | None
    url: str | None

    def open(self, prefix: str, model: str = "test-model", dim: int = 3) -> VectorStore:
        return VectorStore.open(self.path, model=model, dim=dim, prefix=prefix, url=self.url)


@pytest.fixture(params=["embedded", pytest.param("server", marks=pytest.mark.server)])
def store_target(request: pytest.FixtureRequest, tmp_path: Path) -> Target:
    if request.param == "embedded":
        return Target(tmp_path / "chroma", None)
    return Target(None, request.getfixturevalue("chroma_url"))


@pytest.fixture
def prefix() -> str:
    """A fresh collection prefix: tests sharing the session's server never see each other."""
    return "t" + uuid.uuid4().hex[:10]


def unit(*xs: float) -> np.ndarray:
    v = np.asarray(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


def meta(doc_id: str, i: int) -> dict[str, object]:
    return {"doc_id": doc_id, "sha256": "h-" + doc_id, "index": i, "start": 10 * i, "end": 10 * i + 9}


def fill(store: VectorStore) -> None:
    """a.txt: two sentences near x and y; b.txt: one near z."""
    store.upsert(
        ["a.txt::s0", "a.txt::s1", "b.txt::s0"],
        np.stack([unit(1, 0.1, 0), unit(0, 1, 0.1), unit(0.1, 0, 1)]),
        [meta("a.txt", 0), meta("a.txt", 1), meta("b.txt", 0)],
    )


def test_query_returns_nearest_first_with_cosine_scores(store_target: Target, prefix: str) -> None:
    store = store_target.open(prefix)
    fill(store)
    hits = store.query(unit(0, 1, 0), k=2)
    assert [h.id for h in hits] == ["a.txt::s1", "a.txt::s0"]
    assert hits[0].score == pytest.approx(float(unit(0, 1, 0.1) @ unit(0, 1, 0)), abs=1e-5)
    assert hits[0].meta == meta("a.txt", 1)


def test_query_without_metadata_finds_the_same_hits_with_empty_meta(store_target: Target, prefix: str) -> None:
    store = store_target.open(prefix)
    fill(store)
    with_meta = store.query(unit(0, 1, 0), k=3)
    bare = store.query(unit(0, 1, 0), k=3, metadata=False)
    assert [(h.id, round(h.score, 6)) for h in bare] == [(h.id, round(h.score, 6)) for h in with_meta]
    assert all(h.meta == {} for h in bare) and all(h.meta for h in with_meta)


def test_query_asking_for_more_than_stored_returns_everything(store_target: Target, prefix: str) -> None:
    store = store_target.open(prefix)
    fill(store)
    assert {h.id for h in store.query(unit(1, 0, 0), k=50)} == {"a.txt::s0", "a.txt::s1", "b.txt::s0"}


def test_query_on_an_empty_store_returns_nothing(store_target: Target, prefix: str) -> None:
    store = store_target.open(prefix)
    assert store.query(unit(1, 0, 0), k=5) == []
    assert store.count() == 0


def test_delete_documents_removes_only_their_items(store_target: Target, prefix: str) -> None:
    store = store_target.open(prefix)
    fill(store)
    store.delete_documents(["a.txt"])
    assert store.count() == 1
    assert [h.id for h in store.query(unit(1, 0, 0), k=5)] == ["b.txt::s0"]


def test_upsert_replaces_items_with_the_same_id(store_target: Target, prefix: str) -> None:
    store = store_target.open(prefix)
    fill(store)
    store.upsert(["b.txt::s0"], unit(1, 0, 0).reshape(1, 3), [meta("b.txt", 7)])
    assert store.count() == 3
    assert store.query(unit(1, 0, 0), k=1)[0].meta["index"] == 7


def test_upsert_larger_than_one_write_batch_stores_everything(store_target: Target, prefix: str) -> None:
    store = store_target.open(prefix)
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(2345, 3)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    ids = [f"d.txt::s{i}" for i in range(len(vectors))]
    store.upsert(ids, vectors, [meta("d.txt", i) for i in range(len(vectors))])
    assert store.count() == len(vectors)
    assert store.query(vectors[1234], k=1)[0].id == "d.txt::s1234"


def test_vectors_returns_stored_vectors_and_leaves_out_missing_ids(store_target: Target, prefix: str) -> None:
    store = store_target.open(prefix)
    fill(store)
    got = store.vectors(["a.txt::s1", "nope::s0"])
    assert list(got) == ["a.txt::s1"]
    np.testing.assert_allclose(got["a.txt::s1"], unit(0, 1, 0.1), atol=1e-6)
    assert store.vectors([]) == {}


def test_vectors_can_be_limited_to_one_version_of_a_document(store_target: Target, prefix: str) -> None:
    store = store_target.open(prefix)
    fill(store)
    ids = ["a.txt::s0", "a.txt::s1"]
    assert sorted(store.vectors(ids, where={"sha256": "h-a.txt"})) == ids
    assert store.vectors(ids, where={"sha256": "another version"}) == {}


def test_drop_unused_deletes_the_chunk_collection_of_older_versions(store_target: Target, prefix: str) -> None:
    store = store_target.open(prefix)
    fill(store)
    store._client.create_collection(f"{prefix}_chunks", embedding_function=None)  # as older versions wrote
    assert store.drop_unused() == [f"{prefix}_chunks"]
    assert store.drop_unused() == []
    names = {c.name for c in store._client.list_collections()}
    assert f"{prefix}_chunks" not in names and f"{prefix}_sentences" in names
    assert store.count() == 3


def test_reopening_finds_what_was_written(store_target: Target, prefix: str) -> None:
    fill(store_target.open(prefix))
    again = store_target.open(prefix)
    assert again.count() == 3


def test_prefixes_keep_indexes_apart(store_target: Target, prefix: str) -> None:
    fill(store_target.open(prefix))
    other = store_target.open(prefix + "x")
    assert other.count() == 0
    assert other.query(unit(1, 0, 0), k=3) == []


def test_opening_with_another_model_is_refused(store_target: Target, prefix: str) -> None:
    fill(store_target.open(prefix))
    with pytest.raises(IndexMismatchError, match="other-model"):
        store_target.open(prefix, model="other-model")
    with pytest.raises(IndexMismatchError):
        store_target.open(prefix, dim=4)


def test_open_without_folder_or_url_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="Chroma folder or a Chroma server URL"):
        VectorStore.open(None, model="m", dim=3, prefix="p")


def test_a_url_without_scheme_reaches_the_server(chroma_url: str, prefix: str) -> None:
    bare = chroma_url.removeprefix("http://")
    store = VectorStore.open(None, model="test-model", dim=3, prefix=prefix, url=bare)
    fill(store)
    assert VectorStore.open(None, model="test-model", dim=3, prefix=prefix, url=chroma_url).count() == 3


def test_a_server_that_is_not_running_is_a_one_line_error(prefix: str) -> None:
    from chroma_server import free_port

    with pytest.raises(ConnectionError, match="cannot reach the Chroma server at http://127.0.0.1:"):
        VectorStore.open(None, model="m", dim=3, prefix=prefix, url=f"http://127.0.0.1:{free_port()}")


# -- a second process writing the embedded store ------------------------------------------------

WRITER = """
import sys
import numpy as np
from pathlib import Path
from qa.store import VectorStore

path, prefix = Path(sys.argv[1]), sys.argv[2]
store = VectorStore.open(path, model="test-model", dim=3, prefix=prefix)
store.upsert(["c.txt::s0", "c.txt::s1"], np.array([[0, 0.6, 0.8], [0.6, 0.8, 0]], dtype=np.float32),
             [{"doc_id": "c.txt", "index": 0}, {"doc_id": "c.txt", "index": 1}])
"""


def write_from_another_process(path: Path, prefix: str) -> None:
    """Two items near y/z and x/y under c.txt, written by a real second Python process."""
    root = Path(__file__).resolve().parents[1]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")])))
    subprocess.run([sys.executable, "-c", WRITER, str(path), prefix], check=True, env=env, timeout=120)


def test_items_another_process_wrote_after_opening_are_read_after_a_reopen(
    tmp_path: Path, prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the reopen, chromadb's embedded client raises `InternalError: Error finding id` on
    ids written by another process since it opened, on every later try, and its queries never see
    them. The quiet window is set to 0 here: the writer has exited, nothing else writes."""
    monkeypatch.setattr(store_module, "WRITER_QUIET_S", 0.0)
    store = Target(tmp_path / "chroma", None).open(prefix)
    fill(store)
    assert list(store.vectors(["a.txt::s0"])) == ["a.txt::s0"]  # segments loaded
    write_from_another_process(tmp_path / "chroma", prefix)
    got = store.vectors(["c.txt::s0", "a.txt::s1"])
    assert sorted(got) == ["a.txt::s1", "c.txt::s0"]
    np.testing.assert_allclose(got["c.txt::s0"], [0, 0.6, 0.8], atol=1e-6)
    assert store.query(unit(0, 0.6, 0.8), k=1)[0].id == "c.txt::s0"
    assert store.count() == 5


def test_a_stale_read_while_another_process_writes_is_a_busy_error_not_a_reopen(
    tmp_path: Path, prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reopening loads Chroma's HNSW files; doing it while another process rewrites them crashed
    the reader in a stress test. A folder written within the quiet window counts as busy (the
    window is made an hour long so the writer, which has just exited, is inside it)."""
    monkeypatch.setattr(store_module, "WRITER_QUIET_S", 3600.0)
    store = Target(tmp_path / "chroma", None).open(prefix)
    fill(store)
    store.vectors(["a.txt::s0"])
    write_from_another_process(tmp_path / "chroma", prefix)
    with pytest.raises(StoreBusyError, match="another process is writing this index"):
        store.vectors(["c.txt::s0"])
    assert list(store.vectors(["a.txt::s0"])) == ["a.txt::s0"]  # old items still read
