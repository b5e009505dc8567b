/* settings.js - home networks (read-only here), trusted networks (add and
 * remove), access (password, log out). */
'use strict';

async function load() {
	const s = await PL.get('/api/settings');
	PL.fill('home', s.home_net.length ? PL.el('ul', {}, ...s.home_net.map(n => PL.el('li', {}, n)))
		: PL.el('p', { class: 'empty' }, 'None set: directions follow what each log format says.'));
	PL.fill('trusted', PL.table([
		['Network', t => t.cidr],
		['Note', t => t.note || ''],
		['Added (UTC)', t => PL.time(t.added)],
		['', t => PL.el('button', { onclick: () => change('/api/untrust', { cidr: t.cidr }) }, 'Remove')],
	], s.trusted, 'Nothing is trusted.'));
	PL.fill('access', PL.el('p', {}, s.password ? 'A password is set (portlog passwd changes it).'
		: 'No password: the dashboard answers on loopback only. Set one with portlog passwd to listen on other addresses.'),
		s.password ? PL.el('button', { onclick: async () => { await PL.post('/api/logout', {}); location.href = 'login.html'; } }, 'Log out') : null);
}

async function change(path, fields) {
	try {
		await PL.post(path, fields);
		await load();
	} catch (e) { PL.error(e); }
}

document.addEventListener('DOMContentLoaded', async () => {
	document.getElementById('add').addEventListener('submit', ev => {
		ev.preventDefault();
		change('/api/trust', { cidr: ev.target.elements.cidr.value.trim(), note: ev.target.elements.note.value });
	});
	try {
		const s = await PL.session();
		if (s.logged_in) await load();
	} catch (e) { PL.error(e); }
});
