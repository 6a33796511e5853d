"""The Mini App's web adapter: the aiohttp application, and initData authentication."""
