-- The change feed of the face index. Every face row inserted or deleted (a cascade from people included) writes
-- the next numbered row here, in the same transaction, and NOTIFYs face_changes with the number on commit.
-- The number is max + 1 taken under a transaction-level advisory lock, so numbers have no gaps and commit in
-- order: a replica that has seen change N committed knows every change before N has committed too.
CREATE TABLE face_changes (
  position   bigint PRIMARY KEY,
  kind       text NOT NULL CHECK (kind IN ('add', 'remove')),
  face_id    bigint NOT NULL,
  changed_at timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION record_face_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  next bigint;
BEGIN
  -- 1717658469 is the feed's lock (the bytes of "face"); the store's write transactions take it first.
  PERFORM pg_advisory_xact_lock(1717658469);
  SELECT coalesce(max(position), 0) + 1 INTO next FROM face_changes;
  IF TG_OP = 'INSERT' THEN
    INSERT INTO face_changes (position, kind, face_id) VALUES (next, 'add', NEW.id);
  ELSE
    INSERT INTO face_changes (position, kind, face_id) VALUES (next, 'remove', OLD.id);
  END IF;
  PERFORM pg_notify('face_changes', next::text);
  RETURN NULL;
END;
$$;

CREATE TRIGGER faces_change_feed AFTER INSERT OR DELETE ON faces
  FOR EACH ROW EXECUTE FUNCTION record_face_change();
