# 让 notebook 在哪里都能运行：在 Google Colab 上补装它缺少的包；在本仓库中离线使用时，
# 让 Keras 读取 `make data` 准备好的数据集；最后打印各个库的版本。
import os
import subprocess
import sys
from pathlib import Path

BOOK_TF = "2.21.0"
if "google.colab" in sys.modules:
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet",
                    "gymnasium[classic-control]==1.4.0"], check=True)
# 在本书仓库的副本中，使用 `make data` 链接好的数据集（不必下载）。
for folder in [Path.cwd(), *Path.cwd().parents]:
    if (folder / ".cache" / "keras" / "datasets").is_dir():
        os.environ.setdefault("KERAS_HOME", str(folder / ".cache" / "keras"))
        break

# 到这里才导入：Keras 在首次导入时读取 KERAS_HOME。
import numpy as np
import tensorflow as tf

print(f"Python {sys.version.split()[0]} | TensorFlow {tf.__version__} | "
      f"Keras {tf.keras.__version__} | NumPy {np.__version__}")
if tf.__version__ != BOOK_TF:
    print(f"executed with TensorFlow {BOOK_TF}; you have {tf.__version__}: "
          "outputs may differ slightly")
