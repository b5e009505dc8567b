/* overview.js - the overview: counts, top ports and sources, findings, and
 * the live stream (EventSource on /api/stream). */
'use strict';

/* the overview's cards are all counts */
function card(label, value, cls) {
	return PL.card(label, PL.num(value), cls);
}

function findingsTable(list) {
	return PL.table([
		['Kind', f => f.kind],
		['Subject', f => f.src ? PL.sourceLink(f.src) : f.subject],
		['Danger', f => f.danger, 'n'],
		['Last seen', f => PL.time(f.last)],
		['Summary', f => f.summary],
	], list, 'No findings in this period.');
}

async function overview() {
	const range = PL.param('range') || '24h';
	for (const a of document.querySelectorAll('#ranges a'))
		if (a.getAttribute('href') === '?range=' + range) a.classList.add('here');
	const o = await PL.get('/api/overview?range=' + encodeURIComponent(range));
	PL.fill('window', 'From ' + PL.time(o.since) + ' to ' + PL.time(o.until) + ' UTC');
	const a = o.actions, d = o.directions;
	PL.fill('cards', card('events', o.events), card('blocked', a.blocked || 0, 'blocked'),
		card('allowed', a.allowed || 0, 'allowed'), card('inbound', d.inbound || 0),
		card('outbound', d.outbound || 0), card('findings', o.findings.length));
	PL.fill('ports', PL.table([
		['Port', p => PL.portLink(p.port, p.key)],
		['Service', p => p.title || p.name || ''],
		['Events', p => PL.num(p.events), 'n'],
		['Sources', p => PL.num(p.sources), 'n'],
	], o.top_ports, 'No inbound events in this period.'));
	const top = o.top_ports.filter(p => p.port >= 0).slice(0, 5);
	if (top.length) {
		const by = range === '24h' ? 'hour' : 'day';
		const src = '/api/ports/' + top[0].port + '/chart.svg?range=' + encodeURIComponent(range) +
			'&by=' + by + '&direction=inbound&compare=' + top.slice(1).map(p => p.port).join(',');
		PL.fill('chart', PL.el('img', { src, alt: 'Inbound events per ' + by + ' on the top ports', class: 'chart' }));
	}
	PL.fill('sources', PL.table([
		['Address', s => PL.sourceLink(s.addr)],
		['Events', s => PL.num(s.events), 'n'],
		['Ports', s => PL.num(s.ports), 'n'],
	], o.top_sources, 'No inbound sources in this period.'));
	PL.fill('findings', findingsTable(o.findings));
}

function live() {
	const box = document.getElementById('live');
	const state = document.getElementById('live-state');
	const cols = PL.eventCells();
	let body = null;
	const es = new EventSource('/api/stream');
	es.addEventListener('open', () => { state.textContent = 'connected'; });
	es.addEventListener('error', () => { state.textContent = 'reconnecting...'; });
	es.addEventListener('event', m => {
		const e = JSON.parse(m.data);
		if (!body) {
			body = PL.el('tbody', {});
			box.replaceChildren(PL.el('table', { id: 'live-table' },
				PL.el('thead', {}, PL.el('tr', {}, ...cols.map(c => PL.el('th', { class: c[2] }, c[0])))), body));
		}
		body.prepend(PL.el('tr', { class: 'new' }, ...cols.map(c => PL.el('td', { class: c[2] }, c[1](e)))));
		while (body.children.length > 20) body.lastChild.remove();
	});
}

document.addEventListener('DOMContentLoaded', async () => {
	try {
		const s = await PL.session();
		if (!s.logged_in) return;
		live();
		await overview();
	} catch (e) { PL.error(e); }
});
