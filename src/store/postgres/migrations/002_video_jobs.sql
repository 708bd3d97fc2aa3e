-- Video recognition jobs (the same table as SQLite's 002). options and result are JSON: the options the job ran
-- with, and its tracks and stats (see src/video/jobs.ts). seq keeps the order jobs were created in (SQLite's rowid).
CREATE TABLE video_jobs (
  id            text PRIMARY KEY,
  seq           bigint GENERATED ALWAYS AS IDENTITY,
  status        text NOT NULL CHECK (status IN ('QUEUED', 'RUNNING', 'DONE', 'FAILED', 'CANCELLED')),
  progress      double precision NOT NULL DEFAULT 0,
  file_name     text NOT NULL,
  options       jsonb NOT NULL,
  error_code    text,
  error_message text,
  result        jsonb,
  -- true when annotated.mp4 was written.
  annotated     boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL,
  started_at    timestamptz,
  finished_at   timestamptz
);

CREATE INDEX video_jobs_by_created ON video_jobs(created_at, seq);
CREATE INDEX video_jobs_by_status ON video_jobs(status);
