# Where chapter 5's real data lives: Chinese poems and sayings from the Debian package
# fortunes-zh, and penguins.csv from the PyPI package palmerpenguins.
import importlib.resources
import os
import subprocess
import sys
from pathlib import Path

if "google.colab" in sys.modules:  # Colab runs Ubuntu as root: install the same packages
    subprocess.run("apt-get update -qq && apt-get install -qq fortunes-zh", shell=True, check=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "palmerpenguins==0.1.6"],
                   check=True)

FORTUNES = ("tang300", "song100", "chinese")  # Tang poems, Song lyrics, sayings


def fortunes_file(name):  # a fortunes-zh file: linked by `make data`, or installed by apt
    keras_home = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras"))
    for folder in (keras_home / "datasets" / "fortunes-zh", Path("/usr/share/games/fortunes")):
        if (folder / name).is_file():
            return str(folder / name)
    raise FileNotFoundError(f"fortunes-zh file {name!r} not found: run `make data` in the "
                            "book's repository, or `sudo apt install fortunes-zh`")


def penguins_file():  # penguins.csv, as the palmerpenguins package ships it
    return str(importlib.resources.files("palmerpenguins") / "data" / "penguins.csv")


for name in FORTUNES:
    print(f"{name}: {os.path.getsize(fortunes_file(name)):,} bytes")
print(f"penguins.csv: {os.path.getsize(penguins_file()):,} bytes")
