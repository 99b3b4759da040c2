// Opens a page of the healpix-zarr server in Debian's headless Chromium, waits until it has drawn, saves a
// screenshot and prints what it saw as JSON (used by BrowserMapPageTest and for the administrator's guide images).
//
// usage: node screenshot.mjs URL OUT.png [--user U --password P] [--wait-tiles] [--wait-selector CSS]
//                            [--width 1200 --height 800]
// Every request off the loopback interface is aborted (the OpenStreetMap base layer too): the page is tested alone.
import { chromium } from 'playwright-core';

const args = process.argv.slice(2);
const url = args[0], out = args[1];
const opt = (name, def) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : def; };
const flag = (name) => args.includes(name);
if (!url || !out) {
  console.error('usage: node screenshot.mjs URL OUT.png [--user U --password P] [--wait-tiles] [--wait-selector CSS]');
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
         '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-default-apps'],
});
const result = { url, owsRequests: 0, owsFailed: [], consoleErrors: [], blocked: 0 };
try {
  const user = opt('--user', null);
  const context = await browser.newContext({
    viewport: { width: Number(opt('--width', 1200)), height: Number(opt('--height', 800)) },
    httpCredentials: user ? { username: user, password: opt('--password', '') } : undefined,
  });
  await context.route('**/*', (route) => {
    const host = new URL(route.request().url()).hostname;
    if (host === '127.0.0.1' || host === 'localhost' || host === '[::1]') return route.continue();
    result.blocked++;
    return route.abort();
  });
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error' && !/net::ERR_FAILED/.test(m.text())) result.consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => result.consoleErrors.push(String(e)));
  page.on('request', (r) => { if (new URL(r.url()).pathname === '/ows') result.owsRequests++; });
  // Leaflet cancels the tiles of a zoom level it leaves (net::ERR_ABORTED): not a failure
  page.on('requestfailed', (r) => {
    const why = (r.failure() || {}).errorText || '';
    if (new URL(r.url()).pathname === '/ows' && !/ERR_ABORTED/.test(why)) result.owsFailed.push(why + ' ' + r.url());
  });
  page.on('response', (r) => { if (new URL(r.url()).pathname === '/ows' && r.status() !== 200) result.owsFailed.push(r.status() + ' ' + r.url()); });
  const response = await page.goto(url, { waitUntil: 'load', timeout: 60000 });
  result.status = response.status();
  const selector = opt('--wait-selector', null);
  if (selector) await page.waitForSelector(selector, { timeout: 60000 });
  if (flag('--wait-tiles')) {
    // WMS tiles of this server, loaded, and no more tile loading under way
    await page.waitForFunction(() => {
      const tiles = [...document.querySelectorAll('img.leaflet-tile')].filter((t) => t.src.includes('/ows?'));
      return tiles.length > 0 && tiles.every((t) => t.classList.contains('leaflet-tile-loaded') || t.complete);
    }, null, { timeout: 60000 });
    await page.waitForLoadState('networkidle', { timeout: 60000 });
    await page.waitForTimeout(500); // Leaflet's fade-in
    result.owsTilesLoaded = await page.evaluate(() => [...document.querySelectorAll('img.leaflet-tile-loaded')]
      .filter((t) => t.src.includes('/ows?')).length);
  } else {
    await page.waitForLoadState('networkidle', { timeout: 60000 });
  }
  result.statusText = await page.evaluate(() => (document.getElementById('status') || document.getElementById('message') || {}).textContent || '');
  result.title = await page.title();
  result.text = (await page.evaluate(() => document.body.innerText)).slice(0, 2000);
  await page.screenshot({ path: out });
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
