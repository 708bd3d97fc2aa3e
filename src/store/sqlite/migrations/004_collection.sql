-- A photo collection: photos imported in bulk, the faces kept from them without a name, and a small crop of every
-- face. faces.person_id becomes optional, so the faces table is rebuilt (SQLite cannot drop a NOT NULL).

-- One row per imported photo (npm run import, importPhotos): its bytes' SHA-256, so the same photo is never
-- imported twice. The photo itself is not kept; each face kept from it has its own crop (faces.file_name).
CREATE TABLE imported_photos (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  content_hash  TEXT NOT NULL UNIQUE,
  -- The file's name (its path under the imported folder), for people reading the list.
  source        TEXT NOT NULL,
  -- Faces detected, and faces kept (recognisable, and within the cap on unnamed faces).
  faces_found   INTEGER NOT NULL,
  faces_kept    INTEGER NOT NULL,
  imported_at   TEXT NOT NULL
);

-- person_id: null for a face nobody has named yet; such a face is in a group (group_id: a number naming the
-- group) until it is named, and ignored = 1 once someone said it is nobody to name (it is never suggested).
-- photo_id: the imported photo it came from (null for a photo enrolled with addPerson/addFace).
-- crop: a small JPEG of the aligned face, made once, for the people and faces-to-name views.
CREATE TABLE faces_v4 (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  image_id    TEXT NOT NULL UNIQUE,
  person_id   INTEGER REFERENCES people(id) ON DELETE CASCADE,
  file_name   TEXT NOT NULL UNIQUE,
  box_x       INTEGER NOT NULL,
  box_y       INTEGER NOT NULL,
  box_width   INTEGER NOT NULL,
  box_height  INTEGER NOT NULL,
  encoding    BLOB NOT NULL CHECK (length(encoding) = 512),
  created_at  TEXT NOT NULL,
  photo_id    INTEGER REFERENCES imported_photos(id),
  group_id    INTEGER,
  ignored     INTEGER NOT NULL DEFAULT 0 CHECK (ignored IN (0, 1)),
  crop        BLOB,
  CHECK ((person_id IS NULL) = (group_id IS NOT NULL))
);

INSERT INTO faces_v4 (id, image_id, person_id, file_name, box_x, box_y, box_width, box_height, encoding, created_at)
  SELECT id, image_id, person_id, file_name, box_x, box_y, box_width, box_height, encoding, created_at FROM faces;
-- Face ids are never used twice: the new table continues the old one's sequence (not its largest id, which is
-- less when the last faces were deleted).
DELETE FROM sqlite_sequence WHERE name = 'faces_v4';
INSERT INTO sqlite_sequence (name, seq) SELECT 'faces_v4', seq FROM sqlite_sequence WHERE name = 'faces';
DROP TABLE faces;
ALTER TABLE faces_v4 RENAME TO faces;

CREATE INDEX faces_by_person ON faces(person_id, id);
CREATE INDEX faces_by_group ON faces(group_id, id) WHERE group_id IS NOT NULL;
CREATE INDEX faces_by_photo ON faces(photo_id) WHERE photo_id IS NOT NULL;

CREATE TRIGGER faces_erased AFTER DELETE ON faces
BEGIN
  INSERT OR IGNORE INTO erased_photos (file_name, image_id, face_id, erased_at)
    VALUES (OLD.file_name, OLD.image_id, OLD.id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
