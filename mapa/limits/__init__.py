"""Rate limits per client, counted in a store every web process shares (``CACHES["limits"]``)."""
