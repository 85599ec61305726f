"""Getihu shared library: the one way to do events, outbox/inbox, db, auth, web and domain primitives."""
