// The labs' one way to start a browser: Debian's headless Chromium (CHROMIUM overrides the path; no browser download),
// driven by playwright-core, with nothing of its own reaching the network.
import { chromium } from 'playwright-core';

export const launch = () => chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  timeout: 30000,
});
