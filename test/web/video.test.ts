// The Video view in a real browser against the real server: clips made from Debian's johns photos are
// uploaded through the page, the job's progress is watched, and each face found is shown as a card with
// its thumbnail and name; cancelling, a reload mid-job and bad files are covered too. Every step is
// recorded as a screenshot in test-output/web/ (video-*.png).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Locator } from 'playwright-core';
import { glide, makeClip } from '../fixtures/clips.js';
import { upload as apiUpload } from '../fixtures/graphql-client.js';
import { DOGS, johnName, johnPhotos } from '../fixtures/photos.js';
import { dropFile, usePage } from '../fixtures/browser.js';

const ENROLLED = ['John_Salley', 'John_Simm'];
const STRANGER = 'John_Savage';
const FRAMES = 75;
const LONG_FRAMES = 450;
/** Small limits so that a long video and a large file are cheap to make. */
const VIDEO_MAX_SECONDS = 30;
const MAX_VIDEO_MB = 8;

const ADD_PERSON = `mutation($file: Upload!, $firstName: String!, $surName: String!) {
  addPerson(file: $file, firstName: $firstName, surName: $surName) { person { id fullName } }
}`;

/** The real server with the video limits above. */
const VIDEO_LIMITS = { videoMaxSeconds: VIDEO_MAX_SECONDS, maxVideoMb: MAX_VIDEO_MB };

