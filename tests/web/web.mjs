// web.mjs BASE SYSLOG_PORT SHOTS_DIR - the dashboard in headless Chromium:
// overview with data, event filters, port 445's charts, trusting a source
// re-marks its events, a logger line reaches the live stream within 2 s.
import { execFileSync } from 'node:child_process';
import { check, failures, imageLoaded, launch, newPage, step, until } from './lib.mjs';

const [base, syslogPort, shots] = process.argv.slice(2);
const browser = await launch();
const page = await newPage(browser, base);
const shot = async name => { if (shots) await page.screenshot({ path: `${shots}/web-${name}.png`, fullPage: true }); };

let topSource = null;
await step('web overview loads with data', async name => {
	await page.goto(base + '/?range=7d');
	await page.waitForSelector('#cards .card');
	await page.waitForSelector('#ports table tbody tr');
	const events = await page.textContent('#cards .card .v');
	const ports = await page.$$eval('#ports tbody tr', rs => rs.map(r => r.cells[0].textContent));
	topSource = await page.$eval('#sources tbody tr td a', a => a.textContent);
	await imageLoaded(page, '#chart img');
	await shot('overview');
	check(name, Number(events.replace(/,/g, '')) > 1000 && ports.includes('445/tcp') && topSource,
		`events card: ${events}`, `ports: ${ports.join(' ')}`, `top source: ${topSource}`);
});

await step('web events filter by port and action', async name => {
	await page.goto(base + '/events.html');
	await page.waitForSelector('#events table');
	await page.fill('input[name=port]', '445');
	await page.selectOption('select[name=action]', 'blocked');
	await Promise.all([page.waitForURL(/port=445/), page.click('#filter button')]);
	await page.waitForSelector('#events table tbody tr');
	const rows = await page.$$eval('#events tbody tr', rs => rs.map(r => [r.cells[1].textContent, r.cells[5].textContent, r.cells[7].textContent]));
	const bad = rows.filter(([act, sp, dp]) => act !== 'blocked' || (sp !== '445' && dp !== '445'));
	const csv = await page.getAttribute('#csv', 'href');
	await shot('events');
	check(name, rows.length > 10 && bad.length === 0 && /port=445/.test(csv) && /action=blocked/.test(csv),
		`rows ${rows.length}, not matching: ${JSON.stringify(bad.slice(0, 3))}`, `csv link: ${csv}`);
});

await step('web events paging', async name => {
	await page.click('#next');
	await page.waitForURL(/offset=100/);
	await page.waitForSelector('#events table tbody tr');
	const count = await page.textContent('#count');
	check(name, /^Events 101 to/.test(count), `count line: ${count}`);
});

await step('web port 445 draws its charts', async name => {
	await page.goto(base + '/port.html?port=445&compare=3389');
	await page.waitForSelector('#kb .kbpart');
	const drawn = await imageLoaded(page, '#img-day') && await imageLoaded(page, '#img-hour');
	const title = await page.textContent('#title');
	const svg = await page.evaluate(async () => (await fetch(document.querySelector('#img-day').src)).text());
	const paths = (svg.match(/<(path|rect|polyline)\b/g) || []).length;
	await shot('port445');
	check(name, drawn && /445/.test(title) && /SMB/.test(title) && paths > 5 && /3389/.test(svg),
		`title: ${title}`, `svg shapes: ${paths}`);
});

await step('web trusting a source re-marks its events', async name => {
	await page.goto(base + '/source.html?addr=' + encodeURIComponent(topSource));
	await page.waitForSelector('#trust-state');
	const before = await page.textContent('#trust-state');
	const trustedBefore = await page.$$eval('#events tbody tr', rs => rs.filter(r => r.cells[8].textContent === 'yes').length);
	await page.click('#trust-btn');
	await until(async () => await page.textContent('#trust-state') === 'trusted', 30000);
	await page.waitForSelector('#events tbody tr');
	const rows = await page.$$eval('#events tbody tr', rs => rs.map(r => r.cells[8].textContent));
	const api = await page.evaluate(async a => (await (await fetch('/api/events?limit=50&src=' + encodeURIComponent(a))).json()).events, topSource);
	await shot('source-trusted');
	check(name, before === 'not trusted' && trustedBefore === 0 && rows.length > 0 && rows.every(t => t === 'yes') &&
		api.length > 0 && api.every(e => e.trusted === true),
		`before: ${before} (${trustedBefore} trusted rows)`, `after rows: ${rows.slice(0, 5)}`);
	// and back: untrusting clears the mark again
	await page.click('#trust-btn');
	await until(async () => await page.textContent('#trust-state') === 'not trusted', 30000);
	const after = await page.$$eval('#events tbody tr', rs => rs.filter(r => r.cells[8].textContent === 'yes').length);
	check('web untrusting restores its events', after === 0, `trusted rows after untrust: ${after}`);
});

await step('web live stream shows a logger line within 2 s', async name => {
	await page.goto(base + '/');
	await until(async () => await page.textContent('#live-state') === 'connected');
	const src = '198.51.100.' + (1 + Math.floor(Math.random() * 250));
	const t0 = Date.now();
	execFileSync('logger', ['-n', '127.0.0.1', '-P', syslogPort, '-d', '-t', 'kernel',
		`[UFW BLOCK] IN=eth0 OUT= SRC=${src} DST=192.168.1.10 LEN=40 TTL=50 PROTO=TCP SPT=4444 DPT=445 WINDOW=1024 RES=0x00 SYN URGP=0`]);
	const seen = await until(() => page.$$eval('#live-table td', (tds, s) => tds.some(td => td.textContent === s), src), 2000, 20);
	const ms = Date.now() - t0;
	await shot('live');
	check(name, seen && ms <= 2000, `${seen ? 'seen' : 'not seen'} after ${ms} ms`);
	console.log(`# live stream: ${ms} ms from logger to the page`);
});

await step('web pages load nothing from elsewhere and log no errors', async name => {
	for (const p of ['findings.html', 'captures.html', 'settings.html'])
		await page.goto(base + '/' + p).then(() => page.waitForLoadState('networkidle'));
	await shot('settings');
	check(name, page.external.length === 0 && page.consoleErrors.length === 0,
		`external: ${page.external.slice(0, 3)}`, `console: ${page.consoleErrors.slice(0, 3)}`);
});

await browser.close();
process.exit(failures ? 1 : 0);
