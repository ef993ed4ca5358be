// This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
// this repository contains the full copyright notices and license terms.
//
// Drive the sao web client in headless Chromium, as a user would:
//   1. open sao, log in (database, user name, then password);
//   2. open the user menu → Preferences…, pick the language 'Қазақша', OK;
//   3. unfold the Bilim menu and collect what the page shows;
//   4. open the user menu (sao's own strings);
//   5. when cfg.persons is set: open Bilim → Persons, wait for the list
//      (at least cfg.persons.minRows rows, an IIN) and collect its columns,
//      tab-domain filters and first rows;
//   6. double-click its first row and collect what the form shows.
// Screenshots are written to cfg.outDir.  Run by test_sao_kazakh.py:
//   node sao_login.mjs '<json config>'
// The last line of stdout is a JSON report; the exit code is 1 on failure.
// Chromium is Debian's /usr/bin/chromium, never a Playwright download, and
// the page only talks to the loopback trytond server.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const cfg = JSON.parse(process.argv[2]);
const require = createRequire(path.join(cfg.nodeDir, 'package.json'));
const { chromium } = require('playwright-core');

const TIMEOUT = cfg.timeoutMs || 30000;
const report = { steps: [], screenshots: [], console_errors: [] };
// the JSON-RPC responses being read, awaited before the report is written
const pending = new Set();

function log(message) {
    const line = `[sao_login ${new Date().toISOString()}] ${message}`;
    report.steps.push(line);
    process.stderr.write(line + '\n');
}

async function screenshot(page, name) {
    const file = path.join(cfg.outDir, name);
    await page.screenshot({ path: file, fullPage: false });
    report.screenshots.push(file);
    log(`screenshot ${file}`);
    return file;
}

async function menuTexts(page) {
    return page.locator('#menu').evaluate(
        (el) => el.innerText.split('\n').map((s) => s.trim()).filter(Boolean));
}

// the label sao shows for a msgid in its current language
async function saoText(page, msgid) {
    return page.evaluate((id) => Sao.i18n.gettext(id), msgid);
}

async function openUserMenu(page) {
    const toggle = page.locator('#user-preferences > a.dropdown-toggle');
    await toggle.waitFor({ state: 'visible', timeout: TIMEOUT });
    await toggle.click();
    const dropdown = page.locator('#user-preferences .dropdown-menu');
    await dropdown.waitFor({ state: 'visible', timeout: TIMEOUT });
    return dropdown;
}

