// xss.mjs BASE - every page that shows log or capture text, opened in
// Chromium with a test hook: window.__xss is a function the payloads call
// (exposed by the test, so a call from any frame is recorded), alert() is
// watched, and the DOM is searched for elements a payload would create.  The
// payload text itself must be on the page, as text.
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { check, failures, launch, newPage, step, until } from './lib.mjs';

const [base, syslogPort, src, captureId, payloadLog] = process.argv.slice(2);
const browser = await launch();
const page = await newPage(browser, base);
const calls = [];
await page.exposeFunction('__xss', n => calls.push(n));
page.on('dialog', d => { calls.push('dialog: ' + d.message()); d.dismiss(); });

const pages = [
	['overview', '/?range=30d', '#live-state'],
	['events', '/events.html?src=' + encodeURIComponent(src), '#events table'],
	['source', '/source.html?addr=' + encodeURIComponent(src), '#events table'],
	['findings', '/findings.html?range=10y', '#findings table, #findings p'],
	['captures', '/captures.html' + (captureId ? '?id=' + captureId : ''), '#captures table'],
];
const wanted = ['<script>window.__xss(1)</script>', '"><img src=x onerror=window.__xss(2)>',
	'javascript:window.__xss(3)', '<script>window.__xss(4)</script>',
	'"><img/src=x/onerror=window.__xss(5)>', 'javascript:window.__xss(6)'];

/* The same hostile lines, live: into serve's syslog port while the overview
 * shows the stream. */
async function sendLive() {
	const sock = createSocket('udp4');
	/* stamped now: the stream follows the newest events (see sse.c) */
	const d = new Date();
	const mon = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ')[d.getUTCMonth()];
	const stamp = `${mon} ${String(d.getUTCDate()).padStart(2, ' ')} ${d.toISOString().slice(11, 19)}`;
	for (const line of readFileSync(payloadLog, 'utf8').split('\n').filter(l => l))
		await new Promise(r => sock.send(Buffer.from('<4>' + stamp + line.slice(15)), Number(syslogPort), '127.0.0.1', r));
	sock.close();
}

for (const [name, path, ready] of pages) {
	await step(`web xss ${name} page shows payloads as text, runs none`, async test => {
		await page.goto(base + path);
		await page.waitForSelector(ready);
		if (name === 'overview') {
			const conn = await until(async () => await page.textContent('#live-state') === 'connected');
			await sendLive();
			const got = await until(() => page.$$eval('#live-table tbody tr', rs => rs.length >= 3), 3000);
			if (!conn || !got) console.log(`# live stream: connected ${conn}, lines arrived ${got}`);
		}
		if (name !== 'overview') await page.waitForLoadState('networkidle'); // the stream never idles
		await until(async () => false, 300); // let any late script run
		const text = await page.evaluate(() => document.body.innerText);
		const injected = await page.evaluate(() => ({
			scripts: [...document.scripts].map(s => s.src).filter(s => !/\/(common|overview|events|source|findings|captures)\.js$/.test(s)),
			imgs: [...document.querySelectorAll('img')].filter(i => !/chart\.svg/.test(i.src)).length,
			jslinks: [...document.querySelectorAll('a')].filter(a => /^javascript:/i.test(a.getAttribute('href') || '')).length,
		}));
		/* the capture's dump shows 16 bytes a line: its first line */
		const shown = name === 'captures' ? ['<script>window._'] : name === 'findings' ? [] : wanted;
		const missing = shown.filter(w => !text.includes(w));
		if (process.env.SHOTS) await page.screenshot({ path: `${process.env.SHOTS}/web-xss-${name}.png`, fullPage: true });
		check(test, calls.length === 0 && injected.scripts.length === 0 && injected.imgs === 0 &&
			injected.jslinks === 0 && missing.length === 0,
			`hook calls: ${JSON.stringify(calls)}`, `injected: ${JSON.stringify(injected)}`,
			`payload text missing: ${JSON.stringify(missing)}`);
	});
}

await browser.close();
process.exit(failures ? 1 : 0);
