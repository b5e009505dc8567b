/* findings.js - scans, infected inside hosts and outbreaks with their
 * evidence. */
'use strict';

async function load() {
	const kind = PL.param('kind') || '', range = PL.param('range') || '30d';
	const form = document.getElementById('filter');
	form.elements.kind.value = kind;
	form.elements.range.value = range;
	const q = new URLSearchParams({ range });
	if (kind) q.set('kind', kind);
	const r = await PL.get('/api/findings?' + q.toString());
	PL.fill('window', 'From ' + PL.time(r.since) + ' to ' + PL.time(r.until) + ' UTC');
	PL.fill('findings', PL.table([
		['Kind', f => f.kind, 'k'],
		['Subject', f => f.src ? PL.sourceLink(f.src) : (f.port_lo >= 0 ? PL.portLink(f.port_lo, f.subject) : f.subject), 'k'],
		['Shape', f => [f.shape, f.probe].filter(x => x).join(' ')],
		['Danger', f => f.danger || '-', 'n k'],
		['First (UTC)', f => PL.time(f.first), 'k'],
		['Last', f => PL.time(f.last), 'k'],
		['Ports', f => PL.commaList(f.ports), 'list'],
		['Hosts', f => PL.commaList(f.hosts), 'list'],
		['Packets', f => PL.num(f.packets), 'n k'],
		['Signature', f => [f.signature, f.refs].filter(x => x).join(' ')],
		['Summary', f => f.summary],
	], r.findings, 'No findings in this period.'));
}

document.addEventListener('DOMContentLoaded', async () => {
	document.getElementById('filter').addEventListener('submit', ev => {
		ev.preventDefault();
		const q = new URLSearchParams({ range: ev.target.elements.range.value });
		if (ev.target.elements.kind.value) q.set('kind', ev.target.elements.kind.value);
		location.search = q.toString();
	});
	try {
		const s = await PL.session();
		if (s.logged_in) await load();
	} catch (e) { PL.error(e); }
});
