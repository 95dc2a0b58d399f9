#!/usr/bin/env bash
# The Java suite: builds the jar and test/ClientTest.java, starts the
# sandbox, and runs the test under LANG=C, where JNA's own String mapping
# would turn "Zoé" into "Zo?". Then loads the library a second way, through
# SPLIO_SMS_LIBRARY, runs examples/java/Send.java, and the conformance cases
# (tests/conformance) on the Java face. Expects `make sandbox-bin lib` to
# have run (the top Makefile's test-java does, and exports CARGO_TARGET_DIR).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
root=$(cd "$here/../.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
case $target in /*) ;; *) target=$PWD/$target ;; esac
lib=$target/release
sandbox_bin=${SPLIO_SANDBOX_BIN:-$lib/splio-sms}
build=$target/java-tests
jna=${JNA:-/usr/share/java/jna.jar}
mkdir -p "$build"
bash "$root/scripts/need.sh" python3:python3

make --no-print-directory -C "$here" JNA="$jna"
rm -rf "$build/classes"
javac --release 8 -encoding UTF-8 -Xlint:all,-options -Werror -cp "$here/build/splio-sms.jar:$jna" \
    -d "$build/classes" "$here/test/ClientTest.java" "$here/test/ConformanceFace.java" \
    "$root/examples/java/Send.java"

rm -f "$build/sandbox.out"
# Its stdin is a pipe this script holds open: if the script dies, even by
# SIGKILL, the pipe closes and the sandbox stops too.
exec {sandbox_stdin}> >(exec "$sandbox_bin" sandbox --until-stdin-closes \
    --account java_universe:java-key-secret --design AbCdEf123 \
    --design 'Utf8Text1=Bonjour $firstname$ $lastname$ $c0$' > "$build/sandbox.out" 2>&1)
sandbox=$!
trap 'kill $sandbox 2>/dev/null || true' EXIT
url=$(bash "$root/scripts/sandbox-url.sh" "$build/sandbox.out") || exit 1
export SPLIO_SANDBOX_URL=$url

cp="$here/build/splio-sms.jar:$jna:$build/classes"
echo "== Java suite under LANG=C (library from jna.library.path)"
env -u SPLIO_SMS_LIBRARY LANG=C LC_ALL=C java -Djna.library.path="$lib" -cp "$cp" ClientTest
echo "== the library from SPLIO_SMS_LIBRARY"
LANG=C LC_ALL=C SPLIO_SMS_LIBRARY="$lib/libsplio_sms.so" java -cp "$cp" ClientTest --load-only
echo "== examples/java/Send.java, with the jar's manifest naming JNA"
out=$(SPLIO_UNIVERSE=java_universe SPLIO_KEY=java-key-secret SPLIO_BASE_URL=$url \
    java -Djna.library.path="$lib" -cp "$here/build/splio-sms.jar:$build/classes" Send +33612345678 AbCdEf123)
echo "$out"
case "$out" in SPLIO_OK*) ;; *) echo "the example did not send"; exit 1 ;; esac

echo "== conformance cases (tests/conformance) on the Java face, under LANG=C"
face=$build/conformance-face
cat > "$face" <<FACE
#!/bin/sh
LANG=C LC_ALL=C exec java -Djna.library.path="$lib" -cp "$cp" ConformanceFace
FACE
chmod +x "$face"
python3 "$root/tests/conformance/run.py" --splio-sms "$sandbox_bin" --faces java --java "$face"
