#!/usr/bin/env python3
"""duralava's generator against ONNX Runtime on the same CPU, one thread each (issue 11).

Exports the float generator of a duralava model to ONNX (BatchNorm folded, ConvTranspose with
the same "same" padding), checks that ORT's frame equals duralava's on the latent duralava
dumps, quantizes the ONNX model to int8 with ORT's own tool, and times ORT float and int8
against `duralava bench` (float and int8 generator, full lamp step) in the same run.
Prints a Markdown table with the CPU line and the ratios the targets use.

    python3 Benchmarks/peer/peer.py [--runs 300] [--markdown FILE]

Exit status: 0 all checks passed (targets may be unmet: that is a measurement, not an error),
1 a check failed (ORT's float frame differs from ours by more than 1e-4, or the bench failed),
2 missing Python packages or bad arguments.
"""
import argparse
import collections
import json
import logging
import os
import struct
import subprocess
import sys
import tempfile
import time

PIP = "python3 -m pip install --break-system-packages numpy safetensors onnx onnxruntime"
try:
    import numpy as np
    import onnx
    import onnxruntime as ort
    from onnx import TensorProto, helper, numpy_helper
    from onnxruntime.quantization import (CalibrationDataReader, QuantFormat, QuantType,
                                          quantize_static)
    from safetensors.numpy import load_file
except ImportError as error:
    print(f"peer.py: missing Python package ({error.name}); install with:\n  {PIP}\n"
          f"(or `make peer`, which installs them)", file=sys.stderr)
    sys.exit(2)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FLOAT_TOLERANCE = 1e-4   # ORT float vs duralava float frame (issue 11)
EXPORT_TOLERANCE = 1e-5  # ONNX export vs the numpy reference of FORMAT.md's formula


# ---------------------------------------------------------------------------------------------
# The model file and the generator it describes (Runtime/FORMAT.md)

