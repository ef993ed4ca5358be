// This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
// this repository contains the full copyright notices and license terms.
//
// Sign a document in headless Chromium through the simulated NCALayer
// (R22.4, R22.10, R22.8, R5.3, R17).  Run by test_edms_sign.py:
//   node edms_sign.mjs '<json config>'
// The test controls the simulated NCALayer: when the scenario needs it to
// change, a line {"control": ...} is written to stdout and the answer read
// from stdin.  The last line of stdout is the JSON report; the exit code is
// 1 on failure.
//
//   1. the director logs in on /<db>/portal/edms/ (the page in Kazakh: the
//      browser's language), finds both documents in the task list;
//   2. opens the first one: the card, the preview of the main file (the PDF
//      in a frame); "Sign with EDS" → NCALayer signs → the server verifies
//      and stores → the page shows the stamp (signer, IIN, serial, time,
//      "verified");
//   3. opens the second one; NCALayer's dialog is cancelled → "cancelled";
//   4. switches to Russian; NCALayer signs with another person's key → the
//      server refuses: the wrong-signer reason in Russian, nothing stored;
//   5. NCALayer is stopped → "NCALayer не запущен" with the link to
//      pki.gov.kz.
// Phone-sized screenshots (390×844) to cfg.outDir as edms-<name>.png.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

const cfg = JSON.parse(process.argv[2]);
const require = createRequire(path.join(cfg.nodeDir, 'package.json'));
const { chromium } = require('playwright-core');

const TIMEOUT = cfg.timeoutMs || 30000;
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 860 };
const report = {
    steps: [], screenshots: [], console_errors: [], http_errors: [],
    overflow_360: {}, unlabeled: {}, landmarks: {}, timings: {},
};
const edms = new URL(`${cfg.database}/portal/edms/`, cfg.url).href;
const started = Date.now();

function log(message) {
    report.steps.push(`${((Date.now() - started) / 1000).toFixed(1)}s ${message}`);
}

// -- the test's control of the simulated NCALayer ---------------------------

const input = readline.createInterface({ input: process.stdin });
const answers = [];
let waiting = null;
input.on('line', (line) => {
    if (waiting) {
        const resolve = waiting;
        waiting = null;
        resolve(line);
    } else {
        answers.push(line);
    }
});

async function control(command) {
    process.stdout.write(JSON.stringify({ control: command }) + '\n');
    const line = answers.length ? answers.shift()
        : await new Promise((resolve) => { waiting = resolve; });
    const answer = JSON.parse(line);
    if (!answer.ok) {
        throw new Error(`control ${JSON.stringify(command)}: ${line}`);
    }
    log(`NCALayer: ${JSON.stringify(command)}`);
    return answer;
}

// -- helpers -------------------------------------------------------------------

