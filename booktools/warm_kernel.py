"""IPython kernels that start with TensorFlow already imported.

Importing TensorFlow and Keras costs about 7 s of CPU, once per notebook kernel. A server
pays it once: it imports them (and ipykernel), then forks a kernel for each request. The
kernel spec runs this file as a small client, so a Jupyter client (nbval, nbclient) sees
an ordinary kernel process:

    python booktools/warm_kernel.py serve SOCKET        # the server (see ``start``)
    python booktools/warm_kernel.py -f CONNECTION_FILE  # the kernel spec's command

The client passes its working folder, environment and standard streams to the server. A
supervisor forked for the request forks the kernel, tells the client the kernel's pid and
later its exit status; the client forwards the signals it gets (interrupt, terminate) to
the kernel and exits with the kernel's status. If the client dies first (killed), the
supervisor kills the kernel. Each process also dies with its parent (Linux's parent-death
signal): the server with the process that started it, a supervisor with the server, a
kernel with its supervisor. So however a run ends (Ctrl-C to its process group, SIGTERM,
a killed pytest worker), its kernels end with it, and with them their clients. The kernel runs ``ipykernel_launcher -f CONNECTION_FILE``
exactly, from an interpreter whose imports were made before the fork; TensorFlow creates
no thread pool and no context on import, so the fork is as clean as a fresh start
(``make test`` compares every output with the stored ones, which proves it).

The client imports only the standard library: it starts in a few milliseconds.
"""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

SOCKET_ENV = "BOOK_KERNEL_SERVER"
# What every notebook's kernel would import (matplotlib.pyplot comes with keras); the
# server's environment may name others, comma-separated, in PRELOAD_ENV.
PRELOADED = ["numpy", "tensorflow", "keras", "ipykernel.kernelapp"]
PRELOAD_ENV = "BOOK_KERNEL_PRELOAD"
# What ipykernel sets before the kernel's code runs (matplotlib reads it on import).
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1)


def kernel_spec(display_name: str = "Python 3 (TensorFlow preloaded)") -> dict:
    """kernel.json for a kernel spec folder: this file as the client."""
    return {"argv": [sys.executable, str(Path(__file__).resolve()), "-f", "{connection_file}"],
            "display_name": display_name, "language": "python",
            "interrupt_mode": "signal", "metadata": {"debugger": False}}


def start(path: Path, timeout: float = 120) -> subprocess.Popen:
    """Start a server listening on ``path``; return once it accepts requests."""
    path.unlink(missing_ok=True)
    server = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "serve", str(path)],
                              stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + timeout
    while not path.exists():
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            raise RuntimeError(f"booktools/warm_kernel.py: the kernel server did not start "
                               f"(exit status {server.poll()}); run `python booktools/"
                               f"warm_kernel.py serve {path}` to see why")
        time.sleep(0.05)
    return server


@contextlib.contextmanager
def serving(name: str = "book-warm"):
    """A kernel server for this process's Jupyter clients (nbclient, nbval): yields the kernel
    name to start their kernels with. The environment at entry is the kernels' environment
    (a CPU setting must be set before: the server imports TensorFlow)."""
    folder = Path(tempfile.mkdtemp(prefix="book-kernel-"))
    spec = folder / "kernels" / name
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps(kernel_spec()), "utf-8")
    saved = {key: os.environ.get(key) for key in ("JUPYTER_PATH", SOCKET_ENV)}
    server = start(folder / "server")
    os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(folder), saved["JUPYTER_PATH"]]))
    os.environ[SOCKET_ENV] = str(folder / "server")
    try:
        yield name
    finally:
        server.kill()
        server.wait()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        shutil.rmtree(folder, ignore_errors=True)


def _find_prctl():
    """libc's prctl, looked up once, before any fork: looking it up in a forked child of a
    process with threads (TensorFlow's) could wait forever on the loader's lock."""
    try:
        import ctypes
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


_PRCTL = _find_prctl()


