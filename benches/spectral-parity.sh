#!/usr/bin/env bash
# Runs Spectral (spectral:oas, installed from npm into target/spectral) and
# openapi-spec-validator (from PyPI) on the one-mistake documents in
# crates/openapi-spec/tests/mistakes/ and prints each one's verdict next to
# `cargo xtask lint`'s: a document either of them rejects must not pass
# here. Needs npm and pip (the registries only).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=target/spectral
if [ ! -x "$dir/node_modules/.bin/spectral" ]; then
  mkdir -p "$dir"
  (cd "$dir" && npm install --silent @stoplight/spectral-cli@6 >/dev/null)
fi
if ! python3 -c 'import openapi_spec_validator' 2>/dev/null; then
  python3 -m pip install --quiet --root-user-action=ignore 'openapi-spec-validator==0.7.*'
fi
echo 'extends: ["spectral:oas"]' > "$dir/.spectral.yaml"
cargo build -q -p xtask
printf '%-34s %9s %10s %9s\n' document spectral validator ours
status=0
for f in crates/openapi-spec/tests/mistakes/*.yaml; do
  theirs=$("$dir/node_modules/.bin/spectral" lint -r "$dir/.spectral.yaml" -D "$f" 2>&1 | grep -cE '^\s+[0-9]+:[0-9]+\s+error' || true)
  if python3 -m openapi_spec_validator "$f" >/dev/null 2>&1; then validator=pass; else validator=reject; fi
  # Exit 1 (errors) or 2 (refused at load) both reject.
  if target/debug/xtask lint "$f" >/dev/null 2>&1; then ours=pass; else ours=reject; fi
  printf '%-34s %9s %10s %9s\n' "$(basename "$f" .yaml)" "$theirs" "$validator" "$ours"
  if { [ "$theirs" -gt 0 ] || [ "$validator" = reject ]; } && [ "$ours" = pass ]; then
    echo "  rejected by another validator but lint passes $f" >&2
    status=1
  fi
done
exit "$status"
