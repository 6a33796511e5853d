"""The policy as data and the rules on it: pure Python, no I/O beyond reading the policy file."""
