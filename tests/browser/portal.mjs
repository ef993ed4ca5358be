// This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
// this repository contains the full copyright notices and license terms.
//
// Drive the Bilim portal (/<db>/portal/) in headless Chromium as its users
// would (R27.19, R27.12, R17, R4, R5.6).  Run by test_portal.py:
//   node portal.mjs '<json config>'
// The last line of stdout is a JSON report; the exit code is 1 on failure.
//
//   0. (cfg.totp) a user whose login needs a second factor: the form asks
//      for the code, then logs in;
//   1. the teacher logs in (login form), the page is in the teacher's
//      language; the kk/ru switch changes every text of the navigation and
//      the lang attribute (and is kept on the server: GET /me);
//   2. the teacher opens the journal of cfg.target's class and subject and,
//      with the keyboard only, types "н" (absent) in the learner's cell of
//      the last-but-one lesson up to today, Tab, "9" in the last lesson,
//      an arrow to the next learner, "1" "0" (10), Enter; each cell shows
//      its saved state; the page is reloaded and the values are still there;
//   3. the parent logs in, chooses the child, and finds the mark 9 and the
//      absence in the child's diary (the weeks of the two lessons), in the
//      marks and attendance pages; writes a new message to a teacher of the
//      class when the class has one;
//   4. the learner logs in, opens the diary and the timetable, the network
//      is cut (context.setOffline(true)) and the page reloaded: the diary and
//      the timetable are still shown, from the service worker's cache, under
//      the banner "offline — data from <time>"; before that, the learner
//      hands in the week's homework (text) when there is one;
//   5. the teacher finds it in the homework inbox and grades it.
// Phone-sized screenshots (390×844) of each main page are written to
// cfg.outDir as <prefix>-<user>-<page>.png.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const cfg = JSON.parse(process.argv[2]);
const require = createRequire(path.join(cfg.nodeDir, 'package.json'));
const { chromium } = require('playwright-core');

const TIMEOUT = cfg.timeoutMs || 30000;
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 860 };
const PREFIX = cfg.prefix || 'portal';
const report = {
    steps: [], screenshots: [], console_errors: [], http_errors: [],
    overflow_360: {}, unlabeled: {}, landmarks: {},
};
const portal = new URL(`${cfg.database}/portal/`, cfg.url).href;

function log(message) {
    report.steps.push(message);
}

async function shot(page, name) {
    // the phone viewport for the picture, then back
    await page.setViewportSize(PHONE);
    await page.waitForTimeout(150);
    const file = path.join(cfg.outDir, `${PREFIX}-${name}.png`);
    await page.screenshot({ path: file });
    report.screenshots.push(file);
    // the page must fit a 360 px phone: nothing wider than the viewport
    // but the tables, which scroll in their own box
    await page.setViewportSize({ width: 360, height: 740 });
    await page.waitForTimeout(100);
    report.overflow_360[name] = await page.evaluate(
        () => document.documentElement.scrollWidth
            - document.documentElement.clientWidth);
    report.unlabeled[name] = await unlabeled(page);
    report.landmarks[name] = await page.evaluate(() => ({
        header: !!document.querySelector('header'),
        nav: !!document.querySelector('nav:not([hidden])'),
        main: !!document.querySelector('main'),
        footer: !!document.querySelector('footer'),
        h1: (document.querySelector('main h1') || {}).textContent || null,
    }));
    await page.setViewportSize(DESKTOP);
    return file;
}

// the visible form controls without a label (label[for], aria-label or a
// wrapping label)
async function unlabeled(page) {
    return page.evaluate(() => [...document.querySelectorAll(
        'input:not([type=hidden]), select, textarea')]
        .filter((el) => el.offsetParent !== null)
        .filter((el) => !(el.getAttribute('aria-label')
            || el.getAttribute('aria-labelledby') || el.closest('label')
            || (el.id && document.querySelector(`label[for="${el.id}"]`))))
        .map((el) => el.id || el.name || el.outerHTML.slice(0, 80)));
}

