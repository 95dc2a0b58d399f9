#!/usr/bin/env bash
# Installs what is missing from Debian's packages: need.sh COMMAND:PACKAGE ...
# (a fresh machine has the toolchains, not these tools). A COMMAND starting
# with / is a file to look for instead (a library such as a jar has no command).
set -euo pipefail
missing=()
for pair in "$@"; do
    what=${pair%%:*}
    case $what in
        /*) [ -e "$what" ] || missing+=("${pair#*:}") ;;
        *) command -v "$what" >/dev/null 2>&1 || missing+=("${pair#*:}") ;;
    esac
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
# Waits for the lock rather than failing when another install is running.
lock=(-o DPkg::Lock::Timeout=600)
$sudo apt-get "${lock[@]}" update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive $sudo apt-get "${lock[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
