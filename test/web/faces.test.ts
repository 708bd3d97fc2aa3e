// The Faces to name view in a real browser against the real server: a photo collection imported many files at
// once, the groups of unnamed faces it found named, partly named, ignored and deleted, and the person page's merge
// and move; each step asserted on what the page shows and recorded as a screenshot in test-output/web/.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import { sideBySide } from '../fixtures/composite.js';
import { DOGS, johnPhotos } from '../fixtures/photos.js';
import { usePage } from '../fixtures/browser.js';

const SALLEY = johnPhotos('John_Salley');
const SAVAGE = johnPhotos('John_Savage');
const SIMM = johnPhotos('John_Simm');

/** A file for the page's file input, under a name that says whose face it holds (the faces' alt texts show it). */
const photo = (file: string, name: string) => ({ name, mimeType: 'image/jpeg', buffer: fs.readFileSync(file) });

/** 5 photos of Salley, 4 of Savage, 3 of Simm, a photo without a face and a file that is no photo. */
const FIRST_BATCH = [
  ...SALLEY.slice(0, 5).map((f, i) => photo(f, `salley-${i + 1}.jpg`)),
  photo(DOGS, 'dogs.jpg'),
  ...SAVAGE.slice(0, 4).map((f, i) => photo(f, `savage-${i + 1}.jpg`)),
  { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('these are notes, not a photo\n') },
  ...SIMM.slice(0, 3).map((f, i) => photo(f, `simm-${i + 1}.jpg`)),
];
const JOHN_FILES = 12;
const EMPTY = 'No faces to name. Import photos to find the people in them.';

