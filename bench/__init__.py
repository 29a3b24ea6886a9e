"""The bot's speed benchmark: `python -m bench [--quick] [--json FILE]` (docs/benchmarks.md).

Modules: stats (percentiles, timing), latency (the real FAQ against rapidfuzz),
scale (synthetic FAQs of growing size), e2e (updates per second through the real
Application and the local Bot API server), startup (start-up time and peak RSS).
"""
