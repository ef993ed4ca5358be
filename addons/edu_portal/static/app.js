// This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
// this repository contains the full copyright notices and license terms.
//
// The Bilim portal (R27.19 the learners' and parents' app, R27.12 the
// journal, R27.11 homework, R27.16 feedback, R17 Kazakh and Russian, R4
// offline reading, R5.2/R5.6 a standard browser, no plug-in).
//
// Vanilla JavaScript, no framework, no build step.  Every URL is relative to
// the portal's root (/<db>/portal/) so the files work under any database.
// The REST API is /tmp/prompts/api.md's contract: <root>api/v1/...
// Every visible string comes from static/i18n/<lang>.json through t()
// or a data-i18n attribute (tests/test_portal_i18n.py checks the keys).

'use strict';

// -- roots --------------------------------------------------------------------

// /<db>/portal/ whatever the page's path below it
const ROOT = (() => {
    const path = location.pathname;
    const at = path.indexOf('/portal');
    return at >= 0 ? path.slice(0, at) + '/portal/' : path.replace(/[^/]*$/, '');
})();
const API = ROOT + 'api/v1';
const LANGS = ['kk', 'ru'];
const LANG_KEY = 'bilim.portal.lang';
const CHILD_KEY = 'bilim.portal.child';
// the cache of the service worker that keeps the API's answers (sw.js)
const DATA_CACHE = 'bilim-portal-data-v1';
const TEACHING_ROLES = ['teacher', 'tutor', 'methodist', 'director', 'deputy'];

const state = {
    lang: 'kk',
    dict: {},
    me: null,
    childId: null,
    firstRender: true,
    // the render in progress: a newer one cancels the output of an older
    renderSeq: 0,
};

// -- i18n ---------------------------------------------------------------------

// the text of key in the current language, {name} replaced by params.name
function t(key, params) {
    let text = state.dict[key];
    if (text === undefined) {
        console.warn('missing translation', key);
        text = key;
    }
    if (params) {
        text = text.replace(/\{(\w+)\}/g, (m, name) =>
            params[name] === undefined || params[name] === null
                ? '' : String(params[name]));
    }
    return text;
}

async function loadDict(lang) {
    const response = await fetch(ROOT + `static/i18n/${lang}.json`);
    if (!response.ok) {
        throw new Error(`i18n ${lang}: ${response.status}`);
    }
    return response.json();
}

function applyStaticTexts() {
    document.documentElement.lang = state.lang;
    document.title = t('app_name');
    for (const el of document.querySelectorAll('[data-i18n]')) {
        el.textContent = t(el.dataset.i18n);
    }
    for (const button of document.querySelectorAll('.lang-btn')) {
        const on = button.dataset.lang === state.lang;
        button.setAttribute('aria-pressed', String(on));
        button.setAttribute('aria-label', button.dataset.lang === 'kk'
            ? t('lang_kk') : t('lang_ru'));
    }
}

async function setLang(lang, {remember = true, tellServer = true} = {}) {
    if (!LANGS.includes(lang)) {
        return;
    }
    state.dict = await loadDict(lang);
    state.lang = lang;
    if (remember) {
        localStorage.setItem(LANG_KEY, lang);
    }
    applyStaticTexts();
    if (tellServer && state.me) {
        try {
            await api('PUT', '/me/language', {language: lang});
            state.me.language = lang;
        } catch (error) {
            announce(errorText(error));
        }
    }
}

// -- DOM helpers --------------------------------------------------------------

// h('div', {class: 'x', onclick: fn}, child, ...) — text children are text
// nodes, never HTML
function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
        if (value === undefined || value === null || value === false) {
            continue;
        }
        if (name.startsWith('on') && typeof value === 'function') {
            el.addEventListener(name.slice(2), value);
        } else if (name === 'dataset') {
            Object.assign(el.dataset, value);
        } else if (value === true) {
            el.setAttribute(name, '');
        } else {
            el.setAttribute(name, String(value));
        }
    }
    for (const child of children.flat(Infinity)) {
        if (child === undefined || child === null || child === false) {
            continue;
        }
        el.append(child instanceof Node ? child : document.createTextNode(
            String(child)));
    }
    return el;
}

function announce(text) {
    const live = document.getElementById('live');
    live.textContent = '';
    // a new node so that screen readers read the same text twice
    setTimeout(() => { live.textContent = text; }, 30);
}

function nameOf(value) {
    if (value === undefined || value === null) {
        return '';
    }
    if (typeof value === 'object') {
        return value.name || value.title || value.login || '';
    }
    return String(value);
}

function idOf(value) {
    return value && typeof value === 'object' ? value.id : value;
}

// -- dates --------------------------------------------------------------------

function pad(n) {
    return String(n).padStart(2, '0');
}

