#!/usr/bin/env bash
# The PHP suite: installs PHP from the distribution when missing, starts the
# sandbox, runs the tests against the built library, then again with the
# library preloaded as PHP-FPM would (opcache.preload + ffi.enable=preload),
# then the conformance cases on the PHP face.
# Expects `make lib` and a `splio-sms` command (SPLIO_SANDBOX_BIN, else the
# release one) to be built: `make test-php` does both.
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
case $target in /*) ;; *) target=$PWD/$target ;; esac
cd "$root"
build=$target/php-tests
mkdir -p "$build"

bash scripts/need.sh php:php-cli
php -r 'exit(extension_loaded("ffi") ? 0 : 1);' || { echo "this PHP has no FFI extension"; exit 1; }

echo "== start the sandbox"
rm -f "$build/sandbox.out"
# The sandbox stops when this script's end closes its stdin (see tests/c/run.sh).
exec {sandbox_stdin}> >(exec "${SPLIO_SANDBOX_BIN:-$target/release/splio-sms}" sandbox --until-stdin-closes \
    --account php_universe:php-key-secret-7Q --design AbCdEf123 > "$build/sandbox.out" 2>&1)
url=$(bash "$root/scripts/sandbox-url.sh" "$build/sandbox.out") || exit 1
export SPLIO_SANDBOX_URL=$url
export SPLIO_SMS_LIBRARY=$target/release/libsplio_sms.so SPLIO_TEST_LIBRARY=$target/release/libsplio_sms.so

# Traces keep their arguments, so the tests see what a debug php.ini would show.
php=(php -d zend.exception_ignore_args=0)
echo "== PHP suite"
"${php[@]}" -d ffi.enable=true bindings/php/tests/run.php

echo "== PHP suite, preloaded as under PHP-FPM run by root (ffi.preload + opcache.preload, ffi.enable=preload)"
php bindings/php/ffi_preload_header.php "$build/splio_sms_preload.h" "$SPLIO_SMS_LIBRARY"
"${php[@]}" -d ffi.enable=preload -d ffi.preload="$build/splio_sms_preload.h" \
    -d opcache.enable=1 -d opcache.enable_cli=1 -d opcache.preload_user="$(id -un)" \
    -d opcache.preload=bindings/php/preload.php bindings/php/tests/run.php --preloaded

echo "== PHP suite, preloaded as under PHP-FPM run by a user (opcache.preload's FFI::load, ffi.enable=preload)"
as_user=()
# Root needs opcache.preload_user, with which PHP refuses FFI::load: run as nobody.
[ "$(id -u)" -ne 0 ] || as_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
if "${as_user[@]}" test -r bindings/php/preload.php -a -r "$SPLIO_SMS_LIBRARY"; then
    "${as_user[@]}" "${php[@]}" -d ffi.enable=preload -d opcache.enable=1 -d opcache.enable_cli=1 \
        -d opcache.preload=bindings/php/preload.php bindings/php/tests/run.php --preloaded
else
    echo "skipped: nobody cannot read this checkout"
fi

echo "== include/splio_sms_ffi.h in LuaJIT's ffi.cdef"
bash scripts/need.sh luajit:luajit
luajit tests/ffi_header.lua include/splio_sms_ffi.h "$SPLIO_SMS_LIBRARY"

echo "== conformance cases (tests/conformance) on the PHP face"
bash scripts/need.sh python3:python3
python3 tests/conformance/run.py --splio-sms "${SPLIO_SANDBOX_BIN:-$target/release/splio-sms}" \
    --php php --library "$SPLIO_SMS_LIBRARY" --faces php