def read_model(path):
    """Tensors and the string metadata of a safetensors model file."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        meta = json.loads(f.read(n)).get("__metadata__", {})
    return load_file(path), meta


def folded_layers(tensors, meta):
    """The generator as (weight [kh,kw,cout,cin], bias, stride, pad) per layer, BatchNorm folded
    as Runtime/Kernels/BatchNormFolding.swift does: a = gamma/sqrt(var+eps)."""
    eps = float(meta.get("generator.bn_epsilon", "0.001"))
    count = len(meta["generator.channels"].split(",")) + 1
    layers = []
    for i in range(count):
        w = tensors[f"generator.tconv{i}.weight"].astype(np.float64)
        kh, kw, cout, _ = w.shape
        b = tensors.get(f"generator.tconv{i}.bias", np.zeros(cout)).astype(np.float64)
        if f"generator.bn{i}.gamma" in tensors:
            a = tensors[f"generator.bn{i}.gamma"] / np.sqrt(tensors[f"generator.bn{i}.var"].astype(np.float64) + eps)
            b = (b - tensors[f"generator.bn{i}.mean"]) * a + tensors[f"generator.bn{i}.beta"]
            w = w * a[None, None, :, None]
        # layer 0: kernel = stride = base on the 1x1 latent; then stride 2, p = floor((k-s)/2)
        stride = (kh, kw) if i == 0 else (2, 2)
        pad = ((kh - stride[0]) // 2, (kw - stride[1]) // 2)
        layers.append((w.astype(np.float32), b.astype(np.float32), stride, pad))
    return layers


def numpy_generator(layers, slope, z):
    """FORMAT.md's formula in float64, HWC: out[oy,ox,co] = bias + sum in[iy,ix,ci] w[ky,kx,co,ci]
    with oy = iy*s + ky - p; the reference the ONNX export is checked against."""
    x = np.asarray(z, np.float64).reshape(1, 1, -1)
    for i, (w, b, (sy, sx), (py, px)) in enumerate(layers):
        kh, kw, cout, _ = w.shape
        h, wd, _ = x.shape
        out = np.zeros((h * sy, wd * sx, cout)) + b
        for ky in range(kh):
            for kx in range(kw):
                contrib = x @ w[ky, kx].T.astype(np.float64)
                oy, ox = np.arange(h) * sy + ky - py, np.arange(wd) * sx + kx - px
                my, mx = (oy >= 0) & (oy < h * sy), (ox >= 0) & (ox < wd * sx)
                out[np.ix_(oy[my], ox[mx])] += contrib[np.ix_(my, mx)]
        x = np.where(out > 0, out, out * slope) if i < len(layers) - 1 else 1 / (1 + np.exp(-out))
    return x


def multiply_adds(layers):
    """Per frame: (every tap, including those 'same' padding drops at the border; the taps that land)."""
    nominal = landed = 0
    h = w_ = 1
    for w, _, (sy, sx), (py, px) in layers:
        kh, kw, cout, cin = w.shape
        nominal += h * w_ * kh * kw * cout * cin
        rows = sum(1 for iy in range(h) for ky in range(kh) if 0 <= iy * sy + ky - py < h * sy)
        cols = sum(1 for ix in range(w_) for kx in range(kw) if 0 <= ix * sx + kx - px < w_ * sx)
        landed += rows * cols * cout * cin
        h, w_ = h * sy, w_ * sx
    return nominal, landed


# ---------------------------------------------------------------------------------------------
# ONNX export. Two graphs of the same function:
#  "ConvTranspose": each layer one ConvTranspose, pads [p,p,p',p'] so output = input*stride
#                   (p' = k-s-p, equal to p for k=4, s=2). The graph the float check uses.
#  "sub-pixel Conv": each stride-2 layer as four 2x2 Convs (one per output phase) + Concat +
#                   DepthToSpace, layer 0 as a 1x1 Conv + DepthToSpace. Same multiply-adds,
#                   but only Conv, which ORT's quantizer does turn into integer QLinearConv;
#                   it has no integer ConvTranspose kernel on the CPU.

def _graph(nodes, inits, latent_dim, height, width, name):
    graph = helper.make_graph(
        nodes, name, [helper.make_tensor_value_info("z", TensorProto.FLOAT, [1, latent_dim, 1, 1])],
        [helper.make_tensor_value_info("frame", TensorProto.FLOAT, [1, 3, height, width])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                              producer_name="duralava peer.py")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def _activation(nodes, i, last, src, slope):
    out = "frame" if last else f"a{i}"
    nodes.append(helper.make_node("Sigmoid", [src], [out]) if last
                 else helper.make_node("LeakyRelu", [src], [out], alpha=slope))
    return out


def _init(inits, name, array):
    inits.append(numpy_helper.from_array(np.ascontiguousarray(array, np.float32), name))
    return name


def export_conv_transpose(layers, slope, latent_dim, height, width):
    nodes, inits, x = [], [], "z"
    for i, (w, b, (sy, sx), (py, px)) in enumerate(layers):
        kh, kw = w.shape[:2]
        nodes.append(helper.make_node(
            "ConvTranspose", [x, _init(inits, f"w{i}", w.transpose(3, 2, 0, 1)), _init(inits, f"b{i}", b)],
            [f"t{i}"], kernel_shape=[kh, kw], strides=[sy, sx],
            pads=[py, px, kh - sy - py, kw - sx - px]))
        x = _activation(nodes, i, i == len(layers) - 1, f"t{i}", slope)
    return _graph(nodes, inits, latent_dim, height, width, "duralava-generator-convtranspose")


def export_sub_pixel(layers, slope, latent_dim, height, width):
    nodes, inits, x = [], [], "z"
    for i, (w, b, (sy, sx), (py, px)) in enumerate(layers):
        kh, kw, cout, cin = w.shape
        if i == 0:
            # 1x1 input: channel (ky*kw + kx)*cout + co of a 1x1 Conv is out[co, ky, kx]
            nodes.append(helper.make_node(
                "Conv", [x, _init(inits, "w0", w.reshape(kh * kw * cout, cin, 1, 1)),
                         _init(inits, "b0", np.tile(b, kh * kw))], ["s0"], kernel_shape=[1, 1]))
            nodes.append(helper.make_node("DepthToSpace", ["s0"], ["t0"], blocksize=kh, mode="DCR"))
        else:
            if (kh, kw, sy, sx, py, px) != (4, 4, 2, 2, 1, 1):
                return None  # the phase split below is written for kernel 4, stride 2
            phases = []
            for ry in (0, 1):
                for rx in (0, 1):
                    # output row 2m+ry takes input rows m-1+ry+d (d = 0, 1) through ky = 3-ry-2d
                    wc = np.empty((cout, cin, 2, 2), np.float32)
                    for dy in (0, 1):
                        for dx in (0, 1):
                            wc[:, :, dy, dx] = w[3 - ry - 2 * dy, 3 - rx - 2 * dx]
                    name = f"p{i}_{ry}{rx}"
                    nodes.append(helper.make_node(
                        "Conv", [x, _init(inits, "w" + name, wc), _init(inits, "b" + name, b)], [name],
                        kernel_shape=[2, 2], pads=[1 - ry, 1 - rx, ry, rx]))
                    phases.append(name)
            nodes.append(helper.make_node("Concat", phases, [f"s{i}"], axis=1))
            nodes.append(helper.make_node("DepthToSpace", [f"s{i}"], [f"t{i}"], blocksize=2, mode="DCR"))
        x = _activation(nodes, i, i == len(layers) - 1, f"t{i}", slope)
    return _graph(nodes, inits, latent_dim, height, width, "duralava-generator-subpixel")


# ---------------------------------------------------------------------------------------------
# ONNX Runtime: sessions, timing, what the optimized graph runs

def session(path, optimized_path=None):
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3  # the "hardware-specific optimized model" warning
    if optimized_path:
        options.optimized_model_filepath = optimized_path
    return ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])


def ort_frame(sess, z):
    """HWC frame, like duralava's dump."""
    return sess.run(None, {"z": np.asarray(z, np.float32).reshape(1, -1, 1, 1)})[0][0].transpose(1, 2, 0)


