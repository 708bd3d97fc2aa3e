-- A record of every stored photo whose face row was deleted (one photo, or a person's photos by cascade), written
-- by the deletion's own transaction. It is what proves a deletion committed: the start-up repair removes any
-- file still holding an erased name, and a photo is never served again once its name is here. It keeps only
-- names, never the photo or its encoding.
CREATE TABLE erased_photos (
  file_name  TEXT PRIMARY KEY,
  image_id   TEXT NOT NULL,
  face_id    INTEGER NOT NULL,
  erased_at  TEXT NOT NULL
);

CREATE TRIGGER faces_erased AFTER DELETE ON faces
BEGIN
  INSERT OR IGNORE INTO erased_photos (file_name, image_id, face_id, erased_at)
    VALUES (OLD.file_name, OLD.image_id, OLD.id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
