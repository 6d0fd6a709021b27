-- When the indexes of a version's table were built (after it became
-- queryable: filters and sorts are fast from then on).
ALTER TABLE ingests ADD COLUMN indexed_at TEXT;