def time_session(sess, z, runs, warmup):
    """Best and median ms of one frame. IO binding with a preallocated output keeps Python's
    share of each run to a few microseconds."""
    binding = sess.io_binding()
    binding.bind_cpu_input("z", np.asarray(z, np.float32).reshape(1, -1, 1, 1))
    shape = sess.get_outputs()[0].shape
    binding.bind_ortvalue_output("frame", ort.OrtValue.ortvalue_from_numpy(np.empty(shape, np.float32)))
    for _ in range(warmup):
        sess.run_with_iobinding(binding)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        sess.run_with_iobinding(binding)
        times.append(time.perf_counter() - start)
    return min(times) * 1e3, float(np.median(times)) * 1e3


INTEGER_OPS = ("QLinearConv", "QLinearConvTranspose", "ConvInteger", "QLinearMatMul", "MatMulInteger")
FLOAT_CONV_OPS = ("Conv", "ConvTranspose", "FusedConv")


def kernel_summary(optimized_path):
    """Which convolutions the optimized graph runs: integer kernels, or float ones (between
    DequantizeLinear and QuantizeLinear nodes when the quantizer's QDQ pairs were not fused)."""
    ops = collections.Counter(n.op_type for n in onnx.load(optimized_path).graph.node)
    integer = sum(c for op, c in ops.items() if op in INTEGER_OPS)
    floating = sum(c for op, c in ops.items() if op in FLOAT_CONV_OPS)
    text = ", ".join(f"{op}x{c}" for op, c in sorted(ops.items()) if op in INTEGER_OPS + FLOAT_CONV_OPS)
    return integer, floating, text


def integer_verdict(summary):
    integer, floating, _ = summary
    if integer and not floating:
        return "every convolution an integer kernel"
    if integer:
        return f"{integer} of {integer + floating} convolutions integer kernels, {floating} still float"
    return ("no integer kernel: ORT runs float convolutions between DequantizeLinear and "
            "QuantizeLinear (its CPU provider has no integer ConvTranspose)")


class Latents(CalibrationDataReader):
    def __init__(self, latents):
        self.feeds = iter([{"z": l.astype(np.float32).reshape(1, -1, 1, 1)} for l in latents])

    def get_next(self):
        return next(self.feeds, None)


def calibration_latents(tensors, latent_dim, count=64, seed=1):
    """The model's start latents (latents of real frames) where it has them, else N(0,1) latents
    renormalized to mean 0, std 1 (norm sqrt(latent_dim)) as the lamp's loop does."""
    if "rnn.start_latents" in tensors:
        return tensors["rnn.start_latents"][:count]
    z = np.random.default_rng(seed).standard_normal((count, latent_dim))
    return (z - z.mean(1, keepdims=True)) / z.std(1, keepdims=True)


