/* captures.js - peek's captures; one of them as a hex and ASCII dump with
 * what was recognised.  The dump is built as text: bytes outside printable
 * ASCII show as '.'. */
'use strict';

function dump(hex) {
	const bytes = [];
	for (let i = 0; i + 1 < hex.length; i += 2) bytes.push(parseInt(hex.substr(i, 2), 16));
	const lines = [];
	for (let o = 0; o < bytes.length; o += 16) {
		const row = bytes.slice(o, o + 16);
		const h = row.map(b => b.toString(16).padStart(2, '0')).join(' ').padEnd(47, ' ');
		const a = row.map(b => b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.').join('');
		lines.push(o.toString(16).padStart(8, '0') + '  ' + h + '  |' + a + '|');
	}
	return lines.join('\n');
}

async function detail(id) {
	const c = await PL.get('/api/captures/' + encodeURIComponent(id));
	PL.fill('detail', PL.el('section', { class: 'capture' },
		PL.el('h2', {}, 'Capture ' + c.id + ': ', PL.sourceLink(c.src), ' to port ' + c.dport + '/' + c.proto),
		PL.el('p', { class: 'sub' }, PL.time(c.time) + ' UTC, ' + PL.num(c.bytes_in) + ' bytes in (' + PL.num(c.kept) +
			' kept), ' + PL.num(c.bytes_out) + ' out, ended: ' + (c.end_reason || '-')),
		PL.el('p', {}, 'Recognised: ', PL.el('b', {}, c.kind || 'nothing'), c.patterns ? ' - known patterns: ' + c.patterns : ''),
		PL.table([['Field', f => f[0]], ['Value', f => f[1]]], c.fields, 'No fields.'),
		PL.el('pre', { class: 'dump', id: 'dump' }, dump(c.data_hex))));
}

document.addEventListener('DOMContentLoaded', async () => {
	try {
		const s = await PL.session();
		if (!s.logged_in) return;
		const id = PL.param('id');
		if (id && /^\d+$/.test(id)) await detail(id);
		const r = await PL.get('/api/captures');
		PL.fill('captures', PL.table([
			['Time (UTC)', c => PL.link('captures.html', { id: c.id }, PL.time(c.time))],
			['Source', c => PL.sourceLink(c.src)],
			['Port', c => PL.portLink(c.dport, c.dport + '/' + c.proto)],
			['Recognised', c => c.kind || '-'],
			['Patterns', c => c.patterns || ''],
			['Bytes in', c => PL.num(c.bytes_in), 'n'],
			['Ended', c => c.end_reason || '-'],
		], r.captures, 'No captures yet (portlog peek records them).'));
	} catch (e) { PL.error(e); }
});
