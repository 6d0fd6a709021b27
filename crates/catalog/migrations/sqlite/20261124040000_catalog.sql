-- The open-data catalog: datasets, resources, immutable resource versions,
-- download counts and data dictionaries.

CREATE TABLE datasets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    slug TEXT NOT NULL UNIQUE,
    body_id BIGINT NOT NULL REFERENCES bodies (id),
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    themes TEXT NOT NULL DEFAULT '',
    keywords TEXT NOT NULL DEFAULT '',
    licence TEXT NOT NULL DEFAULT 'cc-by-4.0',
    frequency TEXT,
    temporal_start TEXT,
    temporal_end TEXT,
    spatial TEXT,
    contact_name TEXT,
    contact_email TEXT,
    language TEXT NOT NULL DEFAULT 'es',
    version_notes TEXT,
    status TEXT NOT NULL DEFAULT 'draft',
    is_private BIGINT NOT NULL DEFAULT 0,
    created_by BIGINT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    published_at TEXT,
    deleted_at TEXT
);
CREATE INDEX datasets_body ON datasets (body_id);
CREATE INDEX datasets_status ON datasets (status, deleted_at);

CREATE TABLE resources (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    dataset_id BIGINT NOT NULL REFERENCES datasets (id),
    slug TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL,
    url TEXT,
    position BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    UNIQUE (dataset_id, slug)
);

-- A version is written once and never changes: its bytes, hash and name are
-- served at a permanent address forever.
CREATE TABLE resource_versions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    resource_id BIGINT NOT NULL REFERENCES resources (id),
    number BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    size BIGINT NOT NULL,
    media_type TEXT NOT NULL,
    format TEXT NOT NULL,
    filename TEXT NOT NULL,
    notes TEXT,
    created_by BIGINT,
    created_at TEXT NOT NULL,
    UNIQUE (resource_id, number)
);
CREATE TRIGGER resource_versions_immutable BEFORE UPDATE ON resource_versions
BEGIN
    SELECT RAISE(ABORT, 'resource versions are immutable');
END;
CREATE TRIGGER resource_versions_no_delete BEFORE DELETE ON resource_versions
BEGIN
    SELECT RAISE(ABORT, 'resource versions are immutable');
END;

CREATE TABLE resource_downloads (
    version_id BIGINT PRIMARY KEY REFERENCES resource_versions (id),
    count BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE dictionary_fields (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    resource_id BIGINT NOT NULL REFERENCES resources (id),
    position BIGINT NOT NULL,
    name TEXT NOT NULL,
    field_type TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    unit TEXT NOT NULL DEFAULT ''
);
CREATE INDEX dictionary_fields_resource ON dictionary_fields (resource_id, position);
