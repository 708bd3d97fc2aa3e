// Generated from schema.graphql by graphql-codegen (npm run codegen). Do not edit.
import type { UploadArg } from './context.js';
import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { PersonRow } from '../store/people.js';
import type { FaceRow, FaceGroupRow } from '../store/faces.js';
import type { FaceGroupConnectionModel, ImportResultModel, MoveFacesModel, PersonConnectionModel, VideoResultModel, VideoTrackModel, GraphQLContext } from './context.js';
import type { EnrolResult, SearchOutcome, DetectedFaceOutcome, FaceMatchOutcome } from '../gallery/index.js';
import type { VideoJobRow } from '../video/jobs.js';
import type { StoredStats } from '../video/stored-result.js';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** An ISO-8601 timestamp in UTC. */
  DateTime: { input: string; output: string; }
  /** A file sent with the GraphQL multipart request spec (send the header Apollo-Require-Preflight: true). */
  Upload: { input: UploadArg; output: UploadArg; }
};

export type AddFaceResult = {
  __typename?: 'AddFaceResult';
  /** How often searches will name this person with the photos they have now, and with more (measured on LFW). */
  advice: Scalars['String']['output'];
  /** False when the name already existed and the face was added to that person. */
  createdPerson: Scalars['Boolean']['output'];
  face: Face;
  /** Which of them was enrolled (largest first, as searchFace lists them): the main face, or the one asked for. */
  faceIndex: Scalars['Int']['output'];
  /** How many faces the photo held. */
  facesDetected: Scalars['Int']['output'];
  imageId: Scalars['ID']['output'];
  person: Person;
  url: Scalars['String']['output'];
};

/** A face box in pixels of the uploaded image (after EXIF orientation). */
export type Box = {
  __typename?: 'Box';
  height: Scalars['Int']['output'];
  width: Scalars['Int']['output'];
  x: Scalars['Int']['output'];
  y: Scalars['Int']['output'];
};

/**
 * The numbered feed of face additions and removals that keeps every replica's index in step with the database.
 * A search on this replica sees every change up to position.
 */
export type ChangeFeed = {
  __typename?: 'ChangeFeed';
  /** When the last change was applied here (null before the first since start). */
  appliedAt?: Maybe<Scalars['DateTime']['output']>;
  /** The last change committed in the database. */
  head: Scalars['Int']['output'];
  /** Changes committed but not applied here yet (head - position). */
  lag: Scalars['Int']['output'];
  /** The last change applied to this replica's index. */
  position: Scalars['Int']['output'];
};

export type DeleteResult = {
  __typename?: 'DeleteResult';
  deleted: Scalars['Boolean']['output'];
  id: Scalars['ID']['output'];
  /** How many stored photos (and encodings) were removed. */
  removedFaces: Scalars['Int']['output'];
};

export type DetectedFace = {
  __typename?: 'DetectedFace';
  box: Box;
  /** The person this face is, or null (always null for a face that is not recognisable). */
  match?: Maybe<FaceMatch>;
  /** Whether the face can be recognised, and if not why: only recognisable faces are matched or enrolled. */
  quality: FaceQuality;
  /** The detector's score: HOG's confidence, or the CNN's face probability (0 to 1). */
  score: Scalars['Float']['output'];
  /** The face is too small to recognise (under 40 pixels): it is reported but never matched or enrolled. */
  tooSmall: Scalars['Boolean']['output'];
};

/** The face detector. A photo argument left out uses the service's FACE_DETECTOR (default CNN); videos default to HOG. */
export type Detector =
  /** A convolutional cascade (MTCNN): finds small (down to MIN_FACE_PX), turned and tilted faces. */
  | 'CNN'
  /** dlib's HOG frontal face detector: fast on large, upright, frontal faces. */
  | 'HOG';

/** One stored photo of a person and the face enrolled from it (for a face kept by an import: its crop). */
export type Face = {
  __typename?: 'Face';
  box: Box;
  createdAt: Scalars['DateTime']['output'];
  /** A small JPEG of the aligned face. */
  cropUrl: Scalars['String']['output'];
  imageId: Scalars['ID']['output'];
  person: Person;
  /** For a face kept by an import: the name of the photo it came from (url is then its crop, and box is in that photo). Null for a photo enrolled with addPerson/addFace. */
  source?: Maybe<Scalars['String']['output']>;
  url: Scalars['String']['output'];
};

/** Unnamed faces that look like one person. */
export type FaceGroup = {
  __typename?: 'FaceGroup';
  /** The group's faces, oldest first: at most `first` (0–100). */
  faces: Array<UnnamedFace>;
  /** The id of the group's first face. */
  id: Scalars['ID']['output'];
  /** Faces in the group (ignored ones aside). */
  size: Scalars['Int']['output'];
};


