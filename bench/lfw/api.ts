// Open-set identification through the API with its defaults: a fresh service (src/main.ts, its own data folder)
// enrols `size` LFW people with addPerson (one photo each, the photo file as it is), then searchFace answers for
// their other photos and for strangers (fold B's one-photo people). A MATCH or MULTIPLE_KNOWN_FACES for a stranger
// names a stranger; for a person enrolled, MATCH with another person or MULTIPLE_KNOWN_FACES is a wrong answer.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startChildServer } from '../../test/fixtures/child-server.js';
import { errorCode, upload } from '../../test/fixtures/graphql-client.js';

const ADD = `mutation($file: Upload!, $firstName: String!, $surName: String!, $faceIndex: Int) {
  addPerson(file: $file, firstName: $firstName, surName: $surName, faceIndex: $faceIndex) { person { id } }
}`;
const SEARCH = 'query($file: Upload!) { searchFace(file: $file) { status person { id } } }';

export interface ApiIdentification {
  enrolled: number;
  /** Enrolments refused (no recognisable face), and the ambiguous ones enrolled with the first face offered. */
  refused: number;
  ambiguous: number;
  genuine: number;
  named: number;
  /** MATCH with another person. */
  wrong: number;
  /** MULTIPLE_KNOWN_FACES: the person and someone else (right when that someone is in the photo too), or two others. */
  multiple: number;
  strangers: number;
  strangersNamed: number;
  seconds: number;
}

/** `gallery`: [person, photo to enrol][]; probes are photo files (relative to `lfw`) with the person they show. */
export async function identifyThroughApi(
  lfw: string,
  gallery: [string, string][],
  genuine: [string, string][],
  strangers: string[],
  log: (line: string) => void,
): Promise<ApiIdentification> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'face-bench-lfw-'));
  const service = await startChildServer({ DATA_DIR: dataDir, DATABASE_URL: '', PHOTO_STORE: '' });
  const url = service.url;
  const t0 = Date.now();
  const file = (f: string) => ({ bytes: fs.readFileSync(path.join(lfw, f)), filename: path.basename(f) });
  try {
    const ids = new Map<string, string>();
    let refused = 0;
    let ambiguous = 0;
    for (const [person, photo] of gallery) {
      const [firstName, ...rest] = person.split('_');
      const name = { firstName: firstName!, surName: rest.join(' ') || '-' };
      let r = await upload(url, ADD, name, { file: file(photo) });
      if (errorCode(r) === 'AMBIGUOUS_FACE') {
        ambiguous++;
        const first = Number(/(\d+) \(box /.exec(r.errors![0]!.message)![1]);
        r = await upload(url, ADD, { ...name, faceIndex: first }, { file: file(photo) });
      }
      if (r.errors) refused++;
      else ids.set(person, r.data.addPerson.person.id);
      if (ids.size % 200 === 0 && !r.errors) log(`API: ${ids.size} of ${gallery.length} enrolled`);
    }
    let named = 0;
    let wrong = 0;
    let multiple = 0;
    for (const [person, photo] of genuine) {
      const r = (await upload(url, SEARCH, {}, { file: file(photo) })).data?.searchFace;
      if (r?.status === 'MATCH' && r.person.id === ids.get(person)) named++;
      else if (r?.status === 'MATCH') wrong++;
      else if (r?.status === 'MULTIPLE_KNOWN_FACES') multiple++;
    }
    log(`API: ${genuine.length} genuine probes searched`);
    let strangersNamed = 0;
    for (const photo of strangers) {
      const r = (await upload(url, SEARCH, {}, { file: file(photo) })).data?.searchFace;
      if (r?.status === 'MATCH' || r?.status === 'MULTIPLE_KNOWN_FACES') strangersNamed++;
    }
    return {
      enrolled: ids.size,
      refused,
      ambiguous,
      genuine: genuine.length,
      named,
      wrong,
      multiple,
      strangers: strangers.length,
      strangersNamed,
      seconds: (Date.now() - t0) / 1000,
    };
  } finally {
    service.process.kill('SIGTERM');
    await service.exited;
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
