-- Jobs that bring something up to date (an index entry) give up their
-- deduplication key when they start, so that a change made while they run
-- queues another run instead of being absorbed by one that may have read the
-- old state (`NewJob::coalesce`).
ALTER TABLE jobs ADD COLUMN release_on_claim BIGINT NOT NULL DEFAULT 0;