async function shot(page, name) {
    await page.setViewportSize(PHONE);
    await page.waitForTimeout(150);
    const file = path.join(cfg.outDir, `edms-${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    report.screenshots.push(file);
    await page.setViewportSize({ width: 360, height: 740 });
    await page.waitForTimeout(100);
    report.overflow_360[name] = await page.evaluate(
        () => document.documentElement.scrollWidth
            - document.documentElement.clientWidth);
    report.unlabeled[name] = await page.evaluate(() => [
        ...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
        .filter((el) => el.offsetParent !== null)
        .filter((el) => !(el.getAttribute('aria-label')
            || el.getAttribute('aria-labelledby') || el.closest('label')
            || (el.id && document.querySelector(`label[for="${el.id}"]`))))
        .map((el) => el.id || el.name || el.outerHTML.slice(0, 80)));
    report.landmarks[name] = await page.evaluate(() => ({
        header: !!document.querySelector('header'),
        main: !!document.querySelector('main'),
        footer: !!document.querySelector('footer'),
        h1: (document.querySelector('main h1') || {}).textContent || null,
    }));
    await page.setViewportSize(DESKTOP);
    return file;
}

async function idle(page) {
    await page.waitForFunction(() => !document.querySelector('main[aria-busy]'));
}

async function openDocument(page, id) {
    await page.evaluate((h) => { location.hash = h; }, `#/document/${id}`);
    await page.waitForSelector(`main h1[data-document="${id}"]`);
    await idle(page);
}

async function switchLanguage(page, lang) {
    await page.click(`.lang-btn[data-lang="${lang}"]`);
    await page.waitForFunction((l) => document.documentElement.lang === l
        && document.querySelector(`.lang-btn[data-lang="${l}"]`)
            .getAttribute('aria-pressed') === 'true', lang);
    await idle(page);
}

// click "Sign with EDS" and wait for the status box to reach an end state
async function sign(page) {
    const t0 = Date.now();
    await page.click('#btn-sign');
    await page.waitForFunction(() => {
        const box = document.getElementById('sign-status');
        return box && !['idle', 'working'].includes(box.dataset.state);
    }, null, { timeout: TIMEOUT });
    await idle(page);
    const result = await page.evaluate(() => {
        const box = document.getElementById('sign-status');
        return { state: box.dataset.state, text: box.innerText.trim() };
    });
    result.ms = Date.now() - t0;
    return result;
}

async function stampOf(page, selector) {
    return page.evaluate((sel) => {
        const el = document.querySelector(sel);
        if (!el) {
            return null;
        }
        const fields = {};
        for (const dd of el.querySelectorAll('dd[data-field]')) {
            fields[dd.dataset.field] = dd.textContent.trim();
        }
        return {
            status: el.dataset.status,
            valid: el.classList.contains('stamp-valid'),
            title: (el.querySelector('h3') || {}).textContent,
            fields,
        };
    }, selector);
}

// -- the scenario ----------------------------------------------------------------

async function scenario(page) {
    // 1. the login, the task list
    await page.goto(edms);
    await page.waitForSelector('#login-form');
    report.login_lang = await page.evaluate(() => document.documentElement.lang);
    await shot(page, 'login');
    await page.fill('#login', cfg.login);
    await page.fill('#password', cfg.password);
    await page.click('#login-submit');
    await page.waitForSelector('#task-list');
    await idle(page);
    log('logged in, the task list shown');
    report.lang = await page.evaluate(() => document.documentElement.lang);
    report.tasks = await page.evaluate(() => [
        ...document.querySelectorAll('#task-list li.task')].map((li) => ({
            document: Number(li.dataset.document),
            action: li.dataset.action,
            text: li.innerText.trim(),
        })));
    report.tasks_h1 = await page.evaluate(
        () => document.querySelector('main h1').textContent);
    await shot(page, 'tasks');

    // 2. the first document: the preview, then the signature
    const first = cfg.documents.signed;
    await page.click(`#task-list li[data-document="${first}"] a`);
    await page.waitForSelector(`main h1[data-document="${first}"]`);
    await idle(page);
    report.document = await page.evaluate(() => {
        const preview = document.getElementById('preview');
        const card = {};
        for (const dd of document.querySelectorAll('#card dd[data-field]')) {
            card[dd.dataset.field] = dd.textContent.trim();
        }
        return {
            h1: document.querySelector('main h1').textContent,
            state: document.querySelector('main h1').dataset.state,
            card,
            preview_tag: preview ? preview.tagName.toLowerCase() : null,
            preview_src: preview ? preview.getAttribute('src') : null,
            preview_title: preview ? preview.getAttribute('title') : null,
            buttons: [...document.querySelectorAll('.actions button')].map(
                (b) => b.dataset.action),
            sign_label: (document.getElementById('btn-sign') || {}).textContent,
        };
    });
    // the framed file: what the browser gets for the preview
    report.preview_response = await page.evaluate(async (src) => {
        const response = await fetch(src, { credentials: 'same-origin' });
        const bytes = new Uint8Array(await response.arrayBuffer());
        return {
            status: response.status,
            type: response.headers.get('content-type'),
            disposition: response.headers.get('content-disposition'),
            magic: String.fromCharCode(...bytes.slice(0, 5)),
            size: bytes.length,
        };
    }, report.document.preview_src);
    await shot(page, 'document');
    log('the document and its preview shown');
    report.signed = await sign(page);
    report.signed.stamp = await stampOf(page, '#sign-status .stamp');
    report.signed.stamps_listed = await page.evaluate(
        () => document.querySelectorAll('#signatures .stamp').length);
    report.signed.h1_state = await page.evaluate(
        () => document.querySelector('main h1').dataset.state);
    report.signed.buttons = await page.evaluate(() => [
        ...document.querySelectorAll('.actions button')].map((b) => b.dataset.action));
    await shot(page, 'signed');
    log(`signed: ${report.signed.state} in ${report.signed.ms} ms`);

    // 3. the second document: the user closes NCALayer's dialog
    const second = cfg.documents.refused;
    await openDocument(page, second);
    await control({ mode: 'cancel' });
    report.cancelled = await sign(page);
    await control({ mode: 'sign' });
    await shot(page, 'cancelled');
    log(`cancelled: ${report.cancelled.state}`);

    // 4. in Russian, another person's key: refused, nothing stored
    await switchLanguage(page, 'ru');
    report.ru_h1 = await page.evaluate(
        () => document.querySelector('main h1').textContent);
    await control({ select: cfg.otherSubject });
    report.refused = await sign(page);
    report.refused.reason = await page.evaluate(() => {
        const el = document.getElementById('refused-reason');
        return el ? { text: el.textContent.trim(), status: el.dataset.status } : null;
    });
    report.refused.stamps_listed = await page.evaluate(
        () => document.querySelectorAll('#signatures .stamp').length);
    await shot(page, 'refused');
    log(`refused: ${report.refused.state}`);

    // 5. NCALayer is not running
    await control({ stop: true });
    report.not_running = await sign(page);
    report.not_running.link = await page.evaluate(() => {
        const a = document.getElementById('ncalayer-link');
        return a ? { href: a.href, text: a.textContent.trim() } : null;
    });
    await shot(page, 'not-running');
    log(`not running: ${report.not_running.state}`);
    // the task list now holds only the second document
    await page.evaluate(() => { location.hash = '#/tasks'; });
    await page.waitForFunction(() => document.querySelector('main h1#page-title')
        && !document.querySelector('main[aria-busy]')
        && !document.querySelector('main h1[data-document]'));
    report.tasks_after = await page.evaluate(() => [
        ...document.querySelectorAll('#task-list li.task')].map(
        (li) => Number(li.dataset.document)));
}

async function main() {
    fs.mkdirSync(cfg.outDir, { recursive: true });
    const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bilim-edms-'));
    const context = await chromium.launchPersistentContext(userDataDir, {
        executablePath: cfg.chromium || '/usr/bin/chromium',
        headless: true,
        args: ['--headless', '--no-sandbox', '--disable-gpu',
            '--disable-quic', '--no-first-run',
            '--disable-background-networking', '--disable-component-update',
            '--disable-sync'],
        viewport: DESKTOP,
        locale: 'kk-KZ',
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
    try {
        await scenario(page);
        report.ok = true;
    } catch (err) {
        report.ok = false;
        report.error = String(err && err.stack || err);
        try {
            report.screenshot_failure = await shot(page, 'failure');
            report.page_text = (await page.locator('body').innerText()).slice(0, 3000);
            report.page_url = page.url();
        } catch (e) {
            // the page is gone
        }
    } finally {
        await context.close();
        fs.rmSync(userDataDir, { recursive: true, force: true });
    }
    report.timings.total_ms = Date.now() - started;
    process.stdout.write(JSON.stringify(report) + '\n');
    input.close();
    process.exit(report.ok ? 0 : 1);
}

main().catch((err) => {
    report.ok = false;
    report.error = String(err && err.stack || err);
    process.stdout.write(JSON.stringify(report) + '\n');
    process.exit(1);
});
