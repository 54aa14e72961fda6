"""The drive's views (see urls.py, root_urls.py and manage_urls.py)."""
