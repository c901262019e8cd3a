"""The benchmark behind `make bench` (scripts/benchmark.py): the pipeline's wall time and memory as
regions grow, the executors' throughput, a one-region rerun and batch scoring, on this machine."""
