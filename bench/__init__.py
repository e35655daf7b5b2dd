"""Mapa's benchmarks: not runtime code, and not shipped in the package.

``python -m bench`` (``make bench``) times Mapa's main endpoints against psql
running the same SQL; ``harness`` measures and draws, ``boston`` loads the
benchmark data, ``scenarios`` says what is measured.
"""