function isoDate(date) {
    return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

function parseDate(text) {
    const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(text || '');
    return m ? new Date(+m[1], +m[2] - 1, +m[3]) : null;
}

function addDays(date, days) {
    const copy = new Date(date);
    copy.setDate(copy.getDate() + days);
    return copy;
}

function mondayOf(date) {
    const day = (date.getDay() + 6) % 7;
    return addDays(date, -day);
}

function today() {
    const now = new Date();
    return new Date(now.getFullYear(), now.getMonth(), now.getDate());
}

// month and weekday names from the translations: the browsers' own locale
// data for Kazakh is often missing (Chromium shows "M11 27")
function monthName(index) {
    return [t('month_1'), t('month_2'), t('month_3'), t('month_4'),
        t('month_5'), t('month_6'), t('month_7'), t('month_8'), t('month_9'),
        t('month_10'), t('month_11'), t('month_12')][index];
}

function weekdayName(date) {
    return [t('weekday_7'), t('weekday_1'), t('weekday_2'), t('weekday_3'),
        t('weekday_4'), t('weekday_5'), t('weekday_6')][date.getDay()];
}

// "27 November 2026" in the current language; withYear false drops the year
function fmtDate(text, withYear = true) {
    const date = typeof text === 'string' ? parseDate(text) : text;
    if (!date) {
        return text || '';
    }
    const parts = {day: date.getDate(), month: monthName(date.getMonth()),
        year: date.getFullYear()};
    return withYear ? t('format_date', parts) : t('format_day_month', parts);
}

// "Friday, 27 November"
function fmtDay(text) {
    const date = typeof text === 'string' ? parseDate(text) : text;
    if (!date) {
        return text || '';
    }
    return t('format_weekday_date', {weekday: weekdayName(date),
        day: date.getDate(), month: monthName(date.getMonth())});
}

function fmtShort(text) {
    const date = parseDate(text);
    return date ? `${pad(date.getDate())}.${pad(date.getMonth() + 1)}` : '';
}

// "27 November, 14:06" of an ISO date-time, in the browser's time zone
function fmtDateTime(text) {
    if (!text) {
        return '';
    }
    const date = new Date(text);
    if (Number.isNaN(date.getTime())) {
        return String(text);
    }
    return t('format_datetime', {day: date.getDate(),
        month: monthName(date.getMonth()), year: date.getFullYear(),
        time: `${pad(date.getHours())}:${pad(date.getMinutes())}`});
}

function fmtTime(text) {
    if (!text) {
        return '';
    }
    const m = /(\d{1,2}):(\d{2})/.exec(String(text));
    return m ? `${pad(m[1])}:${m[2]}` : String(text);
}

// -- the API ------------------------------------------------------------------

class ApiError extends Error {
    constructor(status, code, message, details) {
        super(message || code);
        this.status = status;
        this.code = code;
        this.details = details;
    }
}

function errorText(error) {
    if (error instanceof ApiError) {
        if (error.code === 'network') {
            return t('error_network');
        }
        return error.message || t('error_generic');
    }
    return t('error_generic');
}

// call the API; path starts with '/', query is an object, body JSON or a
// FormData.  Answers from the service worker's cache show the offline banner.
async function api(method, path, body, query) {
    const url = new URL(API + path, location.href);
    for (const [name, value] of Object.entries(query || {})) {
        if (value !== undefined && value !== null && value !== '') {
            url.searchParams.set(name, value);
        }
    }
    url.searchParams.set('lang', state.lang);
    const headers = {
        'Accept': 'application/json',
        'X-Requested-With': 'bilim',
    };
    let payload;
    if (body instanceof FormData) {
        payload = body;
    } else if (body !== undefined) {
        headers['Content-Type'] = 'application/json';
        payload = JSON.stringify(body);
    }
    let response;
    try {
        response = await fetch(url, {
            method, headers, body: payload, credentials: 'same-origin',
            cache: 'no-store'});
    } catch (error) {
        showOffline(null);
        throw new ApiError(0, 'network', t('error_network'));
    }
    const cachedAt = response.headers.get('X-Bilim-Cached-At');
    if (method === 'GET') {
        if (cachedAt) {
            showOffline(cachedAt);
        } else if (response.status !== 503 || response.ok) {
            hideOffline();
        }
    }
    let data = null;
    const text = await response.text();
    if (text) {
        try {
            data = JSON.parse(text);
        } catch (error) {
            data = null;
        }
    }
    if (!response.ok) {
        const err = (data && data.error) || {};
        if (response.status === 503 && response.headers.get(
                'X-Bilim-Offline')) {
            showOffline(null);
            throw new ApiError(0, 'network', t('error_network'));
        }
        throw new ApiError(response.status, err.code || String(response.status),
            err.message || t('error_generic'), err.details);
    }
    return data;
}

function showOffline(cachedAt) {
    const banner = document.getElementById('offline-banner');
    banner.textContent = cachedAt
        ? t('offline_data_from', {time: fmtDateTime(cachedAt)})
        : t('offline');
    banner.dataset.cachedAt = cachedAt || '';
    banner.hidden = false;
}

function hideOffline() {
    const banner = document.getElementById('offline-banner');
    if (navigator.onLine !== false) {
        banner.hidden = true;
    }
}

// -- session ------------------------------------------------------------------

function roles() {
    return (state.me && state.me.roles) || [];
}

function isTeacher() {
    return roles().some((role) => TEACHING_ROLES.includes(role));
}

function isLearner() {
    return roles().includes('learner');
}

function isParent() {
    return roles().includes('parent')
        || ((state.me && state.me.children) || []).length > 0;
}

// the learner whose diary is shown: the user for a learner, the chosen child
// for a parent
function currentLearner() {
    if (isParent() && state.childId) {
        return state.childId;
    }
    if (isLearner() && state.me.person) {
        return state.me.person.id;
    }
    return state.childId;
}

function currentLearnerName() {
    const child = ((state.me && state.me.children) || []).find(
        (c) => String(c.id) === String(state.childId));
    if (isParent() && child) {
        return child.name;
    }
    return state.me && state.me.person ? state.me.person.name : '';
}

function setupChildren() {
    const picker = document.getElementById('child-picker');
    const select = document.getElementById('child-select');
    const children = (state.me && state.me.children) || [];
    select.replaceChildren(...children.map((child) => h('option',
        {value: child.id}, child.class
            ? `${child.name} (${nameOf(child.class)})` : child.name)));
    if (!children.length) {
        picker.hidden = true;
        state.childId = null;
        return;
    }
    const stored = localStorage.getItem(CHILD_KEY);
    const chosen = children.find((c) => String(c.id) === stored)
        || children[0];
    state.childId = chosen.id;
    select.value = String(chosen.id);
    picker.hidden = false;
}

async function loadMe() {
    try {
        state.me = await api('GET', '/me');
    } catch (error) {
        if (error instanceof ApiError && error.status === 401) {
            state.me = null;
            return null;
        }
        throw error;
    }
    setupChildren();
    return state.me;
}

async function logout() {
    try {
        await api('DELETE', '/session');
    } catch (error) {
        // logged out locally anyway
    }
    state.me = null;
    state.childId = null;
    // the diary and marks kept for offline reading are the user's: forget them
    if (window.caches) {
        await caches.delete(DATA_CACHE).catch(() => {});
    }
    localStorage.removeItem(CHILD_KEY);
    renderChrome();
    location.hash = '#/login';
}

// -- chrome: navigation and header --------------------------------------------

function navItems() {
    const items = [];
    if (isTeacher()) {
        items.push(['today', t('nav_today')], ['journal', t('nav_journal')],
            ['timetable', t('nav_timetable')], ['inbox', t('nav_inbox')],
            ['plans', t('nav_plans')]);
    }
    if (isLearner() || isParent()) {
        items.push(['diary', t('nav_diary')]);
        if (!isTeacher()) {
            items.push(['timetable', t('nav_timetable')]);
        }
        items.push(['marks', t('nav_marks')],
            ['attendance', t('nav_attendance')],
            ['results', t('nav_results')]);
    }
    items.push(['announcements', t('nav_announcements')]);
    if (isTeacher() || isParent()) {
        items.push(['messages', t('nav_messages')]);
    }
    return items;
}

function renderChrome() {
    const nav = document.getElementById('main-nav');
    const list = document.getElementById('nav-list');
    const logoutButton = document.getElementById('logout');
    const userName = document.getElementById('user-name');
    if (!state.me) {
        nav.hidden = true;
        logoutButton.hidden = true;
        userName.textContent = '';
        document.getElementById('child-picker').hidden = true;
        return;
    }
    const route = parseRoute().name;
    list.replaceChildren(...navItems().map(([name, label]) => h('li', {},
        h('a', {href: `#/${name}`, dataset: {route: name},
            'aria-current': route === name ? 'page' : null}, label))));
    nav.hidden = false;
    logoutButton.hidden = false;
    userName.textContent = state.me.name || state.me.login || '';
    document.getElementById('child-picker').hidden = !(
        isParent() && (state.me.children || []).length);
}

function defaultRoute() {
    if (!state.me) {
        return 'login';
    }
    if (isTeacher()) {
        return 'today';
    }
    if (isLearner() || isParent()) {
        return 'diary';
    }
    return 'announcements';
}

// -- router -------------------------------------------------------------------

function parseRoute() {
    const hash = location.hash.replace(/^#\/?/, '');
    const [path, query] = hash.split('?');
    const parts = path.split('/').filter(Boolean);
    return {
        name: parts[0] || '',
        arg: parts[1] || null,
        params: new URLSearchParams(query || ''),
    };
}

function go(name, params) {
    const query = params ? new URLSearchParams(params).toString() : '';
    const hash = `#/${name}${query ? '?' + query : ''}`;
    if (location.hash === hash) {
        render();
    } else {
        location.hash = hash;
    }
}

const VIEWS = {
    login: viewLogin,
    today: viewToday,
    journal: viewJournal,
    inbox: viewInbox,
    plans: viewPlans,
    timetable: viewTimetable,
    diary: viewDiary,
    marks: viewMarks,
    attendance: viewAttendance,
    results: viewResults,
    announcements: viewAnnouncements,
    messages: viewMessages,
};

async function render() {
    const seq = ++state.renderSeq;
    const route = parseRoute();
    if (!state.me && route.name !== 'login') {
        location.replace('#/login');
        return;
    }
    if (state.me && (!route.name || route.name === 'login'
            || !VIEWS[route.name])) {
        location.replace('#/' + defaultRoute());
        return;
    }
    renderChrome();
    const main = document.getElementById('main');
    main.setAttribute('aria-busy', 'true');
    let content;
    try {
        content = await VIEWS[route.name](route);
    } catch (error) {
        if (error instanceof ApiError && error.status === 401
                && route.name !== 'login') {
            state.me = null;
            renderChrome();
            location.replace('#/login');
            return;
        }
        if (!(error instanceof ApiError)) {
            console.error(error);
        }
        content = h('section', {},
            h('h1', {tabindex: '-1'}, t('error_title')),
            h('p', {class: 'alert alert-error', role: 'alert'},
                errorText(error)));
    }
    if (seq !== state.renderSeq) {
        return;
    }
    main.replaceChildren(content);
    main.removeAttribute('aria-busy');
    main.dataset.view = route.name;
    // the language the page was drawn in (a switch redraws it)
    main.dataset.lang = state.lang;
    main.dataset.render = String(seq);
    if (!state.firstRender) {
        const title = main.querySelector('h1');
        if (title) {
            title.setAttribute('tabindex', '-1');
            title.focus({preventScroll: false});
        }
    }
    state.firstRender = false;
}

// -- login --------------------------------------------------------------------

async function viewLogin() {
    const error = h('div', {id: 'login-error', class: 'alert alert-error',
        role: 'alert', hidden: true});
    const totpField = h('div', {class: 'field', id: 'totp-field',
        hidden: true},
        h('label', {for: 'totp'}, t('login_totp')),
        h('input', {id: 'totp', name: 'totp', type: 'text',
            inputmode: 'numeric', autocomplete: 'one-time-code',
            pattern: '[0-9]*', maxlength: '8'}),
        h('p', {class: 'muted', id: 'totp-help'}, t('login_totp_help')));
    const submit = h('button', {type: 'submit', class: 'btn'},
        t('login_submit'));
    const form = h('form', {class: 'login-card', id: 'login-form',
        novalidate: true},
        h('h1', {}, t('login_title')),
        h('div', {class: 'field'},
            h('label', {for: 'login'}, t('login_login')),
            h('input', {id: 'login', name: 'login', type: 'text',
                autocomplete: 'username', autocapitalize: 'none',
                required: true})),
        h('div', {class: 'field'},
            h('label', {for: 'password'}, t('login_password')),
            h('input', {id: 'password', name: 'password', type: 'password',
                autocomplete: 'current-password', required: true})),
        totpField, error, submit);
    form.addEventListener('submit', async (event) => {
        event.preventDefault();
        error.hidden = true;
        const body = {
            login: form.login.value.trim(),
            password: form.password.value,
        };
        if (!body.login || !body.password) {
            error.textContent = t('login_missing');
            error.hidden = false;
            return;
        }
        if (!totpField.hidden && form.totp.value.trim()) {
            body.totp = form.totp.value.trim();
        }
        submit.disabled = true;
        try {
            const answer = await api('POST', '/session', body);
            state.me = (answer && answer.me) || null;
            await loadMe();
            // the user's own language, as kept on the server
            if (state.me && LANGS.includes(state.me.language)
                    && state.me.language !== state.lang) {
                await setLang(state.me.language, {tellServer: false});
            }
            location.hash = '#/' + defaultRoute();
        } catch (err) {
            if (err instanceof ApiError && err.code === 'totp_required') {
                totpField.hidden = false;
                error.textContent = err.message || t('login_totp_help');
                form.totp.focus();
            } else if (err instanceof ApiError && err.status === 429) {
                error.textContent = err.message || t('login_throttled');
            } else if (err instanceof ApiError && err.status === 401) {
                error.textContent = err.message || t('login_failed');
            } else {
                error.textContent = errorText(err);
            }
            error.hidden = false;
        } finally {
            submit.disabled = false;
        }
    });
    return form;
}

// -- teacher: today -----------------------------------------------------------

async function viewToday(route) {
    const date = route.params.get('date') || isoDate(today());
    const lessons = await api('GET', '/teacher/today', undefined, {date}) || [];
    const picker = h('input', {type: 'date', id: 'today-date', value: date,
        onchange: (e) => go('today', {date: e.target.value})});
    return h('section', {'aria-labelledby': 'today-title'},
        h('h1', {id: 'today-title'}, t('today_title')),
        h('div', {class: 'form-row'}, h('div', {class: 'field'},
            h('label', {for: 'today-date'}, t('date')), picker)),
        h('p', {class: 'muted'}, fmtDay(date)),
        lessons.length ? h('ul', {class: 'cards'}, lessons.map((lesson) =>
            h('li', {class: 'card lesson-card'},
                h('h2', {}, `${fmtTime(lesson.start)}–${fmtTime(lesson.end)} `
                    + `${nameOf(lesson.class)} · ${nameOf(lesson.subject)}`),
                h('p', {class: 'meta'},
                    [lesson.room ? t('room_n', {room: nameOf(lesson.room)})
                        : null, lesson.topic ? t('topic_x', {
                            topic: lesson.topic}) : null]
                        .filter(Boolean).join(' · ')),
                h('div', {class: 'form-row'},
                    h('a', {class: 'btn btn-quiet', href: '#/journal?' +
                        new URLSearchParams({class: idOf(lesson.class),
                            subject: idOf(lesson.subject)}).toString()},
                    t('open_journal')),
                    safeUrl(lesson.conference_url) ? h('a', {class: 'btn',
                        href: safeUrl(lesson.conference_url), target: '_blank',
                        rel: 'noopener noreferrer'},
                    t('join_conference')) : null))))
            : h('p', {class: 'empty'}, t('no_lessons')));
}

// -- teacher: the journal -----------------------------------------------------

const ATTENDANCE_KEYS = {
    'н': 'absent', 'n': 'absent',
    'с': 'sick', 's': 'sick',
    'к': 'late', 'l': 'late',
    'у': 'absent_excused', 'e': 'absent_excused',
};

function attendanceShort(value) {
    switch (value) {
        case 'absent': return t('att_short_absent');
        case 'sick': return t('att_short_sick');
        case 'late': return t('att_short_late');
        case 'absent_excused': return t('att_short_absent_excused');
        default: return '';
    }
}

function attendanceLabel(value) {
    switch (value) {
        case 'present': return t('att_present');
        case 'absent': return t('att_absent');
        case 'sick': return t('att_sick');
        case 'late': return t('att_late');
        case 'absent_excused': return t('att_absent_excused');
        default: return '';
    }
}

function cellText(cell) {
    if (!cell) {
        return '';
    }
    if (cell.mark !== null && cell.mark !== undefined && cell.mark !== '') {
        return String(cell.mark);
    }
    return attendanceShort(cell.attendance);
}

function periodStateLabel(value) {
    switch (value) {
        case 'open': return t('period_open');
        case 'closed': return t('period_closed');
        default: return value || '';
    }
}

async function viewJournal(route) {
    const [taught, periods] = await Promise.all([
        api('GET', '/teacher/classes'), api('GET', '/periods')]);
    const params = route.params;
    const classes = [];
    for (const row of taught || []) {
        if (!classes.some((c) => String(c.id) === String(row.class.id))) {
            classes.push(row.class);
        }
    }
    const classId = params.get('class')
        || (classes[0] && String(classes[0].id)) || '';
    const subjects = (taught || []).filter(
        (row) => String(row.class.id) === String(classId)).map(
        (row) => row.subject).filter((s, i, all) => all.findIndex(
        (o) => String(o.id) === String(s.id)) === i);
    let subjectId = params.get('subject') || '';
    if (!subjects.some((s) => String(s.id) === String(subjectId))) {
        subjectId = subjects[0] ? String(subjects[0].id) : '';
    }
    const current = (periods || []).find((p) => p.current)
        || (periods || [])[0];
    const periodId = params.get('period') || (current ? String(current.id)
        : '');

    const change = () => go('journal', {
        class: classSelect.value,
        subject: classSelect.value === classId ? subjectSelect.value : '',
        period: periodSelect.value,
    });
    const classSelect = h('select', {id: 'journal-class', onchange: change},
        classes.map((c) => h('option', {value: c.id,
            selected: String(c.id) === String(classId)}, nameOf(c))));
    const subjectSelect = h('select', {id: 'journal-subject',
        onchange: change},
    subjects.map((s) => h('option', {value: s.id,
        selected: String(s.id) === String(subjectId)}, nameOf(s))));
    const periodSelect = h('select', {id: 'journal-period', onchange: change},
        (periods || []).map((p) => h('option', {value: p.id,
            selected: String(p.id) === String(periodId)}, nameOf(p))));
    const section = h('section', {'aria-labelledby': 'journal-title'},
        h('h1', {id: 'journal-title'}, t('journal_title')),
        h('div', {class: 'form-row journal-choice'},
            h('div', {class: 'field'}, h('label', {for: 'journal-class'},
                t('class')), classSelect),
            h('div', {class: 'field'}, h('label', {for: 'journal-subject'},
                t('subject')), subjectSelect),
            h('div', {class: 'field'}, h('label', {for: 'journal-period'},
                t('period')), periodSelect)));
    if (!classes.length) {
        section.append(h('p', {class: 'empty'}, t('journal_no_classes')));
        return section;
    }
    if (!classId || !subjectId || !periodId) {
        return section;
    }
    const grid = await api('GET', '/journal', undefined, {
        class: classId, subject: subjectId, period: periodId});
    section.append(journalGrid(grid));
    return section;
}

function journalGrid(grid) {
    const period = grid.period || {};
    const closed = Boolean(period.closed || period.state === 'closed');
    const learners = grid.learners || [];
    const lessons = grid.lessons || [];
    const works = grid.works || [];
    const cells = grid.cells || {};
    const scores = grid.scores || {};
    const periodMarks = grid.period_marks || {};
    const status = h('p', {class: 'journal-status', id: 'journal-status',
        role: 'status'});

    const head = h('tr', {},
        h('th', {scope: 'col', class: 'learner'}, t('learner')),
        lessons.map((lesson) => h('th', {scope: 'col', class: 'lesson-col',
            title: [fmtDate(lesson.date), lesson.topic].filter(Boolean)
                .join(' — '), dataset: {lesson: lesson.id,
                date: lesson.date || ''}},
        fmtShort(lesson.date))),
        works.map((work) => h('th', {scope: 'col', class: 'work-col',
            title: `${work.name} (${t('max_score', {max: work.max_score})})`,
            dataset: {work: work.id}},
        work.kind === 'quarter' ? t('kind_quarter_short')
            : t('kind_section_short'),
        h('br'), h('span', {class: 'meta'}, `/${work.max_score}`))),
        h('th', {scope: 'col', class: 'period-col'}, t('quarter_mark')));

    const rows = learners.map((learner, row) => {
        const tr = h('tr', {dataset: {learner: learner.id}},
            h('th', {scope: 'row', class: 'learner'}, learner.name));
        lessons.forEach((lesson, col) => {
            const cell = cells[`${lesson.id}:${learner.id}`] || null;
            const td = h('td', {dataset: {kind: 'entry', lesson: lesson.id,
                learner: learner.id, att: (cell && cell.attendance) || ''}});
            const input = h('input', {
                class: 'cell', type: 'text', inputmode: 'numeric',
                autocomplete: 'off', maxlength: '2', value: cellText(cell),
                readonly: closed,
                'aria-label': t('cell_label', {learner: learner.name,
                    date: fmtDate(lesson.date)}),
                dataset: {row, col, saved: cellText(cell)}});
            td.append(input);
            tr.append(td);
        });
        works.forEach((work, index) => {
            const score = scores[`${work.id}:${learner.id}`];
            const value = score === undefined || score === null ? ''
                : String(score);
            const td = h('td', {dataset: {kind: 'score', work: work.id,
                learner: learner.id, max: work.max_score}});
            td.append(h('input', {
                class: 'cell', type: 'text', inputmode: 'decimal',
                autocomplete: 'off', maxlength: '5', value, readonly: closed,
                'aria-label': t('score_label', {learner: learner.name,
                    work: work.name}),
                dataset: {row, col: lessons.length + index, saved: value}}));
            tr.append(td);
        });
        const pm = periodMarks[String(learner.id)] || {};
        tr.append(h('td', {class: 'period-mark', title: pm.total_percent
            !== undefined && pm.total_percent !== null
            ? `${pm.total_percent}%` : null},
        pm.mark === undefined || pm.mark === null ? '' : String(pm.mark)));
        return tr;
    });

    const table = h('table', {class: 'journal-grid', id: 'journal-grid',
        'aria-labelledby': 'journal-caption', dataset: {
            closed: String(closed), period: period.id}},
    h('caption', {id: 'journal-caption', class: 'visually-hidden'},
        `${nameOf(grid.class)} · ${nameOf(grid.subject)} · `
        + nameOf(period)),
    h('thead', {}, head), h('tbody', {}, rows));

    const wrap = h('div', {},
        h('p', {class: 'meta'}, `${nameOf(grid.class)} · `
            + `${nameOf(grid.subject)} · ${nameOf(period)} `
            + `(${periodStateLabel(period.state)})`),
        closed ? h('p', {class: 'alert alert-info', id: 'journal-closed'},
            t('journal_closed')) : h('details', {class: 'legend',
            id: 'journal-legend', open: window.matchMedia(
                '(min-width: 720px)').matches},
        h('summary', {}, t('journal_keys')), t('journal_legend')),
        status,
        learners.length ? h('div', {class: 'table-wrap'}, table)
            : h('p', {class: 'empty'}, t('journal_no_learners')));
    if (!lessons.length) {
        wrap.append(h('p', {class: 'empty'}, t('journal_no_lessons')));
    }
    if (!closed) {
        wireJournal(table, status);
    }
    // show the latest lessons first: scroll to the last one up to today
    requestAnimationFrame(() => {
        const todayIso = isoDate(today());
        const heads = [...table.querySelectorAll('th.lesson-col')].filter(
            (th) => th.dataset.date && th.dataset.date <= todayIso);
        const box = table.parentElement;
        if (heads.length && box && box.classList.contains('table-wrap')) {
            const th = heads[heads.length - 1];
            const sticky = table.querySelector('thead th.learner');
            box.scrollLeft = Math.max(0, th.offsetLeft + th.offsetWidth
                - box.clientWidth + (sticky ? 0 : 0));
        }
    });
    return wrap;
}

function wireJournal(table, status) {
    const inputAt = (row, col) => table.querySelector(
        `input.cell[data-row="${row}"][data-col="${col}"]`);
    const move = (input, dRow, dCol) => {
        const next = inputAt(+input.dataset.row + dRow,
            +input.dataset.col + dCol);
        if (next) {
            next.focus();
        }
    };
    const timers = new WeakMap();

    // save what the input shows, when it changed since the last save
    const commit = async (input, attendance) => {
        clearTimeout(timers.get(input));
        const td = input.closest('td');
        const text = input.value.trim();
        if (attendance === undefined && (text === input.dataset.saved
                || text === input.dataset.pending)) {
            if (text === input.dataset.saved
                    && input.dataset.pending === undefined) {
                // unchanged: what the cell shows is what is saved
                td.dataset.state = 'saved';
                td.removeAttribute('title');
            }
            return;
        }
        if (td.dataset.kind === 'score') {
            return saveScore(input, td, text);
        }
        let body;
        if (attendance !== undefined) {
            body = attendance === null ? {attendance: 'present', mark: null}
                : {attendance};
        } else if (text === '') {
            body = {attendance: 'present', mark: null};
        } else if (/^\d{1,2}$/.test(text) && +text >= 1 && +text <= 10) {
            body = {mark: +text};
        } else {
            return failCell(input, td, t('error_mark_range'));
        }
        input.dataset.pending = attendance === undefined ? text
            : attendanceShort(attendance);
        body.lesson = +td.dataset.lesson;
        body.learner = +td.dataset.learner;
        td.dataset.state = 'saving';
        try {
            const cell = await api('PUT', '/journal/entry', body) || {};
            const shown = {
                attendance: 'attendance' in cell ? cell.attendance
                    : (body.attendance || td.dataset.att),
                mark: 'mark' in cell ? cell.mark : body.mark,
            };
            td.dataset.att = shown.attendance || '';
            input.dataset.saved = cellText(shown);
            if (document.activeElement !== input
                    || attendance !== undefined) {
                input.value = input.dataset.saved;
            }
            td.dataset.state = 'saved';
            td.removeAttribute('title');
            status.textContent = t('saved');
        } catch (error) {
            failCell(input, td, errorText(error));
        } finally {
            delete input.dataset.pending;
        }
    };

    const saveScore = async (input, td, text) => {
        let score = null;
        if (text !== '') {
            score = Number(text.replace(',', '.'));
            if (!Number.isFinite(score) || score < 0
                    || score > Number(td.dataset.max)) {
                return failCell(input, td, t('error_score_range',
                    {max: td.dataset.max}));
            }
        }
        td.dataset.state = 'saving';
        try {
            const answer = await api('PUT', '/journal/score', {
                work: +td.dataset.work, learner: +td.dataset.learner, score});
            const value = answer && typeof answer === 'object'
                && 'score' in answer ? answer.score : score;
            input.dataset.saved = value === null || value === undefined
                ? '' : String(value);
            input.value = input.dataset.saved;
            td.dataset.state = 'saved';
            td.removeAttribute('title');
            status.textContent = t('saved');
        } catch (error) {
            failCell(input, td, errorText(error));
        }
    };

    const failCell = (input, td, message) => {
        td.dataset.state = 'error';
        td.title = message;
        status.textContent = t('save_failed', {message});
        announce(status.textContent);
    };

    table.addEventListener('focusin', (event) => {
        if (event.target.matches('input.cell')) {
            event.target.select();
        }
    });
    table.addEventListener('change', (event) => {
        if (event.target.matches('input.cell')) {
            commit(event.target);
        }
    });
    table.addEventListener('input', (event) => {
        const input = event.target;
        if (!input.matches('input.cell')
                || input.closest('td').dataset.kind !== 'entry') {
            return;
        }
        // digits only; "1" may become "10": wait a moment for the "0"
        input.value = input.value.replace(/[^0-9]/g, '');
        clearTimeout(timers.get(input));
        const td = input.closest('td');
        if (input.value !== '' && input.value === input.dataset.saved) {
            // the mark typed again: nothing to send, it is saved
            td.dataset.state = 'saved';
            td.removeAttribute('title');
        } else if (input.value === '1') {
            timers.set(input, setTimeout(() => commit(input), 900));
        } else if (input.value !== '') {
            commit(input);
        }
    });
    table.addEventListener('keydown', (event) => {
        const input = event.target;
        if (!input.matches('input.cell') || event.ctrlKey || event.metaKey
                || event.altKey) {
            return;
        }
        const kind = input.closest('td').dataset.kind;
        const key = event.key;
        switch (key) {
            case 'ArrowLeft': event.preventDefault(); commit(input);
                return move(input, 0, -1);
            case 'ArrowRight': event.preventDefault(); commit(input);
                return move(input, 0, 1);
            case 'ArrowUp': event.preventDefault(); commit(input);
                return move(input, -1, 0);
            case 'ArrowDown': event.preventDefault(); commit(input);
                return move(input, 1, 0);
            case 'Enter': event.preventDefault(); commit(input);
                return move(input, event.shiftKey ? -1 : 1, 0);
            case 'Delete':
                event.preventDefault();
                input.value = '';
                return kind === 'entry' ? commit(input, null) : commit(input);
            default:
                break;
        }
        if (key.length !== 1 || kind !== 'entry') {
            return;
        }
        const attendance = ATTENDANCE_KEYS[key.toLowerCase()];
        if (attendance) {
            event.preventDefault();
            input.value = attendanceShort(attendance);
            commit(input, attendance);
        } else if (!/[0-9]/.test(key)) {
            event.preventDefault();
        }
    });
}

// -- teacher: homework inbox --------------------------------------------------

function submissionStateLabel(value) {
    switch (value) {
        case 'submitted': return t('sub_submitted');
        case 'returned': return t('sub_returned');
        case 'graded': return t('sub_graded');
        default: return value || '';
    }
}

async function viewInbox() {
    const items = await api('GET', '/homework/inbox') || [];
    return h('section', {'aria-labelledby': 'inbox-title'},
        h('h1', {id: 'inbox-title'}, t('inbox_title')),
        items.length ? h('ul', {class: 'cards'}, items.map(inboxCard))
            : h('p', {class: 'empty'}, t('inbox_empty')));
}

function inboxCard(item) {
    const id = item.submission;
    const markId = `mark-${id}`;
    const commentId = `comment-${id}`;
    const message = h('p', {role: 'status'});
    const form = h('form', {class: 'grade-form', dataset: {submission: id}},
        h('div', {class: 'field'}, h('label', {for: markId}, t('mark')),
            h('input', {id: markId, name: 'mark', type: 'number', min: '1',
                max: '10', step: '1', class: 'mark-input',
                value: item.mark || ''})),
        h('div', {class: 'field'},
            h('label', {for: commentId}, t('comment')),
            h('textarea', {id: commentId, name: 'comment', rows: '2'},
                item.comment || '')),
        h('div', {class: 'form-row'},
            h('button', {type: 'submit', class: 'btn', value: 'graded'},
                t('grade')),
            h('button', {type: 'submit', class: 'btn btn-quiet',
                value: 'returned'}, t('return_for_rework'))));
    form.addEventListener('submit', async (event) => {
        event.preventDefault();
        const stateValue = (event.submitter && event.submitter.value)
            || 'graded';
        const mark = form.mark.value ? +form.mark.value : null;
        if (stateValue === 'graded' && (mark === null || mark < 1
                || mark > 10)) {
            message.className = 'alert alert-error';
            message.textContent = t('error_mark_range');
            return;
        }
        try {
            await api('PATCH', `/homework/submissions/${id}`, {
                mark, comment: form.comment.value, state: stateValue});
            message.className = 'alert alert-ok';
            message.textContent = t('saved');
            badge.textContent = submissionStateLabel(stateValue);
        } catch (error) {
            message.className = 'alert alert-error';
            message.textContent = errorText(error);
        }
    });
    const badge = h('span', {class: 'badge'}, submissionStateLabel(
        item.state));
    return h('li', {class: 'card'},
        h('h2', {}, `${nameOf(item.learner)} · ${nameOf(item.class)} · `
            + nameOf(item.subject)), badge,
        h('p', {class: 'meta'}, t('submitted_at', {
            time: fmtDateTime(item.submitted_at)})),
        item.homework && item.homework.description ? h('p', {},
            h('strong', {}, t('homework') + ': '),
            item.homework.description) : null,
        item.text ? h('blockquote', {}, item.text) : null,
        item.file ? h('p', {}, h('a', {href: fileUrl(item.file.url),
            download: item.file.name || ''}, t('download_x',
            {name: item.file.name || ''}))) : null,
        form, message);
}

// an address from the server shown as a link: http(s) only, never
// javascript: or data:
function safeUrl(url) {
    return typeof url === 'string' && /^https?:\/\//i.test(url.trim())
        ? url.trim() : null;
}

function fileUrl(url) {
    if (!url) {
        return '#';
    }
    if (/^(https?:)?\//.test(url)) {
        return url;
    }
    return API + '/' + url.replace(/^\.?\/?(api\/v1\/)?/, '');
}

// -- teacher: lesson plans ----------------------------------------------------

async function viewPlans() {
    const plans = await api('GET', '/lesson-plans') || [];
    return h('section', {'aria-labelledby': 'plans-title'},
        h('h1', {id: 'plans-title'}, t('plans_title')),
        plans.length ? h('ul', {class: 'cards grid'}, plans.map((plan) =>
            h('li', {class: 'card'},
                h('h2', {}, plan.title || ''),
                h('p', {class: 'meta'}, [nameOf(plan.subject),
                    plan.grade ? t('grade_n', {grade: plan.grade}) : null]
                    .filter(Boolean).join(' · ')),
                (plan.materials || []).length ? h('ul', {},
                    plan.materials.map((m) => h('li', {}, materialLink(m))))
                    : h('p', {class: 'empty'},
                    t('no_materials')))))
            : h('p', {class: 'empty'}, t('plans_empty')));
}

// -- timetable ----------------------------------------------------------------

function weekNav(route, name, start) {
    const prev = isoDate(addDays(start, -7));
    const next = isoDate(addDays(start, 7));
    const end = addDays(start, 5);
    return h('nav', {class: 'week-nav', 'aria-label': t('week')},
        h('a', {class: 'btn btn-quiet', href: `#/${name}?date=${prev}`,
            'aria-label': t('previous_week'), title: t('previous_week')},
        '‹'),
        h('span', {class: 'week-label'},
            `${fmtDate(start, false)} – ${fmtDate(end, false)}`),
        h('a', {class: 'btn btn-quiet', href: `#/${name}?date=${next}`,
            'aria-label': t('next_week'), title: t('next_week')}, '›'),
        h('a', {class: 'btn btn-quiet this-week', href: `#/${name}`},
            t('this_week')));
}

function needChild() {
    return h('section', {}, h('h1', {}, t('choose_child')),
        h('p', {class: 'empty'}, t('no_children')));
}

async function viewTimetable(route) {
    const date = parseDate(route.params.get('date')) || today();
    const start = mondayOf(date);
    const query = {date: isoDate(date)};
    const teacherView = isTeacher();
    if (!teacherView) {
        const learner = currentLearner();
        if (!learner) {
            return needChild();
        }
        query.learner = learner;
    }
    const data = await api('GET', '/timetable', undefined, query) || {};
    const days = (data.days || []).filter((day) => (day.lessons || []).length
        || ((parseDate(day.date) || date).getDay() !== 0));
    return h('section', {'aria-labelledby': 'timetable-title'},
        h('h1', {id: 'timetable-title'}, t('timetable_title')),
        teacherView ? null : h('p', {class: 'meta'}, currentLearnerName()),
        weekNav(route, 'timetable', start),
        h('div', {id: 'timetable'}, days.map((day) => h('section', {
            class: 'day', dataset: {date: day.date}},
        h('h2', {}, fmtDay(day.date)),
        (day.lessons || []).length ? h('div', {class: 'table-wrap'},
            h('table', {}, h('thead', {}, h('tr', {},
                h('th', {scope: 'col', class: 'num'}, '№'),
                h('th', {scope: 'col'}, t('time')),
                h('th', {scope: 'col'}, t('subject')),
                h('th', {scope: 'col'}, teacherView ? t('class')
                    : t('teacher')),
                h('th', {scope: 'col'}, t('room')))),
            h('tbody', {}, day.lessons.map((lesson) => h('tr', {},
                h('td', {class: 'num'}, lesson.bell ?? lesson.slot ?? ''),
                h('td', {}, `${fmtTime(lesson.start)}–${fmtTime(lesson.end)}`),
                h('td', {}, nameOf(lesson.subject)),
                h('td', {}, teacherView ? nameOf(lesson.class)
                    : nameOf(lesson.teacher), lesson.substitute
                    ? h('span', {class: 'badge'}, t('substitute')) : null),
                h('td', {}, nameOf(lesson.room)))))))
            : h('p', {class: 'empty'}, t('no_lessons'))))));
}

// -- learner and parent: the diary --------------------------------------------

async function fetchDiary(learner, start, end) {
    return await api('GET', '/diary', undefined, {
        learner, start: isoDate(start), end: isoDate(end)}) || {};
}

async function viewDiary(route) {
    const learner = currentLearner();
    if (!learner) {
        return needChild();
    }
    const date = parseDate(route.params.get('date')) || today();
    const start = mondayOf(date);
    const data = await fetchDiary(learner, start, addDays(start, 6));
    const who = data.learner || {};
    return h('section', {'aria-labelledby': 'diary-title'},
        h('h1', {id: 'diary-title'}, t('diary_title')),
        h('p', {class: 'meta', id: 'diary-learner'}, [nameOf(who)
            || currentLearnerName(), nameOf(who.class)].filter(Boolean)
            .join(' · ')),
        weekNav(route, 'diary', start),
        h('div', {id: 'diary'}, (data.days || []).filter((day) =>
            (day.lessons || []).length).map((day) => h('section', {
            class: 'day', dataset: {date: day.date}},
        h('h2', {}, fmtDay(day.date)),
        day.lessons.map((lesson) => diaryLesson(lesson)))),
        (data.days || []).some((d) => (d.lessons || []).length) ? null
            : h('p', {class: 'empty'}, t('no_lessons_week'))));
}

function markBadge(mark) {
    return mark === null || mark === undefined || mark === '' ? null
        : h('span', {class: 'badge badge-mark', title: t('mark')},
            String(mark));
}

function attendanceBadge(value) {
    if (!value || value === 'present') {
        return null;
    }
    return h('span', {class: 'badge badge-absent', dataset: {att: value}},
        attendanceLabel(value));
}

function diaryLesson(lesson) {
    return h('div', {class: 'lesson', dataset: {lesson: lesson.lesson}},
        h('div', {class: 'time'}, fmtTime(lesson.start), h('br'),
            fmtTime(lesson.end)),
        h('div', {},
            h('div', {class: 'subject'}, nameOf(lesson.subject)),
            lesson.topic ? h('div', {}, t('topic_x', {topic: lesson.topic}))
                : null,
            h('div', {class: 'meta'}, [nameOf(lesson.teacher),
                lesson.room ? t('room_n', {room: nameOf(lesson.room)})
                    : null].filter(Boolean).join(' · '))),
        h('div', {class: 'extra'}, markBadge(lesson.mark),
            attendanceBadge(lesson.attendance),
            safeUrl(lesson.conference_url) ? h('a', {class: 'btn btn-quiet',
                href: safeUrl(lesson.conference_url), target: '_blank',
                rel: 'noopener noreferrer'}, t('join_conference')) : null),
        (lesson.homework || []).map((hw) => homeworkBlock(hw)));
}

function homeworkBlock(hw) {
    const sub = hw.submission;
    const block = h('div', {class: 'homework', dataset: {homework: hw.id}},
        h('strong', {}, t('homework') + ': '), hw.description || '',
        hw.due_date ? h('div', {class: 'meta'}, t('due_x', {
            date: fmtDate(hw.due_date)})) : null,
        (hw.files || []).length ? h('ul', {}, hw.files.map((f) => h('li', {},
            h('a', {href: fileUrl(f.url || f)}, nameOf(f) || t('file')))))
            : null,
        sub ? h('div', {class: 'meta submission'},
            t('your_submission', {state: submissionStateLabel(sub.state)}),
            ' ', markBadge(sub.mark), sub.comment ? h('div', {},
                t('teacher_comment', {comment: sub.comment})) : null)
            : null);
    if (isLearner() && (!sub || sub.state === 'returned')
            && String(currentLearner()) === String(state.me.person
                && state.me.person.id)) {
        block.append(uploadForm(hw));
    }
    return block;
}

function uploadForm(hw) {
    const textId = `hw-text-${hw.id}`;
    const fileId = `hw-file-${hw.id}`;
    const message = h('p', {role: 'status'});
    const form = h('form', {class: 'upload', enctype: 'multipart/form-data'},
        h('div', {class: 'field'}, h('label', {for: textId}, t('answer')),
            h('textarea', {id: textId, name: 'text', rows: '2'})),
        h('div', {class: 'field'}, h('label', {for: fileId}, t('file')),
            h('input', {id: fileId, name: 'file', type: 'file'})),
        h('button', {type: 'submit', class: 'btn'}, t('submit_homework')),
        message);
    form.addEventListener('submit', async (event) => {
        event.preventDefault();
        const data = new FormData();
        data.append('text', form.text.value);
        if (form.file.files.length) {
            data.append('file', form.file.files[0]);
        }
        if (!form.text.value.trim() && !form.file.files.length) {
            message.className = 'alert alert-error';
            message.textContent = t('error_empty_submission');
            return;
        }
        try {
            await api('POST', `/homework/${hw.id}/submissions`, data);
            message.className = 'alert alert-ok';
            message.textContent = t('homework_sent');
            form.querySelector('button').disabled = true;
        } catch (error) {
            message.className = 'alert alert-error';
            message.textContent = errorText(error);
        }
    });
    return form;
}

// the lessons of the last 31 days (marks, attendance)
async function recentLessons() {
    const end = today();
    const start = addDays(end, -30);
    const data = await fetchDiary(currentLearner(), start, end);
    const lessons = [];
    for (const day of data.days || []) {
        for (const lesson of day.lessons || []) {
            lessons.push({...lesson, date: day.date});
        }
    }
    return {lessons, start, end};
}

async function viewMarks() {
    if (!currentLearner()) {
        return needChild();
    }
    const {lessons, start, end} = await recentLessons();
    const bySubject = new Map();
    for (const lesson of lessons) {
        if (lesson.mark === null || lesson.mark === undefined
                || lesson.mark === '') {
            continue;
        }
        const key = nameOf(lesson.subject);
        if (!bySubject.has(key)) {
            bySubject.set(key, []);
        }
        bySubject.get(key).push(lesson);
    }
    return h('section', {'aria-labelledby': 'marks-title'},
        h('h1', {id: 'marks-title'}, t('marks_title')),
        h('p', {class: 'meta'}, currentLearnerName() + ' · ' + t('range_x', {
            start: fmtDate(start), end: fmtDate(end)})),
        bySubject.size ? h('div', {class: 'table-wrap'}, h('table', {
            id: 'marks'},
        h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, t('subject')),
            h('th', {scope: 'col'}, t('marks')),
            h('th', {scope: 'col', class: 'num'}, t('average')))),
        h('tbody', {}, [...bySubject.entries()].sort().map(([subject, list]) =>
            h('tr', {}, h('th', {scope: 'row'}, subject),
                h('td', {}, list.map((l) => h('span', {
                    class: 'badge badge-mark', title: fmtDate(l.date)},
                String(l.mark))), ' '),
                h('td', {class: 'num'}, (list.reduce((s, l) => s + +l.mark, 0)
                    / list.length).toFixed(1)))))))
            : h('p', {class: 'empty'}, t('no_marks')));
}

