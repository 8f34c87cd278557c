# 第 5 章的真实数据在哪里：唐诗、宋词和中文格言来自 Debian 软件包
# fortunes-zh，penguins.csv 来自 PyPI 软件包 palmerpenguins。
import importlib.resources
import os
import subprocess
import sys
from pathlib import Path

if "google.colab" in sys.modules:  # Colab 以 root 身份运行 Ubuntu：装上同样的软件包
    subprocess.run("apt-get update -qq && apt-get install -qq fortunes-zh", shell=True, check=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "palmerpenguins==0.1.6"],
                   check=True)

FORTUNES = ("tang300", "song100", "chinese")  # 唐诗、宋词、格言


def fortunes_file(name):  # fortunes-zh 的一个文件：由 `make data` 链接，或由 apt 安装
    keras_home = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras"))
    for folder in (keras_home / "datasets" / "fortunes-zh", Path("/usr/share/games/fortunes")):
        if (folder / name).is_file():
            return str(folder / name)
    raise FileNotFoundError(f"fortunes-zh file {name!r} not found: run `make data` in the "
                            "book's repository, or `sudo apt install fortunes-zh`")


def penguins_file():  # palmerpenguins 软件包自带的 penguins.csv
    return str(importlib.resources.files("palmerpenguins") / "data" / "penguins.csv")


for name in FORTUNES:
    print(f"{name}: {os.path.getsize(fortunes_file(name)):,} bytes")
print(f"penguins.csv: {os.path.getsize(penguins_file()):,} bytes")
