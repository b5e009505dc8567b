/* port.js - one port: the knowledge base's page, the owner's own charts
 * (the server's SVG: attacks per day, unique sources per hour, outbreak
 * markers), busiest sources and findings; other ports to compare. */
'use strict';

function para(label, text) {
	return text ? PL.el('div', { class: 'kbpart' }, PL.el('h3', {}, label), PL.el('p', {}, text)) : null;
}

async function load(port) {
	const range = PL.param('range') || '30d', compare = PL.param('compare') || '';
	const form = document.getElementById('pick');
	form.elements.port.value = port;
	form.elements.compare.value = compare;
	form.elements.range.value = range;
	const p = await PL.get('/api/ports/' + port + '?range=' + encodeURIComponent(range));
	const names = ['tcp', 'udp'].map(k => p.services[k].name).filter(n => n);
	const title = p.page ? p.page.title : (names[0] || 'unregistered');
	PL.fill('title', 'Port ' + port + ' ', PL.el('span', { class: 'sub' }, title));
	if (p.page) {
		PL.fill('kb', para('Common use', p.page.use), para('Inbound traffic means', p.page.inbound),
			para('Outbound traffic means', p.page.outbound), para('References', p.page.refs));
	} else {
		const notes = ['tcp', 'udp'].map(k => p.services[k].note ? k + ': ' + p.services[k].note : '').filter(n => n);
		PL.fill('kb', PL.el('p', {}, names.length ? 'Registered as ' + names.join(', ') + '. ' + notes.join('; ')
			: 'No registered service and no curated page for this port.'));
	}
	PL.fill('stats', ...[['events', p.events], ['unique sources', p.sources]].map(([l, v]) =>
		PL.el('div', { class: 'card' }, PL.el('div', { class: 'v' }, PL.num(v)), PL.el('div', { class: 'l' }, l + ' (' + range + ')'))),
		PL.el('div', { class: 'card' }, PL.el('div', { class: 'v small' }, PL.time(p.first_seen)), PL.el('div', { class: 'l' }, 'first seen')),
		PL.el('div', { class: 'card' }, PL.el('div', { class: 'v small' }, PL.time(p.last_seen)), PL.el('div', { class: 'l' }, 'last seen')));
	const cmp = compare ? '&compare=' + encodeURIComponent(compare) : '';
	PL.fill('chart-day', PL.el('img', { class: 'chart', id: 'img-day', alt: 'Events per day on port ' + port,
		src: '/api/ports/' + port + '/chart.svg?measure=events&by=day&direction=inbound&range=' + encodeURIComponent(range) + cmp }));
	const hourRange = range === '30d' || range === '7d' ? '7d' : range;
	PL.fill('chart-hour', PL.el('img', { class: 'chart', id: 'img-hour', alt: 'Unique sources per hour on port ' + port,
		src: '/api/ports/' + port + '/chart.svg?measure=sources&by=hour&direction=inbound&range=' + encodeURIComponent(hourRange) + cmp }));
	PL.fill('sources', PL.table([
		['Address', s => PL.sourceLink(s.addr)],
		['Events', s => PL.num(s.events), 'n'],
		['Hours seen', s => PL.num(s.hours), 'n'],
	], p.top_sources, 'No sources in this period.'));
	PL.fill('findings', PL.table([
		['Kind', f => f.kind],
		['Subject', f => f.src ? PL.sourceLink(f.src) : f.subject],
		['First', f => PL.time(f.first)],
		['Summary', f => f.summary],
	], p.findings, 'No findings on this port in this period.'));
}

document.addEventListener('DOMContentLoaded', async () => {
	document.getElementById('pick').addEventListener('submit', ev => {
		ev.preventDefault();
		const q = new URLSearchParams();
		for (const f of ['port', 'compare', 'range']) {
			const v = ev.target.elements[f].value.trim();
			if (v) q.set(f, v);
		}
		location.search = q.toString();
	});
	try {
		const s = await PL.session();
		if (!s.logged_in) return;
		const port = PL.param('port');
		if (port !== null && /^\d{1,5}$/.test(port)) await load(Number(port));
		else PL.fill('kb', PL.el('p', {}, 'Pick a port, e.g. ', PL.portLink(445), ', ', PL.portLink(3389), ' or ', PL.portLink(22), '.'));
	} catch (e) { PL.error(e); }
});
