-- Proactive transparency: the practices public bodies register, the rubric
-- the institute evaluates them with, and every round of evaluation (scores
-- keep a copy of the criterion as it was, so a later change to the rubric
-- never rewrites a past result).
CREATE TABLE practices (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    slug TEXT NOT NULL UNIQUE,
    body_id BIGINT NOT NULL REFERENCES bodies (id),
    title TEXT NOT NULL,
    problem TEXT NOT NULL DEFAULT '',
    population TEXT NOT NULL DEFAULT '',
    demand_method TEXT NOT NULL DEFAULT '',
    demand_evidence TEXT NOT NULL DEFAULT '',
    links TEXT NOT NULL DEFAULT '',
    channels TEXT NOT NULL DEFAULT '',
    frequency TEXT,
    indicators TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'draft',
    score BIGINT,
    result_evaluation_id BIGINT,
    created_by BIGINT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    submitted_at TEXT,
    evaluated_at TEXT,
    deleted_at TEXT
);
CREATE INDEX practices_body ON practices (body_id);
CREATE INDEX practices_status ON practices (status);

CREATE TABLE practice_datasets (
    practice_id BIGINT NOT NULL REFERENCES practices (id),
    dataset_id BIGINT NOT NULL REFERENCES datasets (id),
    PRIMARY KEY (practice_id, dataset_id)
);

CREATE TABLE rubric_criteria (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    guidance TEXT NOT NULL DEFAULT '',
    legal_source TEXT NOT NULL DEFAULT '',
    weight BIGINT NOT NULL DEFAULT 1,
    levels TEXT NOT NULL,
    position BIGINT NOT NULL DEFAULT 0,
    active BIGINT NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL
);

CREATE TABLE evaluations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    practice_id BIGINT NOT NULL REFERENCES practices (id),
    round BIGINT NOT NULL,
    reviewer_id BIGINT,
    decision TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    score BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (practice_id, round)
);

CREATE TABLE evaluation_scores (
    evaluation_id BIGINT NOT NULL REFERENCES evaluations (id),
    criterion_code TEXT NOT NULL,
    criterion_title TEXT NOT NULL,
    legal_source TEXT NOT NULL DEFAULT '',
    weight BIGINT NOT NULL,
    level BIGINT NOT NULL,
    max_level BIGINT NOT NULL,
    level_label TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    position BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (evaluation_id, criterion_code)
);
