"""Redaction: privacy masks drawn by the owner, faces found by a detector, and the re-encoded clip."""
