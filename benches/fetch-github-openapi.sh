#!/usr/bin/env bash
# Fetches GitHub's REST description (api.github.com.json) from the
# @octokit/openapi npm package, one release per argument, into DIR (default
# target/github-openapi): DIR/<version>/api.github.com.json. Big test input:
# fetched, never committed. Needs npm (the registry only).
#   bash benches/fetch-github-openapi.sh 22.0.0 23.0.2
set -euo pipefail
dir="${GITHUB_OPENAPI_DIR:-target/github-openapi}"
[ "$#" -gt 0 ] || set -- 22.0.0 23.0.2
for version in "$@"; do
  out="$dir/$version"
  if [ -s "$out/api.github.com.json" ]; then
    echo "$out/api.github.com.json (already there)"
    continue
  fi
  mkdir -p "$out"
  work="$(mktemp -d)"
  (cd "$work" && npm pack --silent "@octokit/openapi@$version" >/dev/null)
  tar -xzf "$work"/octokit-openapi-*.tgz -C "$work"
  file="$(find "$work/package" -name api.github.com.json -path '*generated*' | head -1)"
  [ -n "$file" ] || file="$(find "$work/package" -name api.github.com.json | head -1)"
  [ -n "$file" ] || { echo "no api.github.com.json in @octokit/openapi@$version" >&2; exit 2; }
  cp "$file" "$out/api.github.com.json"
  rm -rf "$work"
  echo "$out/api.github.com.json"
done
