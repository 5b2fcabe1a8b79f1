// Usage: node dev-faults.mjs <dev fault page URL> <readiness URL> <screenshot directory>
// Opens the dev fault page (dev mode's /q/dev/faults) in headless Chromium (Debian's) as the operator, clicks "Stop"
// and waits until the page shows readiness DOWN and the probe answers 503, screenshots it, clicks "Restore" and waits
// until both say UP again. Each wait is bounded (60 s).
import { launch } from './chromium.mjs';

const [url, ready, shots] = process.argv.slice(2);
if (!url || !ready || !shots) {
  console.error('usage: node dev-faults.mjs <dev fault page URL> <readiness URL> <screenshot directory>');
  process.exit(1);
}
const WAIT_MS = 60000;

const browser = await launch();
let failures = 0;
const check = (ok, what) => {
  console.log(`${ok ? 'PASS' : 'FAIL'} ${what}`);
  if (!ok) failures++;
};
const probe = async () => (await fetch(ready, { cache: 'no-store' })).status;
async function probeBecomes(status) {
  const until = Date.now() + WAIT_MS;
  while (Date.now() < until) {
    if (await probe() === status) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}
try {
  const page = await browser.newPage({
    viewport: { width: 1200, height: 1000 },
    httpCredentials: { username: 'operator', password: process.env.OPERATOR_PASSWORD ?? '' },
  });
  await page.goto(url, { waitUntil: 'load', timeout: 15000 });
  await page.waitForSelector('#readiness[data-status="UP"]', { timeout: WAIT_MS });
  check(true, 'the page shows readiness UP');

  await page.click('button[data-fault="stop"]');
  await page.waitForSelector('#last:text("stop: done")', { timeout: WAIT_MS });
  await page.waitForSelector('#readiness[data-status="DOWN"]', { timeout: WAIT_MS });
  check((await page.textContent('#readiness')).includes('database'), 'the page shows readiness DOWN, naming database');
  check(await probeBecomes(503), 'the readiness probe answers 503');
  await page.screenshot({ path: `${shots}/dev-faults-stopped.png`, fullPage: true });

  await page.click('button[data-fault="restore"]');
  await page.waitForSelector('#last:text("restore: done")', { timeout: WAIT_MS });
  await page.waitForSelector('#readiness[data-status="UP"]', { timeout: WAIT_MS });
  check(true, 'the page shows readiness UP again');
  check(await probeBecomes(200), 'the readiness probe answers 200 again');
  await page.screenshot({ path: `${shots}/dev-faults-restored.png`, fullPage: true });
} catch (e) {
  check(false, `the page did not behave: ${e.message}`);
} finally {
  await browser.close();
}
process.exit(failures ? 1 : 0);
