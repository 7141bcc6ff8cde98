"""Turn an int8 ("fast"/integer) Tesseract LSTM model into a float one that lstmtraining can continue from.

lstmtraining refuses integer models. Debian's `urd` model is tessdata_best's network stored as int8 weights with
one scale per output row, so the float network is recovered exactly (up to the int8 rounding) by multiplying each
weight by its row scale, writing the matrix in the float layout and clearing the recognizer's int-mode flag.

The file format is Tesseract 5's serialization (src/lstm/network.cpp, plumbing.cpp, lstm.cpp, fullyconnected.cpp,
weightmatrix.cpp, lstmrecognizer.cpp): little-endian, strings as uint32 length + bytes, 2-D arrays as
uint32 dim1, uint32 dim2, one "empty" element and dim1*dim2 elements.

Usage: python float_model.py INT.lstm FLOAT.lstm
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

INT8_FLAG, ADAM_FLAG, DOUBLE_FLAG = 1, 4, 128
TF_INT_MODE = 1
TS_ENABLED = 1
NF_LAYER_SPECIFIC_LR = 64
PLUMBING = {"Parallel", "Replicated", "ParBidiLSTM", "DepParUDLSTM", "Par2dLSTM", "Series", "RTLReversed",
            "TTBReversed", "XReversed", "YReversed", "XYTranspose"}
LSTMS = {"LSTM", "SummLSTM", "LSTMSoftmax", "LSTMBinarySoftmax"}
FULLY_CONNECTED = {"Logistic", "LinLogistic", "LinTanh", "Tanh", "Relu", "Linear", "Softmax", "SoftmaxNoCTC"}


class Reader:
    """Sequential reader over the model bytes that copies (or replaces) what it reads into `out`."""

    def __init__(self, data: bytes) -> None:
        self.data, self.pos, self.out = data, 0, bytearray()

    def take(self, fmt: str, copy: bool = True):
        size = struct.calcsize("<" + fmt)
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        if copy:
            self.out += self.data[self.pos:self.pos + size]
        self.pos += size
        return values if len(values) > 1 else values[0]

    def string(self) -> str:
        length = self.take("I")
        text = self.data[self.pos:self.pos + length]
        self.out += text
        self.pos += length
        return text.decode("utf-8")


def network(r: Reader, counts: dict[str, int]) -> None:
    """Copy one serialized network (recursively), converting every weight matrix to float."""
    marker = r.take("b")
    if marker != 0:
        raise ValueError(f"old-style network header {marker} at {r.pos}: not supported")
    kind = r.string()
    training = r.take("b")
    r.take("b")  # needs_to_backprop
    flags = r.take("i")
    ni, no, _weights = r.take("iii")
    r.string()  # name
    is_training = training == TS_ENABLED
    if kind in PLUMBING:
        for _ in range(r.take("I")):
            network(r, counts)
        if flags & NF_LAYER_SPECIFIC_LR:
            for _ in range(r.take("I")):
                r.take("f")
    elif kind == "Input":
        r.take("iiiii")  # StaticShape: batch, height, width, depth, loss type
    elif kind in ("Convolve", "Maxpool", "Reconfig"):
        r.take("ii")  # Convolve: half_x, half_y; Reconfig/Maxpool: x_scale, y_scale
    elif kind in FULLY_CONNECTED:
        weight_matrix(r, is_training, counts)
    elif kind in LSTMS:
        na = r.take("i")
        nf = no if kind == "LSTMSoftmax" else 0
        if kind == "LSTMBinarySoftmax":
            raise ValueError("LSTMBinarySoftmax is not supported")
        ns = weight_matrix(r, is_training, counts)  # CI: its rows are the LSTM's states
        two_d = na - nf == ni + 2 * ns
        for _ in range(3 if not two_d else 4):  # GI, GF1, GO (+ GFS when 2-D)
            weight_matrix(r, is_training, counts)
        if kind == "LSTMSoftmax":
            network(r, counts)
    else:
        raise ValueError(f"network type {kind!r} is not supported")
    counts[kind] = counts.get(kind, 0) + 1


def weight_matrix(r: Reader, training: bool, counts: dict[str, int]) -> int:
    """Copy one WeightMatrix as float (doubles); return its number of rows."""
    mode = r.take("B", copy=False)
    if not mode & DOUBLE_FLAG:
        raise ValueError("pre-4.0 weight format is not supported")
    if not mode & INT8_FLAG:
        # Already float: copy the matrix (and training state) verbatim.
        r.out += bytes([mode])
        rows, cols = r.take("II")
        r.take("d")
        r.take(f"{rows * cols}d")
        if training:
            for _ in range(2 if mode & ADAM_FLAG else 1):
                urows, ucols = r.take("II")
                r.take("d")
                r.take(f"{urows * ucols}d")
        return rows
    rows, cols = r.take("II", copy=False)
    r.take("b", copy=False)
    ints = r.take(f"{rows * cols}b", copy=False)
    ints = ints if isinstance(ints, tuple) else (ints,)
    nscales = r.take("I", copy=False)
    if nscales != rows:
        raise ValueError(f"{nscales} scales for {rows} rows")
    scales = [r.take("d", copy=False) for _ in range(rows)]
    r.out += bytes([(mode & ~INT8_FLAG) & 0xFF])
    r.out += struct.pack("<IId", rows, cols, 0.0)
    floats = [ints[i * cols + j] * scales[i] for i in range(rows) for j in range(cols)]
    r.out += struct.pack(f"<{rows * cols}d", *floats)
    if training:  # a training network also stores its update (and Adam) matrices: start them at zero
        for _ in range(2 if mode & ADAM_FLAG else 1):
            r.out += struct.pack("<IId", rows, cols, 0.0) + bytes(8 * rows * cols)
    counts["matrices"] = counts.get("matrices", 0) + 1
    return rows


def convert(data: bytes) -> tuple[bytes, dict[str, int]]:
    """The float form of a serialized LSTMRecognizer whose charsets are in separate traineddata components."""
    r = Reader(data)
    counts: dict[str, int] = {}
    network(r, counts)
    r.string()  # network spec
    flags = r.take("i", copy=False)
    r.out += struct.pack("<i", flags & ~TF_INT_MODE)
    r.out += data[r.pos:]  # iterations, null char, adam beta, learning rate, momentum
    return bytes(r.out), counts


def main() -> None:
    source, target = Path(sys.argv[1]), Path(sys.argv[2])
    data, counts = convert(source.read_bytes())
    target.write_bytes(data)
    print(f"{target}: {len(data)} bytes, {counts}")


if __name__ == "__main__":
    main()
