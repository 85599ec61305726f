"""registry-svc: who the individual businesses are, their status, annual reports, marks and 名录 labels."""
