# splio-sms: one entry point for every suite.
#   make              the release library and the C example (examples/c/send)
#   make test         every suite: fmt, clippy, Rust, C/C++ (with valgrind), Python, Java
#   make header       regenerate include/splio_sms.h after changing src/ffi
#   make install      PREFIX=/usr/local (DESTDIR, LIBDIR, INCLUDEDIR): header, versioned
#                     shared library + symlinks, static library, pkg-config file
#   make bench        the benchmarks, written to BENCHMARKS.md (not part of make test)
#   make fuzz         the fuzz targets; make soak: the long soak

CARGO ?= cargo
PREFIX ?= /usr/local
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
# Where cargo builds (CARGO_TARGET_DIR, a target-dir in cargo's config, or
# ./target), asked once and exported so every script and cargo below agree.
TARGET_DIR := $(shell $(CARGO) metadata --format-version 1 --no-deps 2>/dev/null | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
ifeq ($(TARGET_DIR),)
TARGET_DIR := $(CURDIR)/target
endif
export CARGO_TARGET_DIR := $(TARGET_DIR)
RELEASE := $(TARGET_DIR)/release
DIST := $(TARGET_DIR)/dist
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
STRIP ?= strip
# The SONAME's number (build.rs): the major version.
SOVERSION := $(firstword $(subst ., ,$(VERSION)))
# The pkg-config file names its directories from ${prefix} when they are under it.
PC_LIBDIR := $(patsubst $(PREFIX)/%,$${prefix}/%,$(LIBDIR))
PC_INCLUDEDIR := $(patsubst $(PREFIX)/%,$${prefix}/%,$(INCLUDEDIR))
VENV := $(TARGET_DIR)/venv
PYTHON := $(VENV)/bin/python

.PHONY: dist-lib test-java bench-python-async test-conformance target-dir fuzz python-install soak bench-cli bench-python wheel test-python bench-loop all test test-rust test-c lint lib sandbox-bin header install bench quickstart clean

all: lib examples/c/send

test: lint test-rust test-c test-conformance test-python test-php test-java

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --all-targets --all-features -- -D warnings
	# The library alone, without the C API nor the sandbox's dependencies.
	$(CARGO) clippy --lib --no-default-features -- -D warnings

# Not --all-features: test binaries built with pyo3 would need a shared libpython.
test-rust:
	bash scripts/need.sh tinyproxy:tinyproxy
	$(CARGO) test --features cli

# sandbox-bin before lib: building the command rebuilds the library with the
# command's features, and the C suite must run against the library as installed.
test-c: sandbox-bin lib
	bash tests/c/run.sh

# The Java binding (bindings/java, JNA from the distribution) against the
# sandbox, under LANG=C. The sandbox is the debug command (test-rust and
# test-conformance built it): sandbox-bin would rebuild the release library
# twice, since the command's features differ from lib's.
test-java: lib
	$(CARGO) build --features cli --bin splio-sms
	SPLIO_SANDBOX_BIN=$(TARGET_DIR)/debug/splio-sms $(MAKE) -C bindings/java test

# The conformance suite (tests/conformance) on the Rust API, C ABI and
# command faces; its Python face runs in test-python.
test-conformance: lib
	$(CARGO) build --features cli --bin splio-sms --example conformance_face
	bash tests/conformance/run.sh

# The Python suite runs against the abi3 wheel maturin builds, installed into
# a virtual environment made here (with maturin, pytest and mypy).
$(VENV)/.ready:
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install -q --upgrade pip
	$(PYTHON) -m pip install -q "maturin>=1.9.4,<2" "pytest>=8" "mypy>=1.10" "requests>=2.31"
	touch $@

# maturin builds with the cargo profile `python` (bindings/python/pyproject.toml),
# into $(TARGET_DIR)/python: the Python build of libsplio_sms.so, which needs
# the interpreter's symbols, never replaces the C library in $(RELEASE).
wheel: $(VENV)/.ready
	rm -f $(TARGET_DIR)/wheels/splio_sms-*.whl
	cd bindings/python && $(VENV)/bin/maturin build -o $(TARGET_DIR)/wheels

python-install: wheel
	$(PYTHON) -m pip install -q --force-reinstall --no-deps $(TARGET_DIR)/wheels/splio_sms-$(VERSION)-cp39-abi3-*.whl

# lib first, so the check after the Python build sees whether it was replaced.
test-python: lib python-install
	cd bindings/python && $(PYTHON) -m pytest -q
	bash scripts/need.sh nm:binutils
	@undefined=$$(nm -D --undefined-only $(RELEASE)/libsplio_sms.so) || exit 1; \
	if echo "$$undefined" | grep -qE ' _?Py'; then \
		echo "$(RELEASE)/libsplio_sms.so needs Python symbols: the Python build replaced the C library"; \
		exit 1; \
	fi

.PHONY: test-php bench-php
# The PHP binding (bindings/php, over FFI) against the sandbox, and its
# conformance face; installs php-cli from the distribution when missing. The
# sandbox is test-conformance's debug command: the release one would rebuild
# the library with the command's features, and the library again after it.
test-php: lib
	$(CARGO) build --features cli --bin splio-sms
	SPLIO_SANDBOX_BIN=$(TARGET_DIR)/debug/splio-sms bash bindings/php/tests/run.sh

# A PHP client kept, made per request, and made per request without preload.
bench-php: sandbox-bin lib
	bash scripts/need.sh php:php-cli
	php -d ffi.enable=true bench/php_per_request.php $(RELEASE)/splio-sms $(RELEASE)/libsplio_sms.so

# The library records its SONAME (build.rs): programs linked against this
# build look for libsplio_sms.so.$(SOVERSION), which the link here gives them.
lib:
	$(CARGO) build --release --lib
	ln -sfn libsplio_sms.so $(RELEASE)/libsplio_sms.so.$(SOVERSION)

# The sandbox as a process, for the C suite and the benchmarks: `splio-sms sandbox`.
sandbox-bin:
	$(CARGO) build --release --features cli --bin splio-sms

examples/c/send: examples/c/send.c include/splio_sms.h lib
	$(CC) -std=c11 -Wall -Wextra -O2 $< -Iinclude -L$(RELEASE) -Wl,-rpath,$(abspath $(RELEASE)) -lsplio_sms -o $@

examples/c/send_loop: examples/c/send_loop.c include/splio_sms.h lib
	$(CC) -std=c11 -Wall -Wextra -O2 $< -Iinclude -L$(RELEASE) -Wl,-rpath,$(abspath $(RELEASE)) -lsplio_sms -o $@

# The long soak: 100,000 sends through the C ABI, then 8 threads x 10,000.
soak: sandbox-bin lib
	SOAK_SENDS=100000 SOAK_THREAD_SENDS=10000 bash tests/c/run.sh

# Sequential sends/s through the C ABI and the Rust API, against one sandbox.
bench-loop: sandbox-bin examples/c/send_loop
	$(CARGO) build --release --example send_loop
	bash bench/send_loop.sh

# Sequential sends/s from Python beside requests.Session, against one sandbox.
bench-python: test-python sandbox-bin
	$(PYTHON) bench/python_vs_requests.py

# 200 concurrent sends through one AsyncClient against a sandbox adding 200 ms,
# for several pool sizes; what Ctrl-C handling and logging cost a send.
bench-python-async: python-install sandbox-bin
	$(PYTHON) bench/python_async.py

# Peak memory and time of the command for 10k, 100k and 1M CSV recipients.
bench-cli:
	$(CARGO) build --release --features cli
	python3 bench/cli_100k.py 0
	python3 bench/cli_100k.py 50

# Fuzzing with cargo-fuzz (libFuzzer) on the stable toolchain, each target for
# FUZZ_SECONDS; the corpus under fuzz/corpus is kept small (cmin) and checked in.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := settings_json request_json answer
fuzz:
	command -v cargo-fuzz >/dev/null 2>&1 || $(CARGO) install cargo-fuzz --locked
	for t in $(FUZZ_TARGETS); do \
		RUSTC_BOOTSTRAP=1 $(CARGO) fuzz run $$t -- -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 || exit 1; \
		RUSTC_BOOTSTRAP=1 $(CARGO) fuzz cmin $$t >/dev/null 2>&1 || exit 1; \
	done

# Where cargo builds, for scripts: `make -s target-dir`.
target-dir:
	@echo $(TARGET_DIR)

header:
	SPLIO_UPDATE_HEADER=1 $(CARGO) test --test c_header

# The C library as distributions ship it: libsplio_sms.so.$(VERSION), the
# SONAME symlink libsplio_sms.so.$(SOVERSION) (what programs record; build.rs
# sets it) and the development symlink libsplio_sms.so; the static library
# without debug info; the header(s) and the C++ wrapper; the pkg-config file. Built with the
# cargo profile `dist` (Cargo.toml: LTO, one codegen unit, stripped).
# `cargo rustc --crate-type`: cargo silently skips LTO for a library that is
# also an rlib (rust-lang/cargo#9672), and Cargo.toml's [lib] must keep the
# rlib for the command, tests and examples.
dist-lib:
	$(CARGO) rustc --profile dist --lib --crate-type cdylib,staticlib

install: dist-lib
	bash scripts/need.sh strip:binutils
	install -d $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(LIBDIR)/pkgconfig
	install -m 644 include/splio_sms.h $(DESTDIR)$(INCLUDEDIR)/
	install -m 644 bindings/cpp/splio_sms.hpp $(DESTDIR)$(INCLUDEDIR)/
	if [ -f include/splio_sms_ffi.h ]; then install -m 644 include/splio_sms_ffi.h $(DESTDIR)$(INCLUDEDIR)/; fi
	install -m 755 $(DIST)/libsplio_sms.so $(DESTDIR)$(LIBDIR)/libsplio_sms.so.$(VERSION)
	ln -sfn libsplio_sms.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libsplio_sms.so.$(SOVERSION)
	ln -sfn libsplio_sms.so.$(SOVERSION) $(DESTDIR)$(LIBDIR)/libsplio_sms.so
	install -m 644 $(DIST)/libsplio_sms.a $(DESTDIR)$(LIBDIR)/
	$(STRIP) --strip-debug $(DESTDIR)$(LIBDIR)/libsplio_sms.a
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(PC_LIBDIR)|' -e 's|@INCLUDEDIR@|$(PC_INCLUDEDIR)|' \
		-e 's|@VERSION@|$(VERSION)|' splio_sms.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/splio_sms.pc

quickstart:
	$(CARGO) run --example quickstart

# Everything beside wrk, libcurl and requests, written to BENCHMARKS.md (installs
# nginx, wrk, libcurl's headers and valgrind from the distribution when missing).
bench: sandbox-bin lib examples/c/send_loop python-install
	bash scripts/need.sh nginx:nginx-light wrk:wrk curl-config:libcurl4-openssl-dev openssl:openssl valgrind:valgrind
	$(CC) -std=c11 -O2 bench/curl_loop.c $$(curl-config --cflags --libs) -o $(RELEASE)/curl_loop
	$(CARGO) build --release --example send_loop --example send_threads --example batch_100k --example client_side_loop
	python3 bench/run.py

clean:
	$(CARGO) clean
	rm -f examples/c/send examples/c/send_loop
