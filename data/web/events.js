/* events.js - search the stored events: the filters live in the page's own
 * query string, so a filtered view can be bookmarked; CSV export asks the
 * API for the same filters. */
'use strict';

const FIELDS = ['since', 'until', 'port', 'src', 'dst', 'direction', 'action', 'device', 'format'];
const PAGE = 100;

function query(offset) {
	const q = new URLSearchParams();
	for (const f of FIELDS) {
		const v = PL.param(f);
		if (v) q.set(f, v);
	}
	if (offset) q.set('offset', offset);
	return q;
}

async function load() {
	const form = document.getElementById('filter');
	for (const f of FIELDS) if (PL.param(f)) form.elements[f].value = PL.param(f);
	const offset = Number(PL.param('offset') || 0);
	const q = query(offset);
	const csv = new URLSearchParams(q);
	csv.delete('offset');
	csv.set('as', 'csv');
	document.getElementById('csv').setAttribute('href', '/api/events?' + csv.toString());
	q.set('limit', PAGE);
	const r = await PL.get('/api/events?' + q.toString());
	PL.fill('count', r.events.length ? 'Events ' + (offset + 1) + ' to ' + (offset + r.events.length) +
		', newest first' : '');
	PL.fill('events', PL.table(PL.eventCells(), r.events, 'No events match.'));
	const prev = document.getElementById('prev'), next = document.getElementById('next');
	prev.hidden = offset === 0;
	next.hidden = !r.more;
	prev.setAttribute('href', '?' + query(Math.max(0, offset - PAGE)).toString());
	next.setAttribute('href', '?' + query(offset + PAGE).toString());
}

document.addEventListener('DOMContentLoaded', async () => {
	document.getElementById('filter').addEventListener('submit', ev => {
		ev.preventDefault();
		const q = new URLSearchParams();
		for (const f of FIELDS) {
			const v = ev.target.elements[f].value.trim();
			if (v) q.set(f, v);
		}
		location.search = q.toString();
	});
	try {
		const s = await PL.session();
		if (s.logged_in) await load();
	} catch (e) { PL.error(e); }
});
