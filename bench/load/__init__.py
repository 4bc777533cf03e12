"""The load test's own files: bench-only settings and URLconf (a bare view beside the product's pages), and the
Locust file. Run by ``bench/bench_load.py``; nothing of the product imports them."""
