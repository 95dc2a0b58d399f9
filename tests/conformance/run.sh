#!/usr/bin/env bash
# The conformance suite on the Rust API, C ABI and command faces (the Python
# face runs in `make test-python`). Expects the debug `splio-sms` command and
# examples/conformance_face, and the release library, to be built (the
# Makefile's test-conformance target does it). Honours CARGO_TARGET_DIR.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
target=${CARGO_TARGET_DIR:-$root/target}
case $target in /*) ;; *) target=$root/$target ;; esac
lib=$target/release
build=$target/conformance
mkdir -p "$build"

bash scripts/need.sh cc:gcc python3:python3
cc -std=c11 -Wall -Wextra -Werror -pedantic -O1 -Iinclude tests/conformance/face.c \
    -L"$lib" -Wl,-rpath,"$lib" -lsplio_sms -o "$build/face"

exec python3 tests/conformance/run.py \
    --splio-sms "$target/debug/splio-sms" \
    --rust "$target/debug/examples/conformance_face" \
    --c "$build/face" "$@"
