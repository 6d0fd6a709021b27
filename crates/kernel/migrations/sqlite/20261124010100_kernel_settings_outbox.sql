-- Settings shared by every process (e.g. the server secret), and the e-mail outbox.

CREATE TABLE kernel_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    to_addr TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    sent_at TEXT,
    transport TEXT,
    location TEXT,
    last_error TEXT
);
