-- Accounts and memberships of public bodies.

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT,
    role TEXT NOT NULL DEFAULT 'citizen',
    is_demo BIGINT NOT NULL DEFAULT 0,
    email_confirmed_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);

CREATE TABLE memberships (
    user_id BIGINT NOT NULL REFERENCES users (id),
    body_id BIGINT NOT NULL REFERENCES bodies (id),
    role TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, body_id)
);
CREATE INDEX memberships_body ON memberships (body_id);
