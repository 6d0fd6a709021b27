-- The quality score of each dataset (derived: recomputed by jobs from the
-- catalog, the loads and the use counts; replaced, never the only copy of
-- anything), and one line a day of averages per body and for the state, to
-- show the trend.
CREATE TABLE quality_scores (
    dataset_id BIGINT PRIMARY KEY REFERENCES datasets (id),
    body_id BIGINT NOT NULL REFERENCES bodies (id),
    score BIGINT NOT NULL,
    overdue BIGINT NOT NULL DEFAULT 0,
    is_public BIGINT NOT NULL DEFAULT 0,
    -- The points of each criterion (see quality::domain::CRITERIA), so that
    -- averages per body and for the state are one query.
    p_format BIGINT NOT NULL,
    p_licence BIGINT NOT NULL,
    p_metadata BIGINT NOT NULL,
    p_dictionary BIGINT NOT NULL,
    p_validation BIGINT NOT NULL,
    p_freshness BIGINT NOT NULL,
    p_readability BIGINT NOT NULL,
    p_use BIGINT NOT NULL,
    breakdown_json TEXT NOT NULL,
    computed_at TEXT NOT NULL
);
CREATE INDEX quality_scores_body ON quality_scores (body_id, score);

-- body_id 0: the whole state.
CREATE TABLE quality_history (
    day TEXT NOT NULL,
    body_id BIGINT NOT NULL,
    datasets BIGINT NOT NULL,
    score_sum BIGINT NOT NULL,
    overdue BIGINT NOT NULL,
    PRIMARY KEY (day, body_id)
);
