"""avvik's benchmark: `python -m bench.run [--scale]` (see bench/README.md).

Every figure that is compared with another is measured in the same run, on the same machine.
"""
