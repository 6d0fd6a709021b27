-- A public body's profile: what it does, its transparency unit's contact, its
-- website and its logo (a blob in the file store, by SHA-256).

ALTER TABLE bodies ADD COLUMN description TEXT;
ALTER TABLE bodies ADD COLUMN contact_name TEXT;
ALTER TABLE bodies ADD COLUMN contact_email TEXT;
ALTER TABLE bodies ADD COLUMN contact_phone TEXT;
ALTER TABLE bodies ADD COLUMN website TEXT;
ALTER TABLE bodies ADD COLUMN logo_sha256 TEXT;
