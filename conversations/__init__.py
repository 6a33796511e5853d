"""Conversations: the reply model, the callback codec, the form engine and the form specs."""
