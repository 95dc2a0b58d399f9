#!/usr/bin/env bash
# The C and C++ suites: builds them with warnings as errors, starts the
# sandbox, runs them, runs the C suite again under valgrind, then checks
# `make install` (versioned files, SONAME, symlinks, stripped static
# library) and builds the C example from the installed prefix with the
# README's line, with pkg-config and statically, and runs each without
# LD_LIBRARY_PATH. Expects `make sandbox-bin lib` to have run (the Makefile does,
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
url=$(bash "$root/scripts/sandbox-url.sh" "$build/sandbox.out") || exit 1
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

# .ci/run's second C run (another CARGO_TARGET_DIR) skips this: the install
# was proven in make test, and its LTO build takes minutes.
if [ "${SPLIO_SKIP_INSTALL_TEST:-}" = 1 ]; then
    echo "== install test skipped (SPLIO_SKIP_INSTALL_TEST=1)"
    exit 0
fi

echo "== make install into a temporary prefix: versioned files, SONAME, the README's build line"
bash scripts/need.sh readelf:binutils
prefix=$build/prefix
rm -rf "$prefix"
make --no-print-directory install PREFIX="$prefix" >/dev/null
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
major=${version%%.*}
libdir=$prefix/lib
fail() { echo "install: $*"; exit 1; }
[ -f "$libdir/libsplio_sms.so.$version" ] && [ ! -L "$libdir/libsplio_sms.so.$version" ] \
    || fail "no file libsplio_sms.so.$version"
[ "$(readlink "$libdir/libsplio_sms.so.$major")" = "libsplio_sms.so.$version" ] \
    || fail "libsplio_sms.so.$major is not a symlink to libsplio_sms.so.$version"
[ "$(readlink "$libdir/libsplio_sms.so")" = "libsplio_sms.so.$major" ] \
    || fail "libsplio_sms.so is not a symlink to libsplio_sms.so.$major"
grep -q "Library soname: \[libsplio_sms.so.$major\]" \
    <<<"$(readelf -d "$libdir/libsplio_sms.so.$version")" || fail "the library's SONAME is not libsplio_sms.so.$major"
cmp -s "$libdir/libsplio_sms.so.$version" "$target/dist/libsplio_sms.so" \
    || fail "make install did not take $target/dist's library"
[ -f "$prefix/include/splio_sms.h" ] && [ -f "$prefix/include/splio_sms.hpp" ] && [ -f "$libdir/libsplio_sms.a" ] && [ -f "$libdir/pkgconfig/splio_sms.pc" ] \
    || fail "the header, the static library or the pkg-config file is missing"
if grep -q '\.debug_' <<<"$(readelf -S "$libdir/libsplio_sms.a" 2>/dev/null)"; then fail "the static library keeps debug info"; fi
echo "shipped: shared $(stat -c %s "$libdir/libsplio_sms.so.$version") bytes, static $(stat -c %s "$libdir/libsplio_sms.a") bytes"

# The README's own line, run as written from the repository's root (a link
# to examples/ here keeps the root clean), with PREFIX set as a reader would.
echo '#include <splio_sms.hpp>' | c++ -std=c++17 $CWARN -I"$prefix/include" -x c++ -fsyntax-only - \
    || fail "the installed C++ wrapper does not compile"

readme_line=$(grep -m1 '^cc examples/c/send.c -I\$PREFIX/include' README.md) || fail "README has no build line for examples/c/send.c"
ln -sfn "$root/examples" "$build/examples"
rm -f "$build/send"
(cd "$build" && PREFIX=$prefix && eval "$readme_line")
grep -q "NEEDED.*\[libsplio_sms.so.$major\]" <<<"$(readelf -d "$build/send")" || fail "the example does not record the SONAME"
grep -q "libsplio_sms.so.$major => $libdir/libsplio_sms.so.$major" <<<"$(env -u LD_LIBRARY_PATH ldd "$build/send")" \
    || fail "the example does not find the installed library by its rpath"