describe('the Faces to name view, driven in Chromium against the real server', { timeout: 300_000 }, () => {
  const { page, server, problems, shot } = usePage('faces', { open: '/#faces' });

  const view = () => page.locator('#view-faces');
  const notice = () => page.getByTestId('faces-notice');
  const rows = () => page.getByTestId('import-row');
  const row = (name: string) => rows().filter({ has: page.getByTestId('import-name').getByText(name, { exact: true }) });
  /** The groups holding at least one face from a file whose name starts with `prefix`. */
  const groupsWith = (prefix: string) => page.getByTestId('face-group').filter({ has: page.locator(`img[alt*="from ${prefix}-"]`) });

  async function openTab(name: 'People' | 'Faces to name') {
    await page.getByRole('tab', { name }).click();
    assert.equal(await page.getByRole('tab', { name }).getAttribute('aria-selected'), 'true');
  }

  /** Waits until the groups are listed (no request for them in flight). */
  async function groupsListed() {
    await page.locator('[data-testid=face-groups][aria-busy=false]').waitFor({ state: 'attached' });
  }

  /** Each group's faces, as the names of the files they came from (from the crops' alt texts). */
  async function groupSources(): Promise<string[][]> {
    await groupsListed();
    return page
      .getByTestId('face-group')
      .evaluateAll((cards) => cards.map((c) => [...c.querySelectorAll('img')].map((img) => img.alt.replace(/^Face \d+ from /, ''))));
  }

  /** A group's size, from its heading "Group 2: 3 faces". */
  async function groupSize(group: ReturnType<typeof groupsWith>): Promise<number> {
    const title = await group.getByTestId('group-title').innerText();
    const m = /: (\d+) faces?$/.exec(title);
    assert.ok(m, `group title ${title}`);
    return Number(m[1]);
  }

  /** Types a name into a group's field and names the whole group; returns how many faces it named. */
  async function nameGroup(group: ReturnType<typeof groupsWith>, name: string): Promise<number> {
    const size = await groupSize(group);
    await group.getByLabel('Who is this?').fill(name);
    await group.getByRole('button', { name: 'Name', exact: true }).click();
    return size;
  }

  /** Waits for the notice an action leaves, then for the groups listed again after it. */
  async function noticeSays(text: string) {
    await notice().getByText(text).waitFor();
    await groupsListed();
  }

  async function openPerson(name: string) {
    await openTab('People');
    await page.getByTestId('person-card').filter({ hasText: name }).click();
    await page.getByTestId('person-name').getByText(name, { exact: true }).waitFor();
  }

  it('opens on the empty list of faces to name, with a label on every control', async () => {
    await page.getByTestId('groups-empty').getByText(EMPTY).waitFor();
    assert.equal(await page.getByRole('tab', { name: 'Faces to name' }).getAttribute('aria-selected'), 'true');
    assert.ok(await view().isVisible());
    assert.equal(await page.getByTestId('face-group').count(), 0);
    assert.ok(await page.getByTestId('groups-more').isHidden());
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll('input, select, textarea')]
        .filter((c) => (c as HTMLInputElement).labels?.length === 0 && !c.getAttribute('aria-label'))
        .map((c) => c.outerHTML),
    );
    assert.deepEqual(unlabelled, []);
    assert.equal(await page.getByTestId('import-file').getAttribute('multiple'), '');
    await shot('empty');
  });

  it('imports many photos at once: a row per file with its result, two at a time, and the progress', async () => {
    // Every state a row takes, and the most files importing at once.
    await page.evaluate(() => {
      const list = document.querySelector('[data-testid=import-list]')!;
      const seen = { states: [] as string[], most: 0 };
      (window as any).__import = seen;
      new MutationObserver(() => {
        const rowStates = [...list.querySelectorAll('[data-testid=import-row]')].map((r) => (r as HTMLElement).dataset.status!);
        for (const s of rowStates) if (!seen.states.includes(s)) seen.states.push(s);
        seen.most = Math.max(seen.most, rowStates.filter((s) => s === 'IMPORTING').length);
      }).observe(list, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
    });
    await page.getByTestId('import-file').setInputFiles(FIRST_BATCH);
    await page.getByTestId('import-progress').waitFor();
    assert.equal(await rows().count(), FIRST_BATCH.length);
    await shot('importing');

    await page.getByTestId('import-count').getByText(`${FIRST_BATCH.length} of ${FIRST_BATCH.length} files done:`).waitFor();
    const seen = await page.evaluate(() => (window as any).__import as { states: string[]; most: number });
    assert.ok(seen.states.includes('PENDING') && seen.states.includes('IMPORTING'), `states seen: ${seen.states}`);
    assert.ok(seen.most >= 1 && seen.most <= 2, `${seen.most} files importing at once`);
    assert.equal(
      await page.getByTestId('import-bar').evaluate((p: HTMLProgressElement) => `${p.value}/${p.max}`),
      `${FIRST_BATCH.length}/${FIRST_BATCH.length}`,
    );
    assert.equal(
      await page.getByTestId('import-count').innerText(),
      `${FIRST_BATCH.length} of ${FIRST_BATCH.length} files done: ${JOHN_FILES} imported, 1 without a face, 1 failed. 0 faces recognised, ${JOHN_FILES} to name.`,
    );

    // Each john's chip holds one face, which nobody in the empty gallery is: a face to name.
    for (const file of FIRST_BATCH.filter((f) => f.name.startsWith('s') && f.name.endsWith('.jpg'))) {
      assert.equal(await row(file.name).getAttribute('data-status'), 'IMPORTED', file.name);
      assert.equal(await row(file.name).getByTestId('import-state').innerText(), '1 face: 0 named, 1 to name', file.name);
    }
    assert.equal(await row('dogs.jpg').getAttribute('data-status'), 'NO_FACE_FOUND');
    assert.equal(await row('dogs.jpg').getByTestId('import-state').innerText(), 'No face found');
    assert.equal(await row('notes.txt').getAttribute('data-status'), 'FAILED');
    assert.ok((await row('notes.txt').getByTestId('import-state').innerText()).length > 10);
    assert.match(await page.getByTestId('import-announce').innerText(), /^Import finished\. 14 of 14 files done/);
    await shot('imported');
  });

  it('lists the groups the import found, largest first, each of one person, with their crops', async () => {
    await page.getByTestId('face-group').first().waitFor();
    const sources = await groupSources();
    assert.equal(sources.flat().length, JOHN_FILES, JSON.stringify(sources));
    assert.deepEqual(
      sources.flat().sort(),
      FIRST_BATCH.map((f) => f.name)
        .filter((n) => /^s.*\.jpg$/.test(n))
        .sort(),
    );
    // A group is one person: every face in it is from the same john's photos.
    for (const group of sources) assert.equal(new Set(group.map((s) => s.split('-')[0])).size, 1, JSON.stringify(sources));
    // Each john's chips look alike: most of his faces are in one group.
    for (const [john, count] of [
      ['salley', 5],
      ['savage', 4],
      ['simm', 3],
    ] as const) {
      const largest = Math.max(...sources.map((g) => g.filter((s) => s.startsWith(`${john}-`)).length));
      assert.ok(largest >= Math.ceil(count / 2), `${john}: ${JSON.stringify(sources)}`);
    }
    const sizes = await page.getByTestId('group-title').allInnerTexts();
    const numbers = sizes.map((t) => Number(/: (\d+) faces?$/.exec(t)![1]));
    assert.deepEqual(
      numbers,
      sources.map((g) => g.length),
    );
    assert.deepEqual(
      numbers,
      [...numbers].sort((a, b) => b - a),
    );
    assert.match(await page.getByTestId('groups-count').innerText(), new RegExp(`^${sources.length} groups? of faces to name$`));
    assert.doesNotMatch(await page.getByTestId('face-groups').innerText(), /\b(null|undefined|NaN)\b/);

    // The crops are images the browser could load, each with its alt text.
    const widths = await page
      .getByTestId('group-face')
      .locator('img')
      .evaluateAll((imgs) => Promise.all((imgs as HTMLImageElement[]).map((img) => img.decode().then(() => img.naturalWidth))));
    assert.equal(widths.length, JOHN_FILES);
    assert.ok(
      widths.every((w) => w > 0),
      `crop widths ${widths}`,
    );
    await shot('groups');

    // A page at a time (?pageSize=1): Load more lists the next group and moves the focus to it.
    assert.ok(sources.length >= 2);
    await page.goto(`${server.url}/?pageSize=1#faces`);
    await page.getByTestId('groups-count').getByText(`${sources.length} groups of faces to name · 1 shown`).waitFor();
    assert.equal(await page.getByTestId('face-group').count(), 1);
    for (let shown = 2; shown <= sources.length; shown++) {
      await page.getByRole('button', { name: 'Load more' }).click();
      await page
        .getByTestId('face-group')
        .nth(shown - 1)
        .waitFor();
      assert.ok(
        await page
          .getByTestId('group-title')
          .nth(shown - 1)
          .evaluate((e) => e === document.activeElement),
      );
    }
    assert.deepEqual(await groupSources(), sources);
    assert.ok(await page.getByTestId('groups-more').isHidden());
    assert.equal(await page.getByTestId('groups-count').innerText(), `${sources.length} groups of faces to name`);
    await shot('groups-paged');
    await page.goto(`${server.url}/#faces`);
    await page
      .getByTestId('face-group')
      .nth(sources.length - 1)
      .waitFor();
  });

  it('refuses a single name, then names a group: the person is in the People view with those faces', async () => {
    const first = groupsWith('salley').first();
    await first.getByLabel('Who is this?').fill('Salley');
    await first.getByRole('button', { name: 'Name', exact: true }).click();
    const alert = first.getByTestId('group-result').getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /Type both the first name and the surname/);
    await shot('name-refused');

    // Salley's faces may be in more than one group: the first makes him, the others find him by name.
    let named = 0;
    let first_ = true;
    while ((await groupsWith('salley').count()) > 0) {
      const n = await nameGroup(groupsWith('salley').first(), first_ ? 'John Salley' : 'john salley');
      await noticeSays(`${n === 1 ? '1 face' : `${n} faces`} named John Salley.`);
      named += n;
      first_ = false;
    }
    assert.equal(named, 5);
    assert.equal((await groupSources()).flat().length, JOHN_FILES - 5);
    await shot('named-salley');

    await notice().getByRole('link', { name: "See John Salley's photos" }).click();
    await page.getByTestId('person-name').getByText('John Salley', { exact: true }).waitFor();
    assert.match(await page.getByTestId('person-meta').innerText(), /^5 photos · enrolled /);
    await page.getByTestId('person-photo').nth(4).waitFor();
    assert.equal(await page.getByTestId('person-photo').count(), 5);
    await openTab('People');
    await page.getByTestId('people-count').getByText('1 person').waitFor();
    assert.deepEqual(await page.getByTestId('person-card-name').allInnerTexts(), ['John Salley']);
    assert.equal(await page.getByTestId('person-card').locator('.meta').innerText(), '5 photos');
    await shot('people-salley');
  });

  it('imports again: a photo imported before is skipped, and a face of someone named is recognised', async () => {
    await openTab('Faces to name');
    await page.getByTestId('import-file').setInputFiles([photo(SALLEY[0]!, 'salley-1-again.jpg'), photo(SALLEY[8]!, 'salley-9.jpg')]);
    await page.getByTestId('import-count').getByText('2 of 2 files done:').waitFor();
    assert.equal(await rows().count(), 2); // a new batch: the last one's rows are gone
    assert.equal(await row('salley-1-again.jpg').getAttribute('data-status'), 'ALREADY_IMPORTED');
    assert.equal(await row('salley-1-again.jpg').getByTestId('import-state').innerText(), 'Imported before: nothing was stored again');
    assert.equal(await row('salley-9.jpg').getAttribute('data-status'), 'IMPORTED');
    assert.equal(await row('salley-9.jpg').getByTestId('import-state').innerText(), '1 face: 1 named (John Salley), 0 to name');
    assert.equal(
      await page.getByTestId('import-count').innerText(),
      '2 of 2 files done: 1 imported, 1 imported before. 1 face recognised, 0 to name.',
    );
    await groupsListed();
    assert.equal(await groupsWith('salley').count(), 0);
    await shot('import-again');
  });

  it('completes names from the gallery, and names only the selected faces of a group', async () => {
    const group = groupsWith('savage').first();
    const field = group.getByLabel('Who is this?');
    await field.fill('John Sa');
    await page.locator('#person-names option[value="John Salley"]').waitFor({ state: 'attached' });
    assert.equal(await field.getAttribute('list'), 'person-names');

    const size = await groupSize(group);
    const face = group.getByTestId('group-face').first();
    assert.equal(await group.getByRole('button', { name: 'Name selected' }).isDisabled(), true);
    await face.click();
    assert.equal(await face.getAttribute('aria-pressed'), 'true');
    assert.equal(await group.getByTestId('group-selection').innerText(), `1 of ${size === 1 ? '1 face' : `${size} faces`} selected.`);
    await shot('face-selected');
    // Toggled off and on again: the button is a toggle.
    await face.click();
    assert.equal(await face.getAttribute('aria-pressed'), 'false');
    assert.equal(await group.getByRole('button', { name: 'Name selected' }).isDisabled(), true);
    await face.press('Space');
    assert.equal(await face.getAttribute('aria-pressed'), 'true');

    await field.fill('Jon Savage');
    await group.getByRole('button', { name: 'Name selected' }).click();
    await noticeSays('1 face named Jon Savage.');
    assert.equal((await groupSources()).flat().filter((s) => s.startsWith('savage-')).length, 3);

    // The rest of Savage's faces go to a second entry under his right name.
    let named = 0;
    let first = true;
    while ((await groupsWith('savage').count()) > 0) {
      const n = await nameGroup(groupsWith('savage').first(), first ? 'John Savage' : 'JOHN SAVAGE');
      await noticeSays(`${n === 1 ? '1 face' : `${n} faces`} named John Savage.`);
      named += n;
      first = false;
    }
    assert.equal(named, 3);
    await shot('named-savage');
  });

  it('merges one person into another from the person page', async () => {
    await openPerson('Jon Savage');
    assert.equal(await page.getByTestId('person-photo').count(), 1);
    await page.getByLabel('Merge into').fill('Nobody Here');
    await page.getByRole('button', { name: 'Merge', exact: true }).click();
    await page.getByTestId('merge-result').getByText('No one in the gallery is called “Nobody Here”.', { exact: false }).waitFor();

    await page.getByLabel('Merge into').fill('John Sav');
    await page.locator('#person-names option[value="John Savage"]').waitFor({ state: 'attached' });
    await page.getByLabel('Merge into').fill('John Savage');
    await shot('merge');
    await page.getByRole('button', { name: 'Merge', exact: true }).click();
    await page.getByTestId('person-notice').getByText('Jon Savage was merged into John Savage: 4 photos now.').waitFor();
    assert.equal(await page.getByTestId('person-name').innerText(), 'John Savage');
    assert.match(page.url(), /#people\/[^/]+$/);
    await page.getByTestId('person-photo').nth(3).waitFor();
    assert.equal(await page.getByTestId('person-photo').count(), 4);
    await shot('merged');

    await page.getByTestId('person-back').click();
    await page.getByTestId('people-count').getByText('2 people').waitFor();
    assert.deepEqual(await page.getByTestId('person-card-name').allInnerTexts(), ['John Salley', 'John Savage']);
  });

  it('moves a photo to another person, then from him back to the faces to name', async () => {
    await openPerson('John Savage');
    await page.getByTestId('person-photo').nth(3).waitFor();
    const imageId = (await page.getByTestId('person-photo').first().getAttribute('data-image-id'))!;
    await page.getByRole('button', { name: 'Move to this person' }).click();
    await page.getByTestId('move-result').getByText('Tick the photos to move first.').waitFor();

    await page.getByLabel('Select photo 1 of John Savage').check();
    assert.equal(await page.getByTestId('move-selection').innerText(), '1 photo selected.');
    await page.getByLabel('To the person named').fill('John Salley');
    await page.getByRole('button', { name: 'Move to this person' }).click();
    await page.getByTestId('person-notice').getByText('1 photo moved to John Salley.').waitFor();
    await page
      .getByTestId('person-meta')
      .getByText(/^3 photos · /)
      .waitFor();
    assert.equal(await page.locator(`[data-testid=person-photo][data-image-id="${imageId}"]`).count(), 0);

    // The photo was not Salley's after all: back to the faces to name.
    await openPerson('John Salley');
    const moved = page.locator(`[data-testid=person-photo][data-image-id="${imageId}"]`);
    await moved.waitFor();
    assert.equal(await page.getByTestId('person-photo').count(), 7);
    await moved.getByRole('checkbox').check();
    await shot('move-back');
    await page.getByRole('button', { name: 'Back to faces to name' }).click();
    await page.getByTestId('person-notice').getByText('1 photo went back to the faces to name.').waitFor();
    await page
      .getByTestId('person-meta')
      .getByText(/^6 photos · /)
      .waitFor();
    assert.equal(await moved.count(), 0);

    await openTab('Faces to name');
    const back = page.getByTestId('face-group').filter({ has: page.locator(`[data-testid=group-face][data-image-id="${imageId}"]`) });
    await back.waitFor();
    assert.equal(await groupSize(back), 1);
    await shot('moved-back');
  });

  it('reads well on a 375px-wide screen', async () => {
    await page.setViewportSize({ width: 375, height: 740 });
    try {
      await openTab('Faces to name');
      await page.getByTestId('face-group').first().waitFor();
      await page.getByTestId('import-file').setInputFiles([photo(SIMM[5]!, 'a-photo-with-a-rather-long-file-name-from-a-camera-0001.jpg')]);
      await page.getByTestId('import-count').getByText('1 of 1 file done:').waitFor();
      await groupsListed();
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 375, `Faces to name: the page is ${width}px wide`);
      // Every face and every action of a group fits on the screen.
      for (const box of await page
        .getByTestId('face-group')
        .first()
        .locator('button, input')
        .evaluateAll((els) => els.map((e) => e.getBoundingClientRect().right))) {
        assert.ok(box <= 375, `a control ends at ${box}px`);
      }
      await shot('narrow-faces');
      await openPerson('John Savage');
      await page.getByTestId('person-photo').first().waitFor();
      assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= 375);
      await shot('narrow-person');
    } finally {
      await page.setViewportSize({ width: 1100, height: 900 });
    }
  });

  it('ignores a group, deletes a face only after confirmation, and ends with nothing to name', async () => {
    await openTab('Faces to name');
    await page.getByTestId('face-group').first().waitFor();
    const single = page.getByTestId('face-group').filter({ has: page.locator('img[alt*="from savage-"]') });
    await single.getByRole('button', { name: 'Not a person to name' }).click();
    await noticeSays('1 face ignored: it is not suggested again.');
    assert.equal(await groupsWith('savage').count(), 0);

    const simm = groupsWith('simm').first();
    const face = simm.getByTestId('group-face').first();
    const imageId = (await face.getAttribute('data-image-id'))!;
    await face.click();
    await simm.getByRole('button', { name: 'Delete selected…' }).click();
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.waitFor();
    assert.equal(
      await dialog.getByTestId('confirm-message').innerText(),
      'The selected face will be removed for good, with its face encoding. This cannot be undone.',
    );
    await shot('confirm-delete-face');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await page.locator(`[data-testid=group-face][data-image-id="${imageId}"]`).count(), 1);
    await simm.getByRole('button', { name: 'Delete selected…' }).click();
    await dialog.getByRole('button', { name: 'Delete 1 face' }).click();
    await noticeSays('1 face deleted.');
    assert.equal(await page.locator(`[data-testid=group-face][data-image-id="${imageId}"]`).count(), 0);

    // What is left (Simm's faces): one group's faces ignored one by one, the others a whole group at a time.
    const left = (await groupSources()).flat().length;
    assert.equal(left, 3); // Simm's 3 imported faces and the narrow test's one, less the deleted one
    const first = page.getByTestId('face-group').first();
    const faces = await first.getByTestId('group-face').count();
    for (let i = 0; i < faces; i++) await first.getByTestId('group-face').nth(i).click();
    await first.getByRole('button', { name: 'Ignore selected' }).click();
    await noticeSays(`${faces === 1 ? '1 face' : `${faces} faces`} ignored:`);
    while ((await page.getByTestId('face-group').count()) > 0) {
      await page.getByTestId('face-group').first().getByRole('button', { name: 'Not a person to name' }).click();
      await notice().getByText('ignored:').waitFor();
      await groupsListed();
    }
    await page.getByTestId('groups-empty').getByText(EMPTY).waitFor();
    assert.equal(await page.getByTestId('groups-count').innerText(), '');
    await shot('nothing-to-name');
  });

  it("shows a face imported from a larger photo as its crop, without the photo's box over it", async () => {
    // Salley's chip enlarged in the middle of a wide picture: the crop kept is far smaller than the photo.
    const wide = await sideBySide([SALLEY[9]!], { width: 900, height: 300 });
    await page.getByTestId('import-file').setInputFiles({ name: 'salley-10.bmp', mimeType: 'image/bmp', buffer: wide });
    await page.getByTestId('import-count').getByText('1 of 1 file done:').waitFor();
    assert.equal(await row('salley-10.bmp').getByTestId('import-state').innerText(), '1 face: 1 named (John Salley), 0 to name');
    await openPerson('John Salley');
    await page
      .getByTestId('person-meta')
      .getByText(/^7 photos · /)
      .waitFor();
    const last = page.getByTestId('person-photo').last().locator('[data-testid=face-photo][data-ready=true]');
    await last.waitFor();
    assert.ok((await last.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth)) < 400);
    // Every photo of him was kept by an import: each shows its crop, with no box from the photo it came from.
    assert.equal(await page.getByTestId('person-photo').getByTestId('face-box').count(), 0);
    await shot('imported-crop');
  });

  it('raised no script errors', () => {
    assert.deepEqual(problems, []);
  });
});

