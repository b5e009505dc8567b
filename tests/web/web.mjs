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
	const trustLine = await page.textContent('#trust');
	check('web source page shows no "null"', !/null|undefined/.test(trustLine), `trust line: ${trustLine}`);
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

/* Home networks in Settings: adding one makes serve classify the next
 * logger line from it as outbound at once; removing it undoes that; the
 * configured network cannot be removed; a POST without the CSRF token is
 * refused; the note is shown as text. */
await step('web settings adds a home network that classifies new events', async name => {
	const net = 10 + Math.floor(Math.random() * 200);
	const cidr = `10.${net}.0.0/16`;
	const send = src => execFileSync('logger', ['-n', '127.0.0.1', '-P', syslogPort, '-d', '-t', 'kernel',
		`[UFW BLOCK] IN=eth0 OUT= SRC=${src} DST=203.0.113.50 LEN=40 TTL=50 PROTO=TCP SPT=4444 DPT=8080 WINDOW=1024 RES=0x00 SYN URGP=0`]);
	const dirOf = async src => {
		let d = null;
		await until(async () => {
			const ev = (await (await page.request.get(base + '/api/events?limit=5&src=' + src)).json()).events;
			d = ev.length ? ev[0].direction : null;
			return d !== null;
		}, 5000, 50);
		return d;
	};
	await page.goto(base + '/settings.html');
	await page.waitForSelector('#home table tbody tr');
	const fixed = await page.$$eval('#home tbody tr', rs => rs.filter(r => r.cells[0].textContent === '192.168.1.0/24')
		.map(r => [r.cells[1].textContent, r.querySelector('button') === null]));
	const why = await page.textContent('#home-why');
	const intro = await page.textContent('section:has(#home) p.sub');
	send(`10.${net}.1.1`);
	const before = await dirOf(`10.${net}.1.1`);

	await page.fill('#home-add input[name=cidr]', `10.${net}.9.9/16`); /* host bits: shown as the network */
	await page.fill('#home-add input[name=note]', '<img src=x id=homexss onerror="window.pwned=1">lab');
	await page.click('#home-add button');
	await until(async () => (await page.$$eval('#home tbody tr td:first-child', tds => tds.map(t => t.textContent))).includes(cidr));
	const row = await page.$$eval('#home tbody tr', (rs, c) => rs.filter(r => r.cells[0].textContent === c)
		.map(r => [r.cells[1].textContent, r.cells[2].textContent]), cidr);
	const injected = await page.$('#homexss');
	send(`10.${net}.1.2`);
	const after = await dirOf(`10.${net}.1.2`);
	const kept = await dirOf(`10.${net}.1.1`);
	await shot('settings-homenet');

	check(name, before === 'inbound' && after === 'outbound' && kept === 'inbound',
		`before: ${before}, after adding ${cidr}: ${after}, the earlier event now: ${kept}`);
	check('web settings shows the note as text', row.length === 1 && row[0][0] === 'added here' &&
		row[0][1].startsWith('<img') && injected === null && !(await page.evaluate(() => window.pwned)),
		`row: ${JSON.stringify(row)}`);
	check('web settings keeps configured home networks fixed and says why',
		fixed.length === 1 && fixed[0][0] === 'serve --home-net' && fixed[0][1] && /cannot be removed here/.test(why) &&
		/already stored keep the direction/.test(intro),
		`configured rows: ${JSON.stringify(fixed)}`, `why: ${why}`, `intro: ${intro}`);

	const expectedErrors = page.consoleErrors.length; /* the two refusals below log theirs */
	const forged = await page.evaluate(async () => (await fetch('/api/homenet', { method: 'POST',
		headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'cidr=10.250.0.0/16' })).status);
	const list = (await (await page.request.get(base + '/api/homenet')).json()).home_networks.map(h => h.cidr);
	check('web homenet POST without the CSRF token is refused', forged === 403 && !list.includes('10.250.0.0/16'),
		`status ${forged}`, `list: ${list}`);

	await page.fill('#home-add input[name=cidr]', '10.0.0.0/40');
	await page.click('#home-add button');
	await until(async () => (await page.textContent('#home-error')).length > 0);
	const err = await page.textContent('#home-error');
	page.consoleErrors.splice(expectedErrors, page.consoleErrors.length - expectedErrors,
		...page.consoleErrors.slice(expectedErrors).filter(e => !/status of (403|400)/.test(e)));
	check('web settings explains a bad network', /not a network/.test(err) && /like 192\.168\.1\.0\/24/.test(err), `error: ${err}`);

	await page.click(`#home button.home-rm[data-cidr="${cidr}"]`);
	await until(async () => !(await page.$$eval('#home tbody tr td:first-child', tds => tds.map(t => t.textContent))).includes(cidr));
	send(`10.${net}.1.3`);
	const removed = await dirOf(`10.${net}.1.3`);
	check('web settings removing the home network applies at once', removed === 'inbound', `after removing: ${removed}`);
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
