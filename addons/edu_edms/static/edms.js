// This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
// this repository contains the full copyright notices and license terms.
//
// Documents to approve and to sign, in the browser (R22.1, R22.3, R22.4,
// R22.8, R22.10, R17, R5.3).  Vanilla JavaScript, no build step, no
// plug-in: the signature is made by NCALayer, the NCA RK application on
// the user's computer, over its websocket (kz.gov.pki.knca.basics sign,
// CMS detached over the main file's bytes); the server verifies it.
// Every visible string comes from static/i18n/<lang>.json.

'use strict';

// /<db>/portal/edms/ whatever the page's path below it
const EDMS = (() => {
    const path = location.pathname;
    const at = path.indexOf('/portal/edms');
    return at >= 0 ? path.slice(0, at) + '/portal/edms/' : path.replace(/[^/]*$/, '');
})();
const PORTAL = EDMS.replace(/edms\/$/, '');
const API = PORTAL + 'api/v1';
const LANGS = ['kk', 'ru'];
// the portal's own key: the language chosen there is kept here
const LANG_KEY = 'bilim.portal.lang';
const NCALAYER_DOWNLOAD = 'https://pki.gov.kz/ncalayer/';
// how long NCALayer may take to answer the connection (ms); the dialog
// itself waits for the user
const CONNECT_TIMEOUT = 8000;
const SIGN_TIMEOUT = 10 * 60 * 1000;

const state = {
    lang: 'kk',
    dict: {},
    me: null,
    renderSeq: 0,
};

function meta(name) {
    const el = document.querySelector(`meta[name="${name}"]`);
    return el ? el.getAttribute('content') : '';
}

const NCALAYER_URL = meta('edms-ncalayer') || 'wss://127.0.0.1:13579';

// -- i18n ---------------------------------------------------------------------

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
    const response = await fetch(EDMS + `static/i18n/${lang}.json`);
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
            await api('PUT', API + '/me/language', {language: lang});
        } catch (error) {
            console.warn('language', error);
        }
    }
}

// -- DOM helpers --------------------------------------------------------------

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
    setTimeout(() => { live.textContent = text; }, 30);
}

function formatDate(value) {
    if (!value) {
        return '';
    }
    const [y, m, d] = value.slice(0, 10).split('-');
    return `${d}.${m}.${y}`;
}

