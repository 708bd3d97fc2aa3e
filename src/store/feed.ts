// The change feed of the face index: every face row added or removed gets the next number, committed in number
// order, so a process that has applied every change up to N and then applies N+1, N+2, … holds exactly the rows'
// encodings. Only a store that several processes share has one (PostgreSQL, see postgres/feed.ts).

export interface FaceChange {
  /** The change's number: 1, 2, 3, … without gaps, in commit order. */
  position: number;
  kind: 'add' | 'remove';
  faceId: number;
  /** The added face's encoding; null for a removal, or for an addition whose row has been deleted since. */
  encoding: Float32Array | null;
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