describe('the Video view, driven in Chromium against the real server', { timeout: 900_000 }, () => {
  const clips: Record<string, string> = {};
  const { page, server, problems, shot } = usePage('video', {
    server: VIDEO_LIMITS,
    open: '/',
    setUp: async ({ server, dir }) => {
      // Two enrolled johns and one never enrolled, each moving on its own path over a real photo of dogs;
      // faces 1.1-1.2x a 150px chip on a 640x360 frame.
      clips.three = path.join(dir, 'three-johns.mp4');
      await makeClip(clips.three, {
        frames: FRAMES,
        background: DOGS,
        actors: [
          { photo: johnPhotos('John_Salley')[5]!, at: glide(10, 40, 110, 60, FRAMES, 1.2) },
          { photo: johnPhotos('John_Simm')[5]!, at: glide(250, 120, 300, 100, FRAMES, 1.1) },
          { photo: johnPhotos(STRANGER)[5]!, at: glide(470, 60, 440, 90, FRAMES, 1.1) },
        ],
      });
      // Long enough (18 s at 25 fps, every frame through the detector) to be cancelled while it runs.
      clips.long = path.join(dir, 'long-walk.mp4');
      await makeClip(clips.long, {
        frames: LONG_FRAMES,
        background: DOGS,
        actors: [{ photo: johnPhotos('John_Salley')[3]!, at: glide(40, 60, 440, 80, LONG_FRAMES, 1) }],
      });
      // 40 frames at 1 fps: 40 seconds, over the server's limit.
      clips.tooLong = path.join(dir, 'too-long.mp4');
      await makeClip(clips.tooLong, { frames: 40, fps: 1, width: 320, height: 180, actors: [] });

      const url = server.url;
      for (const name of ENROLLED) {
        const r = await apiUpload(url, ADD_PERSON, johnName(name), { file: johnPhotos(name)[0]! });
        assert.equal(r.errors, undefined, JSON.stringify(r.errors));
      }
    },
  });

  const view = () => page.locator('#view-video');
  const job = () => page.getByTestId('video-job');
  const statusLine = () => page.getByTestId('video-status');

  /** Records every status the job panel takes and every progress value and status line it shows. */
  async function watchJobPanel() {
    await page.evaluate(() => {
      const panel = document.querySelector('#video-job')!;
      const progress = panel.querySelector('progress')!;
      const status = panel.querySelector('[data-testid=video-status]')!;
      const seen = { statuses: [] as string[], progress: [] as number[], lines: [] as string[] };
      (window as any).__job = seen;
      new MutationObserver(() => {
        const s = panel.getAttribute('data-status') ?? '';
        if (s && seen.statuses.at(-1) !== s) seen.statuses.push(s);
        if (progress.hasAttribute('value')) seen.progress.push(progress.value);
        const line = status.textContent ?? '';
        if (line && seen.lines.at(-1) !== line) seen.lines.push(line);
      }).observe(panel, { attributes: true, attributeFilter: ['data-status'], subtree: true, childList: true, characterData: true });
      new MutationObserver(() => seen.progress.push(progress.value)).observe(progress, { attributes: true, attributeFilter: ['value'] });
    });
  }
  const watched = () => page.evaluate(() => (window as any).__job as { statuses: string[]; progress: number[]; lines: string[] });

  async function finished(status: 'DONE' | 'CANCELLED' | 'FAILED', timeout = 240_000) {
    await page.locator(`[data-testid=video-job][data-status=${status}]`).waitFor({ timeout });
  }

  /** Names on the track cards, sorted. */
  async function trackNames(): Promise<string[]> {
    return (await page.getByTestId('track-name').allInnerTexts()).sort();
  }

  /** Every thumbnail on the track cards has loaded: its natural widths. */
  async function thumbnailWidths(): Promise<number[]> {
    return page.getByTestId('track-thumb').evaluateAll((imgs) =>
      Promise.all(
        (imgs as HTMLImageElement[]).map((img) =>
          img.decode().then(
            () => img.naturalWidth,
            () => 0,
          ),
        ),
      ),
    );
  }

  async function alertIn(where: Locator): Promise<{ code: string | null; text: string }> {
    const alert = where.getByRole('alert');
    await alert.waitFor({ timeout: 120_000 });
    return { code: await alert.getAttribute('data-code'), text: await alert.getByTestId('error-message').innerText() };
  }

  it('opens the Video view with a label on every control and sensible defaults', async () => {
    await page.getByRole('tab', { name: 'Video' }).click();
    await page.locator('#tab-video[aria-selected=true]').waitFor(); // after the hash change
    assert.equal(new URL(page.url()).hash, '#video');
    assert.ok(await view().isVisible());
    await page.getByTestId('video-limits').getByText(`Videos can be up to ${MAX_VIDEO_MB} MB and ${VIDEO_MAX_SECONDS} seconds long.`).waitFor();
    assert.equal(await view().getByTestId('video-file').getAttribute('accept'), '.mp4,.webm,.avi,.mov,.mkv,.m4v,video/*');
    assert.ok(await view().getByRole('radio', { name: /Vote/ }).isChecked());
    assert.ok(
      !(await view()
        .getByRole('radio', { name: /Fusion/ })
        .isChecked()),
    );
    assert.equal(await view().getByLabel('Detect faces on every k-th frame').inputValue(), '1');
    assert.equal(await view().getByLabel('Frames to decide, N').inputValue(), '5');
    assert.equal(await view().getByLabel('Minimum face size, pixels').inputValue(), '40');
    assert.ok(!(await view().getByLabel('Draw boxes and names on a copy of the video').isChecked()));
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll('#view-video input, #view-video select, #view-video textarea, #view-video progress')]
        .filter((c) => (c as HTMLInputElement).labels?.length === 0 && !c.getAttribute('aria-label'))
        .map((c) => c.outerHTML),
    );
    assert.deepEqual(unlabelled, []);
    assert.ok(await job().isHidden(), 'no job is shown before one is started');
    await page.getByTestId('video-jobs').getByText('No videos yet.').waitFor();
    await shot('start');
  });

  it('asks for a video before sending anything', async () => {
    await view().getByRole('button', { name: 'Recognise' }).click();
    const { text } = await alertIn(page.getByTestId('video-form-error'));
    assert.equal(text, 'Choose a video first.');
    assert.ok(
      await view()
        .getByTestId('video-file')
        .evaluate((e) => e === document.activeElement),
    );
  });

  it('recognises a clip by VOTE: progress while it runs, then two names and "Unknown" with their thumbnails', async (t) => {
    await view().getByTestId('video-file').setInputFiles(clips.three!);
    await view().getByText('Chosen: three-johns.mp4').waitFor();
    await view().getByLabel('Draw boxes and names on a copy of the video').check();
    await shot('chosen');
    await watchJobPanel();
    await view().getByRole('button', { name: 'Recognise' }).click();
    await finished('DONE');
    const seen = await watched();
    assert.ok(seen.statuses.includes('RUNNING'), `statuses shown: ${seen.statuses.join(' ')}`);
    assert.equal(seen.statuses.at(-1), 'DONE');
    assert.ok(
      seen.lines.some((l) => /^Recognising faces… \d+%$/.test(l)),
      `status lines: ${seen.lines.join(' | ')}`,
    );
    assert.equal(await page.getByTestId('video-progress').evaluate((p: HTMLProgressElement) => p.value), 1);
    assert.match(await statusLine().innerText(), /^Done in \d+\.\d s$/);
    assert.match((await page.getByTestId('video-announce').textContent())!, /^three-johns\.mp4: Done in \d+\.\d s$/);
    assert.match(new URL(page.url()).hash, /^#video\/.+/); // a reload comes back to this job

    assert.deepEqual(await trackNames(), ['John Salley', 'John Simm', 'Unknown']);
    const widths = await thumbnailWidths();
    assert.equal(widths.length, 3);
    assert.ok(
      widths.every((w) => w > 0),
      `thumbnail widths ${widths}`,
    );
    for (const card of await page.getByTestId('video-track').all()) {
      assert.match(await card.getByTestId('track-confidence').innerText(), /^\d{1,3}%$/);
      assert.equal(await card.getByTestId('track-frames').innerText(), '5 of 5');
      assert.match(await card.getByTestId('track-seen').innerText(), /^00:00–00:0[23]$/);
    }
    const salley = page.getByTestId('video-track').filter({ has: page.getByTestId('track-name').getByText('John Salley', { exact: true }) });
    assert.equal(await salley.getByRole('link', { name: 'Open John Salley' }).count(), 1);
    assert.match(await page.getByTestId('video-summary').innerText(), /3 faces followed: John S[a-z]+, John S[a-z]+, 1 unknown\./);
    assert.match(await page.getByTestId('video-summary').innerText(), /decided by vote over up to 5 frames/);
    assert.match(
      await page.getByTestId('video-stats').innerText(),
      new RegExp(`^${FRAMES} frames · \\d+\\.\\d frames per second · 15 faces encoded$`),
    );

    // The annotated copy: a player and a download link that serves an MP4.
    const link = page.getByTestId('video-download');
    const href = await link.getAttribute('href');
    assert.ok(href && /\/videos\/.+\/annotated\.mp4$/.test(href), `download link ${href}`);
    assert.equal(await link.getAttribute('download'), 'three-johns-annotated.mp4');
    const res = await page.request.get(new URL(href, server.url).href);
    assert.equal(res.status(), 200);
    assert.equal(res.headers()['content-type'], 'video/mp4');
    assert.ok((await res.body()).length > 1000);
    assert.equal(await page.getByTestId('video-annotated').getAttribute('src'), `${href}#t=0.1`);
    // The player either loads it or says this browser cannot play it (an MPEG-4 Part 2 copy, where the
    // server's FFmpeg has no H.264 encoder); never a silent black box.
    // (No named functions inside evaluate: tsx would wrap them in a helper the page does not have.)
    await page.getByTestId('video-annotated').evaluate(
      (v: HTMLVideoElement) =>
        new Promise<void>((resolve) => {
          if (v.readyState >= 1 || v.error) resolve();
          v.addEventListener('loadedmetadata', () => resolve(), { once: true });
          v.addEventListener('error', () => resolve(), { once: true });
        }),
    );
    const player = await page.getByTestId('video-annotated').evaluate((v: HTMLVideoElement) => ({ width: v.videoWidth, error: Boolean(v.error) }));
    const note = page.getByTestId('video-annotated-note');
    t.diagnostic(
      player.error ? 'this Chromium cannot play the annotated copy; the page says so' : `the annotated copy plays (${player.width} px wide)`,
    );
    if (player.error) assert.ok(await note.isVisible());
    else assert.equal(player.width, 640);

    // The recent jobs list holds it, marked as the one shown.
    const item = page.getByTestId('video-job-link').filter({ hasText: 'three-johns.mp4' });
    await item.getByTestId('video-job-state').getByText('Done').waitFor();
    assert.equal(await item.getAttribute('aria-current'), 'true');
    await shot('vote-done');
  });

  it('recognises the same clip by FUSION, dropped on the drop zone', async () => {
    await view()
      .getByRole('radio', { name: /Fusion/ })
      .check();
    await view().getByLabel('Draw boxes and names on a copy of the video').uncheck();
    await dropFile(page, '[data-testid=video-drop]', { name: 'three-johns.mp4', mimeType: 'video/mp4', bytes: fs.readFileSync(clips.three!) });
    await view().getByText('Chosen: three-johns.mp4').waitFor();
    const firstJob = new URL(page.url()).hash;
    await view().getByRole('button', { name: 'Recognise' }).click();
    await page.waitForURL((u) => u.hash.startsWith('#video/') && u.hash !== firstJob);
    await finished('DONE');
    assert.deepEqual(await trackNames(), ['John Salley', 'John Simm', 'Unknown']);
    assert.ok((await thumbnailWidths()).every((w) => w > 0));
    assert.match(await page.getByTestId('video-summary').innerText(), /decided by fusion/);
    for (const c of await page.getByTestId('track-confidence').allInnerTexts()) assert.match(c, /^\d{1,3}%$/);
    assert.equal(await page.getByTestId('video-download').count(), 0, 'no copy was asked for');
    await page.getByTestId('video-job-state').filter({ hasText: 'Done' }).nth(1).waitFor();
    assert.deepEqual(await page.getByTestId('video-job-state').allInnerTexts(), ['Done', 'Done']);
    await shot('fusion-done');
  });

  it('gets back to a running job after a reload, and cancels it from the keyboard', async () => {
    await view().getByRole('radio', { name: /Vote/ }).check();
    await view().getByTestId('video-file').setInputFiles(clips.long!);
    await view().getByRole('button', { name: 'Recognise' }).click();
    await page.locator('[data-testid=video-job][data-status=RUNNING]').waitFor({ timeout: 120_000 });
    const jobUrl = page.url();
    // A fresh document on #video: the job is not shown until it is picked from the recent list.
    await page.goto(`${server.url}/?reload#video`);
    const item = page.getByTestId('video-job-link').filter({ hasText: 'long-walk.mp4' });
    await item
      .getByTestId('video-job-state')
      .getByText(/^(Queued|Running \d+%)$/)
      .waitFor();
    assert.ok(await job().isHidden());
    await item.click();
    assert.equal(page.url().replace('?reload', ''), jobUrl);
    await page.locator('[data-testid=video-job][data-status=RUNNING]').waitFor();
    // The bar moves while it runs.
    await page.waitForFunction(
      () => {
        const p = document.querySelector('[data-testid=video-progress]') as HTMLProgressElement;
        return p.hasAttribute('value') && p.value > 0 && p.value < 1;
      },
      undefined,
      { timeout: 120_000 },
    );
    assert.match(await statusLine().innerText(), /^Recognising faces… \d+%$/);
    assert.match(await item.getByTestId('video-job-state').innerText(), /^Running \d+%$/);
    await shot('running');

    const cancel = view().getByRole('button', { name: 'Cancel' });
    await cancel.focus();
    await page.keyboard.press('Enter');
    await finished('CANCELLED', 60_000);
    assert.match(await statusLine().innerText(), /^Cancelled at \d+%/);
    assert.ok(await cancel.isHidden());
    assert.ok(await page.getByTestId('video-job-title').evaluate((e) => e === document.activeElement), 'focus stays in the job');
    await item.getByTestId('video-job-state').getByText('Cancelled').waitFor();
    // What was found before it stopped.
    assert.match(await page.getByTestId('video-stats').innerText(), new RegExp(`^\\d+ frames of ${LONG_FRAMES} · `));
    assert.deepEqual(await trackNames(), ['John Salley']);
    await shot('cancelled');
  });

  it('answers a text file named .mp4 in plain words', async () => {
    await view()
      .getByTestId('video-file')
      .setInputFiles({ name: 'notes.mp4', mimeType: 'video/mp4', buffer: Buffer.from('these are notes, not a video\n'.repeat(200)) });
    await view().getByRole('button', { name: 'Recognise' }).click();
    const { code, text } = await alertIn(view());
    assert.equal(code, 'INVALID_VIDEO');
    assert.equal(text, 'This file is not a video the server can read. Choose an MP4, WebM, AVI, MOV or MKV video.');
    await finished('FAILED');
    assert.equal(await statusLine().innerText(), 'Failed');
    assert.ok(await page.getByTestId('video-progress').isHidden(), 'no progress bar for a job that failed');
    await page
      .getByTestId('video-job-link')
      .filter({ hasText: 'notes.mp4' })
      .getByTestId('video-job-state')
      .getByText('Failed: not a video the server can read')
      .waitFor();
    await shot('not-a-video');
  });

  it('answers an empty file, a file not named as a video, a video over the length limit and one over the size limit', async () => {
    const form = page.getByTestId('video-form-error');
    await view()
      .getByTestId('video-file')
      .setInputFiles({ name: 'empty.mp4', mimeType: 'video/mp4', buffer: Buffer.alloc(0) });
    await view().getByRole('button', { name: 'Recognise' }).click();
    let error = await alertIn(form);
    assert.equal(error.code, 'INVALID_VIDEO');
    assert.equal(error.text, 'This file is not a video the server can read. Choose an MP4, WebM, AVI, MOV or MKV video.');

    await view()
      .getByTestId('video-file')
      .setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('notes\n') });
    await view().getByRole('button', { name: 'Recognise' }).click();
    await form.getByRole('alert').filter({ hasText: 'This file is not a video.' }).waitFor();
    error = await alertIn(form);
    assert.equal(error.code, 'UNSUPPORTED_FILE_TYPE');
    assert.equal(error.text, 'This file is not a video. Choose an MP4, WebM, AVI, MOV, MKV or M4V file.');
    await shot('wrong-type');

    await view().getByTestId('video-file').setInputFiles(clips.tooLong!);
    await view().getByRole('button', { name: 'Recognise' }).click();
    await page.getByTestId('video-job-title').getByText('too-long.mp4').waitFor();
    await finished('FAILED');
    error = await alertIn(page.getByTestId('video-result'));
    assert.equal(error.code, 'VIDEO_TOO_LONG');
    assert.equal(
      error.text,
      `This video is too long. The server takes videos up to ${VIDEO_MAX_SECONDS} seconds long; cut it shorter and try again.`,
    );
    await shot('too-long');

    // Over the size limit the page learnt from the server: refused before it is sent.
    let uploads = 0;
    const count = (r: { url(): string; headers(): Record<string, string> }) => {
      if (r.url().endsWith('/graphql') && (r.headers()['content-type'] ?? '').startsWith('multipart/')) uploads += 1;
    };
    page.on('request', count);
    await view()
      .getByTestId('video-file')
      .setInputFiles({ name: 'big.mp4', mimeType: 'video/mp4', buffer: Buffer.alloc((MAX_VIDEO_MB + 1) * 1024 * 1024) });
    await view().getByRole('button', { name: 'Recognise' }).click();
    await form.getByRole('alert').filter({ hasText: 'too large' }).waitFor();
    error = await alertIn(form);
    page.off('request', count);
    assert.equal(error.code, 'FILE_TOO_LARGE');
    assert.equal(error.text, `This video is too large. Videos can be up to ${MAX_VIDEO_MB} MB.`);
    assert.equal(uploads, 0);
    await shot('too-large');
  });

  it('checks the options before sending', async () => {
    await view().getByTestId('video-file').setInputFiles(clips.three!);
    await view().getByLabel('Frames to decide, N').fill('0');
    await view().getByRole('button', { name: 'Recognise' }).click();
    const { code, text } = await alertIn(page.getByTestId('video-form-error'));
    assert.equal(code, 'BAD_USER_INPUT');
    assert.equal(text, 'Frames to decide, N: enter a whole number from 1 to 1000.');
    assert.ok(
      await view()
        .getByLabel('Frames to decide, N')
        .evaluate((e) => e === document.activeElement),
    );
    await view().getByLabel('Frames to decide, N').fill('5');
  });

  it('works from the keyboard: the Video tab, the file input, Enter submits', async () => {
    await page.getByRole('tab', { name: 'People' }).click();
    await page.locator('#tab-people[aria-selected=true]').waitFor();
    await page.getByRole('tab', { name: 'People' }).focus();
    await page.keyboard.press('ArrowRight');
    await page.locator('#tab-video[aria-selected=true]').waitFor(); // after the hash change
    assert.ok(await page.getByRole('tab', { name: 'Video' }).evaluate((e) => e === document.activeElement));
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'video-file');
    await view().getByTestId('video-file').setInputFiles(clips.three!);
    await view().getByLabel('Detect faces on every k-th frame').focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('3');
    await page.keyboard.press('Enter');
    await page.getByTestId('video-job-title').getByText('three-johns.mp4').waitFor();
    await finished('DONE');
    assert.deepEqual(await trackNames(), ['John Salley', 'John Simm', 'Unknown']);
    assert.match(await page.getByTestId('video-stats-detail').innerText(), new RegExp(`face detector ran on ${FRAMES / 3} frames`));
    await shot('keyboard-k3');
  });

  it('reads well on a 375px-wide screen', async () => {
    await page.setViewportSize({ width: 375, height: 740 });
    // The first job: three faces and the annotated copy.
    await page.getByTestId('video-job-link').filter({ hasText: 'three-johns.mp4' }).last().click();
    await finished('DONE');
    await page.getByTestId('video-download').waitFor();
    assert.equal((await thumbnailWidths()).length, 3);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 375, `the page is ${width}px wide`);
    // Nothing on a track card runs past its edge.
    const overflowing = await page.getByTestId('video-track').evaluateAll((cards) => cards.filter((c) => c.scrollWidth > c.clientWidth).length);
    assert.equal(overflowing, 0);
    await shot('narrow');
    await page.setViewportSize({ width: 1100, height: 900 });
  });

  it('says so when a job is not on the server', async () => {
    await page.goto(`${server.url}/#video/00000000-0000-4000-8000-000000000000`);
    await page.getByTestId('video-job-title').getByText('Video job not found').waitFor();
    const { code, text } = await alertIn(page.getByTestId('video-result'));
    assert.equal(code, 'NOT_FOUND');
    assert.equal(text, 'That video job is not on the server (any more).');
    await shot('missing-job');
  });

  it('a job cut off by a server restart ends in plain words', async () => {
    await page.goto(`${server.url}/#video`);
    await view().getByTestId('video-file').setInputFiles(clips.long!);
    await view().getByRole('button', { name: 'Recognise' }).click();
    await page.locator('[data-testid=video-job][data-status=RUNNING]').waitFor({ timeout: 120_000 });
    const hash = new URL(page.url()).hash;
    // The page keeps polling a server that has gone: it says it is trying again.
    await server.stop();
    await statusLine().getByText('The service cannot be reached right now. Trying again…').waitFor();
    await shot('server-gone');
    await server.start();
    await page.goto(`${server.url}/${hash}`);
    await finished('FAILED');
    const { code, text } = await alertIn(page.getByTestId('video-result'));
    assert.equal(code, 'INTERRUPTED');
    assert.equal(text, 'The server stopped while this video was being processed, so the job could not finish. Send the video again.');
    await page.getByTestId('video-job-link').first().getByText('Failed: the server stopped').waitFor();
    await shot('interrupted');
  });

  it('raised no script errors', () => {
    assert.deepEqual(problems, []);
  });
});

