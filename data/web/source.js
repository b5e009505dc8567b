/* source.js - one address: what it did, findings, captures, danger; trust or
 * untrust it (POST with the session's CSRF token). */
'use strict';

async function setTrust(addr, trust) {
	const box = document.getElementById('trust');
	box.append(PL.el('span', { class: 'sub' }, ' working: re-marking events...'));
	try {
		if (trust) await PL.post('/api/trust', { cidr: addr, note: 'trusted from the dashboard' });
		else await PL.post('/api/untrust', { cidr: addr });
		await load(addr);
	} catch (e) { PL.error(e); }
}

async function load(addr) {
	document.getElementById('pick').elements.addr.value = addr;
	const s = await PL.get('/api/sources/' + encodeURIComponent(addr));
	PL.fill('title', 'Source ', PL.el('span', { class: 'addr' }, s.addr));
	const byCidr = s.trusted_by && s.trusted_by !== s.addr + '/32' && s.trusted_by !== s.addr + '/128';
	PL.fill('trust',
		PL.el('span', { class: 'tag ' + (s.trusted ? 'allowed' : 'blocked'), id: 'trust-state' },
			s.trusted ? 'trusted' : 'not trusted'),
		s.trusted ? PL.el('span', { class: 'sub' }, ' by ' + s.trusted_by + (s.trust_note ? ' (' + s.trust_note + ')' : '')) : null,
		' ',
		s.trusted && byCidr ? PL.el('span', { class: 'sub' }, 'Untrust its network on the Settings page.')
			: PL.el('button', { id: 'trust-btn', onclick: () => setTrust(s.addr, !s.trusted) },
				s.trusted ? 'Untrust' : 'Trust this address'));
	PL.fill('stats', PL.card('danger (1-5)', s.danger || '-', s.danger >= 4 ? 'blocked' : ''),
		PL.card('events as source', PL.num(s.as_src)), PL.card('as destination', PL.num(s.as_dst)),
		PL.card('blocked', PL.num(s.blocked)), PL.card('trusted events', PL.num(s.trusted_events)),
		PL.card('first seen', PL.time(s.first_seen)), PL.card('last seen', PL.time(s.last_seen)));
	PL.fill('ports', PL.table([
		['Port', p => PL.portLink(p.port, p.key)],
		['Service', p => p.title || p.name || ''],
		['Events', p => PL.num(p.events), 'n'],
		['Hosts', p => PL.num(p.sources), 'n'],
	], s.ports, 'It was never a source.'));
	PL.fill('findings', PL.table([
		['Kind', f => f.kind],
		['Shape', f => f.shape + (f.probe ? ' ' + f.probe : '')],
		['Danger', f => f.danger, 'n'],
		['Ports', f => PL.commaList(f.ports), 'list'],
		['When', f => PL.time(f.first) + ' - ' + PL.time(f.last)],
		['Summary', f => f.summary],
	], s.findings, 'No findings about it.'));
	PL.fill('captures', PL.table([
		['Time', c => PL.link('captures.html', { id: c.id }, PL.time(c.time))],
		['Port', c => c.dport + '/' + c.proto],
		['Recognised', c => c.kind || '-'],
		['Bytes', c => PL.num(c.bytes_in), 'n'],
	], s.captures, 'No captures from it.'));
	PL.fill('events', PL.table(PL.eventCells(), s.events, 'No events from it.'));
}

document.addEventListener('DOMContentLoaded', async () => {
	document.getElementById('pick').addEventListener('submit', ev => {
		ev.preventDefault();
		location.search = new URLSearchParams({ addr: ev.target.elements.addr.value.trim() }).toString();
	});
	try {
		const s = await PL.session();
		const addr = PL.param('addr');
		if (s.logged_in && addr) await load(addr);
	} catch (e) { PL.error(e); }
});