// -- 5. Persons: the list of the menu entry ------------------------------
// -- 6. the form of its first row -----------------------------------------
async function openPersons(page, expect) {
    const rpcErrorsBefore = report.rpc_errors.length;
    const menuRow = page.locator('#menu tbody tr').filter({
        hasText: cfg.expect.persons,
    }).first();
    // the menu activates an entry on a single click
    await menuRow.locator('td .cell').first().click();
    const pane = page.locator('#tabcontent > .tab-pane.active');
    const table = pane.locator('.treeview table.tree:visible');
    await table.waitFor({ state: 'visible' });
    // rows are drawn asynchronously: wait for enough of them, with an IIN
    await page.waitForFunction((minRows) => {
        const rows = document.querySelectorAll(
            '#tabcontent > .tab-pane.active .treeview table.tree '
            + 'tbody tr:not(.more-row)');
        return rows.length >= minRows && Array.from(rows).some(
            (tr) => /\b\d{12}\b/.test(tr.innerText));
    }, expect.minRows);
    // the tab-domain filters with their counters
    const tabs = pane.locator('.tab-domain .nav-tabs > li > a');
    await tabs.first().waitFor({ state: 'visible' });
    await page.waitForFunction(() => Array.from(document.querySelectorAll(
        '#tabcontent > .tab-pane.active .tab-domain .nav-tabs .badge'))
        .some((b) => /\d/.test(b.textContent)));
    const list = report.persons_list = {};
    list.tab_title = (await page.locator('#tablist > li.active > a > span')
        .innerText()).trim();
    // the tabs' names, without their counter badge
    list.tab_domains = await tabs.evaluateAll((els) => els.map(
        (a) => Array.from(a.childNodes)
            .filter((n) => n.nodeType === Node.TEXT_NODE)
            .map((n) => n.textContent).join('').trim()));
    list.active_tab_domain = list.tab_domains[await tabs.evaluateAll(
        (els) => els.findIndex((a) => a.parentNode.classList.contains(
            'active')))];
    list.tab_counters = (await pane.locator('.tab-domain .nav-tabs .badge')
        .allInnerTexts()).map((s) => s.trim());
    // the shown columns (the optional ones may be hidden)
    list.headers = (await table.locator('thead th:visible .header label')
        .allInnerTexts()).map((s) => s.trim()).filter(Boolean);
    // the records drawn, without the row that loads more of them
    list.rows = await table.locator('tbody tr:not(.more-row)').count();
    // the shown cells of the first rows, and how many shown cells are IINs
    const cells = await table.locator('tbody tr:not(.more-row)').evaluateAll(
        (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td .cell'))
            .filter((c) => c.getClientRects().length)
            .map((c) => c.innerText.trim())));
    list.first_rows = cells.slice(0, 5);
    list.iin_cells = cells.flat().filter((t) => /^\d{12}$/.test(t)).length;
    log(`persons list "${list.tab_title}": ${list.rows} rows, columns `
        + `${list.headers.join(' | ')}, filters `
        + `${list.tab_domains.join(' | ')} (${list.active_tab_domain})`);
    report.screenshot_persons_list = await screenshot(
        page, 'sao-5-persons-list.png');

    // -- the form of the first row: double-click ----------------------------
    const firstRow = table.locator('tbody tr').first();
    list.first_row = (await firstRow.locator('td .cell').allInnerTexts())
        .map((s) => s.trim());
    await firstRow.locator('td:has(> .cell)').first().dblclick();
    // away from the form's notebook, which comes under the pointer: no hover
    // colour (nor its CSS transition) in the screenshot
    await page.mouse.move(1000, 780);
    const iin = pane.locator('.form input[name=iin]:visible');
    await iin.waitFor({ state: 'visible' });
    await page.waitForFunction(() => {
        const el = document.querySelector(
            '#tabcontent > .tab-pane.active .form input[name=iin]');
        return el && /^\d{12}$/.test(el.value);
    });
    const form = report.person_form = {};
    const birthDate = pane.locator('.form input[name=birth_date]:visible');
    await birthDate.waitFor({ state: 'visible' });
    form.iin = await iin.inputValue();
    form.birth_date = await birthDate.inputValue();
    // the user's date format, as the server gives it (strftime)
    form.date_format = await page.evaluate(() => Sao.i18n.locale.date);
    form.notebook_tabs = (await pane.locator(
        '.form .form-notebook > .nav-tabs > li:visible > a').allInnerTexts())
        .map((s) => s.trim());
    form.active_page = (await pane.locator(
        '.form .form-notebook > .nav-tabs > li.active > a').first()
        .innerText()).trim();
    // the labels of the fields, by their for= attribute
    const labelOf = async (input) => {
        const id = await input.getAttribute('id');
        const label = pane.locator(`label[for="${id}"]:visible`);
        return (await label.count()) ? (await label.first().innerText()).trim()
            : null;
    };
    form.birth_date_label = await labelOf(birthDate);
    form.iin_label = await labelOf(iin);
    form.visible_labels = (await pane.locator('.form label.form-label:visible')
        .allInnerTexts()).map((s) => s.trim()).filter(Boolean);
    form.name = await pane.locator('.form input[name=name]').inputValue()
        .catch(() => null);
    log(`person form "${form.name}": page ${form.active_page}, `
        + `${form.iin_label} ${form.iin}, ${form.birth_date_label} `
        + `${form.birth_date} (${form.date_format})`);
    report.screenshot_person_form = await screenshot(
        page, 'sao-6-person-form.png');
    await Promise.allSettled([...pending]);
    report.persons_rpc_errors = report.rpc_errors.slice(rpcErrorsBefore);
}

