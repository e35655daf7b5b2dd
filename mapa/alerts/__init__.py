"""Follows and area alerts: residents told about reports they chose, by e-mail.

(Being built for issue 10: follow a report with a double opt-in; alerts for districts or
a radius, categories, immediate or a daily digest; signed one-click unsubscribe.)
"""
