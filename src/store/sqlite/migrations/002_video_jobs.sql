-- Video recognition jobs. A job's files live in <DATA_DIR>/videos/<id>/ (the uploaded source while it waits or
-- runs; track-<n>.jpg thumbnails and annotated.mp4 once it has finished).
-- options and result are JSON: the options the job ran with, and its tracks and stats (see src/video/jobs.ts).
CREATE TABLE video_jobs (
  id            TEXT PRIMARY KEY,
  status        TEXT NOT NULL CHECK (status IN ('QUEUED', 'RUNNING', 'DONE', 'FAILED', 'CANCELLED')),
  progress      REAL NOT NULL DEFAULT 0,
  file_name     TEXT NOT NULL,
  options       TEXT NOT NULL,
  error_code    TEXT,
  error_message TEXT,
  result        TEXT,
  -- 1 when annotated.mp4 was written.
  annotated     INTEGER NOT NULL DEFAULT 0,
  created_at    TEXT NOT NULL,
  started_at    TEXT,
  finished_at   TEXT
);

CREATE INDEX video_jobs_by_created ON video_jobs(created_at);
CREATE INDEX video_jobs_by_status ON video_jobs(status);
