// A small client for the face service's GraphQL API: JSON requests, and file uploads
// per the GraphQL multipart request spec (https://github.com/jaydenseric/graphql-multipart-request-spec).

const ENDPOINT = '/graphql';
const KEY_STORAGE = 'faceService.apiKey';

/** A GraphQL error (or an HTTP failure) with the server's extensions.code. */
export class GraphQLRequestError extends Error {
  /**
   * @param {string} message
   * @param {string} code  extensions.code, e.g. NO_FACE_FOUND, or HTTP_<status> when the body was not GraphQL
   * @param {number} [status]  HTTP status
   */
  constructor(message, code, status) {
    super(message);
    this.name = 'GraphQLRequestError';
    this.code = code;
    this.status = status;
  }
}

// sessionStorage can throw (storage disabled); the key then lives only in memory.
let memoryKey = '';

export function getApiKey() {
  try {
    return sessionStorage.getItem(KEY_STORAGE) ?? memoryKey;
  } catch {
    return memoryKey;
  }
}

/** Keeps the key for this tab only; an empty key forgets it. */
export function setApiKey(key) {
  memoryKey = key;
  try {
    if (key) sessionStorage.setItem(KEY_STORAGE, key);
    else sessionStorage.removeItem(KEY_STORAGE);
  } catch {
    // memoryKey still holds it
  }
}

/**
 * Shows a stored photo (or thumbnail) in an <img>. With an API key the image is fetched with the key in its header
 * and shown from a blob URL, so the key never sits in a URL (history, logs). A failed fetch is the image's error.
 */
export function showStoredImage(img, url) {
  const key = getApiKey();
  if (!url || !key) {
    img.src = url ?? '';
    return img;
  }
  fetch(url, { headers: { 'x-api-key': key } })
    .then((res) => (res.ok ? res.blob() : Promise.reject(new Error(`HTTP ${res.status}`))))
    .then((blob) => {
      const local = URL.createObjectURL(blob);
      img.addEventListener('load', () => URL.revokeObjectURL(local), { once: true });
      img.src = local;
    })
    .catch(() => img.dispatchEvent(new Event('error')));
  return img;
}

/**
 * A stored video's URL for a <video> element, which streams it in ranges and cannot carry headers:
 * the key goes in the query string, which the server accepts for /videos (its answers carry no Referer onwards).
 */
export function keyedUrl(url) {
  if (!url) return '';
  const key = getApiKey();
  if (!key) return url;
  const u = new URL(url, location.href);
  u.searchParams.set('key', key);
  return u.origin === location.origin ? u.pathname + u.search + u.hash : u.href;
}

function headers() {
  const h = { 'Apollo-Require-Preflight': 'true' };
  const key = getApiKey();
  if (key) h['x-api-key'] = key;
  return h;
}

/** Sends a JSON GraphQL request and returns `data`; throws GraphQLRequestError on any error. */
export async function request(query, variables = {}) {
  const res = await send({
    method: 'POST',
    headers: { ...headers(), 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return readResponse(res);
}

/**
 * Sends an operation with files. `files` maps a variable path ("file", "input.photo")
 * to a File or Blob; those variables are sent as null and filled in by the server.
 * `onUploadProgress(sent, total)` hears how much of the body has been sent (for large files such as videos).
 */
export async function upload(query, variables, files, { onUploadProgress } = {}) {
  const vars = structuredClone(variables);
  const map = {};
  const form = new FormData();
  const entries = Object.entries(files);
  entries.forEach(([path], i) => {
    setPath(vars, path, null);
    map[String(i)] = [`variables.${path}`];
  });
  form.append('operations', JSON.stringify({ query, variables: vars }));
  form.append('map', JSON.stringify(map));
  entries.forEach(([, file], i) => {
    form.append(String(i), file, file.name || 'photo');
  });
  // No content-type header: the browser sets multipart/form-data with its boundary.
  const init = { method: 'POST', headers: headers(), body: form };
  const res = onUploadProgress ? await sendWithProgress(init, onUploadProgress) : await send(init);
  return readResponse(res);
}

function setPath(obj, path, value) {
  const parts = path.split('.');
  let o = obj;
  for (const p of parts.slice(0, -1)) o = o[p];
  o[parts.at(-1)] = value;
}

async function send(init) {
  try {
    return await fetch(ENDPOINT, init);
  } catch {
    throw new GraphQLRequestError('The service could not be reached. Check that it is running and try again.', 'NETWORK_ERROR');
  }
}

/**
 * fetch() cannot report upload progress; XMLHttpRequest can. The answer is wrapped in a Response
 * so it is read exactly like a fetch answer.
 */
function sendWithProgress(init, onUploadProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(init.method, ENDPOINT);
    for (const [name, value] of Object.entries(init.headers)) xhr.setRequestHeader(name, value);
    xhr.responseType = 'blob';
    xhr.upload.addEventListener('progress', (e) => onUploadProgress(e.loaded, e.lengthComputable ? e.total : 0));
    xhr.addEventListener('load', () => {
      if (xhr.status < 200 || xhr.status > 599) {
        reject(new GraphQLRequestError('The service could not be reached. Check that it is running and try again.', 'NETWORK_ERROR'));
        return;
      }
      resolve(new Response(xhr.response, { status: xhr.status, statusText: xhr.statusText }));
    });
    const failed = () =>
      reject(new GraphQLRequestError('The service could not be reached. Check that it is running and try again.', 'NETWORK_ERROR'));
    xhr.addEventListener('error', failed);
    xhr.addEventListener('abort', failed);
    xhr.addEventListener('timeout', failed);
    xhr.send(init.body);
  });
}

async function readResponse(res) {
  let body = null;
  try {
    body = await res.json();
  } catch {
    // not JSON: a proxy error page, or the upload limit hit before GraphQL ran
  }
  const first = body?.errors?.[0];
  if (first) {
    const code = first.extensions?.code ?? (res.status === 401 ? 'UNAUTHENTICATED' : `HTTP_${res.status}`);
    throw new GraphQLRequestError(first.message, code, res.status);
  }
  if (!res.ok || !body || !body.data) {
    const code = res.status === 401 ? 'UNAUTHENTICATED' : res.status === 413 ? 'FILE_TOO_LARGE' : `HTTP_${res.status}`;
    throw new GraphQLRequestError(`The service answered ${res.status} ${res.statusText}`.trim(), code, res.status);
  }
  return body.data;
}
