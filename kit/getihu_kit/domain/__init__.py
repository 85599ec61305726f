"""Domain primitives shared by every service (codes, check digits, regions, industries, masking)."""
