"""The HTTP adapter: the v1 wire API, the C2SP log layout, and the pages. Thin by design."""
