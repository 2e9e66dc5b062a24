#!/usr/bin/env bash
# Native memory across epochs: resident set size per epoch with the Java heap capped, so that heap
# growth cannot hide (or fake) native growth. Prints "model stage epoch rss_mb live_tensors".
# Usage: bench/memory.sh [epochs]   (from the project folder; about 2 minutes on 2 cores for 40)
set -euo pipefail
cd "$(dirname "$0")/.."
epochs="${1:-40}"
log="$(mktemp)"
MAVEN_OPTS="-Xmx1g" mvn -q compile exec:java -Dexec.args="demo --methods dual-skd --epochs $epochs" >/dev/null 2>"$log"
grep -E '^(teacher|student) ' "$log" | awk '{print $1, $2, $4, $(NF-1)}'
rm -f "$log"
