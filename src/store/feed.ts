// The change feed of the face indexes: every face row added or removed, or moved between named and unnamed, gets
// the next number, committed in number order, so a process that has applied every change up to N and then applies
// N+1, N+2, … holds exactly the rows' encodings, each in the index it belongs to. Only a store that several processes share has one (PostgreSQL, see postgres/feed.ts).

import type { IndexedAs } from './faces.js';

export interface FaceChange {
  /** The change's number: 1, 2, 3, … without gaps, in commit order. */
  position: number;
  /** 'update': the face was named, or moved back to the unnamed faces (the row's current state is what counts). */
  kind: 'add' | 'remove' | 'update';
  faceId: number;
  /** The face's encoding now; null for a removal, or for a change whose row has been deleted since. */
  encoding: Float32Array | null;
  /** Which index the face belongs in now (with the encoding). */
  as?: IndexedAs;
  /** A removal's photo file name (from the erased_photos record), so a replica can remove its own copy. */
  fileName?: string;
}

export interface FeedState {
  /** The last change this process has applied. */
  position: number;
  /** The last change committed in the database, as last seen. */
  head: number;
  /** When the last change was applied (ms since the epoch), or null before the first. */
  appliedAt: number | null;
}

export interface FaceFeed {
  /**
   * Applies every change after `from` to `apply`, in order, now and whenever more commit (woken by the
   * database, and by a poll while it cannot be), until close().
   */
  follow(from: number, apply: (changes: FaceChange[]) => void): void;
  /** Applies whatever has committed beyond the position now; resolves once it has. */
  catchUp(): Promise<void>;
  /** Where this process is, with the head read from the database now. */
  state(): Promise<FeedState>;
  close(): Promise<void>;
}
