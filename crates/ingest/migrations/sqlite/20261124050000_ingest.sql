-- Tabular ingest: one row per resource version that has been (or is being)
-- loaded into the datastore. The version becomes queryable only when its
-- status is 'ready'; until then the previous ready version keeps serving.

CREATE TABLE ingests (
    version_id BIGINT PRIMARY KEY REFERENCES resource_versions (id),
    resource_id BIGINT NOT NULL REFERENCES resources (id),
    status TEXT NOT NULL,
    job_id BIGINT,
    rows_done BIGINT NOT NULL DEFAULT 0,
    bytes_total BIGINT,
    rows BIGINT,
    valid BIGINT,
    error_count BIGINT,
    schema_json TEXT,
    dialect_json TEXT,
    report_json TEXT,
    stats_json TEXT,
    notices_json TEXT,
    geo_json TEXT,
    error TEXT,
    created_at TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT
);
CREATE INDEX ingests_resource ON ingests (resource_id, status);
