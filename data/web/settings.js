/* settings.js - home networks (add and remove those stored in the database;
 * those of portlog.conf or --home-net are shown only), trusted networks (add
 * and remove), access (password, log out). */
'use strict';

async function load() {
	const s = await PL.get('/api/settings');
	const home = s.home_networks;
	PL.fill('home', PL.table([
		['Network', h => h.cidr],
		['From', h => h.removable ? 'added here' : h.from],
		['Note', h => h.note || ''],
		['Added (UTC)', h => h.added ? PL.time(h.added) : '-'],
		['', h => h.removable
			? PL.el('button', { class: 'home-rm', 'data-cidr': h.cidr, onclick: () => homeChange('DELETE', { cidr: h.cidr }) }, 'Remove')
			: PL.el('span', { class: 'sub' }, 'fixed')],
	], home, 'None set: directions follow what each log format says.'));
	const fromFlag = s.home_from === 'serve --home-net';
	PL.fill('home-why', !home.some(h => !h.removable) ? '' : fromFlag
		? 'Networks from serve --home-net cannot be removed here: they are on serve\'s command line. ' +
		  'Change it there and restart serve.'
		: 'Networks from portlog.conf cannot be removed here: the dashboard does not rewrite your ' +
		  'configuration file. Change home_net in [network] of portlog.conf and reload serve (SIGHUP).');
	PL.fill('trusted', PL.table([
		['Network', t => t.cidr],
		['Note', t => t.note || ''],
		['Added (UTC)', t => PL.time(t.added)],
		['', t => PL.el('button', { onclick: () => change('/api/untrust', { cidr: t.cidr }) }, 'Remove')],
	], s.trusted, 'Nothing is trusted.'));
	PL.fill('access', PL.el('p', {}, s.password ? 'A password is set (portlog passwd changes it).'
		: 'No password: the dashboard answers on loopback only. Set one with portlog passwd to listen on other addresses.'),
		...(s.password ? [PL.el('button', { onclick: async () => { await PL.post('/api/logout', {}); location.href = 'login.html'; } }, 'Log out')] : []));
}

/* Add (POST) or remove (DELETE) a stored home network; errors beside the form. */
async function homeChange(method, fields) {
	PL.fill('home-error');
	try {
		await PL.post('/api/homenet', fields, method);
		await load();
		return true;
	} catch (e) {
		PL.fill('home-error', PL.el('p', { class: 'error' }, String(e.message || e)));
		return false;
	}
}

async function change(path, fields) {
	try {
		await PL.post(path, fields);
		await load();
	} catch (e) { PL.error(e); }
}

document.addEventListener('DOMContentLoaded', async () => {
	document.getElementById('home-add').addEventListener('submit', async ev => {
		ev.preventDefault();
		const f = ev.target.elements;
		if (await homeChange('POST', { cidr: f.cidr.value.trim(), note: f.note.value })) {
			f.cidr.value = '';
			f.note.value = '';
		}
	});
	document.getElementById('add').addEventListener('submit', ev => {
		ev.preventDefault();
		change('/api/trust', { cidr: ev.target.elements.cidr.value.trim(), note: ev.target.elements.note.value });
	});
	try {
		const s = await PL.session();
		if (s.logged_in) await load();
	} catch (e) { PL.error(e); }
});
