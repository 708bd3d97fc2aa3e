-- A photo collection (the same tables as SQLite's 004): photos imported in bulk, the faces kept from them without
-- a name, and a small crop of every face.

-- One row per imported photo: its bytes' SHA-256, so the same photo is never imported twice. The photo itself is
-- not kept; each face kept from it has its own crop (faces.file_name).
CREATE TABLE imported_photos (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  content_hash  text NOT NULL UNIQUE,
  source        text NOT NULL,
  faces_found   integer NOT NULL,
  faces_kept    integer NOT NULL,
  imported_at   timestamptz NOT NULL
);

-- person_id null: a face nobody has named yet, in a group (group_id: a number naming the group) until it
-- is named; ignored once someone said it is nobody to name. crop: a small JPEG of the aligned face.
ALTER TABLE faces
  ALTER COLUMN person_id DROP NOT NULL,
  ADD COLUMN photo_id bigint REFERENCES imported_photos(id),
  ADD COLUMN group_id bigint,
  ADD COLUMN ignored boolean NOT NULL DEFAULT false,
  ADD COLUMN crop bytea,
  ADD CONSTRAINT faces_named_or_grouped CHECK ((person_id IS NULL) = (group_id IS NOT NULL));

CREATE INDEX faces_by_group ON faces(group_id, id) WHERE group_id IS NOT NULL;
CREATE INDEX faces_by_photo ON faces(photo_id) WHERE photo_id IS NOT NULL;

-- A face named, or moved back to the unnamed faces, changes which of a replica's two indexes holds it (the named
-- faces searches match, the unnamed ones new faces are grouped with): such an update is a change in the feed too
-- ('update': the row's current state is what to apply).
ALTER TABLE face_changes DROP CONSTRAINT face_changes_kind_check;
ALTER TABLE face_changes ADD CONSTRAINT face_changes_kind_check CHECK (kind IN ('add', 'remove', 'update'));

CREATE OR REPLACE FUNCTION record_face_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  next bigint;
  changed_id bigint;
  change text;
BEGIN
  -- 1717658469 is the feed's lock (the bytes of "face"); the store's write transactions take it first.
  PERFORM pg_advisory_xact_lock(1717658469);
  SELECT coalesce(max(position), 0) + 1 INTO next FROM face_changes;
  IF TG_OP = 'INSERT' THEN
    change := 'add';
    changed_id := NEW.id;
  ELSIF TG_OP = 'UPDATE' THEN
    change := 'update';
    changed_id := NEW.id;
  ELSE
    change := 'remove';
    changed_id := OLD.id;
  END IF;
  INSERT INTO face_changes (position, kind, face_id) VALUES (next, change, changed_id);
  PERFORM pg_notify('face_changes', next::text);
  RETURN NULL;
END;
$$;

CREATE TRIGGER faces_change_feed_update AFTER UPDATE OF person_id ON faces
  FOR EACH ROW WHEN ((OLD.person_id IS NULL) <> (NEW.person_id IS NULL))
  EXECUTE FUNCTION record_face_change();
