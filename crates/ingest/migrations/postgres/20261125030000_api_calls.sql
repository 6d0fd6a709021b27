-- Queries of each resource's table through the API (datastore_search,
-- datastore_search_sql, exports): a measure of use, beside the downloads.
CREATE TABLE resource_api_calls (
    resource_id BIGINT PRIMARY KEY REFERENCES resources (id),
    count BIGINT NOT NULL DEFAULT 0
);
