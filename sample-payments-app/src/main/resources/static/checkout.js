// The checkout of the sample shop: the client half of the idempotency contract, in plain JavaScript.
//
// - One Idempotency-Key per checkout, made when the checkout opens and kept in sessionStorage, so that every
//   click, every retry and a reload of the same checkout send the same key and the card is charged once.
// - The Buy button is disabled while a request is in flight.
// - A lost connection, a 409 with Retry-After (the first request still runs), a 429 and a 5xx are retried with the same key,
//   after an exponential backoff with full jitter or the server's Retry-After. A 400, a 422 or another 4xx is
//   never retried: the request itself is wrong, and sending it again cannot help.
// - An answer carrying Idempotent-Replayed: true is shown as a replay: the server returned the stored answer of
//   this checkout's first request and charged nothing.
'use strict';

(() => {
	const BASKET = [
		{ name: 'Coffee beans, 1 kg', quantity: 1, price: 1850 },
		{ name: 'Paper filters, pack of 100', quantity: 2, price: 450 },
	];
	const CURRENCY = 'EUR';
	const KEY_STORAGE = 'sample-checkout.idempotency-key';
	const MAX_ATTEMPTS = 6;
	const BASE_DELAY_MS = 250;
	const MAX_DELAY_MS = 8000;
	const MAX_RETRY_AFTER_MS = 30000;

	const page = {
		basket: document.querySelector('#basket tbody'),
		total: document.getElementById('total'),
		buy: document.getElementById('buy'),
		newCheckout: document.getElementById('new-checkout'),
		status: document.getElementById('status'),
		payment: document.getElementById('payment'),
		key: document.getElementById('key'),
		pspAttempts: document.getElementById('psp-attempts'),
		log: document.getElementById('log'),
	};

	const checkout = { key: null, inFlight: false, requests: 0 };

	const total = BASKET.reduce((sum, item) => sum + item.quantity * item.price, 0);
	const description = BASKET.map((item) => item.quantity + ' x ' + item.name).join(', ');
	// the same bytes on every attempt: a retry must match the first request's fingerprint
	const paymentBody = JSON.stringify({ amount: total, currency: CURRENCY, description: description });

	function money(minorUnits) {
		return (minorUnits / 100).toFixed(2) + ' ' + CURRENCY;
	}

	// A random (version 4) UUID. crypto.randomUUID() exists only in secure contexts, and the demo may be served
	// over plain http from another host; getRandomValues() works everywhere.
	function newKey() {
		const bytes = crypto.getRandomValues(new Uint8Array(16));
		bytes[6] = (bytes[6] & 0x0f) | 0x40;
		bytes[8] = (bytes[8] & 0x3f) | 0x80;
		const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
		return hex.slice(0, 8) + '-' + hex.slice(8, 12) + '-' + hex.slice(12, 16) + '-' + hex.slice(16, 20) + '-'
			+ hex.slice(20);
	}

	function openCheckout(fresh) {
		let key = fresh ? null : sessionStorage.getItem(KEY_STORAGE);
		if (!key) {
			key = newKey();
			sessionStorage.setItem(KEY_STORAGE, key);
		}
		checkout.key = key;
		checkout.requests = 0;
		page.key.textContent = key;
		page.log.replaceChildren();
		page.payment.className = 'empty';
		page.payment.textContent = 'No payment yet.';
		showStatus('Ready.');
	}

	function showBasket() {
		for (const item of BASKET) {
			const row = page.basket.insertRow();
			row.insertCell().textContent = item.name;
			const quantity = row.insertCell();
			quantity.textContent = item.quantity;
			quantity.className = 'number';
			const price = row.insertCell();
			price.textContent = money(item.quantity * item.price);
			price.className = 'number';
		}
		page.total.textContent = money(total);
		page.buy.textContent = 'Buy for ' + money(total);
	}

	function showStatus(text, isError) {
		page.status.textContent = text;
		page.status.className = isError ? 'error' : '';
	}

	function setInFlight(inFlight) {
		checkout.inFlight = inFlight;
		page.buy.disabled = inFlight;
		page.newCheckout.disabled = inFlight;
	}

	function logRequest() {
		checkout.requests += 1;
		const entry = document.createElement('li');
		entry.dataset.outcome = 'in-flight';
		entry.textContent = 'POST /payments: sent';
		page.log.append(entry);
		return entry;
	}

	function logAnswer(entry, answer, retryInMs) {
		let text;
		if (answer.kind === 'network') {
			entry.dataset.outcome = 'network-failure';
			entry.className = 'failure';
			text = 'connection lost (' + answer.error.message + ')';
		}
		else {
			entry.dataset.outcome = String(answer.status);
			entry.dataset.replayed = String(answer.replayed);
			if (answer.body && answer.body.id) {
				entry.dataset.paymentId = answer.body.id;
			}
			entry.className = answer.replayed ? 'replayed' : (answer.status >= 400 ? 'failure' : '');
			text = answer.status + (answer.body && answer.body.id ? ', payment ' + answer.body.id : '')
				+ (answer.body && answer.body.title ? ', ' + answer.body.title : '')
				+ (answer.replayed ? ', replayed' : '');
		}
		if (retryInMs !== null) {
			text += '; retry in ' + (retryInMs / 1000).toFixed(1) + ' s with the same key';
		}
		entry.textContent = 'POST /payments: ' + text;
	}

	async function send() {
		try {
			const response = await fetch('payments', {
				method: 'POST',
				headers: {
					'Content-Type': 'application/json',
					'Accept': 'application/json, application/problem+json',
					'Idempotency-Key': checkout.key,
				},
				body: paymentBody,
				credentials: 'same-origin',
				cache: 'no-store',
			});
			// a connection lost after the headers fails here, while the body is read
			const text = await response.text();
			return {
				kind: 'http',
				status: response.status,
				replayed: response.headers.get('Idempotent-Replayed') === 'true',
				retryAfter: response.headers.get('Retry-After'),
				body: parseJson(text),
			};
		}
		catch (error) {
			return { kind: 'network', error: error };
		}
	}

	function parseJson(text) {
		try {
			return JSON.parse(text);
		}
		catch (error) {
			return null;
		}
	}

	// How long to wait before the next attempt, or null when the answer is final.
	function retryDelay(answer, attempt) {
		if (attempt >= MAX_ATTEMPTS) {
			return null;
		}
		const backoff = Math.random() * Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (attempt - 1));
		if (answer.kind === 'network') {
			return backoff;
		}
		const status = answer.status;
		const retryAfter = retryAfterMs(answer.retryAfter);
		// a 409 without Retry-After is a conflict of the request itself, not "still running"
		if ((status === 409 && retryAfter !== null) || status === 429 || status >= 500) {
			return (retryAfter !== null) ? Math.min(retryAfter, MAX_RETRY_AFTER_MS) : backoff;
		}
		return null;
	}

	// Retry-After in delay-seconds or as an HTTP date.
	function retryAfterMs(value) {
		if (!value) {
			return null;
		}
		if (/^\d+$/.test(value.trim())) {
			return Number(value.trim()) * 1000;
		}
		const date = Date.parse(value);
		return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
	}

	function sleep(ms) {
		return new Promise((resolve) => setTimeout(resolve, ms));
	}

	async function payWithRetries() {
		for (let attempt = 1; ; attempt++) {
			showStatus(attempt === 1 ? 'Paying…' : 'Paying… attempt ' + attempt + ', same key');
			const entry = logRequest();
			const answer = await send();
			const delay = retryDelay(answer, attempt);
			logAnswer(entry, answer, delay);
			if (delay === null) {
				return answer;
			}
			showStatus((answer.kind === 'network' ? 'Connection lost' : 'Server busy (' + answer.status + ')')
				+ '; retrying with the same key…');
			await sleep(delay);
		}
	}

	function showAnswer(answer) {
		if (answer.kind === 'network') {
			showStatus('The server could not be reached. Your card may have been charged: click Buy again to find out,'
				+ ' it will not be charged twice.', true);
			return;
		}
		const body = answer.body || {};
		if (answer.status === 200 || answer.status === 201) {
			showPayment(body, answer.replayed);
			showStatus(answer.replayed
				? 'Already paid: the server replayed the answer to this checkout\'s first request; nothing was charged again.'
				: 'Paid.');
			return;
		}
		if (answer.status === 401) {
			showStatus('Not signed in: reload the page and sign in as alice or bob.', true);
			return;
		}
		page.payment.className = 'failed';
		page.payment.replaceChildren(line(strong(body.title || ('HTTP ' + answer.status)), replayBadge(answer.replayed)),
			line(document.createTextNode(body.detail || '')), line(small(body.type || '')));
		showStatus('Payment not taken (' + answer.status + ').', true);
	}

	function showPayment(payment, replayed) {
		page.payment.className = '';
		page.payment.dataset.paymentId = payment.id;
		page.payment.replaceChildren(
				line(strong(money(payment.amount) + ' ' + (payment.status || '').toLowerCase()), replayBadge(replayed)),
				line(document.createTextNode(payment.description || '')),
				line(small('payment ' + payment.id)));
	}

	function replayBadge(replayed) {
		if (!replayed) {
			return document.createTextNode('');
		}
		const badge = document.createElement('span');
		badge.className = 'badge';
		badge.id = 'replayed';
		badge.textContent = 'replayed';
		badge.title = 'Idempotent-Replayed: true. The server sent back the stored answer; nothing ran again.';
		return badge;
	}

	function line(...children) {
		const div = document.createElement('div');
		div.append(...children);
		return div;
	}

	function strong(text) {
		const element = document.createElement('strong');
		element.textContent = text;
		return element;
	}

	function small(text) {
		const element = document.createElement('small');
		element.textContent = text;
		return element;
	}

	// Opening the checkout asks for the PSP counter, an authenticated call: the browser asks the user to sign in
	// now rather than in the middle of the first payment.
	async function refreshPspAttempts() {
		try {
			const response = await fetch('psp/attempts', { credentials: 'same-origin', cache: 'no-store' });
			if (response.status === 401) {
				page.pspAttempts.textContent = '?';
				showStatus('Not signed in: reload the page and sign in as alice or bob.', true);
				return;
			}
			const body = await response.json();
			page.pspAttempts.textContent = String(body.attempts);
		}
		catch (error) {
			page.pspAttempts.textContent = '?';
		}
	}

	async function buy() {
		// the disabled button already stops a second click; this also stops a click queued before it was disabled
		if (checkout.inFlight) {
			return;
		}
		setInFlight(true);
		try {
			showAnswer(await payWithRetries());
		}
		finally {
			// the counter first: an enabled button means the checkout has settled
			await refreshPspAttempts();
			setInFlight(false);
		}
	}

	page.buy.addEventListener('click', buy);
	page.newCheckout.addEventListener('click', () => openCheckout(true));
	showBasket();
	openCheckout(false);
	refreshPspAttempts();
})();
