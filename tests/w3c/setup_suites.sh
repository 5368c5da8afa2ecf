#!/usr/bin/env bash
# Install the W3C VC test suites into a scratch folder OUTSIDE the repository, offline except
# for the npm registry. Never commit what this creates.
#
#   tests/w3c/setup_suites.sh /work/scratch/w3c
#
# The folder must already hold unpacked snapshots (plain trees, no .git needed) of:
#   vc-data-model-2.0-test-suite  vc-di-eddsa-test-suite  vc-bitstring-status-list-test-suite
#   vc-di-ecdsa-test-suite  vc-test-suite-implementations  data-integrity-test-suite-assertion
#   vc-di-ecdsa (only its TestVectors/ folder is used)
# e.g. `git clone --depth 1 https://github.com/w3c/<name>` for each, or `git archive` of a mirror.
# The two GitHub-only dependencies are turned into `npm pack` tarballs and the suites' package.json
# files are pointed at them; the ECDSA lock file (it pins a version absent from the registry) is
# removed and its postinstall `git clone` is replaced by copying the vc-di-ecdsa snapshot.
set -euo pipefail
root=${1:?usage: setup_suites.sh SCRATCH_DIR}
cd "$root"
mkdir -p tarballs
for dep in vc-test-suite-implementations data-integrity-test-suite-assertion; do
  (cd "$dep" && npm pack --ignore-scripts --pack-destination ../tarballs >/dev/null)
done
impl="file:$root/tarballs/vc-test-suite-implementations-2.0.0.tgz"
dita="file:$root/tarballs/data-integrity-test-suite-assertion-0.0.1.tgz"
for suite in vc-data-model-2.0-test-suite vc-di-eddsa-test-suite vc-bitstring-status-list-test-suite vc-di-ecdsa-test-suite; do
  node -e '
    const fs = require("fs"); const [file, impl, dita] = process.argv.slice(1);
    const p = JSON.parse(fs.readFileSync(file));
    for (const k of ["dependencies", "devDependencies"]) {
      if (!p[k]) continue;
      if (p[k]["vc-test-suite-implementations"]) p[k]["vc-test-suite-implementations"] = impl;
      if (p[k]["data-integrity-test-suite-assertion"]) p[k]["data-integrity-test-suite-assertion"] = dita;
    }
    if (p.scripts) { delete p.scripts.postinstall; delete p.scripts.pretest; }
    p.overrides = Object.assign({}, p.overrides, {"vc-test-suite-implementations": impl});
    fs.writeFileSync(file, JSON.stringify(p, null, 2));
  ' "$suite/package.json" "$impl" "$dita"
  rm -f "$suite/package-lock.json"
  if [ "$suite" = vc-di-ecdsa-test-suite ]; then
    mkdir -p "$suite/tests/input"
    rm -rf "$suite/tests/input/vc-di-ecdsa"
    cp -r vc-di-ecdsa "$suite/tests/input/vc-di-ecdsa"
  fi
  (cd "$suite" && npm install --no-audit --no-fund --ignore-scripts >/dev/null 2>&1) || { echo "npm install failed in $suite" >&2; exit 1; }
  echo "installed $suite"
done
