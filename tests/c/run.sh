#!/usr/bin/env bash
# The C and C++ suites: builds them with warnings as errors, starts the
# sandbox, runs them, runs the C suite again under valgrind, then installs
# the library into a temporary prefix and builds the C example from it with
# pkg-config. Expects `make sandbox-bin lib` to have run (the Makefile does,
# and exports CARGO_TARGET_DIR: the artifacts are read from there).
# SPLIO_SANDBOX_BIN: another `splio-sms` to serve the sandbox (CI reuses one).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
case $target in /*) ;; *) target=$PWD/$target ;; esac
export CARGO_TARGET_DIR=$target
cd "$root"
lib=$target/release
sandbox_bin=${SPLIO_SANDBOX_BIN:-$lib/splio-sms}
build=$target/c-tests
mkdir -p "$build"

bash scripts/need.sh cc:gcc c++:g++ valgrind:valgrind pkg-config:pkg-config

CWARN="-Wall -Wextra -Werror -pedantic"
SOAK_SENDS=${SOAK_SENDS:-20000}
SOAK_THREAD_SENDS=${SOAK_THREAD_SENDS:-1000}
echo "== compile: C11 suite, soak, C++17 wrapper test, header alone as C++17"
cc -std=c11 $CWARN -g -Iinclude tests/c/test_splio.c -L"$lib" -Wl,-rpath,"$lib" -lsplio_sms -lpthread -o "$build/test_splio"
cc -std=c11 $CWARN -O2 -Iinclude tests/c/soak.c -L"$lib" -Wl,-rpath,"$lib" -lsplio_sms -lpthread -o "$build/soak"
c++ -std=c++17 $CWARN -g -Iinclude -Ibindings/cpp tests/cpp/test_wrapper.cpp -L"$lib" -Wl,-rpath,"$lib" -lsplio_sms -o "$build/test_wrapper"
echo '#include "splio_sms.h"' | c++ -std=c++17 $CWARN -Iinclude -x c++ -fsyntax-only -
echo '#include "splio_sms.h"' | cc -std=c99 $CWARN -Iinclude -x c -fsyntax-only -

echo "== start the sandbox"
rm -f "$build/sandbox.out"
# Its stdin is a pipe this script (and what it runs) holds open: if the
# script dies, even by SIGKILL, the pipe closes and the sandbox stops too.
exec {sandbox_stdin}> >(exec "$sandbox_bin" sandbox --until-stdin-closes \
    --account c_universe:c-key-secret --design AbCdEf123 > "$build/sandbox.out" 2>&1)
sandbox=$!
trap 'kill $sandbox 2>/dev/null || true' EXIT
url=
for _ in $(seq 100); do
    url=$(head -n1 "$build/sandbox.out" 2>/dev/null || true)
    [ -n "$url" ] && break
    sleep 0.1
done
[ -n "$url" ] || { echo "the sandbox did not start:"; cat "$build/sandbox.out"; exit 1; }
export SPLIO_SANDBOX_URL=$url
echo "sandbox at $url"

echo "== C suite"
"$build/test_splio"
echo "== C++ wrapper"
"$build/test_wrapper"

echo "== soak: $SOAK_SENDS sends, then 8 threads x $SOAK_THREAD_SENDS, one client"
"$build/soak" "$SOAK_SENDS" "$SOAK_THREAD_SENDS"

echo "== C suite under valgrind (no leak, no invalid access)"
SPLIO_TEST_SENDS=5 valgrind --quiet --error-exitcode=99 --leak-check=full \
    --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
    "$build/test_splio"

echo "== install into a temporary prefix, build the example with pkg-config"
prefix=$build/prefix
rm -rf "$prefix"
make --no-print-directory install PREFIX="$prefix" >/dev/null
cmp "$prefix/lib/libsplio_sms.so" "$lib/libsplio_sms.so" || { echo "make install did not take $lib's library"; exit 1; }
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
# shellcheck disable=SC2046
cc -std=c11 $CWARN examples/c/send.c $(pkg-config --cflags --libs splio_sms) -Wl,-rpath,"$prefix/lib" -o "$build/send"
out=$(SPLIO_UNIVERSE=c_universe SPLIO_KEY=c-key-secret SPLIO_BASE_URL=$url "$build/send" +33612345678 AbCdEf123)
echo "$out"
case "$out" in SPLIO_OK*) ;; *) echo "the installed example did not send"; exit 1 ;; esac
ldd "$build/send" | grep -q "$prefix/lib/libsplio_sms.so" || { echo "example not linked to the installed library"; exit 1; }
echo "1 passed, 0 failed"