def die_with_parent() -> None:
    """Linux: SIGKILL this process when its parent dies (prctl PR_SET_PDEATHSIG); if the parent
    is gone already, exit now. Elsewhere: nothing (the server still polls its parent)."""
    parent = os.getppid()
    if _PRCTL is None:
        return
    _PRCTL(1, signal.SIGKILL, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
    if parent == 1 or os.getppid() != parent:
        os._exit(1)


# The messages: a 4-byte length, then JSON.
def _send(conn: socket.socket, message: dict, fds: list[int] = ()) -> None:
    data = json.dumps(message).encode()
    payload = struct.pack("!I", len(data)) + data
    if fds:
        socket.send_fds(conn, [payload], list(fds))
    else:
        conn.sendall(payload)


def _receive(conn: socket.socket, with_fds: bool = False):
    fds = []
    if with_fds:
        head, fds, _, _ = socket.recv_fds(conn, 4, 3)
    else:
        head = conn.recv(4)
    while 0 < len(head) < 4:
        head += conn.recv(4 - len(head))
    if len(head) < 4:
        return (None, fds) if with_fds else None
    size, = struct.unpack("!I", head)
    data = b""
    while len(data) < size:
        chunk = conn.recv(size - len(data))
        if not chunk:
            raise ConnectionError("the request ended early")
        data += chunk
    message = json.loads(data)
    return (message, fds) if with_fds else message


# The server and its forks.
def serve(path: str) -> None:
    die_with_parent()
    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
    preload = os.environ.get(PRELOAD_ENV)
    for name in preload.split(",") if preload else PRELOADED:
        __import__(name)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path + ".part")
    listener.listen(8)
    os.rename(path + ".part", path)  # the path appears once requests are accepted
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # supervisors are reaped by the system
    parent = os.getppid()
    listener.settimeout(1.0)
    while os.getppid() == parent:  # the server ends with the process that started it
        try:
            conn, _ = listener.accept()
        except socket.timeout:
            continue
        conn.settimeout(None)
        if os.fork() == 0:
            die_with_parent()
            listener.close()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            os._exit(_supervise(conn))
        conn.close()


def _supervise(conn: socket.socket) -> int:
    """Fork the kernel for one request; report its pid and exit status to the client."""
    request, fds = _receive(conn, with_fds=True)
    kernel = os.fork()
    if kernel == 0:
        die_with_parent()
        conn.close()
        _become_kernel(request, fds)
    for fd in fds:
        os.close(fd)
    _send(conn, {"pid": kernel})

    def kill_if_client_leaves():
        if not conn.recv(1):
            try:
                os.kill(kernel, signal.SIGKILL)
            except ProcessLookupError:
                pass
    threading.Thread(target=kill_if_client_leaves, daemon=True).start()
    _, status = os.waitpid(kernel, 0)
    code = os.waitstatus_to_exitcode(status)
    try:
        _send(conn, {"exit": code})
    except OSError:
        pass
    return 0


def _become_kernel(request: dict, fds: list[int]) -> None:
    """In the kernel's fork: take the client's streams, folder and environment; run ipykernel."""
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    os.setsid()
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
    sys.argv = ["ipykernel_launcher", *request["args"]]
    sys.path[0] = request["cwd"]  # as `python -m ipykernel_launcher` would have it
    from ipykernel.kernelapp import IPKernelApp
    code = 0
    try:
        app = IPKernelApp.instance()
        app.initialize()
        _as_if_imported_in_the_kernel()
        app.start()
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    sys.stdout.flush(), sys.stderr.flush()
    os._exit(code)


def _as_if_imported_in_the_kernel() -> None:
    """Redo what the preloaded modules do on import when IPython is running: TensorFlow
    sends tf.print to the cell's output (tensorflow/python/ops/logging_ops.py)."""
    logging_ops = sys.modules.get("tensorflow.python.ops.logging_ops")
    if logging_ops is not None:
        logging_ops.enable_interactive_logging()


# The client: what the kernel spec runs.
def client(args: list[str]) -> int:
    path = os.environ.get(SOCKET_ENV)
    if not path:
        sys.exit(f"booktools/warm_kernel.py: {SOCKET_ENV} is not set; start a server with "
                 f"`python booktools/warm_kernel.py serve PATH` and set it to PATH")
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    conn.connect(path)
    _send(conn, {"args": args, "cwd": os.getcwd(), "env": dict(os.environ)}, fds=[0, 1, 2])
    pid = _receive(conn)["pid"]
    for number in FORWARDED:
        signal.signal(number, lambda number, _: os.kill(pid, number))
    while True:
        try:
            reply = _receive(conn)
        except InterruptedError:
            continue
        return 1 if reply is None else reply["exit"]


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        serve(sys.argv[2])
    else:
        sys.exit(client(sys.argv[1:]))
