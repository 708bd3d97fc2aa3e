-- People and the faces enrolled from their photos.
-- name_key (trimmed, lower-cased "first<TAB>sur") makes the same name map to one person;
-- search_name (lower-cased "first sur") serves the people(name:) filter.
CREATE TABLE people (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  first_name  TEXT NOT NULL,
  sur_name    TEXT NOT NULL,
  name_key    TEXT NOT NULL UNIQUE,
  search_name TEXT NOT NULL,
  created_at  TEXT NOT NULL
);

-- One stored photo and the 128-d encoding of the face enrolled from it.
-- The row id is also the id of the encoding in the in-memory FaceIndex.
CREATE TABLE faces (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  image_id    TEXT NOT NULL UNIQUE,
  person_id   INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
  file_name   TEXT NOT NULL UNIQUE,
  box_x       INTEGER NOT NULL,
  box_y       INTEGER NOT NULL,
  box_width   INTEGER NOT NULL,
  box_height  INTEGER NOT NULL,
  encoding    BLOB NOT NULL CHECK (length(encoding) = 512),
  created_at  TEXT NOT NULL
);

CREATE INDEX faces_by_person ON faces(person_id, id);