# ---------------------------------------------------------------------------------------------
# duralava's side

def duralava_bench(binary, model, runs, seed, dump_dir, latent_dim, frame_values):
    command = [binary, "bench", "--model", model, "--frames", str(runs), "--seed", str(seed),
               "--json", "--dump", dump_dir]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as error:
        return None, f"{' '.join(command)}: {error}"
    if done.returncode != 0:
        return None, f"{' '.join(command)} exited {done.returncode}: {done.stderr.strip()[-800:]}"
    try:
        result = json.loads(done.stdout)
    except json.JSONDecodeError:
        return None, f"{' '.join(command)}: stdout is not one JSON object: {done.stdout[:300]!r}"
    missing = [k for k in ("generator_ms_best", "generator_ms_median", "step_ms_best", "step_ms_median")
               if not isinstance(result.get(k), (int, float))]
    if missing:
        return None, f"{' '.join(command)}: the JSON lacks {', '.join(missing)}"
    try:
        result["latent"] = np.fromfile(os.path.join(dump_dir, "latent.f32"), "<f4")
        result["frame"] = np.fromfile(os.path.join(dump_dir, "frame.f32"), "<f4")
    except OSError as error:
        return None, f"{' '.join(command)}: no dump ({error})"
    if result["latent"].size != latent_dim or result["frame"].size != frame_values:
        return None, (f"{' '.join(command)}: dumped {result['latent'].size} latent and {result['frame'].size} "
                      f"frame values, expected {latent_dim} and {frame_values}")
    return result, None


def cpu_line():
    model, flags = "unknown CPU", set()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key.strip() == "model name" and model == "unknown CPU":
                    model = value.strip()
                elif key.strip() == "flags" and not flags:
                    flags = set(value.split())
    except OSError:
        pass
    wanted = ["avx2", "fma", "avx512f", "avx512_vnni", "avx_vnni"]
    have = [f for f in wanted if f in flags]
    missing = [f for f in wanted if f not in flags]
    return (f"{model}, {os.cpu_count()} logical CPUs; flags: {' '.join(have) or 'none of interest'}"
            + (f" (no {', '.join(missing)})" if missing else ""))


