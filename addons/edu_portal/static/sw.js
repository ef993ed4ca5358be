// This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
// this repository contains the full copyright notices and license terms.
//
// The service worker of the Bilim portal (R4: the timetable and the diary
// stay readable without a network; R27.19 an installable app).
// Served at /<db>/portal/sw.js, scope /<db>/portal/: every path here is
// relative to the registration's scope.
//
// - install: precache the app shell, its translations and icons;
// - the shell: the page from the network, the cached one when offline; the
//   static files from the cache, refreshed in the background;
// - GET api/v1/{timetable,diary,results,me,periods}: the network first, the
//   last answer kept (stamped X-Bilim-Cached-At) and served when the network
//   fails, so the page shows "offline — data from <time>";
// - any other API call and every POST/PUT/PATCH/DELETE: the network only,
//   never cached.
'use strict';

const SHELL_CACHE = 'bilim-portal-shell-v1';
const DATA_CACHE = 'bilim-portal-data-v1';
const SCOPE = self.registration.scope;
const API_ROOT = new URL('api/v1/', SCOPE).pathname;
const OFFLINE_READABLE = /^(timetable|diary|results|me|periods)\/?$/;
const SHELL = [
    '',
    'static/app.js',
    'static/app.css',
    'static/i18n/kk.json',
    'static/i18n/ru.json',
    'static/icons/icon.svg',
    'static/icons/icon-192.png',
    'static/icons/icon-512.png',
    'manifest.webmanifest',
].map((path) => new URL(path, SCOPE).href);

self.addEventListener('install', (event) => {
    event.waitUntil(caches.open(SHELL_CACHE)
        .then((cache) => cache.addAll(SHELL.map(
            (url) => new Request(url, {cache: 'reload'}))))
        .then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
    event.waitUntil(caches.keys()
        .then((names) => Promise.all(names.filter((name) =>
            name.startsWith('bilim-portal-')
            && ![SHELL_CACHE, DATA_CACHE].includes(name))
            .map((name) => caches.delete(name))))
        .then(() => self.clients.claim()));
});

self.addEventListener('message', (event) => {
    // the page logs out: forget the user's data
    if (event.data && event.data.type === 'clear-data') {
        event.waitUntil(caches.delete(DATA_CACHE));
    }
});

self.addEventListener('fetch', (event) => {
    const request = event.request;
    if (request.method !== 'GET') {
        return;  // never cached
    }
    const url = new URL(request.url);
    if (url.origin !== self.location.origin
            || !url.href.startsWith(SCOPE)) {
        return;
    }
    if (url.pathname.startsWith(API_ROOT)) {
        const endpoint = url.pathname.slice(API_ROOT.length);
        if (OFFLINE_READABLE.test(endpoint)) {
            event.respondWith(networkFirst(request));
        }
        return;  // the rest of the API: the network only
    }
    if (request.mode === 'navigate') {
        event.respondWith(shellPage(request));
        return;
    }
    if (SHELL.includes(url.href) || url.pathname.startsWith(
            new URL('static/', SCOPE).pathname)) {
        event.respondWith(staleWhileRevalidate(event, request));
    }
});

// the key of an API answer: its URL without the interface language, so that
// a switch of language offline still finds the data
function dataKey(request) {
    const url = new URL(request.url);
    url.searchParams.delete('lang');
    url.searchParams.sort();
    return url.href;
}

async function networkFirst(request) {
    const key = dataKey(request);
    const cache = await caches.open(DATA_CACHE);
    let response;
    try {
        response = await fetch(request);
    } catch (error) {
        const cached = await cache.match(key, {ignoreVary: true});
        if (cached) {
            return cached;
        }
        return new Response(JSON.stringify({error: {
            code: 'offline', message: '', details: {}}}), {
            status: 503,
            headers: {
                'Content-Type': 'application/json',
                'X-Bilim-Offline': '1',
            },
        });
    }
    if (response.ok) {
        const body = await response.clone().blob();
        const headers = new Headers(response.headers);
        headers.set('X-Bilim-Cached-At', new Date().toISOString());
        await cache.put(key, new Response(body, {
            status: response.status, statusText: response.statusText,
            headers}));
    } else if (response.status === 401 || response.status === 403) {
        // logged out or no longer allowed: nothing kept for this URL
        await cache.delete(key, {ignoreVary: true});
    }
    return response;
}

async function shellPage(request) {
    const cache = await caches.open(SHELL_CACHE);
    try {
        const response = await fetch(request);
        if (response.ok && new URL(request.url).pathname
                === new URL(SCOPE).pathname) {
            await cache.put(SCOPE, response.clone());
        }
        return response;
    } catch (error) {
        const cached = await cache.match(SCOPE, {ignoreSearch: true});
        if (cached) {
            return cached;
        }
        throw error;
    }
}

async function staleWhileRevalidate(event, request) {
    const cache = await caches.open(SHELL_CACHE);
    const cached = await cache.match(request, {ignoreSearch: true});
    const refresh = fetch(request).then(async (response) => {
        if (response.ok) {
            await cache.put(request, response.clone());
        }
        return response;
    });
    if (cached) {
        event.waitUntil(refresh.catch(() => {}));
        return cached;
    }
    return refresh;
}
