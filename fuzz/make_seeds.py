#!/usr/bin/env python3
"""Writes the fuzzers' seed corpus (committed in fuzz/corpus/): small model files, valid
and malformed, and small PNG frames of every colour type. Standard library only."""
import json, os, struct, zlib

here = os.path.dirname(os.path.abspath(__file__))

def safetensors(tensors, metadata, pad=True):
    header, data, offset = {}, b"", 0
    if metadata is not None:
        header["__metadata__"] = metadata
    for name, (shape, values) in sorted(tensors.items()):
        raw = struct.pack("<%df" % len(values), *values)
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [offset, offset + len(raw)]}
        data += raw
        offset += len(raw)
    h = json.dumps(header, separators=(",", ":")).encode()
    if pad:
        h += b" " * (-len(h) % 8)
    return struct.pack("<Q", len(h)) + h + data

def values(n, k=0.1):
    return [((i * 7919) % 13 - 6) * k for i in range(n)]

# A complete 4x4 lamp: latent 8, base 1x1, channels 4,2, one hidden RNN layer of 16.
meta = {"format": "duralava-model", "format_version": "1", "kind": "float", "latent_dim": "8",
        "frame_height": "4", "frame_width": "4", "generator.base": "1x1", "generator.channels": "4,2",
        "generator.kernel": "4", "generator.leaky_slope": "0.2", "generator.bn_epsilon": "0.001",
        "rnn.hidden": "16", "rnn.leaky_slope": "0.2", "rnn.noise_dim": "0", "rnn.residual": "true",
        "step_seconds": "0.2", "trained": "false"}
tensors = {
    "generator.tconv0.weight": ([1, 1, 4, 8], values(32)),
    "generator.bn0.gamma": ([4], [1.0] * 4), "generator.bn0.beta": ([4], [0.0] * 4),
    "generator.bn0.mean": ([4], [0.0] * 4), "generator.bn0.var": ([4], [1.0] * 4),
    "generator.tconv1.weight": ([4, 4, 2, 4], values(128)),
    "generator.tconv2.weight": ([4, 4, 3, 2], values(96)),
    "generator.tconv2.bias": ([3], [0.0, 0.1, -0.1]),
    "rnn.dense0.weight": ([16, 8], values(128)), "rnn.dense0.bias": ([16], values(16)),
    "rnn.dense1.weight": ([8, 16], values(128)), "rnn.dense1.bias": ([8], values(8)),
    "rnn.start_latents": ([2, 8], values(16, 1.0)),
}
good = safetensors(tensors, meta)
huge = dict(meta, **{"frame_height": "2048", "frame_width": "2048", "generator.base": "256x256",
                     "generator.channels": "1,8192,1"})
seeds = {
    "tiny-model.safetensors": good,
    "metadata-only.safetensors": safetensors({}, meta),
    "huge-activations.safetensors": safetensors({}, huge),
    "truncated.safetensors": good[:len(good) // 2],
    "duplicate-key.safetensors": struct.pack("<Q", 24) + b'{"a":{},"a":{}}         ',
    "not-json.safetensors": struct.pack("<Q", 8) + b"{[}]\x00\xff\"\\",
    "escapes.safetensors": safetensors({}, {"k\u00e9\n\"": "v\\u0041\ud83d\ude00"}, pad=False),
    "empty-header.safetensors": struct.pack("<Q", 2) + b"{}",
}
# corpus/model-file/tiny-int8.safetensors is the tiny model quantized by the converter (the int8
# loaders' seed): duralava-convert quantize --model fuzz/corpus/model-file/tiny-model.safetensors
#   --out fuzz/corpus/model-file/tiny-int8.safetensors --calibration-steps 200
out = os.path.join(here, "corpus", "model-file")
os.makedirs(out, exist_ok=True)
for name, b in seeds.items():
    open(os.path.join(out, name), "wb").write(b)

def png(width, height, colour, depth, rows, palette=None, trns=None):
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + r for r in rows)
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0))
    if palette: out += chunk(b"PLTE", palette)
    if trns: out += chunk(b"tRNS", trns)
    return out + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")

pngs = {
    "rgb-4x4.png": png(4, 4, 2, 8, [bytes(range(i * 12, i * 12 + 12)) for i in range(4)]),
    "grey16-3x2.png": png(3, 2, 0, 16, [b"\x00\x00\x80\x00\xff\xff"] * 2),
    "palette-2x2.png": png(2, 2, 3, 8, [b"\x00\x01", b"\x01\x00"], palette=b"\xff\x00\x00\x00\x00\xff", trns=b"\x80"),
    "rgba-1x1.png": png(1, 1, 6, 8, [b"\x10\x20\x30\x40"]),
    "grey1-8x1.png": png(8, 1, 0, 1, [b"\xa5"]),
}
out = os.path.join(here, "corpus", "png-frame")
os.makedirs(out, exist_ok=True)
for name, b in pngs.items():
    open(os.path.join(out, name), "wb").write(b)

# The trainer's footage cache (Trainer/Data/FrameCache.swift, version 2): 4x4 frames of the
# folder /footage, as fuzz/FrameCacheFuzzer.swift reads them.
def fnv1a64(b):
    h = 0xcbf29ce484222325
    for x in b:
        h = ((h ^ x) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h

def frame_cache(entries, folder="/footage", width=4, height=4):
    def text(s):
        b = s.encode()
        return struct.pack("<I", len(b)) + b
    body = text(folder)
    frames = b""
    for i, (name, problem) in enumerate(entries):
        body += text(name) + struct.pack("<QqqB", 100 + i, 1700000000 + i, i, 0 if problem else 1) + text(problem or "")
        if not problem:
            frames += bytes((i * 16 + k) % 256 for k in range(width * height * 3))
    body += frames
    frame_count = sum(1 for _, p in entries if not p)
    head = b"DLVCACHE" + struct.pack("<IIIII", 2, width, height, len(entries), frame_count)
    total = len(head) + 16 + len(body)
    return head + struct.pack("<QQ", total, fnv1a64(body)) + body

caches = {
    "two-frames.bin": frame_cache([("f1.png", None), ("f2.png", None)]),
    "frame-and-skipped.bin": frame_cache([("a.png", None), ("notes.txt", "not a PNG file")]),
    "empty.bin": frame_cache([]),
}
out = os.path.join(here, "corpus", "frame-cache")
os.makedirs(out, exist_ok=True)
for name, b in caches.items():
    open(os.path.join(out, name), "wb").write(b)
