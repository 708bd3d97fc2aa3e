// The page's GraphQL operations, sent through the API-key dialog: a call the server refuses as
// UNAUTHENTICATED asks for the key once and is retried. Also keeps the service's last `health` answer.

import { request, getApiKey, GraphQLRequestError } from './graphql.js';
import { askForKey } from './key-dialog.js';

// ---------------------------------------------------------------- documents

const PERSON_FIELDS = 'id firstName surName fullName photoUrl faceCount createdAt';
const BOX = 'box { x y width height }';
const FACE_FIELDS = `imageId url source ${BOX} createdAt`;

const HEALTH = `query Health { health { people faces tolerance maxUploadMb maxVideoMb videoMaxSeconds apiKeyRequired } }`;

const ADD_RESULT = `imageId url facesDetected advice createdPerson person { ${PERSON_FIELDS} } face { ${FACE_FIELDS} }`;

export const ADD_PERSON = `mutation AddPerson($file: Upload!, $firstName: String!, $surName: String!) {
  addPerson(file: $file, firstName: $firstName, surName: $surName) { ${ADD_RESULT} }
}`;

export const ADD_FACE = `mutation AddFace($personId: ID!, $file: Upload!) {
  addFace(personId: $personId, file: $file) { ${ADD_RESULT} }
}`;

export const SEARCH_FACE = `query SearchFace($file: Upload!, $tolerance: Float) {
  searchFace(file: $file, tolerance: $tolerance) {
    status message fullName photoUrl distance confidence tolerance
    person { ${PERSON_FIELDS} }
    matchedFace { ${FACE_FIELDS} }
    faces { ${BOX} score tooSmall match { distance confidence person { id fullName photoUrl } face { imageId url ${BOX} } } }
  }
}`;

export const PEOPLE = `query People($name: String, $first: Int, $after: String) {
  people(name: $name, first: $first, after: $after) {
    totalCount pageInfo { endCursor hasNextPage } nodes { ${PERSON_FIELDS} }
  }
}`;

export const PERSON = `query Person($id: ID!) { personById(id: $id) { ${PERSON_FIELDS} faces { ${FACE_FIELDS} } } }`;

export const RENAME = `mutation Rename($id: ID!, $firstName: String!, $surName: String!) {
  renamePerson(id: $id, firstName: $firstName, surName: $surName) { ${PERSON_FIELDS} }
}`;

export const DELETE_PERSON = `mutation DeletePerson($id: ID!) { deletePerson(id: $id) { id deleted removedFaces } }`;
export const DELETE_FACE = `mutation DeleteFace($imageId: ID!) { deleteFace(imageId: $imageId) { id deleted removedFaces } }`;

const VIDEO_JOB_FIELDS = `id status progress fileName createdAt startedAt finishedAt error { code message } annotatedVideoUrl
  result {
    decision tolerance framesToDecide
    stats { framesDecoded framesDetected facesEncoded totalFrames width height fps wallSeconds framesPerSecond truncated }
    tracks { id label confidence distance framesRecognized firstFrame lastFrame firstTime lastTime thumbnailUrl person { id fullName } }
  }`;

export const RECOGNIZE_VIDEO = `mutation RecognizeVideo($file: Upload!, $options: VideoOptionsInput) {
  recognizeVideo(file: $file, options: $options) { ${VIDEO_JOB_FIELDS} }
}`;
export const VIDEO_JOB = `query VideoJob($id: ID!) { videoJob(id: $id) { ${VIDEO_JOB_FIELDS} } }`;
export const CANCEL_VIDEO_JOB = `mutation CancelVideoJob($id: ID!) { cancelVideoJob(id: $id) { ${VIDEO_JOB_FIELDS} } }`;
export const VIDEO_JOBS = `query VideoJobs($first: Int) { videoJobs(first: $first) { id status progress fileName createdAt finishedAt error { code } } }`;

// A photo collection: imports (one file per request here), the groups of unnamed faces, and sorting faces out.
export const IMPORT_PHOTOS = `mutation ImportPhotos($files: [Upload!]!) {
  importPhotos(files: $files) {
    fileName status error { code message } facesFound dropped
    named { imageId person { id fullName } }
    unnamed { imageId groupId }
  }
}`;

/** How many faces of each group are shown; naming a group names all of them. */
export const GROUP_FACES_SHOWN = 12;

export const FACE_GROUPS = `query FaceGroups($first: Int, $after: String) {
  faceGroups(first: $first, after: $after) {
    totalCount pageInfo { endCursor hasNextPage }
    nodes { id size faces(first: ${GROUP_FACES_SHOWN}) { imageId cropUrl source } }
  }
}`;

export const NAME_FACE_GROUP = `mutation NameFaceGroup($groupId: ID!, $personId: ID, $firstName: String, $surName: String) {
  nameFaceGroup(groupId: $groupId, personId: $personId, firstName: $firstName, surName: $surName) { ${PERSON_FIELDS} }
}`;

export const MOVE_FACES = `mutation MoveFaces($imageIds: [ID!]!, $personId: ID, $firstName: String, $surName: String) {
  moveFaces(imageIds: $imageIds, personId: $personId, firstName: $firstName, surName: $surName) { moved groupId person { ${PERSON_FIELDS} } }
}`;

export const MERGE_PEOPLE = `mutation MergePeople($sourceId: ID!, $targetId: ID!) {
  mergePeople(sourceId: $sourceId, targetId: $targetId) { ${PERSON_FIELDS} }
}`;

export const IGNORE_FACES = `mutation IgnoreFaces($imageIds: [ID!], $groupId: ID) { ignoreFaces(imageIds: $imageIds, groupId: $groupId) { ignored } }`;
export const DELETE_FACES = `mutation DeleteFaces($imageIds: [ID!]!) { deleteFaces(imageIds: $imageIds) { id deleted removedFaces } }`;

/** Names for completing a name field as it is typed, and for finding the person a typed name means. */
export const PERSON_NAMES = `query PersonNames($name: String, $first: Int) { people(name: $name, first: $first) { nodes { id fullName } } }`;

// ---------------------------------------------------------------- calls

/**
 * Runs an API call; when the server answers UNAUTHENTICATED, asks for the key once
 * (one dialog shared by every waiting request), keeps it for the tab, and retries.
 */
export async function api(call) {
  for (;;) {
    const sentKey = getApiKey();
    try {
      return await call();
    } catch (err) {
      if (!(err instanceof GraphQLRequestError) || err.code !== 'UNAUTHENTICATED') throw err;
      if (getApiKey() !== sentKey) continue; // another request's dialog already changed the key
      const key = await askForKey(Boolean(sentKey));
      if (!key) throw err;
    }
  }
}

// ---------------------------------------------------------------- the service's limits

/** The last answer of `health`, for the upload limits and the default tolerance; null until it comes. */
export let health = null;

export async function loadHealth() {
  const data = await api(() => request(HEALTH));
  health = data.health;
  return health;
}
