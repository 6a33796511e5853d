"""The form specifications: one module per form."""
