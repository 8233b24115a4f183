#!/usr/bin/env bash
# Runs a command under another Node.js major: `bash scripts/with-node.sh 24 npm test`.
# Ronda must keep working on Node 22 and 24 while machines here have 20. The official
# binaries come from the npm registry's node-linux-<arch> package (the registry is
# reachable where nodejs.org may not be), cached under ~/.cache/ronda.
set -euo pipefail
major=${1:?usage: with-node.sh MAJOR COMMAND...}
shift
case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "with-node.sh: no Node.js package for $(uname -m)" >&2; exit 1 ;;
esac
dir="${XDG_CACHE_HOME:-$HOME/.cache}/ronda/node-$major-$arch"
if [ ! -x "$dir/bin/node" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack "node-linux-$arch@$major" --silent >/dev/null && tar xzf node-linux-*.tgz)
  mkdir -p "$(dirname "$dir")"
  rm -rf "$dir"
  mv "$tmp/package" "$dir"
fi
export PATH="$dir/bin:$PATH"
echo "with-node.sh: $(node --version) ($dir/bin/node)" >&2
"$@"
