"""Build the web platform's front-end assets from the npm registry into lingxi/web/static/vendor.

`npm ci` installs exactly what package-lock.json pins (echarts, htmx.org) into node_modules/, then only the minified
browser builds and their licence texts are copied into the vendor folder that the app serves; pages never load
anything from a CDN. The folder is rebuilt as a whole (written beside it, then swapped in) so a run that fails half
way never leaves a mix of old and new files. Only the standard library is used, so `make` can run this before the
virtualenv exists. Run by `make run` and `make test` when the lock file changes or the folder is missing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "lingxi" / "web" / "static" / "vendor"
NODE_MODULES = ROOT / "node_modules"

# package → files to copy (source inside the package, name in vendor/). Licence texts travel with the code because
# Apache-2.0 (echarts, which bundles zrender) asks for the licence and NOTICE to accompany redistributed builds.
FILES: dict[str, list[tuple[str, str]]] = {
    "echarts": [
        ("dist/echarts.min.js", "echarts.min.js"),
        ("LICENSE", "echarts.LICENSE.txt"),
        ("NOTICE", "echarts.NOTICE.txt"),
    ],
    "zrender": [("LICENSE", "zrender.LICENSE.txt")],  # BSD-3-Clause, bundled inside echarts.min.js
    "htmx.org": [
        ("dist/htmx.min.js", "htmx.min.js"),
        ("LICENSE", "htmx.LICENSE.txt"),
    ],
}


def ensure_npm() -> str:
    npm = shutil.which("npm")
    if npm:
        return npm
    # Developer machines and CI are Debian; Node.js and npm come from its packages when absent.
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("npm not found: installing Debian's nodejs and npm", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", "nodejs", "npm"], check=True, env=env)
        npm = shutil.which("npm")
        if npm:
            return npm
    sys.exit("build_assets: npm is needed to build the front-end assets (Debian: apt-get install nodejs npm)")


def main() -> None:
    npm = ensure_npm()
    # --ignore-scripts: the two libraries need no install scripts, and none from the registry should run here.
    subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"], cwd=ROOT, check=True)

    staging = VENDOR.with_name(VENDOR.name + ".new")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    versions = {}
    for package, files in FILES.items():
        package_dir = NODE_MODULES / package
        versions[package] = json.loads((package_dir / "package.json").read_text(encoding="utf-8"))["version"]
        for source, target in files:
            shutil.copyfile(package_dir / source, staging / target)
    # Templates may append the version to script URLs so browsers fetch a new build after an upgrade.
    (staging / "versions.json").write_text(json.dumps(versions, indent=2) + "\n", encoding="utf-8")

    old = VENDOR.with_name(VENDOR.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if VENDOR.exists():
        VENDOR.rename(old)
    staging.rename(VENDOR)
    shutil.rmtree(old, ignore_errors=True)
    print("front-end assets: " + ", ".join(f"{name} {version}" for name, version in versions.items())
          + f" → {VENDOR.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
