-- Trigram matching for typo-tolerant search ("cretta" finds Creta). pg_trgm is a trusted extension, so the
-- database owner can create it without superuser rights.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