# ---------------------------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=300, help="timed frames per measurement (default 300)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed ORT runs first (default 20)")
    parser.add_argument("--float-model", default=os.path.join(ROOT, "models/default.safetensors"))
    parser.add_argument("--int8-model", default=os.path.join(ROOT, "models/default-int8.safetensors"))
    parser.add_argument("--duralava", default=os.path.join(ROOT, ".build/release/duralava"),
                        help="the duralava binary (default .build/release/duralava)")
    parser.add_argument("--seed", type=int, default=1, help="seed passed to duralava bench")
    parser.add_argument("--markdown", help="also write the table to this file")
    parser.add_argument("--keep", help="keep the ONNX files in this directory")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    logging.getLogger().setLevel(logging.ERROR)  # the quantizer's "consider pre-processing" advice
    load = os.getloadavg()[0]

    tensors, meta = read_model(args.float_model)
    if meta.get("kind", "float") != "float":
        parser.error(f"{args.float_model} is not a float model")
    latent_dim = int(meta["latent_dim"])
    height, width = int(meta["frame_height"]), int(meta["frame_width"])
    slope = float(meta["generator.leaky_slope"])
    layers = folded_layers(tensors, meta)
    calib = calibration_latents(tensors, latent_dim)
    notes, failed = [], False
    if load >= 0.5:
        notes.append(f"load average {load:.2f} when the run started: something else was running, "
                     f"so the timings are noisier than on an idle machine")

    work = args.keep or tempfile.mkdtemp(prefix="duralava-peer-")
    os.makedirs(work, exist_ok=True)
    graphs = {"ConvTranspose": export_conv_transpose(layers, slope, latent_dim, height, width),
              "sub-pixel Conv": export_sub_pixel(layers, slope, latent_dim, height, width)}
    graphs = {k: v for k, v in graphs.items() if v is not None}
    paths = {}
    for name, model in graphs.items():
        paths[name] = os.path.join(work, "generator-" + name.replace(" ", "-").lower() + ".onnx")
        onnx.save(model, paths[name])

    # The export against FORMAT.md's formula, before any duralava binary is involved.
    float_sessions = {name: session(path) for name, path in paths.items()}
    for name, sess in float_sessions.items():
        diff = max(np.abs(ort_frame(sess, z) - numpy_generator(layers, slope, z)).max() for z in calib[:4])
        print(f"export check: ORT float ({name}) vs numpy reference, 4 latents: max |diff| {diff:.2e}")
        if diff > EXPORT_TOLERANCE:
            print(f"FAIL: the {name} export differs from the reference by more than {EXPORT_TOLERANCE}")
            failed = True

    # duralava bench, float and int8 (timed first, while the machine is as quiet as it gets).
    ours = {}
    for kind, model in (("float", args.float_model), ("int8", args.int8_model)):
        dump = os.path.join(work, "dump-" + kind)
        os.makedirs(dump, exist_ok=True)
        result, error = duralava_bench(args.duralava, model, args.runs, args.seed, dump,
                                       latent_dim, height * width * 3)
        if error:
            print(f"FAIL: duralava bench ({kind}): {error}")
            failed = True
        else:
            ours[kind] = result
    z_timing = ours["float"]["latent"] if "float" in ours else calib[0]

    # ORT float: both graphs timed; the faster is ORT's float figure.
    ort_float = {name: time_session(sess, z_timing, args.runs, args.warmup) for name, sess in float_sessions.items()}
    float_name = min(ort_float, key=lambda k: ort_float[k][1])
    for name, (best, median) in ort_float.items():
        notes.append(f"ORT float, {name} graph: best {best:.3f} ms, median {median:.3f} ms"
                     + (" (used)" if name == float_name else ""))

    # ORT int8: quantize_static on every graph x format x activation type; keep the fastest.
    int8_runs = {}
    for graph_name, path in paths.items():
        for fmt in (QuantFormat.QDQ, QuantFormat.QOperator):
            for act in (QuantType.QInt8, QuantType.QUInt8):
                label = f"{graph_name}, {'QDQ' if fmt == QuantFormat.QDQ else 'QOperator'}, " \
                        f"{'s8' if act == QuantType.QInt8 else 'u8'} activations / s8 weights"
                stem = os.path.join(work, f"{os.path.basename(path)[:-5]}-{fmt.name}-{act.name}")
                try:
                    quantize_static(path, stem + ".onnx", Latents(calib), quant_format=fmt,
                                    activation_type=act, weight_type=QuantType.QInt8, per_channel=False)
                    session(stem + ".onnx", stem + ".optimized.onnx")  # writes the optimized graph
                    sess = session(stem + ".onnx")
                    timing = time_session(sess, z_timing, args.runs, args.warmup)
                except Exception as error:  # an unsupported combination is a note, not a failure
                    notes.append(f"ORT int8, {label}: not run ({type(error).__name__}: {str(error)[:120]})")
                    continue
                int8_runs[label] = (timing, kernel_summary(stem + ".optimized.onnx"), sess)
    for label, ((best, median), summary, _) in int8_runs.items():
        notes.append(f"ORT int8, {label}: best {best:.3f} ms, median {median:.3f} ms; optimized graph "
                     f"convolutions: {summary[2]} ({integer_verdict(summary)})")
    int8_label = min(int8_runs, key=lambda k: int8_runs[k][0][1]) if int8_runs else None

    # Equality of frames on the latents duralava dumped.
    ct = float_sessions["ConvTranspose"]
    if "float" in ours:
        z, frame = ours["float"]["latent"], ours["float"]["frame"]
        for name, sess in float_sessions.items():
            diff = np.abs(ort_frame(sess, z).ravel() - frame).max()
            print(f"float check: ORT float ({name}) vs duralava float frame: max |diff| {diff:.2e} "
                  f"(limit {FLOAT_TOLERANCE:g})")
            if not diff <= FLOAT_TOLERANCE:
                print("FAIL: ORT's float frame is not duralava's")
                failed = True
        if ours["float"].get("multiply_adds") not in multiply_adds(layers):
            notes.append(f"duralava reports {ours['float'].get('multiply_adds')} multiply-adds per frame; "
                         f"the export counts {multiply_adds(layers)[0]} (every tap), {multiply_adds(layers)[1]} (taps inside the frame)")
    if "int8" in ours:
        z, frame = ours["int8"]["latent"], ours["int8"]["frame"]
        d = np.abs(ort_frame(ct, z).ravel() - frame)
        print(f"int8 check: duralava int8 frame vs ORT float frame: max |diff| {d.max():.4f}, mean {d.mean():.5f}")
        if int8_label:
            d = np.abs(ort_frame(int8_runs[int8_label][2], z).ravel() - frame)
            print(f"int8 check: duralava int8 frame vs ORT int8 frame:  max |diff| {d.max():.4f}, mean {d.mean():.5f}")
    if int8_label:
        z, where = (ours["int8"]["latent"], "the same latent") if "int8" in ours else (calib[0], "start latent 0")
        d = np.abs(ort_frame(int8_runs[int8_label][2], z) - ort_frame(ct, z))
        print(f"int8 check: ORT int8 frame vs ORT float frame ({where}): max |diff| {d.max():.4f}, mean {d.mean():.5f}")

    # The table.
    def row(label, t):
        return f"| {label} | {t[0]:.3f} | {t[1]:.3f} |" if t else f"| {label} | n/a | n/a |"

    def ours_t(kind, what):
        r = ours.get(kind)
        return (r[f"{what}_ms_best"], r[f"{what}_ms_median"]) if r else None

    o_float = ort_float[float_name]
    o_int8 = int8_runs[int8_label][0] if int8_label else None
    lines = [f"CPU: {cpu_line()}",
             f"ONNX Runtime {ort.__version__} (CPUExecutionProvider, 1 intra-op / 1 inter-op thread); "
             f"{args.runs} timed frames each, ORT after {args.warmup} warm-up runs; "
             f"{multiply_adds(layers)[0] / 1e6:.1f} M multiply-adds per frame",
             "",
             "| one thread | best ms | median ms |",
             "| --- | ---: | ---: |",
             row(f"ORT float generator ({float_name})", o_float),
             row(f"ORT int8 generator ({int8_label or 'n/a'})", o_int8),
             row("duralava float generator", ours_t("float", "generator")),
             row("duralava int8 generator", ours_t("int8", "generator")),
             row("duralava float full step", ours_t("float", "step")),
             row("duralava int8 full step", ours_t("int8", "step")),
             "",
             "| ratio of medians | value | target | |",
             "| --- | ---: | ---: | --- |"]

    def ratio(label, a, b, target=None, at_most=True):
        goal = "–" if target is None else f"{'≤' if at_most else '≥'} {target}"
        if not a or not b:
            lines.append(f"| {label} | n/a | {goal} | not measured |")
            return
        value = a[1] / b[1]
        met = "–" if target is None else "met" if (value <= target if at_most else value >= target) else "not met"
        lines.append(f"| {label} | {value:.2f} | {goal} | {met} |")

    ratio("duralava float / ORT float", ours_t("float", "generator"), o_float, 1.0)
    ratio("duralava int8 / ORT float", ours_t("int8", "generator"), o_float, 0.5)
    ratio("duralava float / duralava int8", ours_t("float", "generator"), ours_t("int8", "generator"), 1.8, at_most=False)
    ratio("duralava int8 full step / duralava int8 generator", ours_t("int8", "step"), ours_t("int8", "generator"), 1.10)
    ratio("duralava int8 / ORT int8 (no target)", ours_t("int8", "generator"), o_int8)

    for kind, r in ours.items():
        notes.append(f"duralava {kind}: RNN + guards {r.get('loop_step_us_median', float('nan')):.1f} µs median "
                     f"per step; kernels: {r.get('kernels', '?')}, SIMD: {r.get('simd', '?')}")
    if int8_label:
        notes.append(f"ORT int8 kept (fastest median): {int8_label}: {integer_verdict(int8_runs[int8_label][1])}")
    table = "\n".join(lines)
    print()
    print(table)
    print()
    print("Notes:")
    for note in notes:
        print(f"- {note}")
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(table + "\n\nNotes:\n\n" + "".join(f"- {n}\n" for n in notes))
    if not args.keep:
        import shutil
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
