"""The elected process: leader election, the scheduler and the work only the leader does."""
