// The grouping rule on hand-made neighbour lists: a face joins the group most of its close neighbours are in, one
// close face of a large group is not enough, a second group joins only on several links, and a face like ignored
// ones is ignored too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_GROUPING, GroupUnion, placeFace, type GroupingRule } from '../../src/collection/grouping.js';
import type { GroupMember } from '../../src/store/faces.js';

const rule: GroupingRule = { ...DEFAULT_GROUPING, linkDistance: 0.4, joinVotes: 2, mergeVotes: 3, looseDistance: 0.48, looseVotes: 3 };
const member = (groupId: number, groupSize: number, ignored = false): GroupMember => ({ groupId, groupSize, ignored });

test('no close neighbour: a group of its own', () => {
  assert.deepEqual(placeFace([{ id: 1, distance: 0.6 }], new Map([[1, member(7, 3)]]), rule), { groupId: null, merge: [], ignored: false });
  assert.deepEqual(placeFace([], new Map(), rule), { groupId: null, merge: [], ignored: false });
});

test('one close face joins a group of one, but not a large group', () => {
  assert.equal(placeFace([{ id: 1, distance: 0.3 }], new Map([[1, member(7, 1)]]), rule).groupId, 7);
  assert.equal(placeFace([{ id: 1, distance: 0.3 }], new Map([[1, member(7, 50)]]), rule).groupId, null);
  const two = [
    { id: 1, distance: 0.3 },
    { id: 2, distance: 0.35 },
  ];
  assert.equal(
    placeFace(
      two,
      new Map([
        [1, member(7, 50)],
        [2, member(7, 50)],
      ]),
      rule,
    ).groupId,
    7,
  );
});

test('the group with the most close neighbours wins; another joins it only on mergeVotes links', () => {
  const near = [1, 2, 3, 4, 5].map((id) => ({ id, distance: 0.2 + id / 100 }));
  const split = new Map([
    [1, member(8, 20)],
    [2, member(7, 20)],
    [3, member(7, 20)],
    [4, member(7, 20)],
    [5, member(8, 20)],
  ]);
  // Two links to group 8 are not enough to join it in; a third is.
  assert.deepEqual(placeFace(near, split, rule), { groupId: 7, merge: [], ignored: false });
  const seven = [...near, { id: 6, distance: 0.3 }, { id: 7, distance: 0.39 }];
  split.set(6, member(7, 20)).set(7, member(8, 20));
  assert.deepEqual(placeFace(seven, split, rule), { groupId: 7, merge: [8], ignored: false });
});

test('the loose rule: every neighbour within looseDistance in one group, and enough of them', () => {
  const far = [
    { id: 1, distance: 0.45 },
    { id: 2, distance: 0.46 },
    { id: 3, distance: 0.47 },
  ];
  const one = new Map([1, 2, 3].map((id) => [id, member(9, 10)]));
  assert.equal(placeFace(far, one, rule).groupId, 9);
  const mixed = new Map(one).set(3, member(4, 10));
  assert.equal(placeFace(far, mixed, rule).groupId, null);
  assert.equal(placeFace(far.slice(0, 2), one, rule).groupId, null);
});

test('a face whose close neighbours are all ignored is ignored; an ignored group is never merged in', () => {
  const near = [1, 2].map((id) => ({ id, distance: 0.3 }));
  assert.equal(placeFace(near, new Map(near.map((n) => [n.id, member(5, 4, true)])), rule).ignored, true);
  const mixed = [1, 2, 3, 4, 5, 6].map((id) => ({ id, distance: 0.3 }));
  const groups = new Map(mixed.map((n) => [n.id, n.id <= 3 ? member(1, 9) : member(2, 9, true)]));
  assert.deepEqual(placeFace(mixed, groups, rule).merge, []);
});

test('GroupUnion names a joined group after its smaller id', () => {
  const u = new GroupUnion();
  assert.equal(u.union(5, 3), 3);
  assert.equal(u.union(9, 5), 3);
  assert.equal(u.find(9), 3);
  assert.equal(u.find(4), 4);
});
