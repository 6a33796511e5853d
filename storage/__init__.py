"""Storage: SQLModel tables, the engine, repositories, the unit of work, outbox and audit."""
