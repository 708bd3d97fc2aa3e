// face_recognition on the same LFW photos and protocols, as its users call it: the first face face_encodings returns
// is the one enrolled or compared; a search names the known person nearest to any face of the photo when within
// tolerance 0.6 (compare_faces), and answers with several people when its faces match different ones.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FaceIndex } from '../../src/core/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const PEER_PYTHON = path.join(ROOT, '.bench-venv', 'bin', 'python');

/** Every face face_recognition found in each photo, by file. */
export function runPeer(lfw: string, files: string[], out: string): Map<string, Float32Array[]> {
  const r = spawnSync(PEER_PYTHON, [path.join(ROOT, 'bench/peers/face_recognition_lfw.py'), '--lfw', lfw, '--out', out, '--workers', '2'], {
    input: files.join('\n'),
    stdio: ['pipe', 'inherit', 'inherit'],
  });
  if (r.status !== 0) throw new Error('face_recognition failed on LFW (is .bench-venv made? bash bench/peers/setup-python-peer.sh)');
  const faces = new Map<string, Float32Array[]>();
  for (const line of fs.readFileSync(out, 'utf8').split('\n')) {
    if (!line) continue;
    const row = JSON.parse(line) as { file: string; faces: { encoding: number[] }[] };
    faces.set(
      row.file,
      row.faces.map((f) => Float32Array.from(f.encoding)),
    );
  }
  return faces;
}

/** The 1:N protocol with face_recognition's rule (tolerance 0.6). */
export function peerIdentification(
  faces: Map<string, Float32Array[]>,
  gallery: [string, string][],
  genuine: [string, string][],
  strangers: string[],
) {
  const index = new FaceIndex();
  const people: string[] = [];
  for (const [person, photo] of gallery) {
    const first = faces.get(photo)?.[0];
    if (!first) continue;
    index.add(people.length, first);
    people.push(person);
  }
  const answer = (photo: string): Set<string> =>
    new Set((faces.get(photo) ?? []).flatMap((e) => index.searchSync(e, { k: 1, maxDistance: 0.6 }).map((h) => people[h.id]!)));
  let named = 0;
  let wrong = 0;
  for (const [person, photo] of genuine) {
    const a = answer(photo);
    if (a.size === 1 && a.has(person)) named++;
    else if (a.size > 0) wrong++;
  }
  const strangersNamed = strangers.filter((s) => answer(s).size > 0).length;
  index.clear();
  return { enrolled: people.length, dir: named / genuine.length, wrong: wrong / genuine.length, fpir: strangersNamed / strangers.length };
}
