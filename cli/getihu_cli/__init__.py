"""getihu: a thin command line over the public gateway API (no access to any database)."""
