#!/usr/bin/env bash
# Prints the URL that `splio-sms sandbox` writes as the first line of its
# output FILE, waiting up to 10 s for it; otherwise prints the output to
# stderr and fails. The suites that start a sandbox share this wait.
set -u
out=$1
for _ in $(seq 100); do
    url=$(head -n1 "$out" 2>/dev/null || true)
    if [ -n "$url" ]; then
        echo "$url"
        exit 0
    fi
    sleep 0.1
done
echo "the sandbox did not start:" >&2
cat "$out" >&2
exit 1
