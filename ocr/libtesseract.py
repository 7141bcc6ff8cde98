"""Tesseract's C API in this process, through ctypes and Debian's libtesseract5 (installed with tesseract-ocr).

Used for orientation and script detection and for the page reads: the command line starts a process and loads its
models again for every call (the 10 MB osd model alone cost 0.5 s of CPU a page; an API kept per thread has it
loaded once, 0.2 s a page). A page read here runs the very calls the `tesseract` program makes (`ProcessPages` with
the same renderers over the same PNG file), so text, word boxes, hOCR and the PDF are the program's own, compared on
every sample page by tests/test_ocr_library.py.
"""

from __future__ import annotations

import atexit
import ctypes
import ctypes.util
import functools
import os
import threading
from collections.abc import Iterable
from pathlib import Path

import cv2
import numpy as np

from documents.errors import ProcessingFailed

# Fewer characters than the default 50 before OSD decides: same answers on the samples in half the time.
OSD_MIN_CHARACTERS = b"20"
_local = threading.local()
_created: list[int] = []  # every API made, deleted at exit (else libtesseract warns of leaked models on stderr)
_created_lock = threading.Lock()


class LibraryMissing(ProcessingFailed):
    """libtesseract or its osd model cannot be loaded."""


def _load(name: str, package: str) -> ctypes.CDLL:
    path = ctypes.util.find_library(name)
    if path is None:
        raise LibraryMissing(f"The {name} library (Debian package {package}) is not installed on this server.",
                             "r_lib_missing", name=name, package=package)
    return ctypes.CDLL(path)


@functools.cache
def _library() -> ctypes.CDLL:
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # read when the library starts: one thread per page
    lib = _load("tesseract", "libtesseract5")
    handle, text, c_int, c_float = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.c_float
    lib.TessBaseAPICreate.restype = handle
    lib.TessBaseAPIInit3.argtypes = [handle, text, text]
    lib.TessBaseAPISetVariable.argtypes = [handle, text, text]
    lib.TessBaseAPISetImage2.argtypes = [handle, ctypes.c_void_p]
    lib.TessBaseAPIDetectOrientationScript.argtypes = [
        handle, ctypes.POINTER(c_int), ctypes.POINTER(c_float), ctypes.POINTER(text), ctypes.POINTER(c_float)]
    lib.TessBaseAPIDetectOrientationScript.restype = c_int
    lib.TessBaseAPIClear.argtypes = [handle]
    lib.TessBaseAPIDelete.argtypes = [handle]
    lib.TessBaseAPIGetDatapath.argtypes = [handle]
    lib.TessBaseAPIGetDatapath.restype = text
    lib.TessBaseAPISetPageSegMode.argtypes = [handle, c_int]
    lib.TessBaseAPISetOutputName.argtypes = [handle, text]
    lib.TessBaseAPIProcessPages.argtypes = [handle, text, text, c_int, handle]
    lib.TessBaseAPIProcessPages.restype = c_int
    for name in ("TessTsvRendererCreate", "TessHOcrRendererCreate"):
        getattr(lib, name).argtypes = [text]
        getattr(lib, name).restype = handle
    lib.TessPDFRendererCreate.argtypes = [text, text, c_int]
    lib.TessPDFRendererCreate.restype = handle
    lib.TessResultRendererInsert.argtypes = [handle, handle]
    lib.TessDeleteResultRenderer.argtypes = [handle]
    atexit.register(_delete_all)
    return lib


def _delete_all() -> None:
    with _created_lock:
        for api in _created:
            _library().TessBaseAPIDelete(api)
        _created.clear()


def _new_api(lib: ctypes.CDLL) -> int:
    api = lib.TessBaseAPICreate()
    with _created_lock:
        _created.append(api)
    return api


@functools.cache
def _leptonica() -> ctypes.CDLL:
    lept = _load("lept", "liblept5")
    lept.pixReadMem.argtypes = [ctypes.c_char_p, ctypes.c_size_t]
    lept.pixReadMem.restype = ctypes.c_void_p
    lept.pixSetResolution.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int]
    lept.pixDestroy.argtypes = [ctypes.POINTER(ctypes.c_void_p)]
    return lept


def _osd_api() -> tuple[ctypes.CDLL, int]:
    """This thread's API, initialised with the osd model (APIs are not thread-safe; pages run in threads too)."""
    lib = _library()
    api = getattr(_local, "osd", None)
    if api is None:
        api = _new_api(lib)
        if lib.TessBaseAPIInit3(api, None, b"osd") != 0:
            raise LibraryMissing("Tesseract's osd model is not installed (Debian package tesseract-ocr-osd).",
                                 "r_osd_missing")
        lib.TessBaseAPISetVariable(api, b"min_characters_to_try", OSD_MIN_CHARACTERS)
        _local.osd = api
    return lib, api


