"""Demonstration data: fictional Baotou municipal SOEs (every name ends in "（示例）") with a
believable 2023–2025 reporting history, for trying the product out and for screenshots."""