describe('the Faces to name view with an API key required', { timeout: 180_000 }, () => {
  const KEY = 'faces-test-key-41c9';
  const { page, problems, shot } = usePage('faces-key', { server: { apiKeys: [KEY] }, open: '/#faces' });

  it('imports with the key, and shows the crops fetched with it (never with the key in a URL)', async () => {
    const dialog = page.getByTestId('key-dialog');
    await dialog.waitFor();
    await dialog.getByLabel('API key', { exact: true }).fill(KEY);
    await dialog.getByRole('button', { name: 'Use this key' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByTestId('groups-empty').getByText(EMPTY).waitFor();

    await page.getByTestId('import-file').setInputFiles(SAVAGE.slice(5, 8).map((f, i) => photo(f, `savage-${i + 6}.jpg`)));
    await page.getByTestId('import-count').getByText('3 of 3 files done: 3 imported.').waitFor();
    await page.getByTestId('face-group').first().waitFor();
    const crops = page.getByTestId('group-face').locator('img');
    assert.equal(await crops.count(), 3);
    const loaded = await crops.evaluateAll((imgs) =>
      Promise.all((imgs as HTMLImageElement[]).map((img) => img.decode().then(() => ({ src: img.src, width: img.naturalWidth })))),
    );
    for (const { src, width } of loaded) {
      assert.match(src, /^blob:/);
      assert.ok(width > 0);
    }
    await shot('crops-with-key');
  });

  it('raised no script errors', () => {
    assert.deepEqual(problems, []);
  });
});
