// This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
// this repository contains the full copyright notices and license terms.
//
// A stand-in of the portal's server for the front end's own browser test
// (test_portal.py::test_portal_front_end_on_contract_stub): it serves
// addons/edu_portal/static/ as the real server does (pages.py: the shell at
// /<db>/portal/, static/, manifest.webmanifest, sw.js, the same
// Content-Security-Policy) and answers the REST API v1 of the contract
// (/tmp/prompts/api.md, routes.py) from a small school kept in memory: one
// class with the demo learner, a maths teacher, a parent of two children,
// the periods around today (the first one closed).  It checks what the real
// server checks and the front end must send: the session cookie, the
// X-Requested-With header on unsafe methods, marks 1..10, closed periods.
//
//   node portal_mock.mjs '{"port": 0, "database": "bilim"}'
// prints {"url": ..., "learner": ..., ...} on its first line, then serves
// until killed.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const STATIC = path.resolve(HERE, '..', '..', 'addons', 'edu_portal',
    'static');
const cfg = JSON.parse(process.argv[2] || '{}');
const DB = cfg.database || 'bilim';
const PASSWORD = cfg.password || 'Astana2026!';
const PORTAL = `/${DB}/portal/`;
const API = `${PORTAL}api/v1`;
const CSP = [
    "default-src 'self'", "script-src 'self'", "style-src 'self'",
    "img-src 'self' data:", "font-src 'self'", "connect-src 'self'",
    "manifest-src 'self'", "worker-src 'self'", "object-src 'none'",
    "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'",
].join('; ');
const TYPES = {
    '.js': 'text/javascript; charset=utf-8',
    '.css': 'text/css; charset=utf-8',
    '.html': 'text/html; charset=utf-8',
    '.json': 'application/json',
    '.webmanifest': 'application/manifest+json',
    '.svg': 'image/svg+xml',
    '.png': 'image/png',
};

// -- the school ---------------------------------------------------------------

const pad = (n) => String(n).padStart(2, '0');
const iso = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const addDays = (d, n) => { const c = new Date(d); c.setDate(c.getDate() + n); return c; };
const parse = (s) => { const [y, m, d] = s.split('-').map(Number); return new Date(y, m - 1, d); };
const now = new Date();
const TODAY = new Date(now.getFullYear(), now.getMonth(), now.getDate());
const monday = (d) => addDays(d, -((d.getDay() + 6) % 7));

const periods = [
    {id: 1, name: 'I тоқсан', number: 1, start: addDays(monday(TODAY), -84),
        end: addDays(monday(TODAY), -29), state: 'closed'},
    {id: 2, name: 'II тоқсан', number: 2, start: addDays(monday(TODAY), -28),
        end: addDays(monday(TODAY), 27), state: 'open'},
];
const users = {
    teacher: {id: 11, login: 'teacher', name: 'Ахметова Гүлнар',
        language: 'ru', roles: ['teacher'], person: {id: 100,
            name: 'Ахметова Гүлнар'}},
    learner: {id: 12, login: 'learner', name: 'Серіков Нұрлан',
        language: 'kk', roles: ['learner'], person: {id: 201,
            name: 'Серіков Нұрлан'}},
    parent: {id: 13, login: 'parent', name: 'Серікова Айгүл',
        language: 'kk', roles: ['parent'], person: {id: 300,
            name: 'Серікова Айгүл'}},
    // a second factor is required of this one (edu_mfa)
    director: {id: 14, login: 'director', name: 'Қасымов Бауыржан',
        language: 'kk', roles: ['director'], person: {id: 102,
            name: 'Қасымов Бауыржан'}, totp: '123456'},
};
const classes = {10: {id: 10, name: '7 Ә'}, 11: {id: 11, name: '3 А'}};
const learners = {
    201: {id: 201, name: 'Серіков Нұрлан', class: 10},
    202: {id: 202, name: 'Серікова Аружан', class: 11},
    203: {id: 203, name: 'Әлиев Дәулет', class: 10},
    204: {id: 204, name: 'Бекова Мадина', class: 10},
};
const children = {300: [201, 202]};
const subjects = {1: {id: 1, name: 'Математика'}, 2: {id: 2, name: 'Физика'}};
const teachers = {100: {id: 100, name: 'Ахметова Гүлнар'},
    101: {id: 101, name: 'Омаров Ерлан'}};