async function viewAttendance() {
    if (!currentLearner()) {
        return needChild();
    }
    const {lessons, start, end} = await recentLessons();
    const missed = lessons.filter((l) => l.attendance
        && l.attendance !== 'present');
    const counts = {};
    for (const lesson of missed) {
        counts[lesson.attendance] = (counts[lesson.attendance] || 0) + 1;
    }
    const held = lessons.filter((l) => l.attendance).length;
    return h('section', {'aria-labelledby': 'attendance-title'},
        h('h1', {id: 'attendance-title'}, t('attendance_title')),
        h('p', {class: 'meta'}, currentLearnerName() + ' · ' + t('range_x', {
            start: fmtDate(start), end: fmtDate(end)})),
        h('p', {}, t('attendance_summary', {missed: missed.length,
            total: held || lessons.length})),
        Object.keys(counts).length ? h('ul', {}, Object.entries(counts).map(
            ([key, count]) => h('li', {}, `${attendanceLabel(key)}: ${count}`)))
            : null,
        missed.length ? h('div', {class: 'table-wrap'}, h('table', {
            id: 'attendance'},
        h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, t('date')),
            h('th', {scope: 'col'}, t('subject')),
            h('th', {scope: 'col'}, t('attendance')))),
        h('tbody', {}, missed.map((l) => h('tr', {},
            h('td', {}, fmtDate(l.date)), h('td', {}, nameOf(l.subject)),
            h('td', {}, attendanceLabel(l.attendance)))))))
            : h('p', {class: 'empty'}, t('no_absences')));
}

