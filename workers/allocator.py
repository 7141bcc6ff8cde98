"""The C allocator of the processes that read pages: keep freed page-sized buffers for the next page.

Every page goes through a dozen full-page arrays (decoded scan, grey, cleaned, binarised, Tesseract's copies; 9-26 MB
each at 300 DPI). glibc's malloc serves blocks that large with mmap and gives them back on free, so the next array
faults its pages in again, zero-filled by the kernel: about 10,000 page faults a page, a tenth of the CPU of a read.
Served from the heap and kept there instead, they are reused: faults fall to about 2,000 a page and the reading CPU
by 6-8 % (measured over the 11 scanned sample pages in one process), for the same peak memory.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging

log = logging.getLogger("records.workers")

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameters (malloc.h)
MMAP_THRESHOLD = 32 << 20  # blocks below this come from the heap (glibc's largest allowed value on 64-bit)
TRIM_THRESHOLD = 128 << 20  # free memory kept at the heap's top: a few pages' worth of arrays


def keep_freed_memory() -> bool:
    """Set this process's malloc (and that of processes forked from it afterwards) to keep freed page buffers for
    reuse. Returns False where the C library is not glibc (nothing changes there)."""
    try:
        mallopt = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").mallopt
    except (OSError, AttributeError):
        return False
    done = mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1 and mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1
    if not done:
        log.warning("malloc settings not applied; pages are read with the C library's defaults")
    return done
