-- Search engine schema (PostgreSQL backend). Idempotent: PostgresEngine::migrate
-- runs it under an advisory lock at every start.

CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- apertura_es: Spanish with accents folded *before* stemming ("gestion" and
-- "gestión" give the same lexeme). The Snowball dictionary has no stop-word
-- list: every word is indexed, the query planner drops stop words itself (the
-- same way for the tantivy backend).
DO $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM pg_ts_dict
        WHERE dictname = 'apertura_es_stem'
          AND dictnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())
    ) THEN
        CREATE TEXT SEARCH DICTIONARY apertura_es_stem (TEMPLATE = snowball, Language = spanish);
    END IF;
    IF NOT EXISTS (
        SELECT 1 FROM pg_ts_config
        WHERE cfgname = 'apertura_es'
          AND cfgnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())
    ) THEN
        CREATE TEXT SEARCH CONFIGURATION apertura_es (COPY = pg_catalog.spanish);
        ALTER TEXT SEARCH CONFIGURATION apertura_es
            ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
            WITH unaccent, apertura_es_stem;
        ALTER TEXT SEARCH CONFIGURATION apertura_es
            ALTER MAPPING FOR numword, numhword, hword_numpart
            WITH unaccent, simple;
    END IF;
END
$$;

CREATE TABLE IF NOT EXISTS search_documents (
    kind         text        NOT NULL,
    id           text        NOT NULL,
    url          text        NOT NULL,
    title        text        NOT NULL,
    description  text        NOT NULL,
    keywords     text[]      NOT NULL,
    body_text    text        NOT NULL,
    facets       jsonb       NOT NULL,
    -- 'key' || chr(31) || 'value', one per facet value: filters (&&) and counts.
    facet_terms  text[]      NOT NULL,
    -- Distinct folded words of the document: its share of search_words.
    words        text[]      NOT NULL,
    published_at timestamptz,
    modified_at  timestamptz,
    -- coalesce(modified_at, published_at): Sort::Newest.
    recency      timestamptz,
    downloads    bigint      NOT NULL DEFAULT 0,
    title_sort   text        COLLATE "C" NOT NULL,
    -- Weights: A title, B keywords, C description, D body_text. Matching.
    tsv          tsvector    NOT NULL,
    -- Title (A), keywords (B) and the start of the description (C): ranking.
    -- Small, so that ts_rank over thousands of matches stays cheap.
    rank_tsv     tsvector    NOT NULL,
    indexed_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (kind, id)
);

-- Keep both tsvectors inline (compressed) rather than in TOAST: every match
-- reads them, and a TOAST lookup per row costs more than the rest of the query.
DO $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM pg_attribute
        WHERE attrelid = 'search_documents'::regclass
          AND attname IN ('tsv', 'rank_tsv') AND attstorage <> 'm'
    ) THEN
        ALTER TABLE search_documents
            ALTER COLUMN tsv SET STORAGE MAIN,
            ALTER COLUMN rank_tsv SET STORAGE MAIN;
    END IF;
END
$$;

CREATE INDEX IF NOT EXISTS search_documents_tsv_idx ON search_documents USING gin (tsv);
CREATE INDEX IF NOT EXISTS search_documents_facets_idx ON search_documents USING gin (facet_terms);
CREATE INDEX IF NOT EXISTS search_documents_recency_idx ON search_documents (recency DESC NULLS LAST);
CREATE INDEX IF NOT EXISTS search_documents_downloads_idx ON search_documents (downloads DESC);
CREATE INDEX IF NOT EXISTS search_documents_title_idx ON search_documents (title_sort);

-- Documents per kind ('' term) and per kind and facet value: the answer to
-- the most frequent query (everything of a kind, with facets) without
-- counting the whole table.
CREATE TABLE IF NOT EXISTS search_facet_counts (
    kind text NOT NULL,
    term text COLLATE "C" NOT NULL,
    ndoc integer NOT NULL,
    PRIMARY KEY (kind, term)
);

-- The vocabulary: every folded word (stop words excepted) with how it is
-- written and in how many documents. Prefix completion (btree, "C" order)
-- and spelling correction (trigram similarity, GIN).
CREATE TABLE IF NOT EXISTS search_words (
    word    text    COLLATE "C" PRIMARY KEY,
    display text    NOT NULL,
    ndoc    integer NOT NULL
);

CREATE INDEX IF NOT EXISTS search_words_trgm_idx ON search_words USING gin (word gin_trgm_ops);
