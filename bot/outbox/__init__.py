"""The outbox: delivering queued notifications, one reply at a time, within the messenger's
limits."""