async function viewResults() {
    const learner = currentLearner();
    if (!learner) {
        return needChild();
    }
    const data = await api('GET', '/results', undefined, {learner}) || {};
    const periods = data.periods || [];
    const subjects = data.subjects || [];
    const fmtPercent = (value) => value === null || value === undefined
        ? '' : `${Math.round(value * 10) / 10}%`;
    return h('section', {'aria-labelledby': 'results-title'},
        h('h1', {id: 'results-title'}, t('results_title')),
        h('p', {class: 'meta'}, currentLearnerName()),
        subjects.length ? h('div', {class: 'table-wrap'}, h('table', {
            id: 'results'},
        h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, t('subject')),
            periods.map((p) => h('th', {scope: 'col', class: 'num'},
                nameOf(p))),
            h('th', {scope: 'col', class: 'num'}, t('year_mark')))),
        h('tbody', {}, subjects.map((row) => h('tr', {},
            h('th', {scope: 'row'}, nameOf(row.subject)),
            periods.map((p) => {
                const cell = (row.periods || []).find((c) =>
                    String(idOf(c.period)) === String(p.id)) || {};
                return h('td', {class: 'num', title: [
                    cell.formative_percent !== undefined
                        && cell.formative_percent !== null
                        ? `${t('formative')}: ${fmtPercent(
                            cell.formative_percent)}` : null,
                    cell.section_percent !== undefined
                        && cell.section_percent !== null
                        ? `${t('kind_section_short')}: ${fmtPercent(
                            cell.section_percent)}` : null,
                    cell.quarter_percent !== undefined
                        && cell.quarter_percent !== null
                        ? `${t('kind_quarter_short')}: ${fmtPercent(
                            cell.quarter_percent)}` : null,
                ].filter(Boolean).join('; ') || null},
                markBadge(cell.mark), ' ',
                h('span', {class: 'meta'}, fmtPercent(cell.total_percent)));
            }),
            h('td', {class: 'num'}, markBadge(row.year_mark)))))))
            : h('p', {class: 'empty'}, t('no_results')));
}

