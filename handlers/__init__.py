"""Use cases, one module per capability: an inbound event and the actor in, replies out."""
