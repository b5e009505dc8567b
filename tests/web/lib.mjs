// lib.mjs - what the dashboard's browser tests share: headless Debian
// Chromium driven by playwright-core, and "ok NAME" / "not ok NAME" lines
// as tests/e2e/lib.sh prints them.
import { chromium } from 'playwright-core';

export let failures = 0;

export function ok(name) {
	console.log('ok ' + name);
}

export function notOk(name, ...why) {
	failures++;
	console.log('not ok ' + name);
	for (const w of why) console.log('  ' + String(w).slice(0, 2000));
}

export function check(name, cond, ...why) {
	if (cond) ok(name);
	else notOk(name, ...why);
}

/* Run fn(name) as one named check: an exception is a failure, not a crash. */
export async function step(name, fn) {
	try {
		await fn(name);
	} catch (e) {
		notOk(name, e && e.stack ? e.stack.split('\n').slice(0, 3).join(' | ') : e);
	}
}

export async function launch() {
	return chromium.launch({
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update', '--disable-sync'],
		timeout: 30000,
	});
}

/* A page that records every request leaving 127.0.0.1 (there must be none)
 * and every console error. */
export async function newPage(browser, base) {
	const ctx = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
	const page = await ctx.newPage();
	page.setDefaultTimeout(10000);
	page.external = [];
	page.consoleErrors = [];
	page.on('request', r => {
		const u = r.url();
		if (!u.startsWith(base) && !u.startsWith('data:')) page.external.push(u);
	});
	page.on('console', m => { if (m.type() === 'error') page.consoleErrors.push(m.text()); });
	page.on('pageerror', e => page.consoleErrors.push(String(e)));
	return page;
}

/* Poll cond (async, in node) until true or timeout ms; returns whether it
 * became true.  (page.waitForFunction evaluates strings, which the
 * dashboard's Content-Security-Policy forbids.) */
export async function until(cond, timeout = 10000, every = 50) {
	const end = Date.now() + timeout;
	for (;;) {
		try { if (await cond()) return true; } catch { /* not there yet */ }
		if (Date.now() >= end) return false;
		await new Promise(r => setTimeout(r, every));
	}
}

export async function imageLoaded(page, sel) {
	return until(() => page.$eval(sel, i => i.complete && i.naturalWidth > 0));
}
