"""Full-text search over everything a person may type: entity labels and printed names, claim
texts, course titles, and the locations and units the training records print. The index is
an SQLite FTS5 table written beside the store when the store is written, and swapped with it
(`index`); `lookup` answers a search from it."""
