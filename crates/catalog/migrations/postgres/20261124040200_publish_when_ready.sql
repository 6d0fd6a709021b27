-- A dataset created through the API as "active" (CKAN's default) is
-- published (or sent to review, for hosted bodies) as soon as it has a
-- resource: the workflow refuses to publish an empty dataset.
ALTER TABLE datasets ADD COLUMN publish_when_ready BIGINT NOT NULL DEFAULT 0;
