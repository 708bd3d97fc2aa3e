// Open-set identification: is this face one of the enrolled people, and who? A fixed distance bound ("nearest face
// within 0.6") bounds the false-match rate of one comparison, but a search makes one comparison per enrolled person,
// so as the gallery grows almost every stranger comes within 0.6 of somebody (on LFW with 1,000 people enrolled, about
// 90 % of strangers did). The rule here keeps the share of strangers named (FPIR) at a chosen rate whatever the gallery's
// size:
//   score = d1 / mean(d2, d3)
// where d1 is the distance to the nearest enrolled person (the mean of their two nearest photos, or their one photo)
// and d2, d3 to the next two people.
// A stranger is about as far from the nearest person as from the next ones (score near 1); a person who is enrolled
// is much nearer to themself (LFW: median 0.55). How low strangers' scores go by chance depends on the gallery's
// number of people and on how many photos each has, so the bound comes from calibration tables: for galleries of one
// and of three photos per person, of each size, the scores LFW's strangers reached (calibration.ts). A face is named only when its score is below the bound for the target rate (MATCH_FPIR, 1 % by
// default) and it is within the tolerance (0.6) as well; otherwise it is UNKNOWN — which now also covers "too close
// to call" between two people. Each answer carries `strangerChance`: the estimated share of strangers that would
// score this well against a gallery of this size.
import type { FaceIndex } from '../core/index.js';
import type { Store } from '../store/store.js';
import { CALIBRATION } from './calibration.js';

/** Neighbours read per face: enough to find the next two people even when the nearest has many photos. */
export const NEIGHBOURS = 32;
/** Stands in for d2 or d3 in a gallery of fewer than three people: the median distance between two strangers' faces. */
export const ABSENT_PERSON_DISTANCE = 0.8;
/** The strangerChance floor: the calibration's strangers cannot resolve rates below it. */
export const MIN_STRANGER_CHANCE = CALIBRATION.fpir[0]!;

/** A face's nearest enrolled person, with the open-set decision. */
export interface Identification {
  faceId: number;
  personId: number;
  /** Distance to the person's nearest photo. */
  distance: number;
  /** d1 / mean(d2, d3); lower is surer. */
  score: number;
  /** Estimated share of strangers scoring this well against a gallery of this size (MIN_STRANGER_CHANCE to 1). */
  strangerChance: number;
  /** Whether the face is named: strangerChance within the target rate and distance within the tolerance. */
  known: boolean;
}

export interface OpenSetRule {
  /** Share of strangers the service accepts to name (FPIR), e.g. 0.01. */
  targetFpir: number;
  /** The distance bound that holds as well (the service's tolerance). */
  tolerance: number;
}

/** Linear interpolation of y at x over the increasing xs (clamped at both ends). */
function interpolate(xs: readonly number[], ys: readonly number[], x: number): number {
  if (x <= xs[0]!) return ys[0]!;
  for (let i = 1; i < xs.length; i++) {
    if (x <= xs[i]!) return ys[i - 1]! + ((ys[i]! - ys[i - 1]!) * (x - xs[i - 1]!)) / (xs[i]! - xs[i - 1]!);
  }
  return ys.at(-1)!;
}

/** The bound for `fpir` in one calibration table, interpolated in log gallery size (past its ends along its slope). */
function tableBound(table: (typeof CALIBRATION.tables)[number], galleryPeople: number, fpir: number): number {
  const { galleryPeople: sizes, score } = table;
  const at = (row: readonly number[]) => interpolate(CALIBRATION.fpir.map(Math.log), row, Math.log(fpir));
  const logSizes = sizes.map(Math.log);
  const x = Math.log(Math.max(1, galleryPeople));
  let i = logSizes.findIndex((s) => s >= x);
  if (i <= 0) i = i === 0 ? 1 : logSizes.length - 1;
  const [x0, x1, y0, y1] = [logSizes[i - 1]!, logSizes[i]!, at(score[i - 1]!), at(score[i]!)];
  return y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
}

/**
 * The score below which strangers reach the rate `fpir`, for a gallery of `galleryPeople` people with
 * `photosPerPerson` photos each on average: the one-photo and three-photo tables, interpolated between them.
 */
export function scoreBound(galleryPeople: number, fpir: number, photosPerPerson = 1): number {
  const [one, three] = CALIBRATION.tables;
  const share = Math.min(1, Math.max(0, (photosPerPerson - 1) / 2));
  return (1 - share) * tableBound(one, galleryPeople, fpir) + share * tableBound(three, galleryPeople, fpir);
}

