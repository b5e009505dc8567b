/* login.js - the password form. */
'use strict';

document.addEventListener('DOMContentLoaded', async () => {
	const s = await (await fetch('/api/session')).json();
	if (s.logged_in) location.href = 'index.html';
	document.getElementById('login').addEventListener('submit', async ev => {
		ev.preventDefault();
		try {
			await PL.post('/api/login', { password: ev.target.elements.password.value });
			location.href = 'index.html';
		} catch (e) { PL.error(e); }
	});
});
