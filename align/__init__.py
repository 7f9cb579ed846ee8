"""Alignment pipeline: read documents, segment them, embed, align into beads."""
