#!/usr/bin/env bash
# Sequential sends through the C ABI and the Rust API against one sandbox,
# three rounds each, alternating. Run with `make bench-loop`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
target=${CARGO_TARGET_DIR:-$root/target}
n=${N:-20000}
out=$(mktemp)
"$target/release/splio-sms" sandbox 2>/dev/null > "$out" &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -f "$out"' EXIT
for _ in $(seq 100); do url=$(head -n1 "$out"); [ -n "$url" ] && break; sleep 0.1; done
for round in 1 2 3; do
    echo "round $round"
    examples/c/send_loop "$url" "$n"
    "$target/release/examples/send_loop" "$url" "$n"
done
