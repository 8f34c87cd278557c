# Prepares a notebook to run anywhere: installs what Google Colab lacks, points Keras at
# the datasets that `make data` linked (offline use of the repository), prints versions.
import os
import subprocess
import sys
from pathlib import Path

BOOK_TF = "2.21.0"
if "google.colab" in sys.modules:
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet",
                    "gymnasium[classic-control]==1.4.0"], check=True)
# In a clone of the repository, use the datasets that `make data` linked (no download).
for folder in [Path.cwd(), *Path.cwd().parents]:
    if (folder / ".cache" / "keras" / "datasets").is_dir():
        os.environ.setdefault("KERAS_HOME", str(folder / ".cache" / "keras"))
        break

# Imported only now: Keras reads KERAS_HOME when it is first imported.
import numpy as np
import tensorflow as tf

print(f"Python {sys.version.split()[0]} | TensorFlow {tf.__version__} | "
      f"Keras {tf.keras.__version__} | NumPy {np.__version__}")
if tf.__version__ != BOOK_TF:
    print(f"executed with TensorFlow {BOOK_TF}; you have {tf.__version__}: "
          "outputs may differ slightly")