def _read_api(lang: str) -> tuple[ctypes.CDLL, int]:
    """This thread's API for `lang` (e.g. "vie+eng"), its models loaded on first use and kept."""
    lib = _library()
    apis = getattr(_local, "read", None)
    if apis is None:
        apis = _local.read = {}
    api = apis.get(lang)
    if api is None:
        api = _new_api(lib)
        if lib.TessBaseAPIInit3(api, None, lang.encode("ascii")) != 0:
            raise LibraryMissing(f"Tesseract's language data for '{lang}' is not installed on this server "
                                 "(Debian packages tesseract-ocr-<lang>).", "r_lang_missing", lang=lang)
        apis[lang] = api
    return lib, api


def preload(langs: Iterable[str]) -> None:
    """Load these models now (e.g. in an RQ worker before it forks a process per job: the children share them)."""
    _osd_api()
    for lang in langs:
        _read_api(lang)


def read_page(png: Path, outbase: Path, lang: str, *, psm: int, dpi: int, outputs: Iterable[str],
              variables: dict[str, str], timeout_s: int) -> None:
    """What `tesseract PNG OUTBASE -l LANG --psm PSM --dpi DPI -c NAME=VALUE... OUTPUTS` does, in this process:
    writes OUTBASE.tsv / .hocr / .pdf for `outputs` among "tsv", "hocr" and "pdf".

    Raises:
        LibraryMissing: libtesseract or the language data is not installed.
        ProcessingFailed: the page could not be read (or took longer than `timeout_s`).
    """
    lib, api = _read_api(lang)
    outputs = list(outputs)
    base = str(outbase).encode()
    # As the program: the renderer switches its config files set, the -c values, --dpi and --psm; every one set on
    # each call because the API is reused for pages read with other options.
    settings = {"tessedit_create_tsv": "tsv", "tessedit_create_hocr": "hocr", "tessedit_create_pdf": "pdf"}
    values = {name: "1" if out in outputs else "0" for name, out in settings.items()}
    values.update(hocr_font_info="0", user_defined_dpi=str(dpi), **variables)
    for name, value in values.items():
        if not lib.TessBaseAPISetVariable(api, name.encode(), value.encode()):
            raise ProcessingFailed(f"Tesseract does not know the setting {name}.", "r_tess_setting", name=name)
    lib.TessBaseAPISetPageSegMode(api, psm)
    lib.TessBaseAPISetOutputName(api, base)
    renderer = None
    makers = {"tsv": lambda: lib.TessTsvRendererCreate(base), "hocr": lambda: lib.TessHOcrRendererCreate(base),
              "pdf": lambda: lib.TessPDFRendererCreate(base, lib.TessBaseAPIGetDatapath(api), 0)}
    # Chained as the program chains them: the first renderer owns (and deletes) the ones inserted after it.
    for out in ("hocr", "pdf", "tsv"):
        if out in outputs:
            made = makers[out]()
            if not made:
                raise ProcessingFailed(f"Tesseract could not open {out} output for the page.", "r_tess_output", out=out)
            if renderer is None:
                renderer = made
            else:
                lib.TessResultRendererInsert(renderer, made)
    try:
        ok = lib.TessBaseAPIProcessPages(api, str(png).encode(), None, timeout_s * 1000, renderer)
    finally:
        if renderer is not None:
            lib.TessDeleteResultRenderer(renderer)  # closes (flushes) the output files
        lib.TessBaseAPIClear(api)
    if not ok:
        raise ProcessingFailed(f"Tesseract could not read the page (or took longer than {timeout_s} s).",
                               "r_tess_read", seconds=timeout_s)


def detect_orientation(image: np.ndarray, dpi: int) -> tuple[int, float, str, float] | None:
    """(clockwise degrees to turn the page upright, orientation confidence, script, script confidence) of an
    8-bit grey page; None when it has too little text to tell."""
    lib, api = _osd_api()
    lept = _leptonica()
    # Handed over as a PNG-decoded Pix carrying its resolution: with raw pixels OSD ignores the resolution it is
    # given and warns on stderr for every page.
    ok, png = cv2.imencode(".png", image, [cv2.IMWRITE_PNG_COMPRESSION, 1])
    pix = ctypes.c_void_p(lept.pixReadMem(png.tobytes(), png.size) if ok else None)
    if not pix.value:
        raise ProcessingFailed("Could not hand the page image to Tesseract for orientation detection.", "r_tess_osd")
    try:
        lept.pixSetResolution(pix, dpi, dpi)
        lib.TessBaseAPISetImage2(api, pix)
        degrees, orientation_conf = ctypes.c_int(), ctypes.c_float()
        script, script_conf = ctypes.c_char_p(), ctypes.c_float()
        found = lib.TessBaseAPIDetectOrientationScript(api, ctypes.byref(degrees), ctypes.byref(orientation_conf),
                                                       ctypes.byref(script), ctypes.byref(script_conf))
        lib.TessBaseAPIClear(api)  # drops its reference to the image before we free it
    finally:
        lept.pixDestroy(ctypes.byref(pix))
    if not found:
        return None
    # The API gives the page's orientation (counter-clockwise); the turn that makes it upright is the opposite.
    name = script.value.decode("ascii", "replace") if script.value else ""
    return (360 - degrees.value) % 360, float(orientation_conf.value), name, float(script_conf.value)