/** The estimated share of strangers scoring `score` or better against a gallery of `galleryPeople` people. */
export function strangerChance(galleryPeople: number, score: number, photosPerPerson = 1): number {
  const { fpir } = CALIBRATION;
  // scoreBound rises with the rate: find the rate whose bound is this score, on the log-rate grid.
  const bounds = fpir.map((r) => scoreBound(galleryPeople, r, photosPerPerson));
  if (score <= bounds[0]!) return fpir[0]!;
  if (score >= bounds.at(-1)!) return 1;
  return Math.exp(interpolate(bounds, fpir.map(Math.log), score));
}

export interface Neighbour {
  faceId: number;
  personId: number;
  distance: number;
}

/**
 * A person's distance from a face: the mean of their two nearest photos among the neighbours, or their one photo's
 * distance. With several photos per person this names more people at the same share of strangers than the nearest
 * photo alone (LFW, three photos each: 88.9 % against 86.4 % at FPIR 1 %), since one close photo by chance counts less.
 */
function personDistance(distances: number[]): number {
  return distances.length >= 2 ? (distances[0]! + distances[1]!) / 2 : distances[0]!;
}

/**
 * The score of a face's neighbours (nearest first, each with its person): d1 / mean(d2, d3) over person distances
 * (personDistance), with the nearest person's nearest photo; null when there are none.
 */
export function openSetScore(neighbours: Neighbour[]): { nearest: Neighbour; score: number } | null {
  if (neighbours.length === 0) return null;
  const byPerson = new Map<number, number[]>();
  for (const n of neighbours) byPerson.set(n.personId, [...(byPerson.get(n.personId) ?? []), n.distance]);
  const people = [...byPerson].map(([personId, ds]) => ({ personId, distance: personDistance(ds) })).sort((a, b) => a.distance - b.distance);
  const nearest = neighbours.find((n) => n.personId === people[0]!.personId)!;
  // A person beyond the neighbours read is at least as far as the last of them; in a gallery of fewer than three
  // people, a stranger's typical distance stands in.
  const beyond = neighbours.length >= NEIGHBOURS ? neighbours.at(-1)!.distance : ABSENT_PERSON_DISTANCE;
  const d2 = people[1]?.distance ?? beyond;
  const d3 = people[2]?.distance ?? beyond;
  return { nearest, score: people[0]!.distance / Math.max(1e-6, (d2 + d3) / 2) };
}

/**
 * The open-set decision on a face's neighbours (nearest first, each with its person), in a gallery of `gallery.people`
 * people and `gallery.faces` photos.
 */
export function decide(neighbours: Neighbour[], gallery: { people: number; faces: number }, rule: OpenSetRule): Identification | null {
  const galleryPeople = Math.max(1, gallery.people);
  const photosPerPerson = gallery.faces / galleryPeople;
  const scored = openSetScore(neighbours);
  if (!scored) return null;
  const { nearest, score } = scored;
  const chance = strangerChance(galleryPeople, score, photosPerPerson);
  return {
    faceId: nearest.faceId,
    personId: nearest.personId,
    distance: nearest.distance,
    score,
    strangerChance: chance,
    known: nearest.distance <= rule.tolerance && score <= scoreBound(galleryPeople, rule.targetFpir, photosPerPerson),
  };
}

/** A face's neighbours in the index with the person of each (one store read for all of them). */
export async function neighboursOf(index: FaceIndex, store: Store, encoding: Float32Array, sync = false): Promise<Neighbour[]> {
  const hits = sync ? index.searchSync(encoding, { k: NEIGHBOURS }) : await index.search(encoding, { k: NEIGHBOURS });
  if (hits.length === 0) return [];
  const persons = await store.faces.personIds(hits.map((h) => h.id));
  // A face deleted since the search has no person: it is left out.
  return hits.filter((h) => persons.has(h.id)).map((h) => ({ faceId: h.id, personId: persons.get(h.id)!, distance: h.distance }));
}

/**
 * The gallery's number of people for the rule's lookup, read from the store at most every few seconds: the bound
 * moves with its logarithm, so a count a few enrolments old changes nothing that matters.
 */
export class PeopleCount {
  private value = 0;
  private readAt = -Infinity;
  private reading: Promise<number> | undefined;

  constructor(
    private readonly store: Store,
    private readonly maxAgeMs = 5000,
  ) {}

  get(): Promise<number> {
    if (performance.now() - this.readAt < this.maxAgeMs) return Promise.resolve(this.value);
    this.reading ??= this.store.people
      .count()
      .then((n) => {
        this.value = n;
        this.readAt = performance.now();
        return n;
      })
      .finally(() => {
        this.reading = undefined;
      });
    return this.reading;
  }

  /** After this process enrolled or deleted: the next search reads the count again. */
  invalidate(): void {
    this.readAt = -Infinity;
  }
}
