"""Rules of objection handling: named functions quoting the seed, thresholds as kit DatedParameters."""
