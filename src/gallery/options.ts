// What opening a gallery takes, and an enrolment's own choices besides the photo.
import { DEFAULTS, type FaceCore } from '../core/index.js';
import type { PhotoStore } from '../store/photo-store.js';
import type { Store } from '../store/store.js';
import type { DetectionOverrides, DetectionSettings } from './analysis.js';

export interface GalleryOptions {
  /** Holds images/ (and faces.db when no store is given). */
  dataDir: string;
  /** postgres://…: with no store given, the gallery opens this PostgreSQL database instead of faces.db. */
  databaseUrl?: string;
  /** Where photos are stored; when absent, <dataDir>/images/. The gallery closes it with itself. */
  photos?: PhotoStore;
  /** The face core that analyses photos. */
  core: FaceCore;
  /** The database; when absent the gallery opens its own (databaseUrl, or <dataDir>/faces.db) and closes it with itself. */
  store?: Store;
  /** Distance within which a face may be a known person (checked by the configuration); the open-set rule decides. */
  tolerance: number;
  /** Share of strangers the open-set rule may name (MATCH_FPIR; default DEFAULT_MATCH_FPIR). */
  matchFpir?: number;
  /** The default detection settings (the service's config: FACE_DETECTOR, MIN_FACE_PX); each call may pick another detector. */
  detection?: Partial<DetectionSettings>;
  /** Seconds a photo's analysis may take, waiting for a native slot included, before the caller gets TIMEOUT. */
  analysisTimeoutS?: number;
  /** Unnamed faces imports keep at most (MAX_UNNAMED_FACES; default DEFAULT_MAX_UNNAMED_FACES). */
  maxUnnamedFaces?: number;
  logger?: Pick<Console, 'warn' | 'error'>;
}

/** Per enrolment: the detector, and which of the photo's faces (largest first) to enrol instead of the main face. */
export interface EnrolOverrides extends DetectionOverrides {
  faceIndex?: number;
}

/** Share of strangers the open-set rule names by default (MATCH_FPIR). */
export const DEFAULT_MATCH_FPIR = DEFAULTS.matchFpir;