const bells = [['08:30', '09:15'], ['09:25', '10:10'], ['10:20', '11:05']];
// weekly slots: weekday (0 = Monday), bell, class, subject, teacher
const slots = [
    [0, 0, 10, 1, 100], [2, 0, 10, 1, 100], [4, 1, 10, 1, 100],
    [1, 1, 10, 2, 101], [3, 2, 10, 2, 101], [4, 2, 11, 2, 101],
];
const lessons = [];
for (let d = periods[0].start; d <= periods[1].end; d = addDays(d, 1)) {
    const weekday = (d.getDay() + 6) % 7;
    for (const [wd, bell, cls, subject, teacher] of slots) {
        if (wd === weekday) {
            lessons.push({id: lessons.length + 1, date: iso(d), bell, cls,
                subject, teacher, room: '2' + pad(bell + 1),
                topic: `Тақырып ${lessons.length + 1}`,
                conference_url: subject === 1
                    ? `https://meet.example.kz/bilim-${lessons.length + 1}`
                    : null});
        }
    }
}
const works = [
    {id: 1, period: 2, cls: 10, subject: 1, kind: 'section',
        name: 'БЖБ 1', max_score: 15},
    {id: 2, period: 2, cls: 10, subject: 1, kind: 'quarter',
        name: 'ТЖБ', max_score: 25},
];
const entries = {};   // "lesson:learner" -> {attendance, mark}
const scores = {};    // "work:learner" -> score
const homework = [];
const submissions = [];
const threads = [];
const messages = [];
{
    const past = lessons.filter((l) => l.cls === 10 && l.date < iso(TODAY));
    // a few marks of the closed period and before
    for (const lesson of past.slice(0, 6)) {
        entries[`${lesson.id}:203`] = {attendance: 'present', mark: 7};
    }
    const last = past[past.length - 1];
    homework.push({id: 1, lesson: last.id, description: 'Есептер 12–15',
        due_date: iso(addDays(TODAY, 2))});
    submissions.push({id: 1, homework: 1, learner: 203,
        text: 'Жауаптар: 12) 4; 13) 9', state: 'submitted',
        submitted_at: new Date().toISOString(), mark: null, comment: null});
    threads.push({id: 1, subject: 'Үй тапсырмасы', learner: 201,
        teacher: 100, parent: 300});
    messages.push({id: 1, thread: 1, author: 13, body: 'Сәлеметсіз бе!',
        date: new Date().toISOString(), read: false});
}

// -- helpers ------------------------------------------------------------------

const ref = (o) => (o ? {id: o.id, name: o.name} : null);
const sessions = new Map();
const counts = {requests: 0, unsafe_without_header: 0};

class HttpError extends Error {
    constructor(status, code, message, details) {
        super(message);
        this.status = status;
        this.code = code;
        this.details = details || {};
    }
}

function lessonOut(lesson, learnerId) {
    const entry = entries[`${lesson.id}:${learnerId}`] || {};
    return {
        lesson: lesson.id, start: bells[lesson.bell][0],
        end: bells[lesson.bell][1], subject: ref(subjects[lesson.subject]),
        topic: lesson.topic, room: lesson.room,
        teacher: teachers[lesson.teacher].name,
        attendance: entry.attendance || (lesson.date < iso(TODAY)
            ? 'present' : null),
        mark: entry.mark ?? null, conference_url: lesson.conference_url,
        homework: homework.filter((h) => h.lesson === lesson.id).map((h) => {
            const s = submissions.find((x) => x.homework === h.id
                && x.learner === learnerId);
            return {id: h.id, description: h.description,
                due_date: h.due_date, files: [],
                submission: s ? {id: s.id, state: s.state, mark: s.mark,
                    comment: s.comment} : null};
        }),
    };
}

function learnerFor(user, query) {
    const id = query.get('learner') ? Number(query.get('learner')) : null;
    if (user.roles.includes('learner')) {
        if (id && id !== user.person.id) {
            throw new HttpError(403, 'forbidden', 'Рұқсат жоқ');
        }
        return user.person.id;
    }
    if (user.roles.includes('parent')) {
        if (!id) {
            throw new HttpError(400, 'bad_parameter', 'learner?');
        }
        if (!(children[user.person.id] || []).includes(id)) {
            throw new HttpError(403, 'forbidden', 'Рұқсат жоқ');
        }
        return id;
    }
    if (!id || !learners[id]) {
        throw new HttpError(400, 'bad_parameter', 'learner?');
    }
    return id;
}

