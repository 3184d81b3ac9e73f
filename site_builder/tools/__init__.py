"""Tools beside the build: the synthetic corpus generator for benchmarks."""