// -- announcements ------------------------------------------------------------

async function viewAnnouncements() {
    const items = await api('GET', '/announcements') || [];
    return h('section', {'aria-labelledby': 'announcements-title'},
        h('h1', {id: 'announcements-title'}, t('announcements_title')),
        items.length ? h('ul', {class: 'cards'}, items.map((a) => h('li', {
            class: 'card'},
        h('h2', {}, a.title || ''),
        h('p', {class: 'meta'}, [fmtDate(a.date), nameOf(a.author)]
            .filter(Boolean).join(' · ')),
        h('div', {class: 'pre-line'}, a.body || ''),
        (a.attachments || []).length ? h('ul', {}, a.attachments.map((f) =>
            h('li', {}, h('a', {href: fileUrl(f.url)}, nameOf(f))))) : null)))
            : h('p', {class: 'empty'}, t('announcements_empty')));
}

// -- messages -----------------------------------------------------------------

async function viewMessages(route) {
    if (route.arg === 'new') {
        return viewNewMessage();
    }
    if (route.arg) {
        return viewThread(route.arg);
    }
    const threads = await api('GET', '/messages') || [];
    return h('section', {'aria-labelledby': 'messages-title'},
        h('h1', {id: 'messages-title'}, t('messages_title')),
        isParent() ? h('p', {}, h('a', {class: 'btn', href: '#/messages/new'},
            t('new_message'))) : null,
        threads.length ? h('ul', {class: 'cards', id: 'threads'},
            threads.map((thread) => h('li', {class: 'card'},
                h('h2', {}, h('a', {href: `#/messages/${thread.id}`},
                    thread.subject || t('no_subject')),
                ' ', thread.unread ? h('span', {class: 'badge badge-unread'},
                    t('unread_n', {count: thread.unread})) : null),
                h('p', {class: 'meta'}, [nameOf(thread.learner),
                    isTeacher() ? nameOf(thread.parent)
                        : nameOf(thread.teacher)].filter(Boolean).join(' · ')),
                thread.last_message ? h('p', {class: 'meta'},
                    typeof thread.last_message === 'object'
                        ? [thread.last_message.body || '', ' ',
                            fmtDateTime(thread.last_message.date)]
                        : fmtDateTime(thread.last_message)) : null)))
            : h('p', {class: 'empty'}, t('messages_empty')));
}

