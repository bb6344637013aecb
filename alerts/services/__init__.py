"""Writes of the alerts app, one module per concern.

- preferences: a volunteer's channels, rhythm and filters
- creation: alerts from stored match results (the hook matching calls)
- messages: rendering an alert into a message
- sending: claim, send, mark; retries, failures, the sweeper, replay
- digests: daily and weekly digests, grouped per person, best first
- answers: what signed links do (interest, not for me, unavailable, unsubscribe)
- managers: first strong candidates, daily summary, stale applications
- inbox: marking in-app messages read
"""
