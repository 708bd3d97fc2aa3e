// The web page in a real browser against the real server: enrol, search, browse, rename and delete,
// each step asserted on what the page shows and recorded as a screenshot in test-output/web/.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import type { Locator } from 'playwright-core';
import { DOGS, johnPhotos } from '../fixtures/photos.js';
import { upload as apiUpload } from '../fixtures/graphql-client.js';
import { dropFile, NO_FACE_MESSAGE, usePage } from '../fixtures/browser.js';

const SALLEY = johnPhotos('John_Salley');
const SAVAGE = johnPhotos('John_Savage');
const SIMM = johnPhotos('John_Simm');

describe('the web page, driven in Chromium against the real server', { timeout: 300_000 }, () => {
  const { page, server, problems, shot } = usePage('page', { open: '/' });

  const view = (name: string) => page.locator(`#view-${name}`);
  const health = () => page.getByTestId('health');

  async function openTab(name: 'Enrol' | 'Search' | 'People') {
    await page.getByRole('tab', { name }).click();
    assert.equal(await page.getByRole('tab', { name }).getAttribute('aria-selected'), 'true');
  }

  /** Records every aria-busy value the form takes, to prove a progress state was shown. */
  async function watchBusy(formSelector: string) {
    await page.evaluate((sel) => {
      const form = document.querySelector(sel)!;
      const seen: string[] = [];
      (window as any).__busy = seen;
      new MutationObserver(() => {
        const button = form.querySelector('button[type=submit]') as HTMLButtonElement;
        seen.push(`${form.getAttribute('aria-busy')}:${button.disabled ? 'disabled' : 'enabled'}`);
      }).observe(form, { attributes: true, attributeFilter: ['aria-busy'] });
    }, formSelector);
  }
  const busyStates = () => page.evaluate(() => (window as any).__busy as string[]);

  async function searchFile(file: string | { name: string; mimeType: string; buffer: Buffer }) {
    await page.getByTestId('search-file').setInputFiles(file);
  }

  /** Waits until the search answer for the current file is shown. */
  async function searchAnswer(): Promise<Locator> {
    await page.locator('#search-result[aria-busy=false]').waitFor();
    return page.getByTestId('search-result');
  }

  /** The photo's face boxes, once the image has loaded and the boxes are placed. */
  async function placedBoxes(photoTestId: string): Promise<Locator> {
    const photo = page.locator(`[data-testid=${photoTestId}][data-ready=true]`);
    await photo.waitFor();
    return photo.getByTestId('face-box');
  }

  it('opens on the Enrol view, with a label on every control and an empty gallery', async () => {
    await page.getByText('0 people · 0 photos').waitFor();
    assert.equal(await page.getByRole('tab', { name: 'Enrol' }).getAttribute('aria-selected'), 'true');
    assert.ok(await view('enrol').isVisible());
    assert.ok(await view('search').isHidden());
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll('input, select, textarea')]
        .filter((c) => (c as HTMLInputElement).labels?.length === 0 && !c.getAttribute('aria-label'))
        .map((c) => c.outerHTML),
    );
    assert.deepEqual(unlabelled, []);
    await shot('start');
  });

  it('enrols a john from a chosen file, shows progress, and boxes the face that was found', async () => {
    await page.getByTestId('enrol-file').setInputFiles(SALLEY[0]!);
    await page.locator('[data-testid=enrol-photo][data-ready=true]').waitFor(); // the preview before sending
    await view('enrol').getByLabel('First name').fill('John');
    await view('enrol').getByLabel('Surname').fill('Salley');
    await watchBusy('#enrol-form');
    await page.getByRole('button', { name: 'Enrol', exact: true }).click();
    await page.getByTestId('enrol-message').waitFor();
    assert.match(await page.getByTestId('enrol-message').innerText(), /Enrolled John Salley\./);
    assert.match(await page.getByTestId('enrol-message').innerText(), /1 photo stored/);
    assert.match(await page.getByTestId('enrol-advice').innerText(), /With 1 photo of this person.*Add 2 more photos/);
    assert.deepEqual(await busyStates(), ['true:disabled', 'false:enabled']);

    const boxes = await placedBoxes('enrol-photo');
    assert.equal(await boxes.count(), 1);
    assert.equal(await boxes.first().getByTestId('face-label').innerText(), 'John Salley');
    const img = await page.locator('[data-testid=enrol-photo] img').boundingBox();
    const box = await boxes.first().boundingBox();
    assert.ok(img && box);
    // A face chip is mostly face: the box is large and inside the photo.
    assert.ok(box.width > img.width * 0.3, `box ${box.width}px wide on a ${img.width}px photo`);
    assert.ok(box.x >= img.x - 1 && box.x + box.width <= img.x + img.width + 1);
    assert.ok(box.y >= img.y - 1 && box.y + box.height <= img.y + img.height + 1);
    await page.getByText('1 person · 1 photo').waitFor();
    // The form is ready for the next person.
    assert.equal(await view('enrol').getByLabel('First name').inputValue(), '');
    await shot('enrolled-salley');
  });

  it('enrols a second john from a file dropped on the drop zone', async () => {
    await dropFile(page, '[data-testid=enrol-drop]', { name: 'savage.jpg', mimeType: 'image/jpeg', bytes: fs.readFileSync(SAVAGE[0]!) });
    await page.getByText('Chosen: savage.jpg').waitFor();
    await view('enrol').getByLabel('First name').fill('John');
    await view('enrol').getByLabel('Surname').fill('Savage');
    await view('enrol').getByLabel('Surname').press('Enter');
    await page.getByTestId('enrol-message').getByText('Enrolled John Savage.').waitFor();
    const boxes = await placedBoxes('enrol-photo');
    assert.equal(await boxes.count(), 1);
    assert.equal(await boxes.first().innerText(), 'John Savage');
    await page.getByText('2 people · 2 photos').waitFor();
    await shot('enrolled-savage');
  });

  it("refuses to enrol a photo without a face, in the API's words", async () => {
    await page.getByTestId('enrol-file').setInputFiles(DOGS);
    await view('enrol').getByLabel('First name').fill('Rex');
    await view('enrol').getByLabel('Surname').fill('Dog');
    await page.getByRole('button', { name: 'Enrol', exact: true }).click();
    const error = page.getByTestId('enrol-result').getByRole('alert');
    await error.waitFor();
    assert.equal(await error.getAttribute('data-code'), 'NO_FACE_FOUND');
    assert.equal(await error.getByTestId('error-message').innerText(), NO_FACE_MESSAGE);
    assert.equal(await page.getByTestId('enrol-result').getByTestId('face-box').count(), 0);
    assert.equal(await health().innerText(), '2 people · 2 photos · tolerance 0.6');
    await shot('enrol-no-face');
  });

  it('asks for both names before sending anything', async () => {
    await page.getByTestId('enrol-file').setInputFiles(SALLEY[1]!);
    await view('enrol').getByLabel('First name').fill('John');
    await view('enrol').getByLabel('Surname').fill('');
    await page.getByRole('button', { name: 'Enrol', exact: true }).click();
    assert.equal(await page.getByTestId('enrol-result').getByTestId('error-message').innerText(), 'Type both the first name and the surname.');
    assert.ok(
      await view('enrol')
        .getByLabel('Surname')
        .evaluate((e) => e === document.activeElement),
    );
    await shot('enrol-missing-name');
  });

  it('searches with another photo of an enrolled john: his name is drawn beside the box, his stored photo beside yours', async () => {
    await openTab('Search');
    await watchBusy('#search-form');
    await searchFile(SALLEY[5]!);
    const result = await searchAnswer();
    assert.equal(await result.getByTestId('search-message').innerText(), 'John Salley');
    assert.equal(await result.getByTestId('search-summary').getAttribute('data-status'), 'MATCH');
    assert.deepEqual(await busyStates(), ['true:disabled', 'false:enabled']);

    const boxes = await placedBoxes('search-photo');
    assert.equal(await boxes.count(), 1);
    const label = boxes.first().getByTestId('face-label');
    assert.equal(await label.innerText(), 'John Salley');
    // The label sits against the box's edge (above, below or inside along the top).
    const b = (await boxes.first().boundingBox())!;
    const l = (await label.boundingBox())!;
    const touches = Math.abs(l.y + l.height - b.y) <= 4 || Math.abs(l.y - (b.y + b.height)) <= 4 || Math.abs(l.y - b.y) <= 4;
    assert.ok(touches && l.x < b.x + b.width && l.x + l.width > b.x, `label ${JSON.stringify(l)} not beside box ${JSON.stringify(b)}`);

    // The box is the API's box scaled from image pixels to displayed pixels.
    const api = await apiUpload(
      server.url,
      'query($file: Upload!) { searchFace(file: $file) { faces { box { x y width height } } } }',
      {},
      { file: SALLEY[5]! },
    );
    const apiBox = api.data.searchFace.faces[0].box;
    const { natural, shown } = await page.locator('[data-testid=search-photo] img').evaluate((img: HTMLImageElement) => ({
      natural: img.naturalWidth,
      shown: img.getBoundingClientRect(),
    }));
    const scale = shown.width / natural;
    assert.ok(Math.abs(b.x - (shown.x + apiBox.x * scale)) <= 2, `left edge ${b.x} vs ${shown.x + apiBox.x * scale}`);
    assert.ok(Math.abs(b.width - apiBox.width * scale) <= 2, `width ${b.width} vs ${apiBox.width * scale}`);

    const match = result.getByTestId('match-card');
    assert.equal(await match.getByTestId('match-name').innerText(), 'John Salley');
    const distance = Number(await match.getByTestId('match-distance').innerText());
    assert.ok(distance > 0 && distance < 0.6, `distance ${distance}`);
    assert.match(await match.getByTestId('match-confidence').innerText(), /^\d{1,3}%$/);
    await page.locator('[data-testid=match-photo][data-ready=true]').waitFor(); // the stored photo loaded
    assert.equal(await result.getByTestId('detected-name').innerText(), 'John Salley');
    await shot('search-match');
  });

  it('searches a photo of dogs: the no-face message and no boxes', async () => {
    await searchFile(DOGS);
    await page.getByTestId('search-message').getByText(NO_FACE_MESSAGE).waitFor();
    const result = await searchAnswer();
    assert.equal(await result.getByTestId('search-summary').getAttribute('data-status'), 'NO_FACE_FOUND');
    await page.locator('[data-testid=search-photo][data-ready=true]').waitFor();
    assert.equal(await result.getByTestId('face-box').count(), 0);
    await shot('search-dogs');
  });

  it('searches a john who was never enrolled: "Image Unknown", and "Unknown" beside his box', async () => {
    await searchFile(SIMM[0]!);
    await page.getByTestId('search-message').getByText('Image Unknown').waitFor();
    const result = await searchAnswer();
    assert.equal(await result.getByTestId('search-summary').getAttribute('data-status'), 'UNKNOWN');
    const boxes = await placedBoxes('search-photo');
    assert.equal(await boxes.count(), 1);
    assert.equal(await boxes.first().getByTestId('face-label').innerText(), 'Unknown');
    assert.equal(await result.getByTestId('detected-name').innerText(), 'Unknown');
    assert.equal(await result.getByTestId('match-card').count(), 0);
    await shot('search-unknown');
  });

  it('searches a photo of two enrolled johns: "Found More Known Faces" with the placeholder photo', async () => {
    // Two chips side by side, composed in the browser's canvas. The script is a string: tsx would
    // wrap named functions inside a callback with a helper that does not exist in the page.
    const b64 = (file: string) => `data:image/jpeg;base64,${fs.readFileSync(file).toString('base64')}`;
    const jpeg = (await page.evaluate(`(async () => {
      const load = (src) => new Promise((resolve, reject) => {
        const img = new Image();
        img.onload = () => resolve(img);
        img.onerror = reject;
        img.src = src;
      });
      const [a, b] = await Promise.all([load(${JSON.stringify(b64(SALLEY[3]!))}), load(${JSON.stringify(b64(SAVAGE[3]!))})]);
      const canvas = document.createElement('canvas');
      canvas.width = 640;
      canvas.height = 320;
      const ctx = canvas.getContext('2d');
      ctx.fillStyle = '#808080';
      ctx.fillRect(0, 0, 640, 320);
      ctx.drawImage(a, 10, 10, 300, 300);
      ctx.drawImage(b, 330, 10, 300, 300);
      const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.95));
      const bytes = new Uint8Array(await blob.arrayBuffer());
      let s = '';
      for (const x of bytes) s += String.fromCharCode(x);
      return btoa(s);
    })()`)) as string;
    await searchFile({ name: 'two-johns.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(jpeg, 'base64') });
    await page.getByTestId('search-message').getByText('Found More Known Faces').waitFor();
    const result = await searchAnswer();
    assert.equal(await result.getByTestId('search-summary').getAttribute('data-status'), 'MULTIPLE_KNOWN_FACES');
    const boxes = await placedBoxes('search-photo');
    assert.equal(await boxes.count(), 2);
    const names = (await boxes.getByTestId('face-label').allInnerTexts()).sort();
    assert.deepEqual(names, ['John Salley', 'John Savage']);
    await page.locator('[data-testid=placeholder-photo][data-ready=true]').waitFor();
    await shot('search-two-known');
  });

  it('answers a file that is not a photo with a plain-words error', async () => {
    await searchFile({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('these are notes, not a photo\n') });
    const error = page.getByTestId('search-result').getByRole('alert');
    await error.waitFor();
    assert.equal(await error.getAttribute('data-code'), 'UNSUPPORTED_FILE_TYPE');
    assert.equal(
      await error.getByTestId('error-message').innerText(),
      'That file is not a photo the service can read. Choose a JPEG, PNG, WebP, BMP or GIF picture.',
    );
    await shot('search-wrong-type');
  });

  it('lists everyone in the gallery, oldest first, with a name filter', async () => {
    await openTab('People');
    await page.getByTestId('people-count').getByText('2 people').waitFor();
    assert.deepEqual(await page.getByTestId('person-card-name').allInnerTexts(), ['John Salley', 'John Savage']);
    const photosLoaded = await page
      .getByTestId('person-card')
      .locator('img')
      .evaluateAll((imgs) => Promise.all((imgs as HTMLImageElement[]).map((img) => img.decode().then(() => img.naturalWidth))));
    assert.ok(photosLoaded.every((w) => w > 0));
    await shot('people');

    await page.getByLabel('Filter by name').fill('sav');
    await page.getByTestId('people-count').getByText('1 person matching “sav”').waitFor();
    assert.deepEqual(await page.getByTestId('person-card-name').allInnerTexts(), ['John Savage']);
    await shot('people-filtered');

    await page.getByLabel('Filter by name').fill('nobody');
    await page.getByTestId('people-count').getByText('No one matches “nobody”.').waitFor();
    assert.equal(await page.getByTestId('person-card').count(), 0);
    await page.getByLabel('Filter by name').fill('');
    await page.getByTestId('people-count').getByText('2 people').waitFor();
  });

  it('pages through the gallery', async () => {
    await page.goto(`${server.url}/?pageSize=1#people`);
    await page.getByTestId('people-page').getByText('Page 1 of 2').waitFor();
    assert.deepEqual(await page.getByTestId('person-card-name').allInnerTexts(), ['John Salley']);
    assert.ok(await page.getByRole('button', { name: 'Previous' }).isDisabled());
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByTestId('people-page').getByText('Page 2 of 2').waitFor();
    assert.deepEqual(await page.getByTestId('person-card-name').allInnerTexts(), ['John Savage']);
    assert.ok(await page.getByRole('button', { name: 'Next' }).isDisabled());
    await shot('people-page-2');
    await page.getByRole('button', { name: 'Previous' }).click();
    await page.getByTestId('people-page').getByText('Page 1 of 2').waitFor();
    assert.deepEqual(await page.getByTestId('person-card-name').allInnerTexts(), ['John Salley']);
    await page.goto(`${server.url}/#people`);
    await page.getByTestId('people-count').getByText('2 people').waitFor();
  });

  it('opens a person and adds a photo of him', async () => {
    await page.getByTestId('person-card').filter({ hasText: 'John Salley' }).click();
    await page.getByTestId('person-name').getByText('John Salley').waitFor();
    assert.equal(await page.getByTestId('person-photo').count(), 1);
    await page.getByTestId('add-face-file').setInputFiles(SALLEY[2]!);
    await page.getByRole('button', { name: 'Add photo' }).click();
    await page.getByTestId('person-notice').getByText('Photo added: 2 photos of John Salley.').waitFor();
    await page.getByTestId('person-photo').nth(1).waitFor();
    assert.equal(await page.getByTestId('person-photo').count(), 2);
    assert.match(await page.getByTestId('person-meta').innerText(), /^2 photos · enrolled /);
    const boxes = page.getByTestId('person-photos').locator('[data-ready=true]').getByTestId('face-box');
    await boxes.nth(1).waitFor();
    assert.equal(await boxes.count(), 2);
    await page.getByText('2 people · 3 photos').waitFor();
    await shot('person-two-photos');
  });

  it('renames a person; a name is shown as text, never as markup', async () => {
    const rename = page.getByTestId('rename-form');
    await rename.getByLabel('First name').fill('<img src=x onerror="window.__hacked=1">');
    await rename.getByLabel('Surname').fill('<b>Salley</b>');
    await rename.getByRole('button', { name: 'Save name' }).click();
    await page.getByTestId('person-notice').getByText('Renamed to').waitFor();
    assert.equal(await page.getByTestId('person-name').innerText(), '<img src=x onerror="window.__hacked=1"> <b>Salley</b>');
    assert.equal(await page.getByTestId('person-name').locator('img, b').count(), 0);
    assert.equal(await page.evaluate(() => (window as any).__hacked), undefined);
    await shot('person-renamed-markup');

    await rename.getByLabel('First name').fill('Johnny');
    await rename.getByLabel('Surname').fill('Salley-Smith');
    await rename.getByRole('button', { name: 'Save name' }).click();
    await page.getByTestId('person-notice').getByText('Renamed to Johnny Salley-Smith.').waitFor();
    assert.equal(await page.getByTestId('person-name').innerText(), 'Johnny Salley-Smith');
    await page.getByTestId('person-back').click();
    await page.getByTestId('people-count').getByText('2 people').waitFor();
    assert.deepEqual(await page.getByTestId('person-card-name').allInnerTexts(), ['Johnny Salley-Smith', 'John Savage']);
    await shot('people-after-rename');
  });

  it('deletes one photo of a person', async () => {
    await page.getByTestId('person-card').filter({ hasText: 'Johnny Salley-Smith' }).click();
    await page.getByTestId('person-photo').nth(1).waitFor();
    await page.getByRole('button', { name: 'Delete photo 1 of Johnny Salley-Smith' }).click();
    await page.getByTestId('person-notice').getByText('Photo deleted.').waitFor();
    await page
      .getByTestId('person-meta')
      .getByText(/^1 photo · /)
      .waitFor();
    assert.equal(await page.getByTestId('person-photo').count(), 1);
    await page.getByText('2 people · 2 photos').waitFor();
    await shot('person-photo-deleted');
  });

  it('deletes a person only after confirmation', async () => {
    await page.getByRole('button', { name: 'Delete Johnny Salley-Smith…' }).click();
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.waitFor();
    assert.match(await dialog.getByTestId('confirm-message').innerText(), /Johnny Salley-Smith and their photo will be removed for good/);
    await shot('confirm-delete');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await page.getByTestId('person-name').innerText(), 'Johnny Salley-Smith');
    await page.getByText('2 people · 2 photos').waitFor();

    await page.getByRole('button', { name: 'Delete Johnny Salley-Smith…' }).click();
    await dialog.getByRole('button', { name: 'Delete Johnny Salley-Smith' }).click();
    await page.getByTestId('people-notice').getByText('Johnny Salley-Smith was deleted, with 1 photo.').waitFor();
    await page.getByTestId('people-count').getByText('1 person').waitFor();
    assert.deepEqual(await page.getByTestId('person-card-name').allInnerTexts(), ['John Savage']);
    await page.getByText('1 person · 1 photo').waitFor();
    await shot('person-deleted');

    // His photos are no longer recognised.
    await openTab('Search');
    await searchFile(SALLEY[5]!);
    await page.getByTestId('search-message').getByText('Image Unknown').waitFor();
    await shot('search-after-delete');
  });

  it('works from the keyboard: arrow keys move between tabs, Enter submits', async () => {
    await page.getByRole('tab', { name: 'Search' }).focus();
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.getByRole('tab', { name: 'People' }).getAttribute('aria-selected'), 'true');
    assert.ok(await page.getByRole('tab', { name: 'People' }).evaluate((e) => e === document.activeElement));
    await page.keyboard.press('Home');
    assert.equal(await page.getByRole('tab', { name: 'Enrol' }).getAttribute('aria-selected'), 'true');
    assert.ok(await view('enrol').isVisible());

    // Tab from the tabs reaches the photo input, then the names; Enter sends the form.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'enrol-file');
    await page.getByTestId('enrol-file').setInputFiles(SIMM[1]!);
    await page.keyboard.press('Tab');
    const focusedIsCameraOrName = await page.evaluate(
      () => document.activeElement?.textContent === 'Use the webcam' || document.activeElement?.id === 'enrol-first',
    );
    assert.ok(focusedIsCameraOrName);
    await view('enrol').getByLabel('First name').focus();
    await page.keyboard.type('John');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Simm');
    await page.keyboard.press('Enter');
    await page.getByTestId('enrol-message').getByText('Enrolled John Simm.').waitFor();
    await shot('keyboard-enrol');

    // The tabs chosen from the keyboard are history entries: Back returns to People, Forward to Enrol.
    await page.goBack();
    await view('people').waitFor();
    assert.equal(await page.getByRole('tab', { name: 'People' }).getAttribute('aria-selected'), 'true');
    await page.goForward();
    await view('enrol').waitFor();
    assert.equal(await page.getByRole('tab', { name: 'Enrol' }).getAttribute('aria-selected'), 'true');
  });

  it('reads well on a 375px-wide screen', async () => {
    await page.setViewportSize({ width: 375, height: 740 });
    for (const [tab, name] of [
      ['Enrol', 'narrow-enrol'],
      ['Search', 'narrow-search'],
      ['People', 'narrow-people'],
    ] as const) {
      await openTab(tab);
      if (tab === 'Search') {
        await searchFile(SIMM[2]!);
        await page.getByTestId('search-message').getByText('John Simm').waitFor();
        await page.locator('[data-testid=search-photo][data-ready=true]').waitFor();
      }
      if (tab === 'People') await page.getByTestId('people-count').getByText('2 people').waitFor();
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 375, `${tab}: the page is ${width}px wide`);
      await shot(name);
    }
    await page.getByTestId('person-card').first().click();
    await page.getByTestId('person-photo').first().waitFor();
    assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= 375);
    await shot('narrow-person');
  });

  it('raised no script errors', () => {
    assert.deepEqual(problems, []);
  });
});
