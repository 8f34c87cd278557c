# IPython kernel settings for executing the book's notebooks (make notebooks, nbval).
# The Makefile copies this file to $IPYTHONDIR/profile_default/ipython_kernel_config.py.
#
# TensorFlow's C++ runtime writes log lines straight to file descriptor 2 before any
# logging setting applies. With fd capture off, they go to the terminal instead of
# landing in the stored notebooks as stderr output.
c = get_config()  # noqa: F821  (provided by IPython when it reads this file)
c.IPKernelApp.capture_fd_output = False
#
# Plots are stored as PNG at twice their displayed size (the output's metadata keeps the
# displayed width), sharp on HiDPI screens and in the PDF.
c.InlineBackend.figure_formats = {"retina"}
