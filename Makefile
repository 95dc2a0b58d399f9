# splio-sms: one entry point for every suite.
#   make test     every suite (Rust today; C and Python join it), plus fmt and clippy
#   make bench    the benchmarks (not part of make test)

CARGO ?= cargo

.PHONY: test test-rust lint bench quickstart clean

test: lint test-rust

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --all-targets --all-features -- -D warnings
	# The library alone, without the sandbox's dependencies.
	$(CARGO) check --lib --no-default-features

test-rust:
	$(CARGO) test --all-features

quickstart:
	$(CARGO) run --example quickstart

bench:
	$(CARGO) bench --bench client_side

clean:
	$(CARGO) clean
