// Usage: node health-ui.mjs <health-ui or timeline URL> <screenshot.png> [--down=a,b] [--up=c,d]
// Loads the SmallRye health UI in headless Chromium (Debian's, no browser download), waits for the check cards to
// render, screenshots the page, and checks that every named check is on the page in the expected state. Given the
// timeline (/q/health/timeline) instead: every --down check's lane's last DOWN segment says why, and every
// --up check's lane ends UP.
import { launch } from './chromium.mjs';

const [url, screenshot, ...rest] = process.argv.slice(2);
const list = (flag) => (rest.find((a) => a.startsWith(flag)) ?? flag).slice(flag.length).split(',').filter(Boolean);
const expectDown = list('--down=');
const expectUp = list('--up=');
if (!url || !screenshot) {
  console.error('usage: node health-ui.mjs <health-ui URL> <screenshot.png> [--down=a,b] [--up=c,d]');
  process.exit(1);
}

const browser = await launch();
let failures = 0;
try {
  // The health UI is the operator's (basic auth, docs/security.md): the browser answers the challenge as a person's
  // would, with the credentials the script was given (OPERATOR_USER, OPERATOR_PASSWORD).
  const page = await browser.newPage({
    viewport: { width: 1400, height: 1000 },
    httpCredentials: { username: process.env.OPERATOR_USER ?? 'operator', password: process.env.OPERATOR_PASSWORD ?? '' },
  });
  await page.goto(url, { waitUntil: 'load', timeout: 15000 });
  const check = (ok, what) => {
    console.log(`${ok ? 'PASS' : 'FAIL'} ${what}`);
    if (!ok) failures++;
  };
  await (url.includes('/q/health/timeline') ? timeline : healthUi)(page, check);
} finally {
  await browser.close();
}
process.exit(failures ? 1 : 0);

async function healthUi(page, check) {
  await page.waitForSelector('#grid .card .card-title', { timeout: 15000 });
  await page.waitForSelector('#state .badge', { timeout: 15000 });
  const cards = await page.$$eval('#grid .card', (els) => els.map((e) => ({
    name: e.querySelector('.card-title').textContent.trim(),
    state: e.classList.contains('border-danger') ? 'DOWN' : 'UP',
  })));
  const overall = (await page.textContent('#state')).trim();
  await page.screenshot({ path: screenshot, fullPage: true });
  for (const [names, state] of [[expectDown, 'DOWN'], [expectUp, 'UP']]) {
    for (const name of names) {
      const card = cards.find((c) => c.name === name);
      check(card?.state === state, `${name} shown ${state} (page: ${card ? card.state : 'missing'})`);
    }
  }
  const wantOverall = expectDown.length ? 'Down' : 'Up';
  check(overall === wantOverall, `overall badge "${overall}" is "${wantOverall}"`);
  console.log(`cards on the page: ${cards.map((c) => `${c.name}=${c.state}`).join(' ')}; screenshot ${screenshot}`);
}

async function timeline(page, check) {
  await page.waitForSelector('body[data-drawn]', { timeout: 15000 });
  const lanes = await page.$$eval('.lane', (els) => els.map((e) => ({
    name: e.dataset.check,
    segments: [...e.querySelectorAll('.segment')].map((s) => ({ state: s.dataset.state, reason: s.dataset.reason })),
  })));
  await page.screenshot({ path: screenshot, fullPage: true });
  for (const name of expectDown) {
    const down = lanes.find((l) => l.name === name)?.segments.findLast((s) => s.state === 'DOWN');
    check(Boolean(down?.reason), `${name}'s lane's last DOWN segment says why (${down ? down.reason : 'none'})`);
  }
  for (const name of expectUp) {
    const last = lanes.find((l) => l.name === name)?.segments.at(-1);
    check(last?.state === 'UP', `${name}'s lane ends ${last ? last.state : 'missing'}, expected UP`);
  }
  console.log(`lanes: ${lanes.map((l) => `${l.name}=${l.segments.map((s) => s.state).join('>')}`).join(' ')}; `
    + `screenshot ${screenshot}`);
}
