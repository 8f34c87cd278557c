"""`make data`: the real datasets, offline, exactly as Keras would download them.

Fashion-MNIST comes from Debian's package ``dataset-fashion-mnist`` (the upstream files,
byte for byte). Linked into ``$KERAS_HOME/datasets/fashion-mnist/``, they are what
``tf.keras.datasets.fashion_mnist.load_data()`` reads, unchanged, offline; readers online
get the same four files from the usual download.

Chapter 5's Chinese text comes from Debian's ``fortunes-zh`` (唐诗三百首, 宋词一百首 and
Chinese sayings, UTF-8 with ANSI colour codes), linked into
``$KERAS_HOME/datasets/fortunes-zh/``; readers on Debian or Ubuntu get the same files from
``apt install fortunes-zh``. Its table, ``penguins.csv``, ships inside the PyPI package
``palmerpenguins`` (requirements.txt).
"""
from __future__ import annotations

import hashlib
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class DebianDataset:
    package: str
    folder: str            # where the package puts the files
    keras_dir: str         # where Keras looks for them, under $KERAS_HOME
    files: dict[str, str]  # name -> sha256


FASHION_MNIST = DebianDataset(
    package="dataset-fashion-mnist",
    folder="usr/share/datasets/fashion-mnist",
    keras_dir="datasets/fashion-mnist",
    files={
        "train-images-idx3-ubyte.gz":
            "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7",
        "train-labels-idx1-ubyte.gz":
            "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056",
        "t10k-images-idx3-ubyte.gz":
            "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa",
        "t10k-labels-idx1-ubyte.gz":
            "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05",
    },
)
FORTUNES_ZH = DebianDataset(
    package="fortunes-zh",
    folder="usr/share/games/fortunes",
    keras_dir="datasets/fortunes-zh",
    files={
        "tang300": "b69cab0cb84c49dc1808d95aea7156c8911a7022ec630e194eecf360b78feff5",
        "song100": "05a0af125f3572b895e06046c417df0f8f1b8cb9cf0b5115ee9420ae5524683b",
        "chinese": "282c8d2d636e7dac0d54f6c4f25c6a22e5a0ac2d2ffa1f53ca994717d69e5ff7",
    },
)
DATASETS = (FASHION_MNIST, FORTUNES_ZH)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _unpack(dataset: DebianDataset, cache: Path) -> Path:
    """The package's files: from the system if installed, else downloaded and unpacked."""
    system = Path("/") / dataset.folder
    if all((system / name).exists() for name in dataset.files):
        return system
    unpacked = cache / dataset.package
    if all((unpacked / dataset.folder / name).exists() for name in dataset.files):
        return unpacked / dataset.folder
    debs = cache / "debs"
    debs.mkdir(parents=True, exist_ok=True)
    print(f"==> Downloading the Debian package {dataset.package} ...", flush=True)
    fetch = ["apt-get", "download", dataset.package]
    if subprocess.call(fetch, cwd=debs) != 0:
        if os.geteuid() != 0:
            raise RuntimeError(f"`apt-get download {dataset.package}` failed; run "
                               "`sudo apt-get update` once, then `make data` again")
        subprocess.check_call(["apt-get", "update", "-q"])
        subprocess.check_call(fetch, cwd=debs)
    deb = max(debs.glob(f"{dataset.package}_*.deb"))
    subprocess.check_call(["dpkg-deb", "-x", str(deb), str(unpacked)])
    return unpacked / dataset.folder


def ensure(dataset: DebianDataset, keras_home: Path, cache: Path) -> str:
    target = keras_home / dataset.keras_dir
    if all((target / n).exists() and sha256(target / n) == h for n, h in dataset.files.items()):
        return f"{dataset.package}: present in {target}"
    source = _unpack(dataset, cache)
    target.mkdir(parents=True, exist_ok=True)
    for name, expected in dataset.files.items():
        if sha256(source / name) != expected:
            raise RuntimeError(f"{source / name} is not the published file (sha256 differs); "
                               f"delete {cache} and run `make data` again")
        link = target / name
        link.unlink(missing_ok=True)
        link.symlink_to(source / name)
    return f"{dataset.package}: linked into {target}"