run_send() {
    env -u LD_LIBRARY_PATH SPLIO_UNIVERSE="$1" SPLIO_KEY=c-key-secret SPLIO_BASE_URL=$url "$2" +33612345678 "$3"
}
out=$(run_send c_universe "$build/send" AbCdEf123)
echo "$out"
case "$out" in SPLIO_OK*) ;; *) fail "the installed example did not send" ;; esac
# A quote in an argument stays inside its JSON string: the design ID is
# refused by validation, not the document as malformed JSON.
status=0; err=$(run_send c_universe "$build/send" 'AbCdEf12"' 2>&1 >/dev/null) || status=$?
[ $status -eq 1 ] && case "$err" in SPLIO_ERR_VALIDATION*) true ;; *) false ;; esac \
    || fail "a quote in the design ID was not escaped: exit $status, $err"
# A client that cannot be made stops the example (exit 1, nothing sent).
status=0; err=$(run_send 'no such universe' "$build/send" AbCdEf123 2>&1 >/dev/null) || status=$?
[ $status -eq 1 ] && case "$err" in SPLIO_ERR_INVALID_ARGUMENT*) true ;; *) false ;; esac \
    || fail "a failed splio_client_new did not stop the example: exit $status, $err"
case "$err" in *c-key-secret*) fail "the key was printed" ;; esac

# The README's C fragment (the first C block) compiles as the body of main
# against the installed header; it names the real service, so it is not run.
fragment=$(awk '/^```c$/ { inside = 1; next } /^```$/ { if (inside) exit } inside' README.md)
{ grep '^#include' <<<"$fragment"; echo 'int main(void) {'; grep -v '^#include' <<<"$fragment"; echo '}'; } \
    > "$build/readme_fragment.c"
cc -std=c11 $CWARN -I"$prefix/include" -fsyntax-only "$build/readme_fragment.c" || fail "the README's C fragment does not compile"

echo "== the example with pkg-config, shared and static"
export PKG_CONFIG_PATH=$libdir/pkgconfig
# shellcheck disable=SC2046
cc -std=c11 $CWARN examples/c/send.c $(pkg-config --cflags --libs splio_sms) \
    -Wl,-rpath,"$(pkg-config --variable=libdir splio_sms)" -o "$build/send_pc"
case "$(run_send c_universe "$build/send_pc" AbCdEf123)" in SPLIO_OK*) ;; *) fail "the pkg-config build did not send" ;; esac
# shellcheck disable=SC2046
cc -std=c11 $CWARN examples/c/send.c $(pkg-config --cflags splio_sms) \
    $(pkg-config --static --libs splio_sms | sed 's/-lsplio_sms/-l:libsplio_sms.a/') -o "$build/send_static"
if grep -q libsplio_sms <<<"$(ldd "$build/send_static")"; then fail "the static build needs the shared library"; fi
case "$(run_send c_universe "$build/send_static" AbCdEf123)" in SPLIO_OK*) ;; *) fail "the static build did not send" ;; esac

echo "== make install with DESTDIR and LIBDIR, as a package build does"
stage=$build/stage
rm -rf "$stage"
make --no-print-directory install DESTDIR="$stage" PREFIX=/usr LIBDIR=/usr/lib/splio-test >/dev/null
[ "$(readlink "$stage/usr/lib/splio-test/libsplio_sms.so.$major")" = "libsplio_sms.so.$version" ] \
    && [ -f "$stage/usr/include/splio_sms.h" ] \
    && grep -qx 'libdir=${prefix}/lib/splio-test' "$stage/usr/lib/splio-test/pkgconfig/splio_sms.pc" \
    && grep -qx 'prefix=/usr' "$stage/usr/lib/splio-test/pkgconfig/splio_sms.pc" \
    || fail "DESTDIR, PREFIX or LIBDIR not honoured"
echo "1 passed, 0 failed"
