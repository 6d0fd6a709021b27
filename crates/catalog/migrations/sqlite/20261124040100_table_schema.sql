-- A Frictionless Table Schema the publisher uploaded for a tabular resource:
-- when present, every new version is validated against it (constraints too).
ALTER TABLE resources ADD COLUMN table_schema TEXT;
