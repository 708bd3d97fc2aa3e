// A photo over the server's upload limit: the page says so in plain words, whether it knows the
// limit already (from `health`) or only learns it from the server's FILE_TOO_LARGE answer.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BALD_GUYS, johnPhotos } from '../fixtures/photos.js';
import { usePage } from '../fixtures/browser.js';

describe('the web page with a small upload limit', { timeout: 120_000 }, () => {
  const { page, server, problems, shot } = usePage('limits', {
    server: { maxUploadMb: 0.1 }, // bald_guys.jpg is 0.62 MB, a john chip 0.01 MB
  });

  it('refuses a photo over the limit it learnt from the server, before sending it', async () => {
    await page.goto(`${server.url}/#search`);
    await page.getByText('tolerance 0.6').waitFor();
    let uploads = 0;
    page.on('request', (r) => {
      if (r.url().endsWith('/graphql') && (r.headers()['content-type'] ?? '').startsWith('multipart/')) uploads += 1;
    });
    await page.getByTestId('search-file').setInputFiles(BALD_GUYS);
    const error = page.getByTestId('search-result').getByRole('alert');
    await error.waitFor();
    assert.equal(await error.getAttribute('data-code'), 'FILE_TOO_LARGE');
    assert.equal(await error.getByTestId('error-message').innerText(), 'That file is too large. Photos can be up to 0.1 MB.');
    assert.equal(uploads, 0);
    await shot('known-limit');

    // A photo within the limit still works.
    await page.getByTestId('search-file').setInputFiles(johnPhotos('John_Shimkus')[0]!);
    await page.getByTestId('search-message').getByText('Image Unknown').waitFor();
  });

  it("shows the server's FILE_TOO_LARGE answer when the limit is not known yet", async () => {
    // Hold the health request back so the page has not learnt the limit when the photo is sent.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route('**/graphql', async (route) => {
      if ((route.request().postData() ?? '').includes('query Health')) await held;
      await route.continue().catch(() => undefined); // the page may be gone by then
    });
    try {
      await page.goto(`${server.url}/?reload#enrol`); // a new document, not just a new hash
      await page.getByTestId('enrol-file').setInputFiles(BALD_GUYS);
      await page.locator('#view-enrol').getByLabel('First name').fill('Many');
      await page.locator('#view-enrol').getByLabel('Surname').fill('Faces');
      await page.getByRole('button', { name: 'Enrol', exact: true }).click();
      const error = page.getByTestId('enrol-result').getByRole('alert');
      await error.waitFor();
      assert.equal(await error.getAttribute('data-code'), 'FILE_TOO_LARGE');
      assert.equal(await error.getByTestId('error-message').innerText(), 'That file is too large for the service. Choose a smaller photo.');
      await shot('server-limit');
    } finally {
      release();
      await page
        .getByText('tolerance 0.6')
        .waitFor()
        .catch(() => undefined);
      await page.unroute('**/graphql');
    }
  });

  it('raised no script errors', () => {
    assert.deepEqual(problems, []);
  });
});
