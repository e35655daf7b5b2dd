"""SMS both ways: texts to residents, and the deaf residents' line into GCK's queue.

(Being built for issue 10: a pluggable outbound backend; an inbound gateway webhook that
opens a triage case and answers with its reference; staff replies by SMS.)
"""
