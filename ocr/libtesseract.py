"""Tesseract's C API in this process, through ctypes and Debian's libtesseract5 (installed with tesseract-ocr).

Used for orientation and script detection: the command line loads the 10 MB osd model again for every page (0.5 s
of CPU a page on the samples); an API kept per thread has it loaded once (0.2 s a page), with the same answers
(bench/page_profile.py; compared on every sample page).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os
import threading

import cv2
import numpy as np

from documents.errors import ProcessingFailed

# Fewer characters than the default 50 before OSD decides: same answers on the samples in half the time.
OSD_MIN_CHARACTERS = b"20"
_local = threading.local()


class LibraryMissing(ProcessingFailed):
    """libtesseract or its osd model cannot be loaded."""


def _load(name: str, package: str) -> ctypes.CDLL:
    path = ctypes.util.find_library(name)
    if path is None:
        raise LibraryMissing(f"The {name} library (Debian package {package}) is not installed on this server.")
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
    return lib


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
        api = lib.TessBaseAPICreate()
        if lib.TessBaseAPIInit3(api, None, b"osd") != 0:
            raise LibraryMissing("Tesseract's osd model is not installed (Debian package tesseract-ocr-osd).")
        lib.TessBaseAPISetVariable(api, b"min_characters_to_try", OSD_MIN_CHARACTERS)
        _local.osd = api
    return lib, api


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
        raise ProcessingFailed("Could not hand the page image to Tesseract for orientation detection.")
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
