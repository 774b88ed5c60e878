# duralava — `make run` shows the lamp, `make test` runs the test suite.
# Both install the missing Debian packages first (as root; otherwise they print the command).

SWIFT        ?= swift
CONFIG       ?= release
BIN          := .build/$(CONFIG)
BUILD_PKGS   := pkg-config libsdl2-dev libpng-dev zlib1g-dev libopenblas-dev
TEST_PKGS    := xvfb xauth ffmpeg python3 python3-pip
MODEL        := $(firstword $(wildcard models/default.safetensors) models/untrained.safetensors)
OUT          ?= out

.PHONY: all build run render test deps test-deps clean

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
	$(call ensure_packages,$(TEST_PKGS))
	@python3 -c "import numpy, safetensors" 2>/dev/null || \
	  python3 -m pip install -q numpy safetensors 2>/dev/null || \
	  python3 -m pip install -q --break-system-packages numpy safetensors

build: deps
	$(SWIFT) build -c $(CONFIG)

models/untrained.safetensors: | build
	mkdir -p models
	$(BIN)/duralava init-random --out $@ --seed 1

# Shows the lamp: a window where there is a display, otherwise an animated PNG.
run: build $(MODEL)
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY$$SDL_VIDEODRIVER" ]; then \
	  $(BIN)/duralava run --model $(MODEL); \
	elif ls /dev/dri/card* >/dev/null 2>&1 && SDL_VIDEODRIVER=kmsdrm $(BIN)/duralava run --model $(MODEL); then \
	  :; \
	else \
	  mkdir -p $(OUT) && $(BIN)/duralava render --model $(MODEL) --steps 150 --between 3 --scale 4 --out $(OUT)/lamp.png && \
	  echo "no display here: the lamp is in $(OUT)/lamp.png (an animated PNG; open it in a browser)"; \
	fi

test: test-deps
	$(SWIFT) build -c $(CONFIG)
	$(SWIFT) test -c $(CONFIG)

clean:
	rm -rf .build $(OUT)