async function viewThread(id) {
    const data = await api('GET', `/messages/${id}`) || {};
    const thread = data.thread || {};
    const list = h('ol', {class: 'thread', id: 'thread'},
        (data.messages || []).map(messageItem));
    const message = h('p', {role: 'status'});
    const form = h('form', {class: 'reply'},
        h('div', {class: 'field'}, h('label', {for: 'reply-body'},
            t('your_message')),
        h('textarea', {id: 'reply-body', name: 'body', rows: '3',
            required: true})),
        h('button', {type: 'submit', class: 'btn'}, t('send')), message);
    form.addEventListener('submit', async (event) => {
        event.preventDefault();
        const body = form.body.value.trim();
        if (!body) {
            message.className = 'alert alert-error';
            message.textContent = t('error_empty_message');
            return;
        }
        try {
            const sent = await api('POST', `/messages/${id}`, {body});
            if (sent && Array.isArray(sent.messages)) {
                list.replaceChildren(...sent.messages.map(messageItem));
            } else {
                list.append(messageItem({body, mine: true,
                    date: new Date().toISOString(), author: state.me.name}));
            }
            form.body.value = '';
            message.className = 'alert alert-ok';
            message.textContent = t('sent');
        } catch (error) {
            message.className = 'alert alert-error';
            message.textContent = errorText(error);
        }
    });
    return h('section', {'aria-labelledby': 'thread-title'},
        h('p', {}, h('a', {href: '#/messages'}, '‹ ' + t('messages_title'))),
        h('h1', {id: 'thread-title'}, thread.subject || t('no_subject')),
        h('p', {class: 'meta'}, [nameOf(thread.learner),
            nameOf(thread.teacher), nameOf(thread.parent)].filter(Boolean)
            .join(' · ')),
        list, form);
}

