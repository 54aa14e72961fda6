"""Shared pieces of the real-time benchmarks (bench/realtime_*.py): process control, a lean
websocket client process, a raw ASGI broadcast baseline, an HTTP sender, statistics."""