// a key of the Russian/Kazakh layout (Playwright knows only the US one): a
// trusted keydown/keyup through the DevTools protocol, as the keyboard sends
async function pressCyrillic(page, char) {
    const cdp = await page.context().newCDPSession(page);
    const event = { key: char, text: char, unmodifiedText: char,
        code: 'KeyY', windowsVirtualKeyCode: 89, nativeVirtualKeyCode: 89 };
    await cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', ...event });
    await cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', ...event });
    await cdp.detach();
}

async function ready(page) {
    await page.waitForFunction(() => document.body.dataset.ready === 'true'
        && !document.querySelector('main[aria-busy]'));
}

async function view(page, hash) {
    // a new drawing of the page (app.js counts them in main's data-render)
    const before = await page.evaluate((h) => {
        const seq = Number(document.querySelector('main').dataset.render || 0);
        if (location.hash === h) {
            return seq - 1;  // already there: no new drawing to wait for
        }
        location.hash = h;
        return seq;
    }, hash);
    await page.waitForFunction(({ h, before }) => {
        const main = document.querySelector('main');
        return location.hash === h && !main.hasAttribute('aria-busy')
            && Number(main.dataset.render || 0) > before
            && main.dataset.view === h.replace(/^#\//, '').split(/[/?]/)[0];
    }, { h: hash, before });
}

// the count of drawings of the page, and a wait for a newer one
async function renderSeq(page) {
    return page.evaluate(
        () => Number(document.querySelector('main').dataset.render || 0));
}

async function redrawn(page, before) {
    await page.waitForFunction((b) => {
        const main = document.querySelector('main');
        return Number(main.dataset.render || 0) > b
            && !main.hasAttribute('aria-busy');
    }, before);
}

async function navTexts(page) {
    return (await page.locator('#nav-list a').allInnerTexts())
        .map((s) => s.trim());
}

async function login(page, user) {
    await page.goto(portal, { waitUntil: 'load' });
    await ready(page);
    await page.locator('#login-form').waitFor({ state: 'visible' });
    await page.locator('#login').fill(user);
    await page.locator('#password').fill(cfg.password);
    await page.locator('#login-form button[type=submit]').click();
    await page.locator('#nav-list a').first().waitFor({ state: 'visible' });
    await page.waitForFunction(() => !document.querySelector(
        'main[aria-busy]') && document.querySelector('main').dataset.view
        !== 'login');
    log(`${user} logged in: ${page.url()}`);
}

async function logout(page) {
    await page.locator('#logout').click();
    await page.locator('#login-form').waitFor({ state: 'visible' });
}

async function switchLanguage(page, lang) {
    await page.locator(`.lang-btn[data-lang="${lang}"]`).click();
    // the page redrawn in the language (app.js sets main's data-lang)
    await page.waitForFunction((l) => document.documentElement.lang === l
        && document.querySelector('main').dataset.lang === l
        && !document.querySelector('main[aria-busy]'), lang);
}

async function serverLanguage(page) {
    return page.evaluate(async (root) => {
        const response = await fetch(root + 'api/v1/me', {
            headers: { Accept: 'application/json' }, cache: 'no-store' });
        return (await response.json()).language;
    }, portal);
}

// -- 0: a login with a second factor (when cfg.totp names a user) ------------

async function totpLogin(page) {
    const r = report.totp = {};
    await page.goto(portal, { waitUntil: 'load' });
    await ready(page);
    await page.locator('#login').fill(cfg.totp.login);
    await page.locator('#password').fill(cfg.password);
    r.field_before = await page.locator('#totp').isVisible();
    await page.locator('#login-form button[type=submit]').click();
    await page.locator('#totp').waitFor({ state: 'visible' });
    r.field_after = await page.locator('#totp').isVisible();
    r.focused = await page.evaluate(() => document.activeElement.id);
    r.message = (await page.locator('#login-error').innerText()).trim();
    r.label = (await page.locator('label[for="totp"]').innerText()).trim();
    await page.locator('#totp').fill(cfg.totp.code);
    await page.locator('#login-form button[type=submit]').click();
    await page.locator('#nav-list a').first().waitFor({ state: 'visible' });
    await page.waitForFunction(() => !document.querySelector(
        'main[aria-busy]') && document.querySelector('main').dataset.view
        !== 'login');
    r.logged_in = await page.evaluate(
        () => document.querySelector('main').dataset.view);
    log(`${cfg.totp.login}: second factor asked ("${r.message}"), `
        + `logged in on ${r.logged_in}`);
    await logout(page);
}

// -- 1, 2: the teacher ----------------------------------------------------------

async function teacher(page) {
    const r = report.teacher = {};
    await page.goto(portal, { waitUntil: 'load' });
    await ready(page);
    report.login_page_lang = await page.evaluate(
        () => document.documentElement.lang);
    report.screenshot_login = await shot(page, 'login');
    // the installable app: the manifest the page links, its icons served
    report.manifest = await page.evaluate(async () => {
        const link = document.querySelector('link[rel=manifest]');
        const url = new URL(link.getAttribute('href'), location.href);
        const response = await fetch(url);
        const manifest = await response.json();
        const icons = [];
        for (const icon of manifest.icons || []) {
            const src = new URL(icon.src, url);
            const got = await fetch(src);
            icons.push({ sizes: icon.sizes, type: icon.type,
                status: got.status,
                contentType: got.headers.get('Content-Type') });
        }
        return {
            url: url.href, status: response.status,
            contentType: response.headers.get('Content-Type'),
            name: manifest.name, display: manifest.display,
            start_url: new URL(manifest.start_url, url).href,
            scope: new URL(manifest.scope, url).href, icons,
        };
    });
    await login(page, cfg.teacher);
    r.html_lang = await page.evaluate(() => document.documentElement.lang);
    r.nav = await navTexts(page);
    r.server_language = await serverLanguage(page);
    const other = r.html_lang === 'kk' ? 'ru' : 'kk';
    await switchLanguage(page, other);
    r.switched = {
        lang: other,
        html_lang: await page.evaluate(() => document.documentElement.lang),
        nav: await navTexts(page),
        h1: (await page.locator('main h1').first().innerText()).trim(),
        logout: (await page.locator('#logout').innerText()).trim(),
        server_language: await serverLanguage(page),
    };
    log(`teacher: ${r.html_lang} ${r.nav.join('|')} → ${other} `
        + r.switched.nav.join('|'));
    await switchLanguage(page, r.html_lang);
    r.back = { html_lang: await page.evaluate(
        () => document.documentElement.lang), nav: await navTexts(page),
    server_language: await serverLanguage(page) };
    await view(page, '#/today');
    r.today_cards = await page.locator('.lesson-card').count();
    await shot(page, 'teacher-today');

    // -- the journal
    await page.locator('#nav-list a[data-route="journal"]').click();
    await page.locator('#journal-class').waitFor({ state: 'visible' });
    await page.waitForFunction(() => !document.querySelector(
        'main[aria-busy]'));
    r.classes = (await page.locator('#journal-class option')
        .allInnerTexts()).map((s) => s.trim());
    const exactOption = (select, name) => page.locator(`${select} option`)
        .evaluateAll((options, text) => (options.find(
            (o) => o.textContent.trim() === text) || {}).value || null, name);
    const classValue = await exactOption('#journal-class',
        cfg.target.className);
    if (!classValue) {
        throw new Error(`the class ${cfg.target.className} is not among the `
            + `teacher's classes: ${r.classes.join(', ')}`);
    }
    if (await page.locator('#journal-class').inputValue() !== classValue) {
        const before = await renderSeq(page);
        await page.locator('#journal-class').selectOption(classValue);
        await redrawn(page, before);
    }
    if (cfg.target.subjectName) {
        const subjectValue = await exactOption('#journal-subject',
            cfg.target.subjectName);
        if (await page.locator('#journal-subject').inputValue()
                !== subjectValue) {
            const before = await renderSeq(page);
            await page.locator('#journal-subject').selectOption(subjectValue);
            await redrawn(page, before);
        }
    }
    const grid = page.locator('#journal-grid');
    await grid.waitFor({ state: 'visible' });
    r.journal_hash = await page.evaluate(() => location.hash);
    r.subject = await page.locator('#journal-subject option:checked')
        .innerText();
    r.period = await page.locator('#journal-period option:checked')
        .innerText();
    r.closed = await grid.getAttribute('data-closed');
    const todayIso = await page.evaluate(() => {
        const d = new Date();
        const p = (n) => String(n).padStart(2, '0');
        return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
    });
    const lessons = await page.locator('#journal-grid th.lesson-col')
        .evaluateAll((ths) => ths.map((th) => ({
            id: th.dataset.lesson, date: th.dataset.date })));
    const past = lessons.filter((l) => l.date && l.date <= todayIso);
    r.lessons = lessons.length;
    r.lessons_so_far = past.length;
    if (past.length < 2) {
        throw new Error(`the journal has ${past.length} lessons up to today`
            + ` (${lessons.length} in all): two are needed`);
    }
    const markLesson = past[past.length - 1];
    const absentLesson = past[past.length - 2];
    const rows = await page.locator('#journal-grid tbody tr').evaluateAll(
        (trs) => trs.map((tr) => tr.dataset.learner));
    const rowIndex = rows.indexOf(String(cfg.target.learnerId));
    if (rowIndex < 0) {
        throw new Error(`learner ${cfg.target.learnerId} not in the journal`);
    }
    const otherIndex = rowIndex + 1 < rows.length ? rowIndex + 1
        : rowIndex - 1;
    const otherLearner = rows[otherIndex];
    r.target = { markLesson, absentLesson, learner: String(
        cfg.target.learnerId), otherLearner, rows: rows.length };
    const cell = (lesson, learner) => page.locator(
        `#journal-grid td[data-lesson="${lesson}"][data-learner="${learner}"]`);
    const saved = async (lesson, learner) => {
        await page.waitForFunction(({ lesson, learner }) => {
            const td = document.querySelector(`#journal-grid td[data-lesson=`
                + `"${lesson}"][data-learner="${learner}"]`);
            return td && ['saved', 'error'].includes(td.dataset.state);
        }, { lesson, learner });
        const td = cell(lesson, learner);
        return { state: await td.getAttribute('data-state'),
            title: await td.getAttribute('title') };
    };
    // keyboard only from the first cell on
    await cell(absentLesson.id, cfg.target.learnerId).locator('input')
        .click();
    await pressCyrillic(page, cfg.absentKey || 'н');
    r.absent_state = await saved(absentLesson.id, cfg.target.learnerId);
    await page.keyboard.press('Tab');
    const focusedAfterTab = await page.evaluate(() => {
        const td = document.activeElement.closest('td');
        return td ? `${td.dataset.lesson}:${td.dataset.learner}` : null;
    });
    r.tab_moved_to = focusedAfterTab;
    await page.keyboard.type('9');
    r.mark_state = await saved(markLesson.id, cfg.target.learnerId);
    await page.keyboard.press(otherIndex > rowIndex ? 'ArrowDown' : 'ArrowUp');
    await page.keyboard.type('10');
    await page.keyboard.press('Enter');
    r.ten_state = await saved(markLesson.id, otherLearner);
    r.status_text = (await page.locator('#journal-status').innerText())
        .trim();
    // a wrong mark: the cell shows the error, Delete clears it (saved)
    await cell(absentLesson.id, otherLearner).locator('input').click();
    await page.keyboard.type('0');
    r.zero_state = await saved(absentLesson.id, otherLearner);
    r.zero_status = (await page.locator('#journal-status').innerText())
        .trim();
    await page.keyboard.press('Delete');
    await page.waitForFunction(({ lesson, learner }) => document
        .querySelector(`#journal-grid td[data-lesson="${lesson}"]`
            + `[data-learner="${learner}"]`).dataset.state === 'saved',
    { lesson: absentLesson.id, learner: otherLearner });
    r.cleared_value = await cell(absentLesson.id, otherLearner)
        .locator('input').inputValue();
    // a summative work of the period (СОр/СОч): its score, Enter saves it
    const scoreCell = page.locator('#journal-grid td[data-kind="score"]'
        + `[data-learner="${cfg.target.learnerId}"]`).first();
    r.score_cells = await page.locator('#journal-grid td[data-kind="score"]')
        .count();
    if (r.score_cells) {
        const max = Number(await scoreCell.getAttribute('data-max'));
        // a score other than the one the demo may have given already
        const before = Number(await scoreCell.locator('input')
            .inputValue() || -1);
        let wanted = Math.max(1, Math.floor(max * 0.8));
        if (wanted === before) {
            wanted -= 1;
        }
        r.score_value = String(wanted);
        await scoreCell.locator('input').click();
        await page.keyboard.type(r.score_value);
        await page.keyboard.press('Enter');
        r.score_work = await scoreCell.getAttribute('data-work');
        await page.waitForFunction(({ work, learner }) => {
            const td = document.querySelector('#journal-grid td[data-kind='
                + `"score"][data-work="${work}"][data-learner="${learner}"]`);
            return td && ['saved', 'error'].includes(td.dataset.state);
        }, { work: r.score_work, learner: cfg.target.learnerId });
        r.score_state = await page.locator('#journal-grid td[data-kind='
            + `"score"][data-work="${r.score_work}"]`
            + `[data-learner="${cfg.target.learnerId}"]`)
            .getAttribute('data-state');
    }
    // saved on the server: the grid after a reload (on a phone: the grid
    // opens on the latest lessons)
    await page.setViewportSize(PHONE);
    await page.reload({ waitUntil: 'load' });
    await ready(page);
    await grid.waitFor({ state: 'visible' });
    const value = async (lesson, learner) => ({
        value: await cell(lesson, learner).locator('input').inputValue(),
        att: await cell(lesson, learner).getAttribute('data-att'),
    });
    if (r.score_cells) {
        r.score_after_reload = Number(await page.locator(
            `#journal-grid td[data-kind="score"][data-work="${r.score_work}"]`
            + `[data-learner="${cfg.target.learnerId}"] input`).inputValue());
    }
    r.after_reload = {
        absent: await value(absentLesson.id, cfg.target.learnerId),
        mark: await value(markLesson.id, cfg.target.learnerId),
        ten: await value(markLesson.id, otherLearner),
    };
    log(`journal ${r.journal_hash}: after reload `
        + JSON.stringify(r.after_reload));
    await shot(page, 'teacher-journal');
    await page.setViewportSize(DESKTOP);
    if (cfg.closedPeriod) {
        // a closed period: the grid is read-only
        const value = await page.locator('#journal-period option')
            .evaluateAll((options, name) => (options.find(
                (o) => o.textContent.trim() === name) || {}).value,
            cfg.closedPeriod);
        const before = await renderSeq(page);
        await page.locator('#journal-period').selectOption(value);
        await redrawn(page, before);
        await page.waitForFunction(() => {
            const g = document.querySelector('#journal-grid');
            return g && g.dataset.closed === 'true'
                && !document.querySelector('main[aria-busy]');
        });
        const closed = r.closed_period = {};
        closed.notice = (await page.locator('#journal-closed').innerText())
            .trim();
        closed.inputs = await page.locator('#journal-grid input.cell')
            .count();
        closed.readonly = await page.locator(
            '#journal-grid input.cell[readonly]').count();
        const first = page.locator('#journal-grid input.cell').first();
        closed.before = await first.inputValue();
        await first.click();
        await page.keyboard.type('5');
        await pressCyrillic(page, 'н');
        await page.waitForTimeout(300);
        closed.after = await first.inputValue();
        closed.states = await page.locator('#journal-grid td[data-state]')
            .count();
        await shot(page, 'teacher-journal-closed');
    }

    // the other pages of the teacher
    for (const name of ['inbox', 'plans', 'announcements', 'messages',
        'timetable']) {
        await page.locator(`#nav-list a[data-route="${name}"]`).click();
        await page.waitForFunction((n) => document.querySelector('main')
            .dataset.view === n && !document.querySelector('main[aria-busy]'),
        name);
        r[`${name}_error`] = await page.locator('main .alert-error').count();
        await shot(page, `teacher-${name}`);
    }
    await logout(page);
}

// -- 3: the parent ------------------------------------------------------------

async function parent(page) {
    const r = report.parent = {};
    const t = report.teacher.target;
    await login(page, cfg.parent);
    r.html_lang = await page.evaluate(() => document.documentElement.lang);
    r.nav = await navTexts(page);
    r.children = (await page.locator('#child-select option').allInnerTexts())
        .map((s) => s.trim());
    if (await page.locator('#child-select').isVisible()
            && await page.locator('#child-select').inputValue()
                !== String(cfg.target.learnerId)) {
        const before = await renderSeq(page);
        await page.locator('#child-select').selectOption(
            String(cfg.target.learnerId));
        await redrawn(page, before);
    }
    r.child = await page.locator('#child-select').inputValue();
    const lessonIn = async (lesson) => {
        await view(page, `#/diary?date=${lesson.date}`);
        const block = page.locator(`#diary .lesson[data-lesson="${lesson.id}"]`);
        await block.waitFor({ state: 'visible' });
        return {
            mark: (await block.locator('.badge-mark').allInnerTexts())
                .map((s) => s.trim()),
            attendance: await block.locator('.badge-absent').evaluateAll(
                (els) => els.map((el) => el.dataset.att)),
            text: (await block.innerText()).replace(/\s+/g, ' ').trim(),
        };
    };
    r.absent_lesson = await lessonIn(t.absentLesson);
    r.mark_lesson = await lessonIn(t.markLesson);
    r.diary_learner = (await page.locator('#diary-learner').innerText())
        .trim();
    r.diary_h1 = (await page.locator('main h1').innerText()).trim();
    await shot(page, 'parent-diary');
    const other = r.html_lang === 'kk' ? 'ru' : 'kk';
    await switchLanguage(page, other);
    r.switched = {
        lang: other,
        html_lang: await page.evaluate(() => document.documentElement.lang),
        nav: await navTexts(page),
        h1: (await page.locator('main h1').innerText()).trim(),
        absent_badge: (await page.locator(`#diary .lesson[data-lesson=`
            + `"${t.markLesson.id}"] .badge-absent`).allInnerTexts()),
        mark_lesson_text: (await page.locator(`#diary .lesson[data-lesson=`
            + `"${t.markLesson.id}"]`).innerText()).replace(/\s+/g, ' '),
    };
    await switchLanguage(page, r.html_lang);
    for (const name of ['marks', 'attendance', 'results', 'announcements',
        'timetable']) {
        await page.locator(`#nav-list a[data-route="${name}"]`).click();
        await page.waitForFunction((n) => document.querySelector('main')
            .dataset.view === n && !document.querySelector('main[aria-busy]'),
        name);
        r[`${name}_text`] = (await page.locator('main').innerText())
            .replace(/\s+/g, ' ').trim().slice(0, 2000);
        r[`${name}_error`] = await page.locator('main .alert-error').count();
        await shot(page, `parent-${name}`);
    }
    // a new message to a teacher of the child's class
    await page.locator('#nav-list a[data-route="messages"]').click();
    await page.waitForFunction(() => document.querySelector('main')
        .dataset.view === 'messages' && !document.querySelector(
        'main[aria-busy]'));
    r.threads_before = await page.locator('#threads > li').count();
    await shot(page, 'parent-messages');
    const beforeNew = await renderSeq(page);
    await page.locator('a[href="#/messages/new"]').click();
    await redrawn(page, beforeNew);
    r.teachers = (await page.locator('#msg-teacher option').allInnerTexts())
        .map((s) => s.trim());
    if (r.teachers.length) {
        r.message_subject = `Bilim test ${Date.now()}`;
        await page.locator('#msg-subject').fill(r.message_subject);
        await page.locator('#msg-body').fill('Сәлеметсіз бе! Тест хабарлама.');
        await page.locator('form.new-message button[type=submit]').click();
        await page.waitForFunction(() => /^#\/messages\/\d+$/.test(
            location.hash) && !document.querySelector('main[aria-busy]')
            && document.querySelector('#thread'));
        r.thread_title = (await page.locator('main h1').innerText()).trim();
        r.thread_messages = (await page.locator('#thread > li')
            .allInnerTexts()).map((s) => s.replace(/\s+/g, ' ').trim());
        await shot(page, 'parent-thread');
    }
    await logout(page);
}

