#!/usr/bin/python3
"""Independent Zarr v3 reader used as a test oracle (numpy + numcodecs only, no zarr-python v3).

Usage: read_v3.py STORE_ROOT ARRAY_PATH
Prints "<data_type> <dim0>,<dim1>,..." then one line per element (C order) holding the raw bits
of the element as an unsigned integer (so NaN payloads and -0.0 compare exactly).
Supports: regular grid, default/v2 chunk keys, codecs bytes, zstd, gzip, crc32c and
sharding_indexed (index at start or end, crc32c index) with those inner codecs.
"""
import json
import os
import struct
import sys

import numpy as np
import numcodecs


def _crc_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_TABLE = _crc_table()


def crc32c(data):
    c = 0xFFFFFFFF
    for b in data:
        c = _TABLE[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def decode_bytes_codecs(codecs, buf):
    for c in reversed(codecs):
        name = c["name"]
        if name == "zstd":
            buf = bytes(numcodecs.Zstd().decode(buf))
        elif name == "gzip":
            buf = bytes(numcodecs.GZip().decode(buf))
        elif name == "crc32c":
            stored = struct.unpack("<I", buf[-4:])[0]
            if crc32c(buf[:-4]) != stored:
                raise ValueError("crc32c mismatch")
            buf = buf[:-4]
        else:
            raise ValueError("unsupported codec " + name)
    return buf


def split(codecs):
    a2b = [i for i, c in enumerate(codecs) if c["name"] in ("bytes", "sharding_indexed")]
    if len(a2b) != 1 or any(c["name"] == "transpose" for c in codecs[: a2b[0]]):
        raise ValueError("unsupported codec chain")
    return codecs[a2b[0]], codecs[a2b[0] + 1:]


def decode_chunk(codecs, buf, dtype, shape):
    a2b, rest = split(codecs)
    buf = decode_bytes_codecs(rest, buf)
    if a2b["name"] != "bytes":
        raise ValueError("nested sharding unsupported")
    endian = a2b.get("configuration", {}).get("endian", "little")
    dt = np.dtype(dtype).newbyteorder("<" if endian == "little" else ">")
    arr = np.frombuffer(buf, dtype=dt)
    if arr.size != int(np.prod(shape)):
        raise ValueError("chunk size mismatch")
    return arr.reshape(shape).astype(np.dtype(dtype).newbyteorder("="))


def fill_of(meta, dtype):
    f = meta["fill_value"]
    if isinstance(f, str):
        if f.startswith("0x"):
            return np.frombuffer(int(f, 16).to_bytes(np.dtype(dtype).itemsize, "little"), dtype="<" + np.dtype(dtype).str[1:])[0]
        return {"NaN": np.nan, "Infinity": np.inf, "-Infinity": -np.inf}[f]
    return f


def read_array(root, path):
    """Reads the whole array at ROOT/PATH and returns (numpy array, metadata dict)."""
    base = os.path.join(root, path) if path else root
    with open(os.path.join(base, "zarr.json"), encoding="utf-8") as fh:
        meta = json.load(fh)
    assert meta["zarr_format"] == 3 and meta["node_type"] == "array"
    dtype = np.dtype(meta["data_type"])
    shape = tuple(meta["shape"])
    grid = tuple(meta["chunk_grid"]["configuration"]["chunk_shape"])
    kenc = meta["chunk_key_encoding"]
    sep = kenc.get("configuration", {}).get("separator", "/" if kenc["name"] == "default" else ".")
    fill = fill_of(meta, dtype)
    out = np.full(shape, fill, dtype=dtype)
    codecs = meta["codecs"]
    a2b, outer_rest = split(codecs)
    nchunks = [-(-s // c) for s, c in zip(shape, grid)]
    for idx in np.ndindex(*nchunks):
        key = sep.join(str(i) for i in idx)
        key = ("c" + sep + key) if kenc["name"] == "default" else key
        fn = os.path.join(base, *key.split("/"))
        if not os.path.exists(fn):
            continue
        with open(fn, "rb") as fh:
            raw = fh.read()
        if a2b["name"] == "bytes":
            chunk = decode_chunk(codecs, raw, dtype, grid)
        else:
            raw = decode_bytes_codecs(outer_rest, raw)
            conf = a2b["configuration"]
            inner = tuple(conf["chunk_shape"])
            per = [g // i for g, i in zip(grid, inner)]
            n = int(np.prod(per))
            icodecs = [c["name"] for c in conf["index_codecs"]]
            has_crc = "crc32c" in icodecs
            isize = 16 * n + (4 if has_crc else 0)
            at_end = conf.get("index_location", "end") == "end"
            index = raw[-isize:] if at_end else raw[:isize]
            if has_crc:
                stored = struct.unpack("<I", index[-4:])[0]
                if crc32c(index[:-4]) != stored:
                    raise ValueError("shard index crc32c mismatch in " + key)
                index = index[:-4]
            iend = conf["index_codecs"][0].get("configuration", {}).get("endian", "little")
            entries = np.frombuffer(index, dtype=("<u8" if iend == "little" else ">u8")).reshape(n, 2)
            chunk = np.full(grid, fill, dtype=dtype)
            for k, iidx in enumerate(np.ndindex(*per)):
                off, nb = int(entries[k][0]), int(entries[k][1])
                if off == 2**64 - 1 and nb == 2**64 - 1:
                    continue
                sub = decode_chunk(conf["codecs"], raw[off:off + nb], dtype, inner)
                sl = tuple(slice(i * s, (i + 1) * s) for i, s in zip(iidx, inner))
                chunk[sl] = sub
        sl = tuple(slice(i * g, min((i + 1) * g, s)) for i, g, s in zip(idx, grid, shape))
        crop = tuple(slice(0, x.stop - x.start) for x in sl)
        out[sl] = chunk[crop]
    return out, meta


def main():
    out, meta = read_array(sys.argv[1], sys.argv[2])
    dtype = out.dtype
    shape = out.shape
    bits = out.reshape(-1).view("u%d" % dtype.itemsize)
    sys.stdout.write("%s %s\n" % (meta["data_type"], ",".join(str(s) for s in shape)))
    sys.stdout.write("\n".join(str(int(v)) for v in bits.tolist()))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
