#!/usr/bin/env python3
"""Writes OUTDIR/big (an OCI layout tagged latest) and OUTDIR/big.oci.tar: the busybox fixture's layer plus
LAYERS gzip layers of MB megabytes of incompressible files each, for pull and load benchmarks."""
import gzip, hashlib, io, json, os, shutil, subprocess, sys, tarfile, tempfile

out, layers, mb = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
here = os.path.dirname(os.path.abspath(__file__))
fixtures = os.path.join(out, "fixtures")
subprocess.run([sys.executable, os.path.join(here, "..", "fixtures", "images", "build.py"), fixtures],
               check=True, stdout=subprocess.DEVNULL)
src = os.path.join(fixtures, "busybox")
blobs = os.path.join(out, "big", "blobs", "sha256")
os.makedirs(blobs, exist_ok=True)

def put(data):
    d = hashlib.sha256(data).hexdigest()
    with open(os.path.join(blobs, d), "wb") as f:
        f.write(data)
    return "sha256:" + d, len(data)

index = json.load(open(os.path.join(src, "index.json")))
manifest = json.load(open(os.path.join(src, "blobs", "sha256", index["manifests"][0]["digest"][7:])))
config = json.load(open(os.path.join(src, "blobs", "sha256", manifest["config"]["digest"][7:])))
base = manifest["layers"][0]
shutil.copy(os.path.join(src, "blobs", "sha256", base["digest"][7:]), blobs)
rng = __import__("random").Random(42)
for n in range(layers):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as t:
        for k in range(mb):
            data = rng.randbytes(1 << 20)
            ti = tarfile.TarInfo(f"data/layer{n}/file{k}")
            ti.size, ti.mode, ti.mtime = len(data), 0o644, 0
            t.addfile(ti, io.BytesIO(data))
    tar = raw.getvalue()
    digest, size = put(gzip.compress(tar, compresslevel=1, mtime=0))
    manifest["layers"].append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": digest, "size": size})
    config["rootfs"]["diff_ids"].append("sha256:" + hashlib.sha256(tar).hexdigest())
config.setdefault("history", [])
cdigest, csize = put(json.dumps(config).encode())
manifest["config"] = {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cdigest, "size": csize}
mdigest, msize = put(json.dumps(manifest).encode())
json.dump({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
           "digest": mdigest, "size": msize, "annotations": {"org.opencontainers.image.ref.name": "latest"}}]},
          open(os.path.join(out, "big", "index.json"), "w"))
json.dump({"imageLayoutVersion": "1.0.0"}, open(os.path.join(out, "big", "oci-layout"), "w"))
with tarfile.open(os.path.join(out, "big.oci.tar"), "w") as t:
    for name in ("oci-layout", "index.json", "blobs"):
        t.add(os.path.join(out, "big", name), name)