/** Unnamed faces that look like one person. */
export type FaceGroupFacesArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type FaceGroupConnection = {
  __typename?: 'FaceGroupConnection';
  nodes: Array<FaceGroup>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type FaceMatch = {
  __typename?: 'FaceMatch';
  confidence: Scalars['Float']['output'];
  distance: Scalars['Float']['output'];
  face: Face;
  person: Person;
  /** The estimated share of strangers who would match as well against a gallery of this size. */
  strangerChance: Scalars['Float']['output'];
};

export type FaceQuality = {
  __typename?: 'FaceQuality';
  /** Empty when recognisable. */
  issues: Array<FaceQualityIssue>;
  recognisable: Scalars['Boolean']['output'];
};

export type FaceQualityIssue =
  /** Too blurred to recognise. */
  | 'BLURRED'
  /** The detector is not sure it is a face (CNN score under 0.9). */
  | 'LOW_SCORE'
  /** Cut by the photo's border. */
  | 'PARTIAL'
  /** Under 40 pixels. */
  | 'TOO_SMALL'
  /** Turned too far from the camera. */
  | 'TURNED';

export type Health = {
  __typename?: 'Health';
  apiKeyRequired: Scalars['Boolean']['output'];
  /** This replica's place in the face change feed (PostgreSQL only; null with SQLite, where one process owns the gallery). */
  changeFeed?: Maybe<ChangeFeed>;
  /** The photo face detector used when a request names none (FACE_DETECTOR). */
  detector: Detector;
  /** What runs the face detector's nets (FACE_CORE_KERNELS): the core's kernels for one instruction set (avx512, avx2, sse4, ssse3, neon, scalar) or opencv (OpenCV's DNN module). */
  detectorKernels: Scalars['String']['output'];
  /** Faces of people (named faces); unnamedFaces counts the others. */
  faces: Scalars['Int']['output'];
  /** The share of strangers a search may name (MATCH_FPIR): the open-set rule's target. */
  matchFpir: Scalars['Float']['output'];
  maxUnnamedFaces: Scalars['Int']['output'];
  maxUploadMb: Scalars['Float']['output'];
  /** Largest accepted video upload (recognizeVideo), in MiB. */
  maxVideoMb: Scalars['Float']['output'];
  /** The smallest face looked for in photos, in pixels (MIN_FACE_PX). */
  minFacePx: Scalars['Int']['output'];
  people: Scalars['Int']['output'];
  /** Faces smaller than this many pixels are reported as tooSmall: never matched or enrolled. */
  recognisableFacePx: Scalars['Int']['output'];
  /** Where the people and faces are kept: SQLITE (faces.db in DATA_DIR) or POSTGRES (DATABASE_URL). */
  store: StoreEngine;
  tolerance: Scalars['Float']['output'];
  /** Faces imports kept without a name (ignored ones included), and the most that are kept (MAX_UNNAMED_FACES). */
  unnamedFaces: Scalars['Int']['output'];
  /** Videos longer than this many seconds end FAILED with VIDEO_TOO_LONG. */
  videoMaxSeconds: Scalars['Float']['output'];
};

export type IgnoreResult = {
  __typename?: 'IgnoreResult';
  ignored: Scalars['Int']['output'];
};

export type ImportError = {
  __typename?: 'ImportError';
  code: Scalars['String']['output'];
  message: Scalars['String']['output'];
};

export type ImportResult = {
  __typename?: 'ImportResult';
  /** Recognisable faces not kept because MAX_UNNAMED_FACES unnamed faces are stored already. */
  dropped: Scalars['Int']['output'];
  /** Why a FAILED file failed (codes as for addPerson: INVALID_IMAGE, UNSUPPORTED_FORMAT, IMAGE_TOO_LARGE, TIMEOUT, STORAGE_FULL, …). */
  error?: Maybe<ImportError>;
  facesFound: Scalars['Int']['output'];
  /** The uploaded file's name. */
  fileName: Scalars['String']['output'];
  /** Faces kept as the person the open-set rule recognised. */
  named: Array<Face>;
  /** The imported photo's record (for deleteImportedPhoto); null when FAILED. */
  photoId?: Maybe<Scalars['ID']['output']>;
  status: ImportStatus;
  /** Faces kept without a name, each in a group. */
  unnamed: Array<UnnamedFace>;
};

export type ImportStatus =
  /** The same bytes were imported before: nothing was stored again. */
  | 'ALREADY_IMPORTED'
  /** The file could not be imported (error says why); nothing was stored. */
  | 'FAILED'
  /** The photo's faces were kept (faces may be empty: every face found was too small or unclear to keep). */
  | 'IMPORTED'
  /** The photo holds no detectable face; it is recorded as imported, so a later import skips it. */
  | 'NO_FACE_FOUND';

export type MoveFacesResult = {
  __typename?: 'MoveFacesResult';
  /** The group they went into when they went back to the unnamed faces. */
  groupId?: Maybe<Scalars['ID']['output']>;
  /** Faces moved. */
  moved: Scalars['Int']['output'];
  /** The person they now belong to; null when they went back to the unnamed faces. */
  person?: Maybe<Person>;
};

export type Mutation = {
  __typename?: 'Mutation';
  /** Add another photo of a known person: recognition gets better with several. */
  addFace: AddFaceResult;
  /** Enrol a person from a photo. A name that already exists (trimmed, case-insensitive) gets the face added instead. */
  addPerson: AddFaceResult;
  /** Stop a queued or running video job; it ends CANCELLED with the tracks found so far. */
  cancelVideoJob: VideoJob;
  /** Remove one stored photo and its encoding; the person stays. */
  deleteFace: DeleteResult;
  /** Remove stored faces (a person's photos or unnamed faces), each with its photo or crop and encoding. */
  deleteFaces: DeleteResult;
  /** Remove an imported photo's record and every face kept from it, named or not (it may then be imported again). */
  deleteImportedPhoto: DeleteResult;
  /** Remove a person with every stored photo and encoding. */
  deletePerson: DeleteResult;
  /** Unnamed faces (these, or a whole group's) are nobody to name: never suggested again, nor faces like them imported later. */
  ignoreFaces: IgnoreResult;
  /**
   * Import photos (up to 20 per request): every recognisable face is kept, as the person the open-set rule confidently
   * recognises, or else unnamed and grouped with faces like it (faceGroups). A photo imported before (the same bytes) is
   * skipped. Each face keeps a small crop, not the photo. One result per file, in order; one bad file fails only itself.
   */
  importPhotos: Array<ImportResult>;
  /** Two people are the same: every face of sourceId becomes targetId's, and sourceId is removed. */
  mergePeople: Person;
  /**
   * Move stored faces (a person's or unnamed ones) to a person (personId, or a name as in nameFaceGroup), or back to the
   * unnamed faces when neither is given: how a wrongly named or merged person is split.
   */
  moveFaces: MoveFacesResult;
  /** Name a group of unnamed faces: an existing person (personId), or a name (a new person, or the person who has it). */
  nameFaceGroup: Person;
  /** Start recognising the people in an uploaded video (MP4, WebM, AVI, MOV, MKV); poll videoJob for progress and the result. */
  recognizeVideo: VideoJob;
  /** Group every unnamed face again from scratch (after the grouping settings changed). */
  regroupFaces: RegroupResult;
  renamePerson: Person;
};


export type MutationAddFaceArgs = {
  detector?: InputMaybe<Detector>;
  faceIndex?: InputMaybe<Scalars['Int']['input']>;
  file: Scalars['Upload']['input'];
  personId: Scalars['ID']['input'];
};


export type MutationAddPersonArgs = {
  detector?: InputMaybe<Detector>;
  faceIndex?: InputMaybe<Scalars['Int']['input']>;
  file: Scalars['Upload']['input'];
  firstName: Scalars['String']['input'];
  surName: Scalars['String']['input'];
};


export type MutationCancelVideoJobArgs = {
  id: Scalars['ID']['input'];
};


export type MutationDeleteFaceArgs = {
  imageId: Scalars['ID']['input'];
};


export type MutationDeleteFacesArgs = {
  imageIds: Array<Scalars['ID']['input']>;
};


export type MutationDeleteImportedPhotoArgs = {
  id: Scalars['ID']['input'];
};


export type MutationDeletePersonArgs = {
  id: Scalars['ID']['input'];
};


export type MutationIgnoreFacesArgs = {
  groupId?: InputMaybe<Scalars['ID']['input']>;
  imageIds?: InputMaybe<Array<Scalars['ID']['input']>>;
};


export type MutationImportPhotosArgs = {
  detector?: InputMaybe<Detector>;
  files: Array<Scalars['Upload']['input']>;
};


export type MutationMergePeopleArgs = {
  sourceId: Scalars['ID']['input'];
  targetId: Scalars['ID']['input'];
};


export type MutationMoveFacesArgs = {
  firstName?: InputMaybe<Scalars['String']['input']>;
  imageIds: Array<Scalars['ID']['input']>;
  personId?: InputMaybe<Scalars['ID']['input']>;
  surName?: InputMaybe<Scalars['String']['input']>;
};


export type MutationNameFaceGroupArgs = {
  firstName?: InputMaybe<Scalars['String']['input']>;
  groupId: Scalars['ID']['input'];
  personId?: InputMaybe<Scalars['ID']['input']>;
  surName?: InputMaybe<Scalars['String']['input']>;
};


export type MutationRecognizeVideoArgs = {
  file: Scalars['Upload']['input'];
  options?: InputMaybe<VideoOptionsInput>;
};


export type MutationRenamePersonArgs = {
  firstName: Scalars['String']['input'];
  id: Scalars['ID']['input'];
  surName: Scalars['String']['input'];
};

export type PageInfo = {
  __typename?: 'PageInfo';
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
};

export type Person = {
  __typename?: 'Person';
  createdAt: Scalars['DateTime']['output'];
  faceCount: Scalars['Int']['output'];
  /** The person's stored photos, oldest first: at most `first` (0–100), after the photo whose imageId is `after`. */
  faces: Array<Face>;
  firstName: Scalars['String']['output'];
  fullName: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  /** URL of the person's first stored photo. */
  photoUrl?: Maybe<Scalars['String']['output']>;
  surName: Scalars['String']['output'];
};


export type PersonFacesArgs = {
  after?: InputMaybe<Scalars['ID']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type PersonConnection = {
  __typename?: 'PersonConnection';
  nodes: Array<Person>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type Query = {
  __typename?: 'Query';
  /** One group of unnamed faces, or null when there is none with this id (named, ignored, merged or deleted since). */
  faceGroup?: Maybe<FaceGroup>;
  /** Groups of faces imports kept without a name, largest first: name a group once and every face in it is that person. */
  faceGroups: FaceGroupConnection;
  /** Gallery size and the settings that shape answers. */
  health: Health;
  /** People whose name contains `name` (case-insensitive), oldest first, paginated with a cursor. */
  people: PersonConnection;
  /** A person by id, or null when there is none. */
  personById?: Maybe<Person>;
  /** The person a stored photo belongs to, or null. */
  personByImageId?: Maybe<Person>;
  /** Who is in this photo? Every detected face is matched against the gallery. */
  searchFace: SearchResult;
  /** A video recognition job, or null when there is none with this id. */
  videoJob?: Maybe<VideoJob>;
  /** Recent video jobs, newest first. */
  videoJobs: Array<VideoJob>;
};


export type QueryFaceGroupArgs = {
  id: Scalars['ID']['input'];
};


export type QueryFaceGroupsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryPeopleArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
};


export type QueryPersonByIdArgs = {
  id: Scalars['ID']['input'];
};


export type QueryPersonByImageIdArgs = {
  imageId: Scalars['ID']['input'];
};


export type QuerySearchFaceArgs = {
  detector?: InputMaybe<Detector>;
  file: Scalars['Upload']['input'];
  tolerance?: InputMaybe<Scalars['Float']['input']>;
};


export type QueryVideoJobArgs = {
  id: Scalars['ID']['input'];
};


export type QueryVideoJobsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type RegroupResult = {
  __typename?: 'RegroupResult';
  faces: Scalars['Int']['output'];
  groups: Scalars['Int']['output'];
  seconds: Scalars['Float']['output'];
};

export type SearchResult = {
  __typename?: 'SearchResult';
  /** 0..1, derived from the distance and tolerance; 0.5 at the tolerance. */
  confidence?: Maybe<Scalars['Float']['output']>;
  /** Euclidean distance between the encodings (0 = identical; below tolerance = same person). */
  distance?: Maybe<Scalars['Float']['output']>;
  /** Every detected face, largest first, with its quality verdict and the person it is, or null. */
  faces: Array<DetectedFace>;
  fullName?: Maybe<Scalars['String']['output']>;
  /** The stored photo the match came from. */
  matchedFace?: Maybe<Face>;
  /** The original service's words: the person's name, "Image Unknown", "Found More Known Faces" or the no-face message. */
  message: Scalars['String']['output'];
  /** The matched person when status is MATCH. */
  person?: Maybe<Person>;
  /** URL of the matched person's photo, or of the several-faces placeholder for MULTIPLE_KNOWN_FACES. */
  photoUrl?: Maybe<Scalars['String']['output']>;
  status: SearchStatus;
  /** The estimated share of strangers who would match as well against a gallery of this size (0.001 means at most 0.1 %). */
  strangerChance?: Maybe<Scalars['Float']['output']>;
  /** The tolerance this answer used. */
  tolerance: Scalars['Float']['output'];
};

export type SearchStatus =
  /** One known person is in the photo. */
  | 'MATCH'
  /** More than one known person is in the photo. */
  | 'MULTIPLE_KNOWN_FACES'
  /** The photo holds no detectable face. */
  | 'NO_FACE_FOUND'
  /** Faces were found but none is confidently anyone known (a stranger, or too close to call between two people). */
  | 'UNKNOWN';

export type StoreEngine =
  | 'POSTGRES'
  | 'SQLITE';

/** A face an import kept without a name. */
export type UnnamedFace = {
  __typename?: 'UnnamedFace';
  /** The face's box in the imported photo. */
  box: Box;
  createdAt: Scalars['DateTime']['output'];
  /** A small JPEG of the aligned face. */
  cropUrl: Scalars['String']['output'];
  /** The group it is in. */
  groupId: Scalars['ID']['output'];
  imageId: Scalars['ID']['output'];
  /** The name (or path) of the photo it was imported from. */
  source?: Maybe<Scalars['String']['output']>;
};

export type VideoBox = {
  __typename?: 'VideoBox';
  frame: Scalars['Int']['output'];
  height: Scalars['Int']['output'];
  width: Scalars['Int']['output'];
  x: Scalars['Int']['output'];
  y: Scalars['Int']['output'];
};

export type VideoDecision =
  /** The N encodings are averaged into one, which is matched once. */
  | 'FUSION'
  /** Each of the N frames votes for its nearest known person (or unknown); the most votes win. */
  | 'VOTE';

export type VideoJob = {
  __typename?: 'VideoJob';
  /** The copy with boxes and names drawn, when annotate was asked for and the job is DONE. */
  annotatedVideoUrl?: Maybe<Scalars['String']['output']>;
  createdAt: Scalars['DateTime']['output'];
  /** Why it failed (codes: INVALID_VIDEO, VIDEO_TOO_LONG, IMAGE_TOO_LARGE, INTERRUPTED, STORAGE_UNAVAILABLE, INTERNAL). */
  error?: Maybe<VideoJobError>;
  /** The uploaded file's name. */
  fileName: Scalars['String']['output'];
  finishedAt?: Maybe<Scalars['DateTime']['output']>;
  id: Scalars['ID']['output'];
  /** 0..1 while it runs; 1 when done. */
  progress: Scalars['Float']['output'];
  /** Present when DONE (or CANCELLED, with what was found before). */
  result?: Maybe<VideoResult>;
  startedAt?: Maybe<Scalars['DateTime']['output']>;
  status: VideoJobStatus;
};

export type VideoJobError = {
  __typename?: 'VideoJobError';
  code: Scalars['String']['output'];
  message: Scalars['String']['output'];
};

export type VideoJobStatus =
  | 'CANCELLED'
  | 'DONE'
  | 'FAILED'
  | 'QUEUED'
  | 'RUNNING';

/** How a video is processed. Every field is optional. */
export type VideoOptionsInput = {
  /** Also produce a copy of the video with boxes and names drawn. */
  annotate?: InputMaybe<Scalars['Boolean']['input']>;
  /** How the N frames decide: VOTE (default) or FUSION. */
  decision?: InputMaybe<VideoDecision>;
  /** The face detector for the frames (default HOG: faster, which matters more in video). */
  detector?: InputMaybe<Detector>;
  /** N: each tracked face is recognised on its first N usable frames, then only tracked. */
  framesToDecide?: InputMaybe<Scalars['Int']['input']>;
  /** Faces smaller than this many pixels are tracked but not recognised until they grow. */
  minFaceSize?: InputMaybe<Scalars['Float']['input']>;
  /** Run the face detector on every k-th frame (1 = every frame); tracks move by their predicted motion in between. */
  sampleEvery?: InputMaybe<Scalars['Int']['input']>;
  /** Distance within which a face is a known person (default: the service's FACE_TOLERANCE). */
  tolerance?: InputMaybe<Scalars['Float']['input']>;
};

export type VideoResult = {
  __typename?: 'VideoResult';
  decision: VideoDecision;
  framesToDecide: Scalars['Int']['output'];
  stats: VideoStats;
  tolerance: Scalars['Float']['output'];
  /** One entry per tracked face, in order of appearance. */
  tracks: Array<VideoTrack>;
};

export type VideoStats = {
  __typename?: 'VideoStats';
  facesEncoded: Scalars['Int']['output'];
  fps: Scalars['Float']['output'];
  framesDecoded: Scalars['Int']['output'];
  framesDetected: Scalars['Int']['output'];
  framesPerSecond: Scalars['Float']['output'];
  height: Scalars['Int']['output'];
  totalFrames: Scalars['Int']['output'];
  /** The job stopped before the end: cancelled, at a limit, or at frames that could not be decoded (framesDecoded is then well under totalFrames). */
  truncated: Scalars['Boolean']['output'];
  wallSeconds: Scalars['Float']['output'];
  width: Scalars['Int']['output'];
};

export type VideoTrack = {
  __typename?: 'VideoTrack';
  /** The face's box per processed frame (one per second for long videos). */
  boxes: Array<VideoBox>;
  /** VOTE: the winner's share of the votes; FUSION: confidence from the fused distance. Null when never recognised. */
  confidence?: Maybe<Scalars['Float']['output']>;
  distance?: Maybe<Scalars['Float']['output']>;
  firstFrame: Scalars['Int']['output'];
  /** Seconds from the start of the video. */
  firstTime: Scalars['Float']['output'];
  /** Frames the decision used (at most framesToDecide). */
  framesRecognized: Scalars['Int']['output'];
  id: Scalars['Int']['output'];
  /** The person's full name, "Unknown", or "Too small". */
  label: Scalars['String']['output'];
  lastFrame: Scalars['Int']['output'];
  lastTime: Scalars['Float']['output'];
  /** The recognised person, or null (unknown, or never large enough to recognise). */
  person?: Maybe<Person>;
  /** URL of the aligned face from the track's best frame (JPEG). */
  thumbnailUrl?: Maybe<Scalars['String']['output']>;
};

export type WithIndex<TObject> = TObject & Record<string, any>;
export type ResolversObject<TObject> = WithIndex<TObject>;

export type ResolverTypeWrapper<T> = Promise<T> | T;


export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;





/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  AddFaceResult: ResolverTypeWrapper<EnrolResult>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  Box: ResolverTypeWrapper<Box>;
  ChangeFeed: ResolverTypeWrapper<ChangeFeed>;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  DeleteResult: ResolverTypeWrapper<DeleteResult>;
  DetectedFace: ResolverTypeWrapper<DetectedFaceOutcome>;
  Detector: Detector;
  Face: ResolverTypeWrapper<FaceRow>;
  FaceGroup: ResolverTypeWrapper<FaceGroupRow>;
  FaceGroupConnection: ResolverTypeWrapper<FaceGroupConnectionModel>;
  FaceMatch: ResolverTypeWrapper<FaceMatchOutcome>;
  FaceQuality: ResolverTypeWrapper<FaceQuality>;
  FaceQualityIssue: FaceQualityIssue;
  Float: ResolverTypeWrapper<Scalars['Float']['output']>;
  Health: ResolverTypeWrapper<Health>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  IgnoreResult: ResolverTypeWrapper<IgnoreResult>;
  ImportError: ResolverTypeWrapper<ImportError>;
  ImportResult: ResolverTypeWrapper<ImportResultModel>;
  ImportStatus: ImportStatus;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  MoveFacesResult: ResolverTypeWrapper<MoveFacesModel>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  Person: ResolverTypeWrapper<PersonRow>;
  PersonConnection: ResolverTypeWrapper<PersonConnectionModel>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  RegroupResult: ResolverTypeWrapper<RegroupResult>;
  SearchResult: ResolverTypeWrapper<SearchOutcome>;
  SearchStatus: SearchStatus;
  StoreEngine: StoreEngine;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  UnnamedFace: ResolverTypeWrapper<FaceRow>;
  Upload: ResolverTypeWrapper<Scalars['Upload']['output']>;
  VideoBox: ResolverTypeWrapper<VideoBox>;
  VideoDecision: VideoDecision;
  VideoJob: ResolverTypeWrapper<VideoJobRow>;
  VideoJobError: ResolverTypeWrapper<VideoJobError>;
  VideoJobStatus: VideoJobStatus;
  VideoOptionsInput: VideoOptionsInput;
  VideoResult: ResolverTypeWrapper<VideoResultModel>;
  VideoStats: ResolverTypeWrapper<StoredStats>;
  VideoTrack: ResolverTypeWrapper<VideoTrackModel>;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  AddFaceResult: EnrolResult;
  Boolean: Scalars['Boolean']['output'];
  Box: Box;
  ChangeFeed: ChangeFeed;
  DateTime: Scalars['DateTime']['output'];
  DeleteResult: DeleteResult;
  DetectedFace: DetectedFaceOutcome;
  Face: FaceRow;
  FaceGroup: FaceGroupRow;
  FaceGroupConnection: FaceGroupConnectionModel;
  FaceMatch: FaceMatchOutcome;
  FaceQuality: FaceQuality;
  Float: Scalars['Float']['output'];
  Health: Health;
  ID: Scalars['ID']['output'];
  IgnoreResult: IgnoreResult;
  ImportError: ImportError;
  ImportResult: ImportResultModel;
  Int: Scalars['Int']['output'];
  MoveFacesResult: MoveFacesModel;
  Mutation: Record<PropertyKey, never>;
  PageInfo: PageInfo;
  Person: PersonRow;
  PersonConnection: PersonConnectionModel;
  Query: Record<PropertyKey, never>;
  RegroupResult: RegroupResult;
  SearchResult: SearchOutcome;
  String: Scalars['String']['output'];
  UnnamedFace: FaceRow;
  Upload: Scalars['Upload']['output'];
  VideoBox: VideoBox;
  VideoJob: VideoJobRow;
  VideoJobError: VideoJobError;
  VideoOptionsInput: VideoOptionsInput;
  VideoResult: VideoResultModel;
  VideoStats: StoredStats;
  VideoTrack: VideoTrackModel;
}>;

export type AddFaceResultResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['AddFaceResult'] = ResolversParentTypes['AddFaceResult']> = ResolversObject<{
  advice?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  createdPerson?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  face?: Resolver<ResolversTypes['Face'], ParentType, ContextType>;
  faceIndex?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  facesDetected?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  imageId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  person?: Resolver<ResolversTypes['Person'], ParentType, ContextType>;
  url?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type BoxResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Box'] = ResolversParentTypes['Box']> = ResolversObject<{
  height?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  width?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  x?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  y?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type ChangeFeedResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ChangeFeed'] = ResolversParentTypes['ChangeFeed']> = ResolversObject<{
  appliedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  head?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  lag?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  position?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type DeleteResultResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['DeleteResult'] = ResolversParentTypes['DeleteResult']> = ResolversObject<{
  deleted?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  removedFaces?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type DetectedFaceResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['DetectedFace'] = ResolversParentTypes['DetectedFace']> = ResolversObject<{
  box?: Resolver<ResolversTypes['Box'], ParentType, ContextType>;
  match?: Resolver<Maybe<ResolversTypes['FaceMatch']>, ParentType, ContextType>;
  quality?: Resolver<ResolversTypes['FaceQuality'], ParentType, ContextType>;
  score?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  tooSmall?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
}>;

export type FaceResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Face'] = ResolversParentTypes['Face']> = ResolversObject<{
  box?: Resolver<ResolversTypes['Box'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  cropUrl?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  imageId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  person?: Resolver<ResolversTypes['Person'], ParentType, ContextType>;
  source?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  url?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type FaceGroupResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['FaceGroup'] = ResolversParentTypes['FaceGroup']> = ResolversObject<{
  faces?: Resolver<Array<ResolversTypes['UnnamedFace']>, ParentType, ContextType, RequireFields<FaceGroupFacesArgs, 'first'>>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  size?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type FaceGroupConnectionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['FaceGroupConnection'] = ResolversParentTypes['FaceGroupConnection']> = ResolversObject<{
  nodes?: Resolver<Array<ResolversTypes['FaceGroup']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type FaceMatchResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['FaceMatch'] = ResolversParentTypes['FaceMatch']> = ResolversObject<{
  confidence?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  distance?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  face?: Resolver<ResolversTypes['Face'], ParentType, ContextType>;
  person?: Resolver<ResolversTypes['Person'], ParentType, ContextType>;
  strangerChance?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
}>;

export type FaceQualityResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['FaceQuality'] = ResolversParentTypes['FaceQuality']> = ResolversObject<{
  issues?: Resolver<Array<ResolversTypes['FaceQualityIssue']>, ParentType, ContextType>;
  recognisable?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
}>;

export type HealthResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Health'] = ResolversParentTypes['Health']> = ResolversObject<{
  apiKeyRequired?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  changeFeed?: Resolver<Maybe<ResolversTypes['ChangeFeed']>, ParentType, ContextType>;
  detector?: Resolver<ResolversTypes['Detector'], ParentType, ContextType>;
  detectorKernels?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  faces?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  matchFpir?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  maxUnnamedFaces?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  maxUploadMb?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  maxVideoMb?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  minFacePx?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  people?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  recognisableFacePx?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  store?: Resolver<ResolversTypes['StoreEngine'], ParentType, ContextType>;
  tolerance?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  unnamedFaces?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  videoMaxSeconds?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
}>;

export type IgnoreResultResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['IgnoreResult'] = ResolversParentTypes['IgnoreResult']> = ResolversObject<{
  ignored?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type ImportErrorResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ImportError'] = ResolversParentTypes['ImportError']> = ResolversObject<{
  code?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type ImportResultResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ImportResult'] = ResolversParentTypes['ImportResult']> = ResolversObject<{
  dropped?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  error?: Resolver<Maybe<ResolversTypes['ImportError']>, ParentType, ContextType>;
  facesFound?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  fileName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  named?: Resolver<Array<ResolversTypes['Face']>, ParentType, ContextType>;
  photoId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['ImportStatus'], ParentType, ContextType>;
  unnamed?: Resolver<Array<ResolversTypes['UnnamedFace']>, ParentType, ContextType>;
}>;

export type MoveFacesResultResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['MoveFacesResult'] = ResolversParentTypes['MoveFacesResult']> = ResolversObject<{
  groupId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  moved?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  person?: Resolver<Maybe<ResolversTypes['Person']>, ParentType, ContextType>;
}>;

export type MutationResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = ResolversObject<{
  addFace?: Resolver<ResolversTypes['AddFaceResult'], ParentType, ContextType, RequireFields<MutationAddFaceArgs, 'file' | 'personId'>>;
  addPerson?: Resolver<ResolversTypes['AddFaceResult'], ParentType, ContextType, RequireFields<MutationAddPersonArgs, 'file' | 'firstName' | 'surName'>>;
  cancelVideoJob?: Resolver<ResolversTypes['VideoJob'], ParentType, ContextType, RequireFields<MutationCancelVideoJobArgs, 'id'>>;
  deleteFace?: Resolver<ResolversTypes['DeleteResult'], ParentType, ContextType, RequireFields<MutationDeleteFaceArgs, 'imageId'>>;
  deleteFaces?: Resolver<ResolversTypes['DeleteResult'], ParentType, ContextType, RequireFields<MutationDeleteFacesArgs, 'imageIds'>>;
  deleteImportedPhoto?: Resolver<ResolversTypes['DeleteResult'], ParentType, ContextType, RequireFields<MutationDeleteImportedPhotoArgs, 'id'>>;
  deletePerson?: Resolver<ResolversTypes['DeleteResult'], ParentType, ContextType, RequireFields<MutationDeletePersonArgs, 'id'>>;
  ignoreFaces?: Resolver<ResolversTypes['IgnoreResult'], ParentType, ContextType, Partial<MutationIgnoreFacesArgs>>;
  importPhotos?: Resolver<Array<ResolversTypes['ImportResult']>, ParentType, ContextType, RequireFields<MutationImportPhotosArgs, 'files'>>;
  mergePeople?: Resolver<ResolversTypes['Person'], ParentType, ContextType, RequireFields<MutationMergePeopleArgs, 'sourceId' | 'targetId'>>;
  moveFaces?: Resolver<ResolversTypes['MoveFacesResult'], ParentType, ContextType, RequireFields<MutationMoveFacesArgs, 'imageIds'>>;
  nameFaceGroup?: Resolver<ResolversTypes['Person'], ParentType, ContextType, RequireFields<MutationNameFaceGroupArgs, 'groupId'>>;
  recognizeVideo?: Resolver<ResolversTypes['VideoJob'], ParentType, ContextType, RequireFields<MutationRecognizeVideoArgs, 'file'>>;
  regroupFaces?: Resolver<ResolversTypes['RegroupResult'], ParentType, ContextType>;
  renamePerson?: Resolver<ResolversTypes['Person'], ParentType, ContextType, RequireFields<MutationRenamePersonArgs, 'firstName' | 'id' | 'surName'>>;
}>;

export type PageInfoResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = ResolversObject<{
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
}>;

export type PersonResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Person'] = ResolversParentTypes['Person']> = ResolversObject<{
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  faceCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  faces?: Resolver<Array<ResolversTypes['Face']>, ParentType, ContextType, RequireFields<PersonFacesArgs, 'first'>>;
  firstName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  fullName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  photoUrl?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  surName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type PersonConnectionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['PersonConnection'] = ResolversParentTypes['PersonConnection']> = ResolversObject<{
  nodes?: Resolver<Array<ResolversTypes['Person']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type QueryResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = ResolversObject<{
  faceGroup?: Resolver<Maybe<ResolversTypes['FaceGroup']>, ParentType, ContextType, RequireFields<QueryFaceGroupArgs, 'id'>>;
  faceGroups?: Resolver<ResolversTypes['FaceGroupConnection'], ParentType, ContextType, RequireFields<QueryFaceGroupsArgs, 'first'>>;
  health?: Resolver<ResolversTypes['Health'], ParentType, ContextType>;
  people?: Resolver<ResolversTypes['PersonConnection'], ParentType, ContextType, RequireFields<QueryPeopleArgs, 'first'>>;
  personById?: Resolver<Maybe<ResolversTypes['Person']>, ParentType, ContextType, RequireFields<QueryPersonByIdArgs, 'id'>>;
  personByImageId?: Resolver<Maybe<ResolversTypes['Person']>, ParentType, ContextType, RequireFields<QueryPersonByImageIdArgs, 'imageId'>>;
  searchFace?: Resolver<ResolversTypes['SearchResult'], ParentType, ContextType, RequireFields<QuerySearchFaceArgs, 'file'>>;
  videoJob?: Resolver<Maybe<ResolversTypes['VideoJob']>, ParentType, ContextType, RequireFields<QueryVideoJobArgs, 'id'>>;
  videoJobs?: Resolver<Array<ResolversTypes['VideoJob']>, ParentType, ContextType, RequireFields<QueryVideoJobsArgs, 'first'>>;
}>;

export type RegroupResultResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['RegroupResult'] = ResolversParentTypes['RegroupResult']> = ResolversObject<{
  faces?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  groups?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  seconds?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
}>;

export type SearchResultResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['SearchResult'] = ResolversParentTypes['SearchResult']> = ResolversObject<{
  confidence?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  distance?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  faces?: Resolver<Array<ResolversTypes['DetectedFace']>, ParentType, ContextType>;
  fullName?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  matchedFace?: Resolver<Maybe<ResolversTypes['Face']>, ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  person?: Resolver<Maybe<ResolversTypes['Person']>, ParentType, ContextType>;
  photoUrl?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['SearchStatus'], ParentType, ContextType>;
  strangerChance?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  tolerance?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
}>;

export type UnnamedFaceResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['UnnamedFace'] = ResolversParentTypes['UnnamedFace']> = ResolversObject<{
  box?: Resolver<ResolversTypes['Box'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  cropUrl?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  groupId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  imageId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  source?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export interface UploadScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['Upload'], any> {
  name: 'Upload';
}

export type VideoBoxResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['VideoBox'] = ResolversParentTypes['VideoBox']> = ResolversObject<{
  frame?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  height?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  width?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  x?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  y?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type VideoJobResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['VideoJob'] = ResolversParentTypes['VideoJob']> = ResolversObject<{
  annotatedVideoUrl?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  error?: Resolver<Maybe<ResolversTypes['VideoJobError']>, ParentType, ContextType>;
  fileName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  finishedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  progress?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  result?: Resolver<Maybe<ResolversTypes['VideoResult']>, ParentType, ContextType>;
  startedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['VideoJobStatus'], ParentType, ContextType>;
}>;

export type VideoJobErrorResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['VideoJobError'] = ResolversParentTypes['VideoJobError']> = ResolversObject<{
  code?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type VideoResultResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['VideoResult'] = ResolversParentTypes['VideoResult']> = ResolversObject<{
  decision?: Resolver<ResolversTypes['VideoDecision'], ParentType, ContextType>;
  framesToDecide?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  stats?: Resolver<ResolversTypes['VideoStats'], ParentType, ContextType>;
  tolerance?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  tracks?: Resolver<Array<ResolversTypes['VideoTrack']>, ParentType, ContextType>;
}>;

export type VideoStatsResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['VideoStats'] = ResolversParentTypes['VideoStats']> = ResolversObject<{
  facesEncoded?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  fps?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  framesDecoded?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  framesDetected?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  framesPerSecond?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  height?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  totalFrames?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  truncated?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  wallSeconds?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  width?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type VideoTrackResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['VideoTrack'] = ResolversParentTypes['VideoTrack']> = ResolversObject<{
  boxes?: Resolver<Array<ResolversTypes['VideoBox']>, ParentType, ContextType>;
  confidence?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  distance?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  firstFrame?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  firstTime?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  framesRecognized?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  label?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  lastFrame?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  lastTime?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  person?: Resolver<Maybe<ResolversTypes['Person']>, ParentType, ContextType>;
  thumbnailUrl?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type Resolvers<ContextType = GraphQLContext> = ResolversObject<{
  AddFaceResult?: AddFaceResultResolvers<ContextType>;
  Box?: BoxResolvers<ContextType>;
  ChangeFeed?: ChangeFeedResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  DeleteResult?: DeleteResultResolvers<ContextType>;
  DetectedFace?: DetectedFaceResolvers<ContextType>;
  Face?: FaceResolvers<ContextType>;
  FaceGroup?: FaceGroupResolvers<ContextType>;
  FaceGroupConnection?: FaceGroupConnectionResolvers<ContextType>;
  FaceMatch?: FaceMatchResolvers<ContextType>;
  FaceQuality?: FaceQualityResolvers<ContextType>;
  Health?: HealthResolvers<ContextType>;
  IgnoreResult?: IgnoreResultResolvers<ContextType>;
  ImportError?: ImportErrorResolvers<ContextType>;
  ImportResult?: ImportResultResolvers<ContextType>;
  MoveFacesResult?: MoveFacesResultResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  Person?: PersonResolvers<ContextType>;
  PersonConnection?: PersonConnectionResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  RegroupResult?: RegroupResultResolvers<ContextType>;
  SearchResult?: SearchResultResolvers<ContextType>;
  UnnamedFace?: UnnamedFaceResolvers<ContextType>;
  Upload?: GraphQLScalarType;
  VideoBox?: VideoBoxResolvers<ContextType>;
  VideoJob?: VideoJobResolvers<ContextType>;
  VideoJobError?: VideoJobErrorResolvers<ContextType>;
  VideoResult?: VideoResultResolvers<ContextType>;
  VideoStats?: VideoStatsResolvers<ContextType>;
  VideoTrack?: VideoTrackResolvers<ContextType>;
}>;

