// Following the face change feed on PostgreSQL (see migration 003): one dedicated connection LISTENs on
// face_changes to wake at once when a change commits, and a poll every second covers whatever a notification
// could miss (the listening connection dropped, a notification raced a catch-up). Either way the changes are read
// by number after the last one applied, so none is skipped or applied twice, whatever woke the reader.
import pg from 'pg';
import { blobToEncoding } from '../faces.js';
import type { FaceChange, FaceFeed, FeedState } from '../feed.js';
import { APPLICATION_NAME, connectionConfig, type Sql } from './connection.js';

/** How often the feed is read when no notification comes. */
const POLL_MS = 1000;
/** Changes read per round trip while catching up. */
const BATCH = 5000;
/** A catch-up this long (or longer) refreshes the planner's statistics of the feed and faces tables. */
const ANALYZE_AFTER = 1000;
const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 5000;

export const LISTEN_APPLICATION_NAME = `${APPLICATION_NAME} feed`;

interface RawChange {
  position: number;
  kind: 'add' | 'remove' | 'update';
  face_id: number;
  encoding: Buffer | null;
  unnamed: boolean | null;
  file_name: string | null;
}

export class PostgresFeed implements FaceFeed {
  private position = 0;
  private head = 0;
  private appliedAt: number | null = null;
  private apply: ((changes: FaceChange[]) => void) | null = null;
  private listener: pg.Client | null = null;
  private reconnectMs = RECONNECT_MIN_MS;
  private pollTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  /** The catch-up running now, and whether another was asked for while it ran. */
  private reading: Promise<void> | null = null;
  private again = false;
  private unreachableSince: number | null = null;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly sql: Sql,
    private readonly logger: Pick<Console, 'warn' | 'error'>,
  ) {}

  follow(from: number, apply: (changes: FaceChange[]) => void): void {
    this.position = from;
    this.head = Math.max(this.head, from);
    this.apply = apply;
    // Fresh statistics before the first catch-up: a table bulk-loaded since the last ANALYZE looks empty to the
    // planner, which then joins the feed to faces by scanning (seconds instead of milliseconds).
    void this.analyze();
    void this.listen();
    this.pollTimer = setInterval(() => this.wake(), POLL_MS);
    this.pollTimer.unref();
    this.wake();
  }

  async state(): Promise<FeedState> {
    const r = await this.sql.first<{ p: number }>('SELECT coalesce(max(position), 0)::bigint AS p FROM face_changes');
    this.head = Math.max(this.head, r!.p);
    return { position: this.position, head: this.head, appliedAt: this.appliedAt };
  }

  /** Reads and applies everything committed beyond the position; one reader at a time, a request while it runs reads again after. */
  catchUp(): Promise<void> {
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    this.reading = (async () => {
      try {
        do {
          this.again = false;
          await this.readAll();
        } while (this.again && !this.closed);
      } finally {
        this.reading = null;
      }
    })();
    return this.reading;
  }

  private wake(): void {
    if (this.closed || !this.apply) return;
    this.catchUp().then(
      () => {
        if (this.unreachableSince !== null) {
          this.logger.warn(`change feed: the database answers again after ${Date.now() - this.unreachableSince} ms; at change ${this.position}`);
          this.unreachableSince = null;
        }
      },
      (err: unknown) => {
        if (this.unreachableSince === null) {
          this.unreachableSince = Date.now();
          this.logger.warn(`change feed: cannot read the feed (${(err as Error).message}); retrying every ${POLL_MS} ms`);
        }
      },
    );
  }

  private async readAll(): Promise<void> {
    let read = 0;
    for (;;) {
      if (this.closed || !this.apply) return;
      const rows = await this.sql.rows<RawChange>(
        `SELECT c.position, c.kind, c.face_id, f.encoding, f.person_id IS NULL AS unnamed, e.file_name
           FROM face_changes c LEFT JOIN faces f ON c.kind <> 'remove' AND f.id = c.face_id
                LEFT JOIN erased_photos e ON c.kind = 'remove' AND e.face_id = c.face_id
          WHERE c.position > $1 ORDER BY c.position LIMIT $2`,
        [this.position, BATCH],
      );
      if (rows.length === 0) break;
      const changes: FaceChange[] = rows.map((r) => ({
        position: r.position,
        kind: r.kind,
        faceId: r.face_id,
        encoding: r.encoding ? blobToEncoding(r.encoding) : null,
        ...(r.encoding ? { as: r.unnamed ? ('unnamed' as const) : ('named' as const) } : {}),
        ...(r.file_name ? { fileName: r.file_name } : {}),
      }));
      this.apply(changes);
      this.position = changes.at(-1)!.position;
      this.head = Math.max(this.head, this.position);
      this.appliedAt = Date.now();
      read += rows.length;
      if (rows.length < BATCH) break;
    }
    if (read >= ANALYZE_AFTER) await this.analyze();
  }

  /** Refreshes the planner's statistics of the feed and faces tables (sampled: cheap even on a large gallery). */
  private async analyze(): Promise<void> {
    await this.sql.result('ANALYZE face_changes, faces').catch(() => undefined);
  }

  /** Opens the listening connection; when it fails or drops, reads at once and tries again with backoff. */
  private async listen(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client(connectionConfig(this.url, LISTEN_APPLICATION_NAME));
    let dropped = false;
    const drop = (err?: Error) => {
      if (dropped) return;
      dropped = true;
      if (this.listener === client) this.listener = null;
      client.end().catch(() => undefined);
      if (this.closed) return;
      if (err) this.logger.warn(`change feed: the listening connection dropped (${err.message}); polling, reconnecting in ${this.reconnectMs} ms`);
      this.wake();
      this.reconnectTimer = setTimeout(() => void this.listen(), this.reconnectMs);
      this.reconnectTimer.unref();
      this.reconnectMs = Math.min(RECONNECT_MAX_MS, this.reconnectMs * 2);
    };
    client.on('error', drop);
    client.on('end', () => drop(new Error('connection ended')));
    client.on('notification', (n) => {
      const at = Number(n.payload);
      if (Number.isFinite(at)) this.head = Math.max(this.head, at);
      this.wake();
    });
    try {
      await client.connect();
      await client.query('LISTEN face_changes');
    } catch (err) {
      drop(err as Error);
      return;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.listener = client;
    this.reconnectMs = RECONNECT_MIN_MS;
    // Whatever committed while there was no listener is read now.
    this.wake();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.pollTimer);
    clearTimeout(this.reconnectTimer);
    const listener = this.listener;
    this.listener = null;
    await listener?.end().catch(() => undefined);
    await this.reading?.catch(() => undefined);
  }
}
