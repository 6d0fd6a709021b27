-- The personal-data guard: what the scan of each file version found (masked
-- values only, at most a sample; the total apart), and a reviewer's
-- justification when the data is lawfully public. A version with findings
-- and no justification keeps its dataset from being published.
CREATE TABLE privacy_scans (
    version_id BIGINT PRIMARY KEY REFERENCES resource_versions (id),
    status TEXT NOT NULL,
    total BIGINT NOT NULL DEFAULT 0,
    findings TEXT NOT NULL DEFAULT '[]',
    scanned_at TEXT NOT NULL,
    justification TEXT,
    cleared_by BIGINT,
    cleared_at TEXT
);
