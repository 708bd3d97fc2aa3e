-- A record of every stored photo whose face row was deleted (the same table as SQLite's 003), written by the
-- deletion's own transaction. It proves a deletion committed: the start-up repair removes any file still holding
-- an erased name, a photo is never served once its name is here, and a replica keeping its photos on its own disk
-- removes its copy when the change feed brings the removal (the feed reads the name here by face_id).
CREATE TABLE erased_photos (
  file_name  text PRIMARY KEY,
  image_id   text NOT NULL,
  face_id    bigint NOT NULL,
  erased_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX erased_photos_by_face ON erased_photos(face_id);

CREATE FUNCTION record_erased_photo() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO erased_photos (file_name, image_id, face_id) VALUES (OLD.file_name, OLD.image_id, OLD.id)
    ON CONFLICT (file_name) DO NOTHING;
  RETURN NULL;
END;
$$;

CREATE TRIGGER faces_erased AFTER DELETE ON faces
  FOR EACH ROW EXECUTE FUNCTION record_erased_photo();