describe('the Video view on a server that needs an API key', { timeout: 600_000 }, () => {
  const KEY = 'video-test-key-3d1f';
  let clip: string;
  const { page, server, problems, shot } = usePage('video-key', {
    server: { ...VIDEO_LIMITS, apiKeys: [KEY] },
    open: '/#video',
    setUp: async ({ server, dir }) => {
      clip = path.join(dir, 'two-johns.mp4');
      await makeClip(clip, {
        frames: 40,
        background: DOGS,
        actors: [
          { photo: johnPhotos('John_Salley')[5]!, at: glide(10, 40, 110, 60, 40, 1.2) },
          { photo: johnPhotos(STRANGER)[5]!, at: glide(470, 60, 440, 90, 40, 1.1) },
        ],
      });
      const r = await apiUpload(server.url, ADD_PERSON, johnName('John_Salley'), { file: johnPhotos('John_Salley')[0]! }, { apiKey: KEY });
      assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    },
  });

  it('asks for the key, then the job, its thumbnails and its annotated copy all load with it', async () => {
    const dialog = page.getByTestId('key-dialog');
    await dialog.waitFor();
    await dialog.getByLabel('API key').fill(KEY);
    await dialog.getByRole('button', { name: 'Use this key' }).click();
    await page.getByText('1 person · 1 photo').waitFor();
    const view = page.locator('#view-video');
    await view.getByTestId('video-file').setInputFiles(clip);
    await view.getByLabel('Draw boxes and names on a copy of the video').check();
    await view.getByRole('button', { name: 'Recognise' }).click();
    await page.locator('[data-testid=video-job][data-status=DONE]').waitFor({ timeout: 240_000 });
    assert.deepEqual((await page.getByTestId('track-name').allInnerTexts()).sort(), ['John Salley', 'Unknown']);
    const widths = await page.getByTestId('track-thumb').evaluateAll((imgs) =>
      Promise.all(
        (imgs as HTMLImageElement[]).map((img) =>
          img.decode().then(
            () => img.naturalWidth,
            () => 0,
          ),
        ),
      ),
    );
    assert.equal(widths.length, 2);
    assert.ok(
      widths.every((w) => w > 0),
      `thumbnail widths ${widths}`,
    );
    const href = (await page.getByTestId('video-download').getAttribute('href'))!;
    assert.match(href, new RegExp(`annotated\\.mp4\\?key=${KEY}$`));
    assert.equal((await page.request.get(new URL(href, server.url).href)).status(), 200);
    // Without the key the same file is refused: the key is what lets the page show it.
    assert.equal((await page.request.get(new URL(href.replace(/\?key=.*$/, ''), server.url).href)).status(), 401);
    await shot('done');
  });

  it('raised no script errors', () => {
    assert.deepEqual(problems, []);
  });
});