function messageItem(msg) {
    return h('li', {class: 'msg' + (msg.mine ? ' mine' : '')},
        h('div', {class: 'meta'}, `${nameOf(msg.author)} · `
            + fmtDateTime(msg.date)),
        h('div', {class: 'pre-line'}, msg.body || ''),
        msg.attachment && msg.attachment.url ? h('a', {
            href: fileUrl(msg.attachment.url)}, nameOf(msg.attachment))
            : null);
}

// a material of a lesson plan: its file, else its link, else its name
function materialLink(material) {
    if (material && material.file && material.file.url) {
        return h('a', {href: fileUrl(material.file.url)}, nameOf(material));
    }
    if (material && safeUrl(material.url)) {
        return h('a', {href: safeUrl(material.url), target: '_blank',
            rel: 'noopener noreferrer'}, nameOf(material));
    }
    return nameOf(material);
}

async function viewNewMessage() {
    const learner = currentLearner();
    if (!learner) {
        return needChild();
    }
    const teachers = await api('GET', '/teachers', undefined, {learner})
        || [];
    const message = h('p', {role: 'status'});
    const form = h('form', {class: 'new-message'},
        h('p', {class: 'meta'}, t('about_child', {
            name: currentLearnerName()})),
        h('div', {class: 'field'}, h('label', {for: 'msg-teacher'},
            t('teacher')),
        h('select', {id: 'msg-teacher', name: 'teacher', required: true},
            teachers.map((tch) => h('option', {value: tch.id},
                tch.subject || (tch.subjects || []).length
                    ? `${nameOf(tch)} (${tch.subject ? nameOf(tch.subject)
                        : tch.subjects.map(nameOf).join(', ')})`
                    : nameOf(tch))))),
        h('div', {class: 'field'}, h('label', {for: 'msg-subject'},
            t('message_subject')),
        h('input', {id: 'msg-subject', name: 'subject', type: 'text',
            required: true})),
        h('div', {class: 'field'}, h('label', {for: 'msg-body'},
            t('your_message')),
        h('textarea', {id: 'msg-body', name: 'body', rows: '4',
            required: true})),
        h('button', {type: 'submit', class: 'btn'}, t('send')), message);
    form.addEventListener('submit', async (event) => {
        event.preventDefault();
        const body = {
            teacher: +form.teacher.value, learner: +learner,
            subject: form.subject.value.trim(), body: form.body.value.trim()};
        if (!body.teacher || !body.subject || !body.body) {
            message.className = 'alert alert-error';
            message.textContent = t('error_fill_all');
            return;
        }
        try {
            const answer = await api('POST', '/messages', body) || {};
            const id = answer.id || (answer.thread && answer.thread.id);
            location.hash = id ? `#/messages/${id}` : '#/messages';
        } catch (error) {
            message.className = 'alert alert-error';
            message.textContent = errorText(error);
        }
    });
    return h('section', {'aria-labelledby': 'new-message-title'},
        h('p', {}, h('a', {href: '#/messages'}, '‹ ' + t('messages_title'))),
        h('h1', {id: 'new-message-title'}, t('new_message')),
        teachers.length ? form : h('p', {class: 'empty'}, t('no_teachers')));
}

