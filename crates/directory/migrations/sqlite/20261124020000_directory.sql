-- The directory: municipalities (reference data), kinds of public bodies, bodies.

CREATE TABLE municipalities (
    cvegeo TEXT PRIMARY KEY,
    cve_ent TEXT NOT NULL,
    cve_mun TEXT NOT NULL,
    name TEXT NOT NULL,
    seat TEXT NOT NULL,
    population_2020 BIGINT NOT NULL,
    slug TEXT NOT NULL UNIQUE
);

CREATE TABLE body_kinds (
    code TEXT PRIMARY KEY,
    sort_order BIGINT NOT NULL
);

CREATE TABLE bodies (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL REFERENCES body_kinds (code),
    municipality TEXT REFERENCES municipalities (cvegeo),
    hosted BIGINT NOT NULL DEFAULT 0,
    is_demo BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE INDEX bodies_municipality ON bodies (municipality);
