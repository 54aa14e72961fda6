"""Helpers of bench/drive.py."""
