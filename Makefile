# duralava — `make run` shows the lamp, `make test` runs the test suite.
# Both install the missing Debian packages first (as root; otherwise they print the command).

SWIFT        ?= swift
CONFIG       ?= release
BIN          := .build/$(CONFIG)
# The lamp binary people run: the Swift runtime linked in (--static-swift-stdlib), so it needs
# no Swift installation and a render holds 3 MB less resident memory (docs/runtime.md).
LAMP         := .build-static/$(CONFIG)/duralava
BUILD_PKGS   := pkg-config libsdl2-dev libpng-dev zlib1g-dev libopenblas-dev
TEST_PKGS    := xvfb xauth ffmpeg python3 python3-pip
BOARD_PKGS   := gcc-aarch64-linux-gnu qemu-user-static binutils
# The browser build (wasi-libc) and its tests (node runs the wasm, headless Chromium the page).
WEB_PKGS     := wasi-libc binaryen python3
WEB_TEST_PKGS := nodejs chromium
MODEL        := $(firstword $(wildcard models/default.safetensors) models/untrained.safetensors)
OUT          ?= out

.PHONY: all build run render test check fuzz deps test-deps board board-deps web web-deps peer clean

all: build

# Installs whatever of $(1) is missing: with apt-get as root, else prints the exact command.
define ensure_packages
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null || exit 1; \
	  else \
	    echo "missing Debian packages:$$missing"; \
	    echo "run: sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi
endef

deps:
	$(call ensure_packages,$(BUILD_PKGS))

test-deps: deps
	$(call ensure_packages,$(TEST_PKGS) $(WEB_TEST_PKGS))
	@python3 -c "import numpy, safetensors" 2>/dev/null || \
	  python3 -m pip install -q numpy safetensors 2>/dev/null || \
	  python3 -m pip install -q --break-system-packages numpy safetensors

build: deps
	$(SWIFT) build -c $(CONFIG)
	$(SWIFT) build -c $(CONFIG) --product duralava --static-swift-stdlib --scratch-path .build-static

models/untrained.safetensors: | build
	mkdir -p models
	$(BIN)/duralava init-random --out $@ --seed 1

# Shows the lamp: a window where there is a display, otherwise an animated PNG.
run: build $(MODEL)
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY$$SDL_VIDEODRIVER" ]; then \
	  $(LAMP) run --model $(MODEL); \
	elif ls /dev/dri/card* >/dev/null 2>&1 && SDL_VIDEODRIVER=kmsdrm $(LAMP) run --model $(MODEL); then \
	  :; \
	else \
	  mkdir -p $(OUT) && $(LAMP) render --model $(MODEL) --steps 150 --between 3 --scale 4 --out $(OUT)/lamp.png && \
	  echo "no display here: the lamp is in $(OUT)/lamp.png (an animated PNG; open it in a browser)"; \
	fi

test: test-deps board web
	$(SWIFT) build -c $(CONFIG)
	$(SWIFT) test -c $(CONFIG)

# The lamp for 64-bit Raspberry Pi OS (aarch64), built here with Embedded Swift from the same
# Runtime sources (Runtime/Board/Embedded/cross-build.sh): out/board/duralava. The tests run it under
# qemu-aarch64-static (Tests/RuntimeTests/BoardEmulationTests.swift).
board-deps:
	$(call ensure_packages,$(BOARD_PKGS))

board: board-deps
	Runtime/Board/Embedded/cross-build.sh
	$(call ensure_packages,libsdl2-2.0-0:arm64)

# The lamp in a browser (docs/web.md), built with Embedded Swift for WebAssembly from the same
# Runtime sources (Runtime/Web/build.sh): out/web/ holds index.html, lamp.js, duralava.wasm and
# the int8 model (serve the folder), and lamp.html, the same page in one file. The tests run the
# wasm under node and the page in headless Chromium (Tests/RuntimeTests/WebTests.swift).
WEB_SOURCES := $(wildcard Runtime/Kernels/*.swift Runtime/Library/*.swift Runtime/Display/*.swift Runtime/SIMD/*.c \
                 Runtime/SIMD/*.h Runtime/SIMD/include/*.h Runtime/CPosix/*.c Runtime/CPosix/include/*.h Runtime/Web/* \
                 Runtime/Board/Embedded/*.c) models/default-int8.safetensors
web-deps:
	$(call ensure_packages,$(WEB_PKGS))

web: web-deps $(OUT)/web/lamp.html

$(OUT)/web/lamp.html: $(WEB_SOURCES)
	OUT=$(OUT)/web Runtime/Web/build.sh

# The model-file and PNG tests, the optimized kernels (C code reading padded buffers) and the
# threaded animator again in a debug build under AddressSanitizer (docs/reliability.md): a
# missed bounds check is a report here, not a quiet out-of-bounds read. swiftc has no UndefinedBehaviorSanitizer for Swift code on Linux
# ("unsupported option '-sanitize=undefined'"); Swift's own overflow, bounds and conversion
# traps, on in every build now, cover that class. Leak reports are off: the leaks found are
# XCTest's own. A separate build folder, so the normal build is untouched.
CHECK_TESTS := SafetensorsTests|ModelLimitsTests|FuzzCorpusTests|OutputPathTests|APNGTests|PNGReaderTests|PNGSizeLimitTests|FrameDirectoryTests|FrameDirectoryNoticeTests|PackedTransposedConv2DTests|Int8PackedTransposedConv2DTests|PackedDenseTests|ThreadedAnimatorTests
check: test-deps
	ASAN_OPTIONS=detect_leaks=0 $(SWIFT) test --sanitize=address --scratch-path .build-asan --filter '$(CHECK_TESTS)'

# libFuzzer on the model-file reader and the PNG frame reader (docs/reliability.md):
# 10^6 model files and 10^5 PNG frames by default, a few minutes.
FUZZ_RUNS ?= 1000000
fuzz: deps
	fuzz/run.sh $(FUZZ_RUNS)

# ONNX Runtime as a peer on this CPU (Benchmarks/peer/README.md): checks that ORT's frame is
# ours, then times ORT float and int8 against our generator and lamp step, one thread each.
# Extra options through PEER_ARGS, e.g. PEER_ARGS="--runs 1000 --markdown peer.md".
PEER_ARGS ?=
peer: build
	$(call ensure_packages,python3 python3-pip)
	@python3 -c "import numpy, safetensors, onnx, onnxruntime" 2>/dev/null || \
	  python3 -m pip install -q numpy safetensors onnx onnxruntime 2>/dev/null || \
	  python3 -m pip install -q --break-system-packages numpy safetensors onnx onnxruntime
	python3 Benchmarks/peer/peer.py --duralava $(LAMP) $(PEER_ARGS)

clean:
	rm -rf .build .build-static .build-asan .build-ubsan .build-fuzz $(OUT)
