#!/usr/bin/env python3
"""Prints the (key, adjacency matrix, operations, trainable parameters) of every architecture in NASLib's nb101_dummy.pkl
as JSON lines, without numpy: numpy's pickled arrays are rebuilt from their raw bytes here, so the
NB101 hash test needs only python3.

Usage: nb101_pickle_specs.py PATH/nb101_dummy.pkl
"""
import json
import pickle
import struct
import sys


class FakeDtype:
    def __init__(self, kind, *_):
        self.kind = kind  # e.g. "i8", "O"

    def __setstate__(self, state):
        self.byteorder = state[1]


class FakeArray:
    def __init__(self, *_):
        self.values = None

    def __setstate__(self, state):
        _, shape, dtype, _, raw = state
        if dtype.kind[0] in "iu":
            size = int(dtype.kind[1:])
            code = {1: "b", 2: "h", 4: "i", 8: "q"}[size]
            count = len(raw) // size
            flat = list(struct.unpack("<" + code * count, raw))
        else:
            flat = list(raw)  # object arrays pickle their items as a list
        rows = shape[0] if shape else 1
        cols = len(flat) // rows if len(shape) == 2 else None
        self.values = [flat[r * cols:(r + 1) * cols] for r in range(rows)] if cols else flat


def reconstruct(cls, shape, dtype):
    return FakeArray()


class Unpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if module.startswith("numpy") and name == "_reconstruct":
            return reconstruct
        if module.startswith("numpy") and name == "ndarray":
            return FakeArray
        if module.startswith("numpy") and name == "dtype":
            return FakeDtype
        if module.startswith("numpy") and name == "scalar":
            return lambda dtype, raw: struct.unpack("<q", raw)[0] if len(raw) == 8 else raw
        return super().find_class(module, name)


def plain(x):
    return x.values if isinstance(x, FakeArray) else x


with open(sys.argv[1], "rb") as f:
    data = Unpickler(f).load()
for key, (fixed, _) in data.items():
    print(json.dumps({"key": key, "matrix": plain(fixed["module_adjacency"]),
                      "ops": plain(fixed["module_operations"]),
                      "params": plain(fixed["trainable_parameters"])}))
