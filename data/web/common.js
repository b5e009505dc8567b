/* common.js - what every page of the dashboard shares.
 *
 * Everything shown comes from firewall logs and peek captures, so from
 * attackers: it only ever enters the page as text (textContent, text nodes,
 * encodeURIComponent in our own relative links), never as HTML. */
'use strict';

const PL = {
	csrf: null,

	/* el('td', {class: 'n'}, 'text', otherNode) */
	el(tag, attrs, ...kids) {
		const e = document.createElement(tag);
		for (const [k, v] of Object.entries(attrs || {})) {
			if (v === null || v === undefined) continue;
			if (k === 'class') e.className = v;
			else if (k === 'onclick') e.addEventListener('click', v);
			else e.setAttribute(k, String(v));
		}
		for (const k of kids) {
			if (k === null || k === undefined) continue;
			e.append(k instanceof Node ? k : document.createTextNode(String(k)));
		}
		return e;
	},

	/* A link to one of our pages: fixed page name, escaped query values. */
	link(page, params, text) {
		const q = Object.entries(params).map(([k, v]) =>
			encodeURIComponent(k) + '=' + encodeURIComponent(String(v))).join('&');
		return PL.el('a', { href: page + (q ? '?' + q : '') }, text);
	},
	sourceLink(addr) {
		return addr ? PL.link('source.html', { addr }, addr) : '-';
	},
	portLink(port, text) {
		return port >= 0 ? PL.link('port.html', { port }, text || String(port)) : (text || '-');
	},

	param(name) {
		return new URLSearchParams(location.search).get(name);
	},

	time(iso) {
		return iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, '').replace('Z', '') : '-';
	},
	num(n) {
		return n === null || n === undefined ? '-' : Number(n).toLocaleString('en-US');
	},

	async session() {
		const r = await fetch('/api/session', { credentials: 'same-origin' });
		const s = await r.json();
		if (!s.logged_in) {
			if (!location.pathname.endsWith('login.html')) location.href = 'login.html';
			return s;
		}
		PL.csrf = s.csrf;
		return s;
	},

	async get(path) {
		const r = await fetch(path, { credentials: 'same-origin' });
		if (r.status === 401) {
			location.href = 'login.html';
			throw new Error('log in first');
		}
		const j = await r.json();
		if (!r.ok) throw new Error(j.error || r.statusText);
		return j;
	},

	async post(path, fields, method) {
		const r = await fetch(path, {
			method: method || 'POST',
			credentials: 'same-origin',
			headers: { 'X-CSRF-Token': PL.csrf || '',
				   'Content-Type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams(fields).toString(),
		});
		const j = await r.json();
		if (!r.ok) throw new Error(j.error || r.statusText);
		return j;
	},

	/* A comma list ("21,113,158" or addresses) that may break after each
	 * comma and nowhere else: text with <wbr> between the items. */
	commaList(s) {
		const parts = String(s || '').split(',');
		const out = PL.el('span', {});
		parts.forEach((p, i) => {
			out.append(document.createTextNode(i < parts.length - 1 ? p + ',' : p));
			if (i < parts.length - 1) out.append(document.createElement('wbr'));
		});
		return out;
	},

	/* A table: cols = [[heading, row => cell (text or node), class]] */
	table(cols, rows, empty) {
		if (!rows || !rows.length) return PL.el('p', { class: 'empty' }, empty || 'Nothing here.');
		const head = PL.el('tr', {}, ...cols.map(c => PL.el('th', { class: c[2] }, c[0])));
		const body = rows.map(r => PL.el('tr', {}, ...cols.map(c => PL.el('td', { class: c[2] }, c[1](r)))));
		return PL.el('table', {}, PL.el('thead', {}, head), PL.el('tbody', {}, ...body));
	},

	/* A figure with its label under it; cls 'blocked' or 'allowed' colours it. */
	card(label, value, cls) {
		return PL.el('div', { class: 'card ' + (cls || '') }, PL.el('div', { class: 'v' }, value),
			PL.el('div', { class: 'l' }, label));
	},

	/* Replace id's children; null and undefined are left out, as el() does
	 * (replaceChildren would show them as the text "null"). */
	fill(id, ...nodes) {
		const box = document.getElementById(id);
		box.replaceChildren(...nodes.filter(n => n !== null && n !== undefined));
		return box;
	},

	error(e) {
		const box = document.getElementById('error');
		if (box) box.replaceChildren(PL.el('p', { class: 'error' }, String(e.message || e)));
	},

	eventCells() {
		return [
			['Time (UTC)', e => PL.time(e.time)],
			['Action', e => PL.el('span', { class: 'tag ' + e.action }, e.action)],
			['Dir', e => e.direction],
			['Proto', e => e.proto_name || (e.proto === null ? '-' : e.proto)],
			['Source', e => PL.sourceLink(e.src)],
			['SPort', e => e.sport === null ? '-' : e.sport, 'n'],
			['Destination', e => e.dst || '-'],
			['DPort', e => e.dport === null ? '-' : PL.portLink(e.dport), 'n'],
			['Trusted', e => e.trusted ? 'yes' : ''],
			['Device', e => e.device || '-'],
			['Rule / prefix', e => e.rule || '-'],
			['Format', e => e.format || '-'],
		];
	},
};

document.addEventListener('DOMContentLoaded', () => {
	const here = location.pathname.replace(/^\//, '') || 'index.html';
	for (const a of document.querySelectorAll('nav a'))
		if (a.getAttribute('href') === here) a.classList.add('here');
});
