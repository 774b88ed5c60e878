# duralava — `make run` shows the lamp, `make test` runs the test suite.
# Both install the missing Debian packages first (as root; otherwise they print the command).

SWIFT        ?= swift
CONFIG       ?= release
BIN          := .build/$(CONFIG)
# The lamp binary people run: the Swift runtime linked in (--static-swift-stdlib), so it needs
# no Swift installation and a render holds 3 MB less resident memory (docs/runtime.md).
LAMP         := .build-static/$(CONFIG)/duralava
BUILD_PKGS   := pkg-config libsdl2-dev libpng-dev zlib1g-dev libopenblas-dev
TEST_PKGS    := xvfb xauth ffmpeg python3 python3-pip time
# The board: ARCH=arm64 (default, 64-bit Raspberry Pi OS), ARCH=armhf (32-bit) or ARCH=amd64 (the
# same Embedded build for x86-64), only as given on the command line (an ARCH in the environment, as some shells set, is not ours).
ARCH         := $(if $(filter command line,$(origin ARCH)),$(ARCH),arm64)
BOARD_GCC    := $(if $(filter armhf,$(ARCH)),gcc-arm-linux-gnueabihf,$(if $(filter amd64,$(ARCH)),gcc,gcc-aarch64-linux-gnu))
BOARD_PKGS   := $(BOARD_GCC) qemu-user-static binutils
DEB_PKGS     := dpkg-dev lintian
# The browser build (wasi-libc) and its tests (node runs the wasm, headless Chromium the page).
WEB_PKGS     := wasi-libc binaryen python3
WEB_TEST_PKGS := nodejs chromium
# The package version: 0.1.0 and the commit it was built from.
VERSION      ?= 0.1.0+git$(shell git log -1 --format=%cd.%h --date=format:%Y%m%d 2>/dev/null || echo 0)
MODEL        := $(firstword $(wildcard models/default.safetensors) models/untrained.safetensors)
OUT          ?= out

.PHONY: all build run render test check fuzz deps test-deps board boards board-deps deb web web-deps peer clean

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
	$(call ensure_packages,$(TEST_PKGS) $(DEB_PKGS) $(WEB_TEST_PKGS))
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

test: test-deps boards web
	$(SWIFT) build -c $(CONFIG)
	$(SWIFT) test -c $(CONFIG)

# The lamp for 64-bit Raspberry Pi OS (aarch64), built here with Embedded Swift from the same
# Runtime sources (Runtime/Board/Embedded/cross-build.sh): out/board/duralava; with ARCH=armhf
# the 32-bit one (Armv7-A hard-float, NEON): out/board-armhf/duralava. The tests run them under
# qemu-aarch64-static and qemu-arm-static (Tests/RuntimeTests/BoardEmulationTests.swift).
board-deps:
	$(call ensure_packages,$(BOARD_PKGS))

# Each board binary is rebuilt only when a source it is built from changed (make test builds all three).
BOARD_BIN_arm64 := out/board/duralava
BOARD_BIN_armhf := out/board-armhf/duralava
BOARD_BIN_amd64 := out/board-amd64/duralava
BOARD_SOURCES   := $(shell find Runtime/Kernels Runtime/Library Runtime/Output Runtime/Display Runtime/Board \
                     Runtime/SIMD Runtime/CPosix Runtime/CSDL2 -name '*.swift' -o -name '*.c' -o -name '*.h' 2>/dev/null)
out/board/duralava: BUILD_ARCH := arm64
out/board-armhf/duralava: BUILD_ARCH := armhf
out/board-amd64/duralava: BUILD_ARCH := amd64
out/board/duralava out/board-armhf/duralava out/board-amd64/duralava: $(BOARD_SOURCES) Runtime/Board/Embedded/cross-build.sh
	ARCH=$(BUILD_ARCH) Runtime/Board/Embedded/cross-build.sh

board: board-deps
	@$(MAKE) --no-print-directory $(BOARD_BIN_$(ARCH)) ARCH=$(ARCH)
	$(if $(filter arm64,$(ARCH)),$(call ensure_packages,libsdl2-2.0-0:arm64))

boards:
	$(MAKE) board ARCH=arm64
	$(MAKE) board ARCH=armhf
	$(MAKE) board ARCH=amd64

# Debian packages (packaging/deb/build-deb.sh): out/deb/duralava_VERSION_ARCH.deb for every
# board binary that has been built: arm64, armhf, and amd64 (`make board ARCH=amd64`: the same
# Embedded build for x86-64, libc and zlib only).
deb:
	$(call ensure_packages,$(DEB_PKGS))
	@rm -f $(OUT)/deb/duralava_*.deb; built=0; \
	for pair in arm64:out/board/duralava armhf:out/board-armhf/duralava amd64:out/board-amd64/duralava; do \
	  arch=$${pair%%:*}; bin=$${pair#*:}; \
	  if [ -x "$$bin" ]; then packaging/deb/build-deb.sh $$arch $$bin $(VERSION) $(OUT)/deb || exit 1; built=1; fi; \
	done; \
	[ $$built = 1 ] || { echo "make deb: no board binary yet: make board (ARCH=arm64, armhf or amd64) first"; exit 1; }

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
# threaded animator and the latent loop with its noise again in a debug build under AddressSanitizer (docs/reliability.md): a
# missed bounds check is a report here, not a quiet out-of-bounds read. swiftc has no UndefinedBehaviorSanitizer for Swift code on Linux
# ("unsupported option '-sanitize=undefined'"); Swift's own overflow, bounds and conversion
# traps, on in every build now, cover that class. Leak reports are off: the leaks found are
# XCTest's own. A separate build folder, so the normal build is untouched.
CHECK_TESTS := SafetensorsTests|ModelLimitsTests|FuzzCorpusTests|OutputPathTests|APNGTests|PNGReaderTests|PNGSizeLimitTests|FrameDirectoryTests|FrameDirectoryNoticeTests|PackedTransposedConv2DTests|Int8PackedTransposedConv2DTests|PackedDenseTests|ThreadedAnimatorTests|CorrelatedNoiseTests|LatentLoopTests
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