// -- 4: the learner, offline ---------------------------------------------------

async function learner(page, context) {
    const r = report.learner = {};
    await login(page, cfg.learner);
    // the service worker controls the page (it claims it when activated)
    await page.waitForFunction(() => navigator.serviceWorker
        && navigator.serviceWorker.controller, null, { timeout: TIMEOUT });
    r.sw_scope = await page.evaluate(async () =>
        (await navigator.serviceWorker.ready).scope);
    const diaryLessons = () => page.locator('#diary .lesson').count();
    const timetableRows = () => page.locator('#timetable tbody tr').count();
    await view(page, '#/timetable');
    r.online_timetable = await timetableRows();
    r.online_timetable_text = (await page.locator('#timetable').innerText())
        .replace(/\s+/g, ' ').trim().slice(0, 1500);
    await shot(page, 'learner-timetable');
    await view(page, '#/results');
    await shot(page, 'learner-results');
    await view(page, '#/diary');
    r.online_diary = await diaryLessons();
    r.online_diary_text = (await page.locator('#diary').innerText())
        .replace(/\s+/g, ' ').trim().slice(0, 1500);
    r.online_banner = await page.locator('#offline-banner').isVisible();
    await shot(page, 'learner-diary');
    // hand in a homework, when the week has one to hand in
    r.upload_forms = await page.locator('#diary form.upload').count();
    if (r.upload_forms) {
        const form = page.locator('#diary form.upload').first();
        await form.locator('textarea').fill('Жауабым: 42');
        await form.locator('button[type=submit]').click();
        await form.locator('[role=status].alert-ok, [role=status].alert-error')
            .waitFor({ state: 'visible' });
        r.upload_message = (await form.locator('[role=status]').innerText())
            .trim();
        r.upload_ok = await form.locator('[role=status].alert-ok').count();
    }

    // -- the network is cut; the page reloaded
    await context.setOffline(true);
    r.navigator_online = await page.evaluate(() => navigator.onLine);
    await page.reload({ waitUntil: 'load' });
    await ready(page);
    await page.locator('#diary').waitFor({ state: 'visible' });
    r.offline_view = await page.evaluate(
        () => document.querySelector('main').dataset.view);
    r.offline_diary = await diaryLessons();
    r.offline_diary_text = (await page.locator('#diary').innerText())
        .replace(/\s+/g, ' ').trim().slice(0, 1500);
    r.offline_banner = await page.locator('#offline-banner').isVisible();
    r.offline_banner_text = (await page.locator('#offline-banner')
        .innerText()).trim();
    r.offline_cached_at = await page.locator('#offline-banner')
        .getAttribute('data-cached-at');
    await shot(page, 'learner-diary-offline');
    await page.locator('#nav-list a[data-route="timetable"]').click();
    await page.waitForFunction(() => document.querySelector('main')
        .dataset.view === 'timetable' && !document.querySelector(
        'main[aria-busy]'));
    r.offline_timetable = await timetableRows();
    r.offline_timetable_text = (await page.locator('#timetable').innerText()
        .catch(() => '')).replace(/\s+/g, ' ').trim().slice(0, 1500);
    r.offline_timetable_banner = (await page.locator('#offline-banner')
        .innerText()).trim();
    await shot(page, 'learner-timetable-offline');
    await context.setOffline(false);
    await page.waitForFunction(() => navigator.onLine);
    await logout(page);
    log(`learner offline: diary ${r.offline_diary}/${r.online_diary}, `
        + `timetable ${r.offline_timetable}/${r.online_timetable}, `
        + `banner "${r.offline_banner_text}"`);
}

