-- Video jobs on the shared queue (src/video/queue.ts): which worker runs a job (the key of the advisory lock its
-- process holds while it lives), and a cancel asked for on another replica, which the worker reads as it runs.
ALTER TABLE video_jobs
  ADD COLUMN worker_key integer,
  ADD COLUMN cancel_requested boolean NOT NULL DEFAULT false;
