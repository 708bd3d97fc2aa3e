// Taking the photo from the webcam: Chromium's fake camera (a test pattern, no human face) stands in
// for a real one, so the capture reaches the server and comes back with the no-face message.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NO_FACE_MESSAGE, usePage } from '../fixtures/browser.js';

describe('the web page with a webcam', { timeout: 120_000 }, () => {
  const { page, problems, shot } = usePage('webcam', {
    browser: { extraArgs: ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'] },
    open: '/',
  });

  it('opens the webcam, takes a photo and sends it', async () => {
    const enrol = page.locator('#view-enrol');
    await enrol.getByRole('button', { name: 'Use the webcam' }).click();
    const video = enrol.getByLabel('Webcam preview');
    await video.waitFor();
    await page.waitForFunction(() => (document.querySelector('#view-enrol video') as HTMLVideoElement).videoWidth > 0);
    await shot('preview');
    await enrol.getByRole('button', { name: 'Take photo' }).click();
    await enrol.getByText('Chosen: webcam.jpg').waitFor();
    assert.ok(await video.isHidden(), 'the camera closes after the photo is taken');
    await page.locator('[data-testid=enrol-photo][data-ready=true]').waitFor();

    await enrol.getByLabel('First name').fill('Web');
    await enrol.getByLabel('Surname').fill('Cam');
    await enrol.getByRole('button', { name: 'Enrol', exact: true }).click();
    const error = page.getByTestId('enrol-result').getByRole('alert');
    await error.waitFor();
    assert.equal(await error.getAttribute('data-code'), 'NO_FACE_FOUND');
    assert.equal(await error.getByTestId('error-message').innerText(), NO_FACE_MESSAGE);
    await shot('captured-no-face');
  });

  it('closes the webcam on request and when leaving the view', async () => {
    const enrol = page.locator('#view-enrol');
    await enrol.getByRole('button', { name: 'Use the webcam' }).click();
    await enrol.getByLabel('Webcam preview').waitFor();
    await enrol.getByRole('button', { name: 'Close webcam' }).click();
    await enrol.getByLabel('Webcam preview').waitFor({ state: 'hidden' });

    await enrol.getByRole('button', { name: 'Use the webcam' }).click();
    await enrol.getByLabel('Webcam preview').waitFor();
    await page.getByRole('tab', { name: 'People' }).click();
    const live = await page.evaluate(() => {
      const v = document.querySelector('#view-enrol video') as HTMLVideoElement;
      return (v.srcObject as MediaStream | null)?.getTracks().some((t) => t.readyState === 'live') ?? false;
    });
    assert.equal(live, false, 'no camera track is left running');
    await shot('closed');
  });

  it('raised no script errors', () => {
    assert.deepEqual(problems, []);
  });
});