// -- start --------------------------------------------------------------------

function registerServiceWorker() {
    if (!('serviceWorker' in navigator) || !window.isSecureContext) {
        return;
    }
    navigator.serviceWorker.register(ROOT + 'sw.js', {scope: ROOT}).catch(
        (error) => console.warn('service worker', error));
}

async function start() {
    const stored = localStorage.getItem(LANG_KEY);
    const browser = (navigator.language || '').toLowerCase().startsWith('ru')
        ? 'ru' : 'kk';
    await setLang(LANGS.includes(stored) ? stored : browser,
        {remember: false, tellServer: false});
    for (const button of document.querySelectorAll('.lang-btn')) {
        button.addEventListener('click', async () => {
            document.getElementById('main').setAttribute('aria-busy', 'true');
            await setLang(button.dataset.lang);
            await render();
        });
    }
    document.getElementById('logout').addEventListener('click', logout);
    document.getElementById('child-select').addEventListener('change',
        (event) => {
            state.childId = event.target.value;
            localStorage.setItem(CHILD_KEY, state.childId);
            render();
        });
    window.addEventListener('hashchange', render);
    window.addEventListener('offline', () => showOffline(null));
    window.addEventListener('online', () => {
        // back online: the page's data again from the server
        hideOffline();
        if (state.me) {
            render();
        }
    });
    registerServiceWorker();
    try {
        await loadMe();
    } catch (error) {
        // no answer and nothing cached: the login page says so
        state.me = null;
        if (error instanceof ApiError && error.code === 'network') {
            showOffline(null);
        }
    }
    await render();
    document.body.dataset.ready = 'true';
}

start();
