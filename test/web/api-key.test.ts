// When the server requires an API key, the page asks for it once in its own form, keeps it for the
// tab (sessionStorage), and then everything works, photos included.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { johnPhotos } from '../fixtures/photos.js';
import { usePage } from '../fixtures/browser.js';

const KEY = 'web-test-key-7f3a';

describe('the web page with an API key required', { timeout: 180_000 }, () => {
  const { page, server, problems, shot } = usePage('api-key', { server: { apiKeys: [KEY] } });

  const dialog = () => page.getByTestId('key-dialog');
  const keyInput = () => dialog().getByLabel('API key', { exact: true });
  const storedKey = () => page.evaluate(() => sessionStorage.getItem('faceService.apiKey'));

  it('asks for the key in a form of its own when the server answers UNAUTHENTICATED', async () => {
    await page.goto(`${server.url}/`);
    await dialog().waitFor();
    assert.equal(await dialog().getByTestId('key-message').innerText(), 'This server needs an API key. It is kept only for this browser tab.');
    assert.ok(await keyInput().evaluate((e) => e === document.activeElement), 'the key field has the focus');
    assert.equal(await keyInput().getAttribute('type'), 'password');
    await shot('asked');
  });

  it('says so when the key is wrong, and asks again', async () => {
    await keyInput().fill('not-the-key');
    await dialog().getByRole('button', { name: 'Use this key' }).click();
    await dialog().getByTestId('key-message').getByText('The server did not accept that API key. Check it and try again.').waitFor();
    assert.ok(await dialog().isVisible());
    await shot('wrong-key');
  });

  it('works once the right key is given, and keeps it for the tab', async () => {
    await keyInput().fill(KEY);
    await keyInput().press('Enter');
    await dialog().waitFor({ state: 'hidden' });
    await page.getByText('0 people · 0 photos').waitFor();
    assert.equal(await storedKey(), KEY);
    assert.ok(await page.getByTestId('key-status').isVisible());
    await shot('key-accepted');
  });

  it('enrols and searches with the key, photos included', async () => {
    const photos = johnPhotos('John_Schneider');
    await page.getByTestId('enrol-file').setInputFiles(photos[0]!);
    await page.locator('#view-enrol').getByLabel('First name').fill('John');
    await page.locator('#view-enrol').getByLabel('Surname').fill('Schneider');
    await page.getByRole('button', { name: 'Enrol', exact: true }).click();
    await page.getByTestId('enrol-message').getByText('Enrolled John Schneider.').waitFor();

    await page.getByRole('tab', { name: 'Search' }).click();
    await page.getByTestId('search-file').setInputFiles(photos[4]!);
    await page.getByTestId('search-message').getByText('John Schneider').waitFor();
    // The stored photo is fetched with the key in a header and shown from a blob: the key is in no URL.
    await page.locator('[data-testid=match-photo][data-ready=true]').waitFor();
    const src = await page.locator('[data-testid=match-photo] img').getAttribute('src');
    assert.match(src ?? '', /^blob:/);
    const sources = await page.locator('img').evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).src));
    assert.ok(
      sources.every((s) => !s.includes('key=')),
      sources.join('\n'),
    );
    await shot('search-with-key');

    await page.getByRole('tab', { name: 'People' }).click();
    await page.getByTestId('people-count').getByText('1 person').waitFor();
    const width = await page
      .getByTestId('person-card')
      .locator('img')
      .evaluate((img: HTMLImageElement) => img.decode().then(() => img.naturalWidth));
    assert.ok(width > 0, 'the gallery photo loaded');
    await shot('people-with-key');
  });

  it('does not ask again after a reload in the same tab', async () => {
    await page.reload();
    await page.getByText('1 person · 1 photo').waitFor();
    assert.ok(await dialog().isHidden());
    await shot('reloaded');
  });

  it('asks again after the key is forgotten', async () => {
    await page.getByRole('button', { name: 'Forget the key' }).click();
    await dialog().waitFor();
    assert.equal(await storedKey(), null);
    await dialog().getByRole('button', { name: 'Cancel' }).click();
    await dialog().waitFor({ state: 'hidden' });
    // The refused health request settles after the dialog closes: wait for the line it writes, then check it.
    await page
      .getByTestId('health')
      .getByText(/needs an API key/)
      .waitFor({ timeout: 5000 });
    assert.match(await page.getByTestId('health').innerText(), /needs an API key/);
    await shot('forgotten');
  });

  it('asks once for several requests that were refused together', async () => {
    // Opening the gallery sends two requests at once (health and people); both wait for one dialog.
    await page.goto(`${server.url}/?again#people`);
    await dialog().waitFor();
    const opened = await page.evaluate(() => {
      const d = document.querySelector('#key-dialog')!;
      (window as any).__opened = 0;
      new MutationObserver(() => {
        if (d.hasAttribute('open')) (window as any).__opened += 1;
      }).observe(d, { attributes: true, attributeFilter: ['open'] });
      return d.hasAttribute('open');
    });
    assert.ok(opened);
    await keyInput().fill(KEY);
    await dialog().getByRole('button', { name: 'Use this key' }).click();
    await page.getByTestId('people-count').getByText('1 person').waitFor();
    await page.getByText('1 person · 1 photo').waitFor();
    assert.equal(await page.evaluate(() => (window as any).__opened), 0, 'the dialog did not open a second time');
    assert.ok(await dialog().isHidden());
    await shot('one-dialog-for-two-requests');
  });

  it('raised no script errors', () => {
    assert.deepEqual(problems, []);
  });
});
