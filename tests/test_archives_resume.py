"""An approval interrupted half-way (the store fails while objects are being deleted) is finished by approving
again, and the destruction record still lists every destroyed object with the sha256 of its bytes."""

from __future__ import annotations

import hashlib

import pytest

from archives import disposition
from archives.dossiers import create_dossier
from archives.placement import move_to_dossier
from catalog import add_user, open_catalog
from changes.core import ChangeRefused, Editor
from documents.access import LOCAL_ADMIN
from documents.errors import TransientBackendError
from search_api.testing import seed_document
from settings import Settings
from storage.local import LocalStore
from workers.backends import open_backends


class FailingStore(LocalStore):
    """The real local store, failing every delete after the first `allowed` ones (a disk or network fault)."""

    def __init__(self, root, allowed: int) -> None:
        super().__init__(root)
        self.allowed = allowed

    def delete(self, key: str) -> None:
        if self.allowed <= 0:
            raise TransientBackendError("the store stopped answering")
        self.allowed -= 1
        super().delete(key)


def test_interrupted_approval_is_finished_and_fully_recorded(tmp_path) -> None:
    settings = Settings(home=tmp_path / "home", workers=1)
    backends = open_backends(settings)
    cat = open_catalog(settings)
    try:
        admins = {n: Editor(backends, cat, add_user(cat, n, "tinh-a", "admin")[0].principal, "test")
                  for n in ("admin1", "admin2")}
        local = Editor(backends, cat, LOCAL_ADMIN, "test")
        create_dossier(local, "HS-X", "Hồ sơ X", "tinh-a", retention=1, end_date="2001-01-01")
        ids = []
        for n in range(3):
            m = seed_document(backends, agency="tinh-a", title=f"X {n}", pages=[f"page {n}", "two"])
            move_to_dossier(local, m.id, "HS-X")
            ids.append(m.id)
        before = {k: hashlib.sha256(backends.store.get_bytes(k)).hexdigest()
                  for d in ids for k in backends.store.list(f"documents/{d}/")}
        proposal = disposition.propose(admins["admin1"], ["HS-X"], "expired")

        backends.store = FailingStore(settings.home / "store", allowed=15)  # dies inside the second document
        with pytest.raises(TransientBackendError):
            disposition.approve(admins["admin2"], proposal.id)
        backends.store = LocalStore(settings.home / "store")
        half = backends.store.get_json(f"archives/destructions/{disposition.get_proposal(local, proposal.id).record}"
                                       ".json")
        assert half["state"] == "destroying" and len(half["dossiers"][0]["documents"]) == 2
        with pytest.raises(ChangeRefused):  # the proposer cannot finish it either
            disposition.approve(admins["admin1"], proposal.id)

        record = disposition.approve(admins["admin2"], proposal.id)
        assert record["id"] == half["id"] and record["state"] == "complete"
        listed = {o["key"]: o["sha256"] for d in record["dossiers"] for doc in d["documents"] for o in doc["objects"]}
        assert listed == before
        assert all(list(backends.store.list(f"documents/{d}/")) == [] for d in ids)
        assert all(backends.index.get(d) is None for d in ids)
    finally:
        cat.close()
        backends.close()
