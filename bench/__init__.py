"""Performance benchmarks of the FAQ bot: `python -m bench` (see docs/benchmarks.md).

Modules:
  machine        the machine description printed first
  stats          percentiles and timing helpers
  targets        the performance targets and their PASS/MISS verdicts
  messages       the real message mix (texts of tests/data/eval-*.yaml)
  latency        section 1: match latency on the real faq.yaml against plain rapidfuzz
  synthetic      reproducible synthetic FAQs and queries for the scale section
  scale          section 2: index build time, latency and memory at 100 / 1,000 / 10,000 entries
  scale_worker   one FAQ size, measured in a fresh interpreter (clean memory figures)
  timed_server   the fake Bot API with timestamps, run in a child process
  e2e            section 3: end-to-end throughput of the real Application
  startup        section 4: process start-up time and peak RSS
  chart          the latency-against-FAQ-size chart (matplotlib)
  profiles       --profile DIR: cProfile reports of where the time goes
  report         printing the figures
"""
