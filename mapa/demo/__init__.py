"""Demonstration data: believable reports at real places, filed through the real services.

Not runtime code: nothing imports it. It sits in the top layer because it
uses both reports and places (``fixtures/gdansk/demo_reports.json``).
"""
