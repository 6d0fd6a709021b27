-- Citizen demand for proactive information: what registered people ask
-- bodies to publish, who supports each request (one support per person),
-- the body's answer, and the statistics of access-to-information requests
-- the institute imports to see which topics each body is asked about most.
CREATE TABLE demand_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    body_id BIGINT NOT NULL REFERENCES bodies (id),
    topic TEXT NOT NULL,
    details TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL DEFAULT '',
    requester_id BIGINT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open',
    answer TEXT NOT NULL DEFAULT '',
    answer_url TEXT,
    answered_by BIGINT,
    answered_at TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX demand_requests_body ON demand_requests (body_id);
CREATE INDEX demand_requests_status ON demand_requests (status);

CREATE TABLE demand_supports (
    request_id BIGINT NOT NULL REFERENCES demand_requests (id),
    user_id BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (request_id, user_id)
);

CREATE TABLE access_request_stats (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    body_id BIGINT NOT NULL REFERENCES bodies (id),
    topic TEXT NOT NULL,
    day TEXT NOT NULL,
    requests BIGINT NOT NULL,
    imported_by BIGINT,
    imported_at TEXT NOT NULL
);
CREATE INDEX access_request_stats_body ON access_request_stats (body_id);
