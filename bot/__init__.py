"""Everything that touches a messenger or the process: runtimes, sender, scheduler, CLI."""