function formatTime(value) {
    if (!value) {
        return '';
    }
    const date = new Date(value);
    if (isNaN(date)) {
        return value;
    }
    const pad = (n) => String(n).padStart(2, '0');
    return `${pad(date.getDate())}.${pad(date.getMonth() + 1)}.`
        + `${date.getFullYear()} ${pad(date.getHours())}:`
        + `${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

// -- the server ---------------------------------------------------------------

class ApiError extends Error {
    constructor(status, code, message, details) {
        super(message || code);
        this.status = status;
        this.code = code;
        this.details = details || {};
    }
}

async function api(method, url, body) {
    const sep = url.includes('?') ? '&' : '?';
    const options = {
        method,
        credentials: 'same-origin',
        headers: {'Accept': 'application/json', 'X-Requested-With': 'bilim'},
    };
    if (body !== undefined) {
        options.headers['Content-Type'] = 'application/json';
        options.body = JSON.stringify(body);
    }
    let response;
    try {
        response = await fetch(`${url}${sep}lang=${state.lang}`, options);
    } catch (error) {
        throw new ApiError(0, 'network', t('error_network'));
    }
    if (response.status === 204) {
        return null;
    }
    let data = null;
    try {
        data = await response.json();
    } catch (error) {
        data = null;
    }
    if (!response.ok) {
        const err = (data && data.error) || {};
        throw new ApiError(response.status, err.code || 'http',
            err.message || `HTTP ${response.status}`, err.details);
    }
    return data;
}

function errorText(error) {
    if (error instanceof ApiError) {
        return error.message;
    }
    return t('error_generic', {message: String(error && error.message || error)});
}

// -- NCALayer -----------------------------------------------------------------

class NCALayerError extends Error {
    constructor(kind, message) {
        super(message || kind);
        // 'not_running' | 'cancelled' | 'error' | 'timeout'
        this.kind = kind;
    }
}

function bytesToBase64(buffer) {
    const bytes = new Uint8Array(buffer);
    const chunks = [];
    const size = 0x8000;
    for (let i = 0; i < bytes.length; i += size) {
        chunks.push(String.fromCharCode.apply(null, bytes.subarray(i, i + size)));
    }
    return btoa(chunks.join(''));
}

// Sign base64 data with NCALayer (basics.sign, CMS, detached); the CMS in
// base64.  Rejects with NCALayerError.
function ncalayerSign(dataB64, {onConnected} = {}) {
    return new Promise((resolve, reject) => {
        let socket;
        let settled = false;
        let greeted = false;
        let timer = null;
        const finish = (fn, value) => {
            if (settled) {
                return;
            }
            settled = true;
            clearTimeout(timer);
            try {
                socket.close();
            } catch (error) {
                // already closed
            }
            fn(value);
        };
        try {
            socket = new WebSocket(NCALAYER_URL);
        } catch (error) {
            reject(new NCALayerError('not_running', String(error)));
            return;
        }
        timer = setTimeout(() => finish(reject,
            new NCALayerError('not_running', 'timeout')), CONNECT_TIMEOUT);
        socket.onerror = () => finish(reject, new NCALayerError(
            greeted ? 'error' : 'not_running', 'websocket error'));
        socket.onclose = () => finish(reject, new NCALayerError(
            greeted ? 'error' : 'not_running', 'closed'));
        const send = () => {
            greeted = true;
            clearTimeout(timer);
            timer = setTimeout(() => finish(reject,
                new NCALayerError('timeout')), SIGN_TIMEOUT);
            if (onConnected) {
                onConnected();
            }
            socket.send(JSON.stringify({
                module: 'kz.gov.pki.knca.basics',
                method: 'sign',
                args: {
                    allowedStorages: ['PKCS12', 'AKKaztokenStore',
                        'AKKZIDCardStore', 'AKEToken72KStore',
                        'AKJaCartaStore'],
                    format: 'cms',
                    data: dataB64,
                    signingParams: {
                        decode: true, encapsulate: false, digested: false,
                        tsaProfile: null,
                    },
                    signerParams: {extKeyUsageOids: []},
                    locale: state.lang,
                },
            }));
        };
        // NCALayer greets with its version as soon as the socket is open;
        // an older one that does not is asked all the same
        let greetTimer = null;
        socket.onopen = () => {
            greetTimer = setTimeout(() => {
                if (!greeted && !settled) {
                    send();
                }
            }, 1500);
        };
        socket.onmessage = (event) => {
            if (event.data === '--heartbeat--') {
                return;
            }
            clearTimeout(greetTimer);
            let answer;
            try {
                answer = JSON.parse(event.data);
            } catch (error) {
                finish(reject, new NCALayerError('error', 'bad answer'));
                return;
            }
            if (!greeted) {
                // NCALayer greets with {"result": {"version": "..."}}
                send();
                return;
            }
            if (answer.status === false) {
                const code = String(answer.code || '');
                finish(reject, new NCALayerError(
                    /cancel/i.test(code + ' ' + (answer.message || ''))
                        ? 'cancelled' : 'error',
                    [code, answer.message].filter(Boolean).join(': ')));
                return;
            }
            let result = answer.body && answer.body.result;
            if (result === undefined && answer.responseObject) {
                result = answer.responseObject;
            }
            if (Array.isArray(result)) {
                result = result[0];
            }
            if (!result) {
                // a closed dialog: status true, no result
                finish(reject, new NCALayerError('cancelled'));
                return;
            }
            finish(resolve, String(result).replace(/\s+/g, ''));
        };
    });
}

// -- the views ----------------------------------------------------------------

function main() {
    return document.getElementById('main');
}

function show(...children) {
    const el = main();
    el.replaceChildren(...children.filter((c) => c !== null && c !== undefined));
    el.removeAttribute('aria-busy');
}

function viewLogin() {
    document.getElementById('main-nav').hidden = true;
    document.getElementById('logout').hidden = true;
    const error = h('p', {class: 'form-error', role: 'alert', id: 'login-error'});
    error.hidden = true;
    const totpField = h('div', {class: 'field'},
        h('label', {for: 'totp'}, t('login_totp')),
        h('input', {id: 'totp', name: 'totp', type: 'text',
            inputmode: 'numeric', autocomplete: 'one-time-code'}));
    totpField.hidden = true;
    const submit = h('button', {type: 'submit', class: 'btn btn-primary',
        id: 'login-submit'}, t('login_submit'));
    const form = h('form', {class: "login-card", id: "login-form",
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
            const answer = await api('POST', API + '/session', body);
            state.me = (answer && answer.me) || null;
            const stored = localStorage.getItem(LANG_KEY);
            if (!LANGS.includes(stored) && state.me
                    && LANGS.includes(state.me.language)
                    && state.me.language !== state.lang) {
                await setLang(state.me.language, {tellServer: false});
            }
            if (!location.hash || location.hash === '#/login') {
                location.hash = '#/tasks';
            }
            await render();
        } catch (err) {
            if (err instanceof ApiError && err.code === 'totp_required') {
                totpField.hidden = false;
                form.totp.focus();
            }
            error.textContent = err instanceof ApiError && err.status === 401
                ? (err.message || t('login_failed')) : errorText(err);
            error.hidden = false;
        } finally {
            submit.disabled = false;
        }
    });
    show(form);
    form.login.focus();
}

async function viewTasks(seq) {
    const tasks = await api('GET', EDMS + 'tasks.json');
    if (seq !== state.renderSeq) {
        return;
    }
    const title = h('h1', {id: 'page-title'}, t('tasks_title'));
    if (!tasks.length) {
        show(title, h('p', {class: 'empty', id: 'tasks-empty'}, t('tasks_empty')));
        return;
    }
    const list = h('ul', {class: 'task-list', id: 'task-list'},
        tasks.map((task) => {
            const doc = task.document;
            return h('li', {class: 'task' + (task.overdue ? ' overdue' : ''),
                dataset: {document: doc.id, action: task.action}},
                h('a', {href: `#/document/${doc.id}`, class: 'task-link'},
                    h('span', {class: `badge badge-${task.action}`},
                        t(task.action === 'sign' ? 'task_sign' : 'task_approve')),
                    ' ',
                    h('span', {class: 'task-number'}, doc.number || t('no_number')),
                    ' — ',
                    h('span', {class: 'task-summary'}, doc.summary)),
                h('div', {class: 'task-meta'},
                    doc.kind ? h('span', {}, doc.kind) : null,
                    task.deadline ? h('span', {},
                        `${t('deadline')}: ${formatDate(task.deadline)}`) : null,
                    task.overdue ? h('span', {class: 'overdue-label'},
                        t('overdue')) : null));
        }));
    show(title, list);
}

