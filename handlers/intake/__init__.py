"""Intake (信息收集): registration, officials' invitations, the investor's plan (附件4)."""
