-- Harvesting from other portals: the sources (another CKAN, a DCAT-AP JSON-LD
-- catalog, a data.json), what each run found, and which local dataset and
-- resources stand for each remote one, so that a run updates only what
-- changed and unpublishes (never deletes) what vanished upstream.

CREATE TABLE harvest_sources (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    url TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    -- The local body the harvested datasets are published under.
    body_id BIGINT NOT NULL REFERENCES bodies (id),
    enabled BIGINT NOT NULL DEFAULT 1,
    interval_hours BIGINT NOT NULL DEFAULT 24,
    -- Set while a run holds the source (stale after a few hours).
    running_since TEXT,
    last_run_at TEXT,
    -- ok, partial (the listing was cut at a limit) or failed.
    last_status TEXT,
    -- The last run's summary or the Spanish reason it failed.
    last_message TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE harvest_records (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source_id BIGINT NOT NULL REFERENCES harvest_sources (id),
    remote_id TEXT NOT NULL,
    dataset_id BIGINT NOT NULL REFERENCES datasets (id),
    remote_modified TEXT,
    -- SHA-256 of what the source said, as mapped: equal means unchanged.
    content_hash TEXT NOT NULL,
    -- When the run that no longer found it upstream unpublished it.
    retired_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (source_id, remote_id)
);
CREATE INDEX harvest_records_dataset ON harvest_records (dataset_id);

-- The local (link) resource for each remote resource of a record.
CREATE TABLE harvest_resources (
    record_id BIGINT NOT NULL REFERENCES harvest_records (id),
    remote_key TEXT NOT NULL,
    resource_id BIGINT NOT NULL REFERENCES resources (id),
    PRIMARY KEY (record_id, remote_key)
);
