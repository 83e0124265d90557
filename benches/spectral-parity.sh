#!/usr/bin/env bash
# Runs Spectral (spectral:oas, installed from npm into target/spectral) on
# the one-mistake documents in crates/openapi-spec/tests/mistakes/ and
# prints its error count next to `cargo xtask lint`'s for each: a document
# Spectral rejects must not pass here. Needs npm (the registry only).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=target/spectral
if [ ! -x "$dir/node_modules/.bin/spectral" ]; then
  mkdir -p "$dir"
  (cd "$dir" && npm install --silent @stoplight/spectral-cli@6 >/dev/null)
fi
echo 'extends: ["spectral:oas"]' > "$dir/.spectral.yaml"
cargo build -q -p xtask
printf '%-34s %9s %9s\n' document spectral ours
for f in crates/openapi-spec/tests/mistakes/*.yaml; do
  theirs=$("$dir/node_modules/.bin/spectral" lint -r "$dir/.spectral.yaml" -D "$f" 2>&1 | grep -cE '^\s+[0-9]+:[0-9]+\s+error' || true)
  ours=$(target/debug/xtask lint "$f" | grep -c ': error\[' || true)
  printf '%-34s %9s %9s\n' "$(basename "$f" .yaml)" "$theirs" "$ours"
  if [ "$theirs" -gt 0 ] && [ "$ours" -eq 0 ]; then
    echo "  Spectral rejects $f but lint passes it" >&2
    exit 1
  fi
done