function field(label, value, name) {
    if (value === undefined || value === null || value === '') {
        return null;
    }
    return [h('dt', {}, label), h('dd', {dataset: {field: name}}, value)];
}

function stamp(signature) {
    const valid = signature.valid;
    return h('section', {class: 'stamp ' + (valid ? 'stamp-valid' : 'stamp-invalid'),
        'aria-label': t('stamp_title'), dataset: {signature: signature.id,
            status: signature.status}},
        h('h3', {}, t('stamp_title')),
        h('dl', {},
            field(t('stamp_signer'), signature.signer_name, 'signer_name'),
            field(t('stamp_iin'), signature.signer_iin, 'signer_iin'),
            field(t('stamp_bin'), signature.signer_bin, 'signer_bin'),
            field(t('stamp_organisation'), signature.organisation, 'organisation'),
            field(t('stamp_serial'), signature.cert_serial, 'cert_serial'),
            field(t('stamp_issuer'), signature.cert_issuer, 'cert_issuer'),
            field(t('stamp_time'), formatTime(signature.signing_time), 'signing_time'),
            field(t('stamp_status'), valid ? t('stamp_verified')
                : `${t('stamp_not_verified')}: ${signature.status_string || signature.status}`,
                'status')));
}

function preview(doc) {
    const file = doc.main_file;
    if (!file) {
        return h('p', {class: 'empty'}, t('no_file'));
    }
    const download = h('a', {href: file.url + '?download=1', download: file.name,
        class: 'download', id: 'download-link'}, t('download', {name: file.name}));
    let view = null;
    if (file.inline && file.mimetype.startsWith('image/')) {
        view = h('img', {src: file.url, alt: t('preview_frame', {name: file.name}),
            class: 'preview-image', id: 'preview'});
    } else if (file.inline) {
        view = h('iframe', {src: file.url, title: t('preview_frame', {name: file.name}),
            class: 'preview-frame', id: 'preview'});
    } else if (file.preview_url) {
        view = h('iframe', {src: file.preview_url,
            title: t('preview_frame', {name: file.name}),
            class: 'preview-frame', id: 'preview'});
    } else {
        view = h('p', {class: 'empty', id: 'preview-none'}, t('preview_none'));
    }
    return h('section', {class: 'preview', 'aria-labelledby': 'preview-title'},
        h('h2', {id: 'preview-title'}, t('preview_title')), view,
        h('p', {}, download));
}

