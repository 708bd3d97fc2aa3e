// Grouping unnamed faces as they arrive, from the nearest neighbours the unnamed-faces index finds (never a pass
// over all pairs). A new face joins the group most of its close neighbours are in, starts a group when none is
// close, and joins two groups into one only when it is close to several faces of each: a single link between two
// groups is how two people end up under one name, and a group that is named must be one person.
import { FaceIndex, type IndexMatch } from '../core/index.js';
import type { GroupMember } from '../store/faces.js';

export interface GroupingRule {
  /** Neighbours within this distance are evidence that two faces are the same person. */
  linkDistance: number;
  /** How many nearest neighbours are looked at. */
  neighbours: number;
  /**
   * A face joins a group only when at least this many of its close neighbours are in it (or all of the group's
   * faces, for a smaller group): one close face of a large group is not enough, since a large group has a
   * look-alike for many strangers.
   */
  joinVotes: number;
  /** A second group is joined into the first when at least this many of the close neighbours are in it (or all its faces). */
  mergeVotes: number;
  /**
   * A face with no group by the rules above still joins one when every neighbour within this larger distance is in
   * that group, and there are at least `looseVotes` of them: a photo a little unlike the others of a person whom
   * nobody else resembles.
   */
  looseDistance: number;
  looseVotes: number;
}

/**
 * The defaults, chosen on LFW's 13,233 photos (npm run bench:collection; chosen on the data they are measured on, so
 * an upper bound): pairwise precision 0.994 at recall 0.861. Looser settings chain look-alikes into large groups
 * (at 0.45 one group held 157 people), which is what chinese whispers at 0.5 does (precision 0.375).
 */
export const DEFAULT_GROUPING: GroupingRule = { linkDistance: 0.4, neighbours: 12, joinVotes: 2, mergeVotes: 6, looseDistance: 0.48, looseVotes: 3 };

/** Where a new face goes. */
export interface Placement {
  /** The group it joins, or null for a group of its own. */
  groupId: number | null;
  /** Other groups that join `groupId` with it. */
  merge: number[];
  /** It joins a group whose faces near it were all marked ignored: it is ignored too. */
  ignored: boolean;
}

/** Decides a new face's group from its neighbours (nearest first, within looseDistance) and their groups. */
export function placeFace(neighbours: IndexMatch[], members: Map<number, GroupMember>, rule: GroupingRule = DEFAULT_GROUPING): Placement {
  const votes = new Map<number, { count: number; nearest: number; ignored: number; size: number }>();
  for (const n of neighbours) {
    if (n.distance > rule.linkDistance) continue;
    const m = members.get(n.id);
    if (!m) continue; // named or deleted since the search
    const v = votes.get(m.groupId) ?? { count: 0, nearest: n.distance, ignored: 0, size: m.groupSize };
    v.count++;
    v.nearest = Math.min(v.nearest, n.distance);
    if (m.ignored) v.ignored++;
    votes.set(m.groupId, v);
  }
  const enough = (v: { count: number; size: number }, needed: number) => v.count >= Math.min(needed, v.size);
  const ranked = [...votes.entries()].filter(([, v]) => enough(v, rule.joinVotes)).sort(([, a], [, b]) => b.count - a.count || a.nearest - b.nearest);
  if (ranked.length === 0) return looseGroup(neighbours, members, rule);
  const [groupId, best] = ranked[0]!;
  const merge = enough(best, rule.mergeVotes)
    ? ranked
        .slice(1)
        .filter(([, v]) => enough(v, rule.mergeVotes) && v.ignored === 0)
        .map(([g]) => g)
    : [];
  return { groupId, merge, ignored: best.ignored === best.count };
}

/** Union-find over group ids, for regrouping many faces in memory before one write. */
export class GroupUnion {
  private readonly parent = new Map<number, number>();

  find(g: number): number {
    let root = g;
    while (this.parent.has(root) && this.parent.get(root) !== root) root = this.parent.get(root)!;
    // Path compression.
    for (let x = g; x !== root;) {
      const next = this.parent.get(x)!;
      this.parent.set(x, root);
      x = next;
    }
    return root;
  }

  /** Joins b's group into a's; the smaller id names the result (a group is named after its first face). */
  union(a: number, b: number): number {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return ra;
    const [keep, gone] = ra < rb ? [ra, rb] : [rb, ra];
    this.parent.set(gone, keep);
    this.parent.set(keep, keep);
    return keep;
  }
}

/** The one group every neighbour within looseDistance is in, when there are looseVotes of them or more. */
function looseGroup(neighbours: IndexMatch[], members: Map<number, GroupMember>, rule: GroupingRule): Placement {
  const near = neighbours.filter((n) => n.distance <= rule.looseDistance).map((n) => members.get(n.id));
  const group = near[0]?.groupId;
  if (group === undefined || near.length < rule.looseVotes || near.some((m) => m?.groupId !== group))
    return { groupId: null, merge: [], ignored: false };
  return { groupId: group, merge: [], ignored: near.every((m) => m!.ignored) };
}

/** The groups of faces placed one at a time in this order, each against those placed before it (ids → group numbers 1, 2, …). */
export async function groupAll(ids: number[], encodings: Float32Array, ignored: boolean[], rule: GroupingRule = DEFAULT_GROUPING): Promise<number[]> {
  const index = new FaceIndex();
  index.reserve(ids.length);
  const union = new GroupUnion();
  const groupOf = new Map<number, number>();
  const sizes = new Map<number, number>();
  let next = 1;
  try {
    for (let i = 0; i < ids.length; i++) {
      const encoding = encodings.subarray(i * 128, (i + 1) * 128);
      const neighbours =
        index.size === 0 ? [] : await index.search(encoding, { k: rule.neighbours, maxDistance: Math.max(rule.linkDistance, rule.looseDistance) });
      const members = new Map(
        neighbours.map((n) => {
          const groupId = union.find(groupOf.get(n.id)!);
          return [n.id, { groupId, ignored: ignored[n.id] ?? false, groupSize: sizes.get(groupId)! }];
        }),
      );
      const placement = placeFace(neighbours, members, rule);
      let group = placement.groupId ?? next++;
      let size = (sizes.get(group) ?? 0) + 1;
      for (const other of placement.merge) {
        size += sizes.get(other)!;
        group = union.union(group, other);
      }
      sizes.set(group, size);
      groupOf.set(i, group);
      index.add(i, encoding);
    }
  } finally {
    index.clear();
  }
  return ids.map((_, i) => union.find(groupOf.get(i)!));
}
