#!/usr/bin/env bash
# Rebuilds the vendored YASGUI bundle (kg/serve/static/vendor/yasgui/) from the npm registry and
# checks every file against SHA256SUMS; nothing is compiled (the package ships a browser bundle).
#
#   tools/yasgui/rebuild.sh          # rewrite kg/serve/static/vendor/yasgui/
#   tools/yasgui/rebuild.sh DIR      # write into DIR instead (to compare)
#
# Needs node and npm. package.json pins @zazuko/yasgui 4.6.2 and package-lock.json its tarball's
# sha512, so npm refuses any other bytes. The page never fetches anything at run time.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:-"$here/../../kg/serve/static/vendor/yasgui"}
mkdir -p "$out"
out=$(cd "$out" && pwd)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$here/package.json" "$here/package-lock.json" "$work/"
(cd "$work" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)

pkg="$work/node_modules/@zazuko/yasgui"
version=$(node -p "require('$pkg/package.json').version")
if [ "$version" != "4.6.2" ]; then
  echo "expected @zazuko/yasgui 4.6.2, npm installed $version" >&2
  exit 1
fi

install -m 644 "$pkg/build/yasgui.min.js" "$out/yasgui.min.js"
install -m 644 "$pkg/build/yasgui.min.css" "$out/yasgui.min.css"
# The npm tarball has no licence file: this is the upstream repository's LICENSE (MIT) at the tag
# @zazuko/yasgui@4.6.2, kept beside this script and checked by hash like the rest.
install -m 644 "$here/yasgui-LICENSE" "$out/LICENSE"
node "$here/collect-licenses.mjs" "$work/node_modules" > "$out/THIRD-PARTY-LICENSES.txt"
chmod 644 "$out/THIRD-PARTY-LICENSES.txt"

(cd "$out" && sha256sum -c --strict "$here/SHA256SUMS")
echo "vendored @zazuko/yasgui $version into $out"
