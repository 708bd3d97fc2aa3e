-- People and the faces enrolled from their photos (the same tables as SQLite's 001).
-- name_key (trimmed, lower-cased "first<TAB>sur") makes the same name map to one person;
-- search_name (lower-cased "first sur") serves the people(name:) filter.
CREATE TABLE people (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  first_name  text NOT NULL,
  sur_name    text NOT NULL,
  name_key    text NOT NULL UNIQUE,
  search_name text NOT NULL,
  created_at  timestamptz NOT NULL
);

-- One stored photo and the 128-d encoding of the face enrolled from it.
-- The row id is also the id of the encoding in every replica's in-memory FaceIndex; ids are never reused.
CREATE TABLE faces (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  image_id    text NOT NULL UNIQUE,
  person_id   bigint NOT NULL REFERENCES people(id) ON DELETE CASCADE,
  file_name   text NOT NULL UNIQUE,
  box_x       integer NOT NULL,
  box_y       integer NOT NULL,
  box_width   integer NOT NULL,
  box_height  integer NOT NULL,
  encoding    bytea NOT NULL CHECK (octet_length(encoding) = 512),
  created_at  timestamptz NOT NULL
);

CREATE INDEX faces_by_person ON faces(person_id, id);
