// The encodings the service stores for LFW photos a gallery enrols: the chosen face's chip encoded with the
// service's enrolment jitter (analysis.ts, ENROLMENT_JITTER), for the first three usable photos of every person with
// two or more. Cached beside the analyses (<analyses>.enrolled.jsonl) and resumable.
import fs from 'node:fs';
import path from 'node:path';
import { FaceCore, defaultThreads, setThreadBudget } from '../../src/core/index.js';
import { ENROLMENT_JITTER } from '../../src/gallery/analysis.js';
import { byPerson, enrolFaces, readAnalyses, type LfwFace } from './data.js';
import type { AnalysedPhoto } from './analyse.js';

export const enrolledFile = (analyses: string): string => `${analyses.replace(/\.jsonl$/, '')}.enrolled.jsonl`;

/** Adds `enrolled` (the stored encoding) to the gallery photos of `people`, computing what the cache lacks. */
export async function addEnrolledEncodings(
  lfw: string,
  analyses: string,
  photos: AnalysedPhoto[],
  people: Map<string, LfwFace[]>,
  log: (line: string) => void,
): Promise<void> {
  const file = enrolledFile(analyses);
  const cached = new Map<string, Float32Array>();
  if (fs.existsSync(file)) {
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      if (!line) continue;
      const r = JSON.parse(line) as { file: string; encoding: number[] };
      cached.set(r.file, Float32Array.from(r.encoding));
    }
  }
  const wanted = [...people.values()].filter((faces) => faces.length >= 2).flatMap((faces) => faces.slice(0, 3));
  const todo = wanted.filter((f) => !cached.has(f.file));
  if (todo.length > 0) {
    log(`computing the stored (jittered) encodings of ${todo.length} gallery photos`);
    setThreadBudget(defaultThreads());
    const core = new FaceCore({ threads: defaultThreads() });
    const byFile = new Map(photos.map((p) => [p.file, p]));
    const sink = fs.createWriteStream(file, { flags: 'a' });
    let next = 0;
    const worker = async () => {
      while (next < todo.length) {
        const face = todo[next++]!;
        const analysed = byFile.get(face.file)!.faces[face.faceIndex]!;
        const image = await core.decode(fs.readFileSync(path.join(lfw, face.file)));
        const landmarks = Array.from({ length: analysed.landmarks.length / 2 }, (_, k) => ({
          x: analysed.landmarks[2 * k]!,
          y: analysed.landmarks[2 * k + 1]!,
        }));
        const [chip] = await core.align(image, [landmarks]);
        const [encoding] = await core.encode([chip!], { jitter: ENROLMENT_JITTER });
        cached.set(face.file, encoding!);
        sink.write(`${JSON.stringify({ file: face.file, encoding: Array.from(encoding!, (v) => Number(v.toFixed(6))) })}\n`);
      }
    };
    await Promise.all(Array.from({ length: core.threads }, worker));
    await new Promise((resolve) => sink.end(resolve));
  }
  for (const f of wanted) f.enrolled = cached.get(f.file);
}

/** Analyses and people with their stored encodings, as the calibration and the benchmark read them. */
export async function lfwPeople(lfw: string, analyses: string, log: (line: string) => void) {
  const photos = readAnalyses(analyses);
  const faces = enrolFaces(photos);
  const people = byPerson(faces);
  await addEnrolledEncodings(lfw, analyses, photos, people, log);
  return { photos, faces, people };
}