function me(user) {
    return {
        id: user.id, login: user.login, name: user.name,
        language: user.language, roles: user.roles, person: user.person,
        company: {id: 1, name: '№ 12 мектеп-гимназия'},
        children: (children[user.person.id] || []).map((id) => ({
            id, name: learners[id].name,
            class: ref(classes[learners[id].class])})),
        classes: [],
    };
}

function periodOf(date) {
    return periods.find((p) => iso(p.start) <= date && date <= iso(p.end));
}

function checkOpen(lesson) {
    const period = periodOf(lesson.date);
    if (period && period.state === 'closed') {
        throw new HttpError(409, 'period_closed',
            'Тоқсан жабық: бағаларды өзгертуге болмайды');
    }
}

// -- the API ------------------------------------------------------------------

async function handleApi(req, res, url, route) {
    const method = req.method;
    const query = url.searchParams;
    let body = null;
    const raw = await new Promise((resolve) => {
        const chunks = [];
        req.on('data', (c) => chunks.push(c));
        req.on('end', () => resolve(Buffer.concat(chunks)));
    });
    if (raw.length && (req.headers['content-type'] || '').startsWith(
            'application/json')) {
        body = JSON.parse(raw.toString('utf8'));
    }
    if (method === 'POST' && route === '/session') {
        const user = users[body && body.login];
        if (!user || body.password !== PASSWORD) {
            throw new HttpError(401, 'login_failed', 'Логин немесе құпиясөз қате');
        }
        if (user.totp && !body.totp) {
            throw new HttpError(401, 'totp_required',
                'Растау кодын енгізіңіз', {parameter: 'totp'});
        }
        if (user.totp && body.totp !== user.totp) {
            throw new HttpError(401, 'login_failed', 'Код қате');
        }
        const token = crypto.randomBytes(16).toString('hex');
        sessions.set(token, user.login);
        res.setHeader('Set-Cookie', `bilim_portal=${token}; Path=/${DB}/portal; `
            + 'HttpOnly; SameSite=Strict');
        return {token, expires_in: 3600, me: me(user)};
    }
    const cookie = /(?:^|;\s*)bilim_portal=([0-9a-f]+)/.exec(
        req.headers.cookie || '');
    const user = cookie && users[sessions.get(cookie[1])];
    if (!user) {
        throw new HttpError(401, 'unauthorized', 'Кіру қажет');
    }
    if (method !== 'GET' && req.headers['x-requested-with'] !== 'bilim') {
        counts.unsafe_without_header += 1;
        throw new HttpError(403, 'csrf', 'X-Requested-With');
    }
    const teacher = user.roles.includes('teacher') ? user.person.id : null;
    let m;
    if (method === 'DELETE' && route === '/session') {
        sessions.delete(cookie[1]);
        return null;
    }
    if (method === 'GET' && route === '/me') {
        return me(user);
    }
    if (method === 'PUT' && route === '/me/language') {
        if (!['kk', 'ru'].includes(body && body.language)) {
            throw new HttpError(400, 'bad_parameter', 'language');
        }
        user.language = body.language;
        return me(user);
    }
    if (method === 'GET' && route === '/periods') {
        return periods.map((p) => ({id: p.id, name: p.name,
            number: p.number, start_date: iso(p.start), end_date: iso(p.end),
            state: p.state, current: iso(p.start) <= iso(TODAY)
                && iso(TODAY) <= iso(p.end)}));
    }
    if (method === 'GET' && route === '/timetable') {
        const date = parse(query.get('date') || iso(TODAY));
        const start = monday(date);
        let cls = null;
        if (!teacher || query.get('learner')) {
            cls = learners[learnerFor(user, query)].class;
        }
        const days = [];
        for (let i = 0; i < 6; i++) {
            const day = iso(addDays(start, i));
            days.push({date: day, weekday: i, lessons: lessons.filter((l) =>
                l.date === day && (cls ? l.cls === cls
                    : l.teacher === teacher)).map((l) => ({
                slot: l.bell + 1, bell: l.bell + 1, start: bells[l.bell][0],
                end: bells[l.bell][1], subject: ref(subjects[l.subject]),
                class: ref(classes[l.cls]), teacher: ref(teachers[l.teacher]),
                room: {id: 1, name: l.room}, substitute: false}))});
        }
        return {week_start: iso(start), days};
    }
    if (method === 'GET' && route === '/diary') {
        const id = learnerFor(user, query);
        const start = query.get('start');
        const end = query.get('end');
        if ((parse(end) - parse(start)) / 86400000 >= 31) {
            throw new HttpError(400, 'range_too_long', '31');
        }
        const byDate = {};
        for (const lesson of lessons.filter((l) => l.cls
                === learners[id].class && start <= l.date
                && l.date <= end)) {
            (byDate[lesson.date] = byDate[lesson.date] || []).push(
                lessonOut(lesson, id));
        }
        return {learner: {id, name: learners[id].name,
            class: ref(classes[learners[id].class])},
        days: Object.keys(byDate).sort().map((date) => ({date,
            lessons: byDate[date]}))};
    }
    if (method === 'GET' && route === '/results') {
        const id = learnerFor(user, query);
        return {periods: periods.map((p) => ({id: p.id, name: p.name,
            state: p.state})), subjects: [{subject: ref(subjects[1]),
            periods: [{period: 1, formative_percent: 80, section_percent: 70,
                quarter_percent: 75, total_percent: 75.5, mark: 4}],
            year_mark: null}, {subject: ref(subjects[2]), periods: [{
            period: 1, formative_percent: 90, section_percent: 88,
            quarter_percent: 92, total_percent: 90, mark: 5 - (id % 2)}],
        year_mark: null}]};
    }
    if (method === 'GET' && route === '/teacher/today') {
        const date = query.get('date') || iso(TODAY);
        return lessons.filter((l) => l.teacher === teacher
            && l.date === date).map((l) => ({lesson: l.id,
            start: bells[l.bell][0], end: bells[l.bell][1],
            class: ref(classes[l.cls]), subject: ref(subjects[l.subject]),
            room: l.room, topic: l.topic, conference_url: l.conference_url,
            state: 'planned'}));
    }
    if (method === 'GET' && route === '/teacher/classes') {
        if (!teacher) {
            throw new HttpError(403, 'forbidden', 'Рұқсат жоқ');
        }
        return [{class: ref(classes[10]), subject: ref(subjects[1]),
            subgroup: null}];
    }
    if (method === 'GET' && route === '/journal') {
        const cls = Number(query.get('class'));
        const subject = Number(query.get('subject'));
        const period = periods.find((p) => p.id
            === Number(query.get('period')));
        if (!teacher || cls !== 10 || subject !== 1) {
            throw new HttpError(403, 'forbidden', 'Рұқсат жоқ');
        }
        const rows = Object.values(learners).filter((l) => l.class === cls);
        const ls = lessons.filter((l) => l.cls === cls
            && l.subject === subject && iso(period.start) <= l.date
            && l.date <= iso(period.end));
        const ws = works.filter((w) => w.period === period.id);
        const cells = {};
        const sc = {};
        for (const l of ls) {
            for (const r of rows) {
                if (entries[`${l.id}:${r.id}`]) {
                    cells[`${l.id}:${r.id}`] = entries[`${l.id}:${r.id}`];
                }
            }
        }
        for (const w of ws) {
            for (const r of rows) {
                if (scores[`${w.id}:${r.id}`] !== undefined) {
                    sc[`${w.id}:${r.id}`] = scores[`${w.id}:${r.id}`];
                }
            }
        }
        return {class: ref(classes[cls]), subject: ref(subjects[subject]),
            period: {id: period.id, name: period.name, state: period.state,
                closed: period.state === 'closed'},
            learners: rows.map(ref), lessons: ls.map((l) => ({id: l.id,
                date: l.date, topic: l.topic})),
            works: ws.map((w) => ({id: w.id, kind: w.kind, name: w.name,
                max_score: w.max_score})),
            cells, scores: sc, period_marks: {203: {total_percent: 81.5,
                mark: 4}}};
    }
    if (method === 'PUT' && route === '/journal/entry') {
        const lesson = lessons.find((l) => l.id === body.lesson);
        if (!lesson || lesson.teacher !== teacher) {
            throw new HttpError(403, 'forbidden', 'Бұл сынып сіздікі емес');
        }
        checkOpen(lesson);
        if (body.mark !== undefined && body.mark !== null
                && !(Number.isInteger(body.mark) && body.mark >= 1
                    && body.mark <= 10)) {
            throw new HttpError(400, 'bad_parameter', 'mark');
        }
        const key = `${body.lesson}:${body.learner}`;
        const entry = entries[key] || {attendance: 'present', mark: null};
        if (body.attendance) {
            entry.attendance = body.attendance;
        }
        if ('mark' in body) {
            entry.mark = body.mark;
        }
        entries[key] = entry;
        return {lesson: body.lesson, learner: body.learner, ...entry};
    }
    if (method === 'PUT' && route === '/journal/score') {
        const work = works.find((w) => w.id === body.work);
        if (!work) {
            throw new HttpError(404, 'not_found', 'work');
        }
        if (body.score !== null && (body.score < 0
                || body.score > work.max_score)) {
            throw new HttpError(400, 'bad_parameter', 'score');
        }
        scores[`${body.work}:${body.learner}`] = body.score;
        return {work: body.work, learner: body.learner, score: body.score};
    }
    if (method === 'GET' && route === '/homework/inbox') {
        return submissions.map((s) => {
            const hw = homework.find((h) => h.id === s.homework);
            const lesson = lessons.find((l) => l.id === hw.lesson);
            return {submission: s.id, homework: hw.id,
                learner: ref(learners[s.learner]), class: ref(classes[
                    lesson.cls]), subject: ref(subjects[lesson.subject]),
                submitted_at: s.submitted_at, text: s.text, file: null,
                state: s.state, mark: s.mark, comment: s.comment};
        });
    }
    if (method === 'PATCH' && (m = /^\/homework\/submissions\/(\d+)$/.exec(
            route))) {
        const s = submissions.find((x) => x.id === Number(m[1]));
        Object.assign(s, {mark: body.mark, comment: body.comment,
            state: body.state});
        return {submission: s.id, state: s.state, mark: s.mark};
    }
    if (method === 'POST' && (m = /^\/homework\/(\d+)\/submissions$/.exec(
            route))) {
        const text = /name="text"\r\n\r\n([\s\S]*?)\r\n--/.exec(
            raw.toString('utf8'));
        const s = {id: submissions.length + 1, homework: Number(m[1]),
            learner: user.person.id, text: text ? text[1] : null,
            state: 'submitted',
            submitted_at: new Date().toISOString(), mark: null,
            comment: null};
        submissions.push(s);
        return {submission: s.id, state: s.state};
    }
    if (method === 'GET' && route === '/lesson-plans') {
        return [{id: 1, title: 'Бөлшектерді қосу', subject: ref(subjects[1]),
            grade: 7, materials: [{id: 1, name: 'Презентация',
                url: null, file: {name: 'slides.pdf',
                    url: 'files/material/1'}}]}];
    }
    if (method === 'GET' && route === '/announcements') {
        return [{id: 1, title: 'Ата-аналар жиналысы',
            body: 'Жұма күні сағат 18:00-де.\nАкт залы.', date: iso(TODAY),
            author: 'Директор', audience: 'school', attachments: []}];
    }
    const threadOut = (th) => ({id: th.id, subject: th.subject,
        learner: ref(learners[th.learner]), teacher: ref(teachers[th.teacher]),
        parent: {id: 300, name: users.parent.name},
        last_message: messages.filter((x) => x.thread === th.id).slice(-1)[0]
            .date,
        unread: messages.filter((x) => x.thread === th.id && !x.read
            && x.author !== user.id).length});
    const mine = (th) => th.teacher === user.person.id
        || th.parent === user.person.id;
    const threadFull = (th) => ({thread: threadOut(th),
        messages: messages.filter((x) => x.thread === th.id).map((x) => ({
            id: x.id, author: Object.values(users).find((u) => u.id
                === x.author).name, body: x.body, date: x.date,
            mine: x.author === user.id}))});
    if (method === 'GET' && route === '/messages') {
        return threads.filter(mine).map(threadOut);
    }
    if ((m = /^\/messages\/(\d+)$/.exec(route))) {
        const th = threads.find((x) => x.id === Number(m[1]));
        if (!th || !mine(th)) {
            throw new HttpError(404, 'not_found', 'thread');
        }
        if (method === 'POST') {
            messages.push({id: messages.length + 1, thread: th.id,
                author: user.id, body: body.body,
                date: new Date().toISOString(), read: false});
        }
        return threadFull(th);
    }
    if (method === 'POST' && route === '/messages') {
        if (!(children[user.person.id] || []).includes(body.learner)) {
            throw new HttpError(403, 'forbidden', 'Рұқсат жоқ');
        }
        const th = {id: threads.length + 1, subject: body.subject,
            learner: body.learner, teacher: body.teacher,
            parent: user.person.id};
        threads.push(th);
        messages.push({id: messages.length + 1, thread: th.id,
            author: user.id, body: body.body,
            date: new Date().toISOString(), read: false});
        return threadFull(th);
    }
    if (method === 'GET' && route === '/teachers') {
        learnerFor(user, query);
        return Object.values(teachers).map((tch) => ({...tch,
            subjects: tch.id === 100 ? ['Математика'] : ['Физика']}));
    }
    throw new HttpError(404, 'not_found', route);
}

