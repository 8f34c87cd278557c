# Prepares a notebook to run anywhere: installs what Google Colab lacks, points Keras at
# the datasets that `make data` linked (offline use of the repository), prints versions.
import os
import subprocess
import sys
from pathlib import Path

if "google.colab" in sys.modules:
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet",
                    "gymnasium[classic-control]==1.4.0"], check=True)
local_data = Path.cwd().parent.parent / ".cache" / "keras"
if local_data.is_dir():
    os.environ.setdefault("KERAS_HOME", str(local_data))

# Imported only now: Keras reads KERAS_HOME when it is first imported.
import numpy as np
import tensorflow as tf

print(f"Python {sys.version.split()[0]} | TensorFlow {tf.__version__} | "
      f"Keras {tf.keras.__version__} | NumPy {np.__version__}")
