// Decodes PNG files in Debian's headless Chromium, as a web page showing them would: each file is loaded as an
// <img> from a data: URL, drawn on a canvas and read back with getImageData (used by BrowserPagesTest).
//
// usage: node decode-png.mjs FILE.png...
// Prints a JSON array, one {width, height, rgba} per file, rgba the pixels (R, G, B, A bytes, row by row) in base64.
// The canvas stores premultiplied alpha: colours of translucent pixels come back rounded, those of transparent ones
// as 0.
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node decode-png.mjs FILE.png...');
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
         '--disable-component-update', '--no-first-run', '--force-color-profile=srgb'],
});
try {
  const page = await browser.newPage();
  const out = [];
  for (const f of files) {
    const src = 'data:image/png;base64,' + readFileSync(f).toString('base64');
    out.push(await page.evaluate(async (url) => {
      const img = new Image();
      img.src = url;
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.naturalWidth;
      canvas.height = img.naturalHeight;
      const g = canvas.getContext('2d', { willReadFrequently: true });
      g.drawImage(img, 0, 0);
      const d = g.getImageData(0, 0, canvas.width, canvas.height).data;
      let s = '';
      for (let i = 0; i < d.length; i += 0x8000) s += String.fromCharCode.apply(null, d.subarray(i, i + 0x8000));
      return { width: canvas.width, height: canvas.height, rgba: btoa(s) };
    }, src));
  }
  console.log(JSON.stringify(out));
} finally {
  await browser.close();
}