// -- the server ---------------------------------------------------------------

function serveFile(res, relative, extraHeaders) {
    const file = path.resolve(STATIC, relative);
    if (!file.startsWith(STATIC + path.sep) || !fs.existsSync(file)
            || !fs.statSync(file).isFile()) {
        res.writeHead(404, {'Content-Security-Policy': CSP});
        return res.end('not found');
    }
    res.writeHead(200, {
        'Content-Type': TYPES[path.extname(file)]
            || 'application/octet-stream',
        'Cache-Control': 'no-cache',
        'Content-Security-Policy': CSP,
        'X-Content-Type-Options': 'nosniff',
        ...extraHeaders,
    });
    res.end(fs.readFileSync(file));
}

const server = http.createServer(async (req, res) => {
    counts.requests += 1;
    const url = new URL(req.url, 'http://localhost');
    const p = url.pathname;
    try {
        if (p.startsWith(API + '/')) {
            const data = await handleApi(req, res, url, p.slice(API.length));
            if (data === null) {
                res.writeHead(204);
                return res.end();
            }
            res.writeHead(200, {'Content-Type': 'application/json',
                'Cache-Control': 'no-store'});
            return res.end(JSON.stringify(data));
        }
        if (p === `/${DB}/portal`) {
            res.writeHead(308, {Location: PORTAL});
            return res.end();
        }
        if (p === PORTAL) {
            return serveFile(res, 'index.html');
        }
        if (p === PORTAL + 'manifest.webmanifest') {
            return serveFile(res, 'manifest.webmanifest');
        }
        if (p === PORTAL + 'sw.js') {
            return serveFile(res, 'sw.js',
                {'Service-Worker-Allowed': PORTAL});
        }
        if (p.startsWith(PORTAL + 'static/')) {
            return serveFile(res, decodeURIComponent(
                p.slice((PORTAL + 'static/').length)));
        }
        if (p === '/__counts') {
            res.writeHead(200, {'Content-Type': 'application/json'});
            return res.end(JSON.stringify({...counts, entries}));
        }
        res.writeHead(404);
        res.end('not found');
    } catch (error) {
        const status = error instanceof HttpError ? error.status : 500;
        res.writeHead(status, {'Content-Type': 'application/json'});
        res.end(JSON.stringify({error: {code: error.code || 'error',
            message: error.message, details: error.details || {}}}));
    }
});

server.listen(cfg.port || 0, '127.0.0.1', () => {
    const {port} = server.address();
    const past = lessons.filter((l) => l.cls === 10 && l.subject === 1
        && l.date <= iso(TODAY) && periodOf(l.date) === periods[1]);
    process.stdout.write(JSON.stringify({
        url: `http://127.0.0.1:${port}/`, database: DB, password: PASSWORD,
        totp: {login: 'director', code: users.director.totp},
        closed_period: periods[0].name,
        learner: {id: 201, name: learners[201].name, class: classes[10]},
        subject: subjects[1], lessons_so_far: past.length,
    }) + '\n');
});