async function main() {
    fs.mkdirSync(cfg.outDir, { recursive: true });
    const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bilim-chromium-'));
    const context = await chromium.launchPersistentContext(userDataDir, {
        executablePath: cfg.chromium || '/usr/bin/chromium',
        headless: true,
        args: [
            '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
            '--no-first-run', '--disable-background-networking',
            '--disable-component-update', '--disable-sync',
        ],
        viewport: { width: 1366, height: 800 },
        locale: 'en-US',
        timeout: TIMEOUT,
    });
    context.setDefaultTimeout(TIMEOUT);
    // only the loopback server: anything else is refused
    await context.route('**/*', (route) => {
        const url = new URL(route.request().url());
        if (['127.0.0.1', 'localhost'].includes(url.hostname)
                || url.protocol === 'data:' || url.protocol === 'blob:') {
            return route.continue();
        }
        report.blocked = (report.blocked || []).concat(url.href);
        return route.abort();
    });
    const page = context.pages()[0] || await context.newPage();
    page.on('console', (msg) => {
        if (msg.type() === 'error') {
            report.console_errors.push(msg.text());
        }
    });
    page.on('pageerror', (err) => report.console_errors.push(String(err)));
    // the JSON-RPC errors the server answered, for the report
    report.rpc_errors = [];
    report.http_errors = [];
    page.on('response', (response) => {
        const reading = checkResponse(response);
        pending.add(reading);
        reading.finally(() => pending.delete(reading));
    });
    async function checkResponse(response) {
        if (response.status() >= 400) {
            report.http_errors.push(`${response.status()} `
                + `${response.request().method()} ${response.url()}`);
        }
        if (response.request().method() !== 'POST') {
            return;
        }
        try {
            const data = await response.json();
            // the password request of the login is no error
            if (data && data.error && !(data.error[0] === 'LoginException'
                    && data.error[1] && data.error[1][0] === 'password')) {
                const body = response.request().postDataJSON() || {};
                report.rpc_errors.push({
                    url: response.url(), method: body.method,
                    error: JSON.stringify(data.error).slice(0, 500),
                });
            }
        } catch (e) {
            // not JSON
        }
    }
    try {
        log(`open ${cfg.url}`);
        await page.goto(cfg.url, { waitUntil: 'load' });

        // -- login dialog: database, user name --------------------------
        const loginInput = page.locator('input#login');
        await loginInput.waitFor({ state: 'visible' });
        const dbField = page.locator('#database:visible');
        await dbField.waitFor({ state: 'visible' });
        const tag = await dbField.evaluate((el) => el.tagName.toLowerCase());
        if (tag === 'select') {
            await dbField.selectOption(cfg.database);
        } else if (await dbField.evaluate((el) => !el.readOnly)) {
            await dbField.fill(cfg.database);
        }
        report.login_database = await dbField.inputValue();
        log(`database field: ${report.login_database}`);
        await loginInput.fill(cfg.login);
        await page.locator('.login-dialog button[type=submit]').click();

        // -- password dialog ---------------------------------------------
        const password = page.locator('input#ask-dialog-entry[type=password]');
        await password.waitFor({ state: 'visible' });
        log('password asked');
        await password.fill(cfg.password);
        await page.locator('.ask-dialog .modal-footer .btn-primary').click();

        // -- the main menu in the user's language --------------------------
        const rows = page.locator('#menu tbody tr');
        await rows.first().waitFor({ state: 'visible' });
        await page.waitForFunction(
            () => document.querySelector('#user-preferences > a'));
        report.user_status = (await page.locator(
                '#user-preferences > a.dropdown-toggle').innerText()).trim();
        report.lang_before = await page.evaluate(() => Sao.i18n.getLocale());
        report.menu_before = await menuTexts(page);
        log(`logged in as ${report.user_status}, locale ${report.lang_before}`
            + `, menu: ${report.menu_before.join(' | ')}`);
        report.screenshot_login = await screenshot(page, 'sao-1-after-login.png');

        // -- user menu → Preferences… → Language ---------------------------
        const prefsLabel = await saoText(page, 'Preferences...');
        let dropdown = await openUserMenu(page);
        await dropdown.getByText(prefsLabel, { exact: true }).click();
        const language = page.locator('.modal:visible select[name=language]')
            .filter({
                has: page.locator('option', { hasText: cfg.language }),
            });
        await language.waitFor({ state: 'attached' });
        if (!await language.isVisible()) {
            // the field is on another page of the form's notebook
            const pane = await language.evaluate(
                (el) => el.closest('.tab-pane') && el.closest('.tab-pane').id);
            if (pane) {
                const tab = page.locator(`.modal:visible a[href="#${pane}"]`);
                report.language_tab = (await tab.innerText()).trim();
                log(`language field on the tab ${report.language_tab}`);
                await tab.click();
            }
        }
        await language.waitFor({ state: 'visible' });
        report.language_before = await language.evaluate(
            (el) => el.options[el.selectedIndex]
                ? el.options[el.selectedIndex].text : null);
        log(`preferences open, language: ${report.language_before}`);
        await language.selectOption({ label: cfg.language });
        report.screenshot_preferences = await screenshot(
            page, 'sao-2-preferences.png');
        await page.locator('.modal:visible .modal-footer button[type=submit]')
            .click();

        // -- the menu is rebuilt in Kazakh ---------------------------------
        await page.locator('.modal:visible').waitFor({ state: 'detached' })
            .catch(() => {});
        await page.waitForFunction(
            (lang) => Sao.i18n.getLocale() === lang, cfg.languageCode);
        const bilimRow = page.locator('#menu tbody tr').filter({
            hasText: cfg.expect.bilim,
        }).first();
        await bilimRow.waitFor({ state: 'visible' });
        log(`menu shows ${cfg.expect.bilim}`);
        // unfold Bilim to show its entries (Persons, …)
        await bilimRow.locator('.expander').first().click();
        await page.locator('#menu tbody tr').filter({
            hasText: cfg.expect.persons,
        }).first().waitFor({ state: 'visible' });
        report.lang_after = await page.evaluate(() => Sao.i18n.getLocale());
        report.html_lang = await page.evaluate(
            () => document.documentElement.lang);
        report.menu_after = await menuTexts(page);
        report.global_search_placeholder = await page.locator(
            '#global-search-entry').getAttribute('placeholder');
        log(`locale ${report.lang_after}, menu: ${report.menu_after.join(' | ')}`);
        report.screenshot_kazakh = await screenshot(
            page, 'sao-3-kazakh-menu.png');

        // -- sao's own strings in Kazakh: the user menu --------------------
        dropdown = await openUserMenu(page);
        // the dropdown is refilled after an RPC (res.notification.get): until
        // then it shows the entries of the previous opening
        for (const msgid of ['Preferences...', 'Logout']) {
            await dropdown.getByText(await saoText(page, msgid), {
                exact: true,
            }).waitFor({ state: 'visible' });
        }
        report.user_menu_after = (await dropdown.innerText()).split('\n')
            .map((s) => s.trim()).filter(Boolean);
        log(`user menu: ${report.user_menu_after.join(' | ')}`);
        report.screenshot_user_menu = await screenshot(
            page, 'sao-4-kazakh-user-menu.png');
        // close the user menu
        await page.locator('#user-preferences > a.dropdown-toggle').click();
        await dropdown.waitFor({ state: 'hidden' });

        if (cfg.persons) {
            await openPersons(page, cfg.persons);
        }
        await Promise.allSettled([...pending]);
        report.ok = true;
    } catch (err) {
        report.ok = false;
        report.error = String(err && err.stack || err);
        try {
            report.screenshot_failure = await screenshot(page, 'sao-failure.png');
            report.page_text = (await page.locator('body').innerText())
                .slice(0, 3000);
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
