"""Which tests need ../shared, and "the sample set": ../shared/samples when it exists, else the committed demo set.

A clone of the repository alone has no ../shared. Tests that read it (the shared samples or real-world files, by
path or through the `samples` fixture) are skipped there one by one (failed in CI, where ../shared must exist), and
every other test runs. Tests whose assertions hold on any scans with known truth take `sample_set`, which is the
shared samples when present and demo/ with tests/fixtures/demo_truth.json otherwise.
"""

from __future__ import annotations

import ast
import functools
import inspect
import json
import re
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

SHARED_FIXTURES = {"samples", "ingested_samples"}
EITHER_FIXTURES = {"sample_set"}  # ../shared when present, else demo/: never a reason to skip
SHARED_NAMES = frozenset({"SAMPLES", "REALWORLD", "SHARED"})
_WORD = re.compile(r"\b\w+\b")


@dataclass(frozen=True)
class Scan:
    """One scan of the sample set with what it is known to hold."""

    path: Path
    language: str
    pages: int
    phrase: str  # a line of its text, as a clerk would search for it
    text_layer: bool = False  # a born-digital PDF: read without OCR, so quick to ingest


@dataclass(frozen=True)
class SampleSet:
    """The scans a test may run on, with their truth; `shared` says whether they are ../shared/samples."""

    folder: Path
    scans: tuple[Scan, ...]
    shared: bool

    def scan(self, language: str, multipage: bool = False) -> Scan:
        """The first image scan in `language` (OCR is what the tests exercise): one page, or with `multipage`
        more than one."""
        for scan in self.scans:
            if scan.language == language and (scan.pages > 1) == multipage and scan.path.suffix != ".pdf":
                return scan
        raise LookupError(f"no {'multi' if multipage else 'single'}-page {language} scan in {self.folder}")

    def quickest(self, language: str) -> Scan:
        """A one-page document in `language` that ingests fastest: a born-digital PDF when the set has one (the
        shared samples do), else an image scan."""
        for scan in self.scans:
            if scan.language == language and scan.pages == 1 and scan.text_layer:
                return scan
        return self.scan(language)


def shared_samples(folder: Path) -> SampleSet:
    """../shared/samples: each scan's `meta.json` and the first line of its ground truth."""
    scans = []
    for meta_path in sorted(folder.glob("*.meta.json")):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        first = (folder / meta["ground_truth"]).read_text(encoding="utf-8").splitlines()[0].strip()
        scans.append(Scan(folder / meta["file"], meta["language"], meta["pages"], first,
                          text_layer=meta.get("text_layer") == "all"))
    return SampleSet(folder, tuple(scans), shared=True)


def demo_samples(folder: Path, truth: Path) -> SampleSet:
    """demo/ with its truth (tests/fixtures/demo_truth.json); the file refused on purpose is left out."""
    records = json.loads(truth.read_text(encoding="utf-8"))
    scans = tuple(Scan(folder / name, t["language"], t["pages"], t["first_line"])
                  for name, t in sorted(records.items()) if not t.get("rejected"))
    return SampleSet(folder, scans, shared=False)


def needs_shared(item: pytest.Item, shared: Path) -> bool:
    """Whether a collected test reads ../shared: through a fixture that does, a parameter under it, or by naming
    SAMPLES / REALWORLD / SHARED (or a module constant made from them) in its body, in a fixture it uses or in a
    helper of its module it calls."""
    if SHARED_FIXTURES & set(item.fixturenames):
        return True
    callspec = getattr(item, "callspec", None)
    if callspec is not None and any(_under(value, shared) for value in callspec.params.values()):
        return True
    function = getattr(item, "function", None)
    if function is None:
        return False
    sources = [_source(function)]
    for name, defs in item._fixtureinfo.name2fixturedefs.items():
        if name not in EITHER_FIXTURES:  # the project's fixtures (a baseid), not pytest's own
            sources += [_source(d.func) for d in defs if d.baseid]
    module = inspect.getmodule(function)
    helpers = {name: obj for name, obj in vars(module).items()
               if inspect.isfunction(obj) and obj.__module__ == module.__name__ and not name.startswith("test_")}
    called = set(_WORD.findall(sources[0]))
    sources += [_source(obj) for name, obj in helpers.items() if name in called]
    tainted = _shared_constants(module)
    return any(tainted & set(_WORD.findall(source)) for source in sources)


@functools.cache
def _shared_constants(module: ModuleType) -> frozenset[str]:
    """SAMPLES, REALWORLD, SHARED and the module-level names assigned from them (FILES = ... REALWORLD.rglob ...),
    followed through later assignments."""
    tainted = set(SHARED_NAMES)
    assigns = [node for node in ast.parse(_source(module)).body if isinstance(node, (ast.Assign, ast.AnnAssign))]
    grew = True
    while grew:
        grew = False
        for node in assigns:
            used = {n.id for n in ast.walk(node.value) if isinstance(n, ast.Name)} if node.value else set()
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
            if used & tainted and not names <= tainted:
                tainted |= names
                grew = True
    return frozenset(tainted)


def _source(obj) -> str:
    try:
        return inspect.getsource(obj)
    except (OSError, TypeError):
        return ""


def _under(value, shared: Path) -> bool:
    """A parameter value that is (or holds) a path inside ../shared."""
    if isinstance(value, (list, tuple)):
        return any(_under(v, shared) for v in value)
    return isinstance(value, Path) and value.is_relative_to(shared)