// -- 5: the teacher grades the homework handed in -----------------------------

async function grade(page) {
    const r = report.grading = {};
    await login(page, cfg.teacher);
    await page.locator('#nav-list a[data-route="inbox"]').click();
    await page.waitForFunction(() => document.querySelector('main')
        .dataset.view === 'inbox' && !document.querySelector(
        'main[aria-busy]'));
    const card = page.locator('main li.card').filter({
        hasText: 'Жауабым: 42' }).first();
    r.found = await card.count();
    if (!r.found) {
        return;
    }
    await card.locator('input[name=mark]').fill('8');
    await card.locator('textarea[name=comment]').fill('Жақсы');
    await card.locator('button[value=graded]').click();
    await card.locator('[role=status].alert-ok, [role=status].alert-error')
        .waitFor({ state: 'visible' });
    r.message = (await card.locator('[role=status]').innerText()).trim();
    r.ok = await card.locator('[role=status].alert-ok').count();
    r.badge = (await card.locator('.badge').first().innerText()).trim();
    await shot(page, 'teacher-inbox-graded');
    log(`teacher graded the homework: ${r.message} (${r.badge})`);
    await logout(page);
}

async function main() {
    fs.mkdirSync(cfg.outDir, { recursive: true });
    const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(),
        'bilim-portal-'));
    const context = await chromium.launchPersistentContext(userDataDir, {
        executablePath: cfg.chromium || '/usr/bin/chromium',
        headless: true,
        args: ['--headless', '--no-sandbox', '--disable-gpu',
            '--disable-quic', '--no-first-run',
            '--disable-background-networking', '--disable-component-update',
            '--disable-sync'],
        viewport: DESKTOP,
        locale: cfg.browserLocale || 'kk-KZ',
        serviceWorkers: 'allow',
        timeout: TIMEOUT,
    });
    context.setDefaultTimeout(TIMEOUT);
    const page = context.pages()[0] || await context.newPage();
    page.on('console', (msg) => {
        if (msg.type() === 'error') {
            report.console_errors.push(msg.text());
        }
    });
    page.on('pageerror', (err) => report.console_errors.push(String(err)));
    page.on('response', (response) => {
        if (response.status() >= 400) {
            report.http_errors.push(`${response.status()} `
                + `${response.request().method()} ${response.url()}`);
        }
    });
    let current = 'teacher';
    try {
        if (cfg.totp) {
            current = 'totp';
            await totpLogin(page);
            current = 'teacher';
        }
        await teacher(page);
        current = 'parent';
        await parent(page);
        current = 'learner';
        await learner(page, context);
        if (report.learner.upload_ok) {
            current = 'grading';
            await grade(page);
        }
        report.ok = true;
    } catch (err) {
        report.ok = false;
        report.error = `${current}: ${String(err && err.stack || err)}`;
        try {
            await context.setOffline(false);
            report.screenshot_failure = await shot(page, `failure-${current}`);
            report.page_text = (await page.locator('body').innerText())
                .slice(0, 3000);
            report.page_url = page.url();
        } catch (e) {
            // the page is gone
        }
    } finally {
        await context.close();
        fs.rmSync(userDataDir, { recursive: true, force: true });
    }
    process.stdout.write(JSON.stringify(report) + '\n');
    process.exit(report.ok ? 0 : 1);
}

main().catch((err) => {
    report.ok = false;
    report.error = String(err && err.stack || err);
    process.stdout.write(JSON.stringify(report) + '\n');
    process.exit(1);
});