function steps(doc) {
    if (!doc.steps.length) {
        return null;
    }
    return h('section', {'aria-labelledby': 'steps-title'},
        h('h2', {id: 'steps-title'}, t('steps_title')),
        h('div', {class: 'table-wrap'},
            h('table', {class: 'steps', id: 'steps'},
                h('thead', {}, h('tr', {},
                    h('th', {scope: 'col'}, t('step_stage')),
                    h('th', {scope: 'col'}, t('step_who')),
                    h('th', {scope: 'col'}, t('step_action')),
                    h('th', {scope: 'col'}, t('step_state')),
                    h('th', {scope: 'col'}, t('step_comment')))),
                h('tbody', {}, doc.steps.map((s) => h('tr', {
                    class: s.mine ? 'mine' : null, dataset: {state: s.state}},
                    h('td', {}, `${s.round}.${s.stage}`),
                    h('td', {}, s.user || s.group || ''),
                    h('td', {}, s.action_string || s.action),
                    h('td', {}, s.state_string || s.state,
                        s.decided_at ? h('br') : null,
                        s.decided_at ? h('small', {}, formatTime(s.decided_at)) : null),
                    h('td', {}, s.comment || '')))))));
}

function statusBox() {
    return h('div', {id: 'sign-status', class: 'sign-status', role: 'status',
        'aria-live': 'polite', dataset: {state: 'idle'}});
}

function setStatus(kind, ...children) {
    const box = document.getElementById('sign-status');
    if (!box) {
        return;
    }
    box.dataset.state = kind;
    box.className = 'sign-status sign-status-' + kind;
    box.replaceChildren(...children);
}

