"""Reporting: member units' monthly reports (附件6) and the office's aggregate, the yearly
assessment, the weekly digest for leaders."""
