"""Everything that touches a messenger or the process: the Telegram runtimes, the outbox, the
leader's work, backups, settings, the composition root and the command line."""