async function signDocument(doc, buttons) {
    for (const b of buttons) {
        b.disabled = true;
    }
    try {
        setStatus('working', t('sign_reading'));
        const response = await fetch(doc.main_file.url + `?lang=${state.lang}`,
            {credentials: 'same-origin'});
        if (!response.ok) {
            throw new ApiError(response.status, 'file', t('error_network'));
        }
        const data = bytesToBase64(await response.arrayBuffer());
        setStatus('working', t('sign_connecting'));
        let cms;
        try {
            cms = await ncalayerSign(data, {
                onConnected: () => setStatus('working', t('sign_waiting'))});
        } catch (error) {
            if (error.kind === 'not_running') {
                setStatus('not_running',
                    h('p', {}, t('ncalayer_not_running')),
                    h('p', {}, h('a', {href: NCALAYER_DOWNLOAD, target: '_blank',
                        rel: 'noopener noreferrer', id: 'ncalayer-link'},
                        t('ncalayer_link'))));
            } else if (error.kind === 'cancelled') {
                setStatus('cancelled', t('ncalayer_cancelled'));
            } else if (error.kind === 'timeout') {
                setStatus('error', t('ncalayer_timeout'));
            } else {
                setStatus('error', t('ncalayer_error', {message: error.message}));
            }
            return;
        }
        setStatus('working', t('sign_sending'));
        let answer;
        try {
            answer = await api('POST', EDMS + `documents/${doc.id}/sign`, {cms});
        } catch (error) {
            if (error instanceof ApiError && error.status === 422) {
                const box = h('p', {class: 'refused-reason', id: 'refused-reason',
                    dataset: {status: error.details.status || ''}}, error.message);
                setStatus('refused', h('strong', {}, t('sign_refused', {message: ''})
                    .replace(/[:\s]+$/, '')), box);
            } else {
                setStatus('error', errorText(error));
            }
            return;
        }
        await viewDocument(doc.id, state.renderSeq, {
            status: ['signed', h('p', {}, t('sign_done')), stamp(answer.signature)],
        });
        announce(t('sign_done'));
    } catch (error) {
        setStatus('error', errorText(error));
    } finally {
        for (const b of buttons) {
            if (b.isConnected) {
                b.disabled = false;
            }
        }
    }
}

async function decide(doc, action, comment, buttons) {
    if ((action === 'reject' || action === 'return') && !comment.value.trim()) {
        setStatus('error', t('comment_required'));
        comment.setAttribute('aria-invalid', 'true');
        comment.focus();
        return;
    }
    for (const b of buttons) {
        b.disabled = true;
    }
    try {
        await api('POST', EDMS + `documents/${doc.id}/${action}`,
            {comment: comment.value.trim() || null});
        await viewDocument(doc.id, state.renderSeq, {
            status: ['done', t('done_' + action)]});
        announce(t('done_' + action));
    } catch (error) {
        setStatus('error', errorText(error));
        for (const b of buttons) {
            b.disabled = false;
        }
    }
}

function decisionPanel(doc) {
    const actions = doc.actions || [];
    if (!actions.length) {
        return null;
    }
    const comment = h('textarea', {id: 'comment', name: 'comment', rows: 3,
        'aria-describedby': 'comment-help', maxlength: 4000});
    const buttons = [];
    const make = (action, cls) => {
        const b = h('button', {type: 'button', class: 'btn ' + cls,
            id: 'btn-' + action, dataset: {action}}, t('btn_' + action));
        buttons.push(b);
        return b;
    };
    const row = h('div', {class: 'actions'});
    if (actions.includes('sign')) {
        const b = make('sign', 'btn-primary');
        b.addEventListener('click', () => signDocument(doc, buttons));
        row.append(b);
    }
    if (actions.includes('approve')) {
        const b = make('approve', 'btn-primary');
        b.addEventListener('click', () => decide(doc, 'approve', comment, buttons));
        row.append(b);
    }
    for (const action of ['return', 'reject']) {
        if (actions.includes(action)) {
            const b = make(action, action === 'reject' ? 'btn-danger' : '');
            b.addEventListener('click', () => decide(doc, action, comment, buttons));
            row.append(b);
        }
    }
    return h('section', {class: 'decision', 'aria-labelledby': 'decision-title'},
        h('h2', {id: 'decision-title'}, t('decision_title')),
        h('div', {class: 'field'},
            h('label', {for: 'comment'}, t('comment_label')),
            comment,
            h('small', {id: 'comment-help'}, t('comment_help'))),
        row);
}

async function viewDocument(id, seq, {status} = {}) {
    let doc;
    try {
        doc = await api('GET', EDMS + `documents/${id}.json`);
    } catch (error) {
        if (error instanceof ApiError && error.status === 404) {
            show(h('h1', {id: 'page-title'}, t('not_found')),
                h('p', {}, h('a', {href: '#/tasks'}, t('btn_back'))));
            return;
        }
        throw error;
    }
    if (seq !== state.renderSeq) {
        return;
    }
    const card = h('dl', {class: 'card', id: 'card'},
        field(t('doc_number'), doc.number, 'number'),
        field(t('doc_kind'), doc.kind, 'kind'),
        field(t('doc_date'), formatDate(doc.date), 'date'),
        field(t('doc_registration_date'), formatDate(doc.registration_date),
            'registration_date'),
        field(t('doc_company'), doc.company, 'company'),
        field(t('doc_correspondent'), doc.correspondent
            ? doc.correspondent + (doc.correspondent_tax_id
                ? ` (${doc.correspondent_tax_id})` : '') : null, 'correspondent'),
        field(t('doc_summary'), doc.summary, 'summary'),
        field(t('doc_author'), doc.author, 'author'),
        field(t('doc_executor'), doc.executor, 'executor'),
        field(t('doc_deadline'), formatDate(doc.deadline), 'deadline'),
        field(t('doc_state'), doc.state_string || doc.state, 'state'));
    const signatures = h('section', {'aria-labelledby': 'signatures-title',
        id: 'signatures'},
        h('h2', {id: 'signatures-title'}, t('signatures_title')),
        doc.signatures.length ? doc.signatures.map(stamp)
            : h('p', {class: 'empty'}, t('signatures_empty')));
    const box = statusBox();
    show(h('p', {class: 'back'}, h('a', {href: '#/tasks'}, t('btn_back'))),
        h('h1', {id: 'page-title', dataset: {document: doc.id, state: doc.state}},
            t('document_title', {number: doc.number || t('no_number')})),
        card, decisionPanel(doc), box, preview(doc), steps(doc), signatures);
    if (status) {
        setStatus(...status);
    }
}

// -- routing ------------------------------------------------------------------

async function render() {
    const seq = ++state.renderSeq;
    main().setAttribute('aria-busy', 'true');
    if (!state.me) {
        try {
            state.me = await api('GET', API + '/me');
        } catch (error) {
            if (error instanceof ApiError && error.status === 401) {
                viewLogin();
                return;
            }
            show(h('p', {class: 'form-error', role: 'alert'}, errorText(error)));
            return;
        }
    }
    document.getElementById('main-nav').hidden = false;
    document.getElementById('logout').hidden = false;
    document.getElementById('user-name').textContent = state.me.name || '';
    const hash = location.hash || '#/tasks';
    const match = hash.match(/^#\/(?:document|doc)\/(\d+)$/);
    try {
        if (match) {
            await viewDocument(Number(match[1]), seq);
        } else {
            await viewTasks(seq);
        }
    } catch (error) {
        if (error instanceof ApiError && error.status === 401) {
            state.me = null;
            viewLogin();
            return;
        }
        show(h('p', {class: 'form-error', role: 'alert'}, errorText(error)));
    }
}

async function logout() {
    try {
        await api('DELETE', API + '/session');
    } catch (error) {
        console.warn('logout', error);
    }
    state.me = null;
    location.hash = '#/tasks';
    await render();
}

async function start() {
    const stored = localStorage.getItem(LANG_KEY);
    const page = document.documentElement.lang;
    const browser = (navigator.language || '').toLowerCase().startsWith('ru')
        ? 'ru' : 'kk';
    await setLang(LANGS.includes(stored) ? stored
        : (LANGS.includes(page) ? page : browser),
        {remember: false, tellServer: false});
    for (const button of document.querySelectorAll('.lang-btn')) {
        button.addEventListener('click', async () => {
            main().setAttribute('aria-busy', 'true');
            await setLang(button.dataset.lang);
            await render();
        });
    }
    document.getElementById('logout').addEventListener('click', logout);
    window.addEventListener('hashchange', render);
    await render();
}

start();
