// This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
// this repository contains the full copyright notices and license terms.
//
// Drive the sao web client in headless Chromium through the security
// platform (R5.12-R5.20, R10, R17), as its users would.  For each session
// of cfg.sessions (a demo user in a fresh browser context):
//   1. open sao and log in (database, user name, then password): the user's
//      own language (kk, ru) is the one sao shows;
//   2. for each step, unfold the menu along step.path (exact labels, as the
//      user reads them) and click its last entry; then, by step.kind:
//      - 'list': wait for the list, click the tab-domain filter step.tab
//        if given, collect the tab title, the columns, the filters, the
//        rows (at least step.minRows) and sao's "Filters" and "Search"
//        texts of the search bar;
//      - 'graph': wait for the chart (an <svg> with a drawn line) and
//        collect its legend and how many points it has;
//      - 'record': a list, then double-click its first row and go to the
//        next records (toolbar "Next") until the field step.field shows a
//        value (at most step.maxRecords records);
//      - 'absent': only unfold step.path and collect the entries under its
//        last element (the entry step.label must not be there);
//      a screenshot <session.prefix>-<n>-<step.key>.png after each step.
// Run by test_sao_security.py:   node sao_security.mjs '<json config>'
// The last line of stdout is a JSON report; the exit code is 1 on failure.
// Chromium is Debian's /usr/bin/chromium, never a Playwright download, and
// the page only talks to the loopback trytond server.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const cfg = JSON.parse(process.argv[2]);
const require = createRequire(path.join(cfg.nodeDir, 'package.json'));
const { chromium } = require('playwright-core');

const TIMEOUT = cfg.timeoutMs || 30000;
const report = { steps: [], screenshots: [], sessions: {} };
// the JSON-RPC responses being read, awaited before a session ends
const pending = new Set();

function log(message) {
    const line = `[sao_security ${new Date().toISOString()}] ${message}`;
    report.steps.push(line);
    process.stderr.write(line + '\n');
}

async function screenshot(page, name) {
    const file = path.join(cfg.outDir, name);
    // away from the rows and the menu: no hover colour in the picture
    await page.mouse.move(1360, 790);
    await page.screenshot({ path: file, fullPage: false });
    report.screenshots.push(file);
    log(`screenshot ${file}`);
    return file;
}

const ACTIVE = '#tabcontent > .tab-pane.active';

// -- the menu ---------------------------------------------------------------

// the texts of the menu rows, in the order shown (hidden rows excluded)
async function menuRows(page) {
    return page.locator('#menu tbody tr').evaluateAll((trs) => trs.map(
        (tr) => ({
            text: tr.innerText.trim(),
            visible: tr.getClientRects().length > 0,
        })));
}

// the index of the first shown menu row after `after` whose text is label
async function findMenuRow(page, label, after) {
    const handle = await page.waitForFunction(([label, after]) => {
        const trs = Array.from(document.querySelectorAll('#menu tbody tr'));
        for (let i = after + 1; i < trs.length; i++) {
            if (trs[i].getClientRects().length
                    && trs[i].innerText.trim() === label) {
                // not 0, which waitForFunction takes for "not yet"
                return { index: i };
            }
        }
        return false;
    }, [label, after], { timeout: TIMEOUT });
    return (await handle.jsonValue()).index;
}

// the depth of each menu row (sao indents the expander's icon by
// depth - 1 em) and whether it is shown
async function menuDepths(page) {
    return page.locator('#menu tbody tr').evaluateAll((trs) => trs.map(
        (tr) => {
            const img = tr.querySelector('.expander > *');
            return {
                depth: img ? parseFloat(img.style.marginLeft || '0') || 0 : 0,
                shown: tr.getClientRects().length > 0,
                text: tr.innerText.trim(),
            };
        }));
}

// the entries shown right under the menu row at index (its children)
async function childrenOf(page, index) {
    const rows = await menuDepths(page);
    const level = rows[index].depth;
    const result = [];
    for (let i = index + 1; i < rows.length; i++) {
        if (!rows[i].shown) {
            continue;
        }
        if (rows[i].depth <= level) {
            break;
        }
        if (rows[i].depth === level + 1) {
            result.push(rows[i].text);
        }
    }
    return result;
}

// unfold the menu along labels (all of them); return the last row's index
async function unfold(page, labels) {
    let index = -1;
    for (const label of labels) {
        index = await findMenuRow(page, label, index);
        if (!(await childrenOf(page, index)).length) {
            const row = page.locator('#menu tbody tr').nth(index);
            await row.locator('.expander').first().click();
            // the children are read from the server, then drawn
            await page.waitForFunction((index) => {
                const trs = Array.from(
                    document.querySelectorAll('#menu tbody tr'));
                const depth = (tr) => {
                    const img = tr.querySelector('.expander > *');
                    return img ? parseFloat(img.style.marginLeft || '0') || 0
                        : 0;
                };
                const next = trs.slice(index + 1).find(
                    (tr) => tr.getClientRects().length);
                return next && depth(next) > depth(trs[index]);
            }, index, { timeout: TIMEOUT });
        }
    }
    return index;
}

// open the entry at the end of labels: unfold its parents, click it
async function openMenu(page, labels) {
    const parents = labels.slice(0, -1);
    const index = await unfold(page, parents);
    const leaf = await findMenuRow(page, labels[labels.length - 1], index);
    const row = page.locator('#menu tbody tr').nth(leaf);
    // the menu opens an entry on a single click of its name
    await row.locator('td .cell').first().click();
    // a new tab, named after the entry
    await page.waitForFunction((title) => {
        const span = document.querySelector('#tablist > li.active > a > span');
        return span && span.innerText.trim() === title;
    }, labels[labels.length - 1], { timeout: TIMEOUT });
}

// -- the views of the active tab ---------------------------------------------

async function tabTitle(page) {
    return (await page.locator('#tablist > li.active > a > span')
        .innerText()).trim();
}

// the names of the tab-domain filters (without their counters)
async function tabDomains(page) {
    const tabs = page.locator(`${ACTIVE} .tab-domain .nav-tabs > li > a`);
    const names = await tabs.evaluateAll((els) => els.map(
        (a) => Array.from(a.childNodes)
            .filter((n) => n.nodeType === Node.TEXT_NODE)
            .map((n) => n.textContent).join('').trim()));
    const active = await tabs.evaluateAll((els) => els.findIndex(
        (a) => a.parentNode.classList.contains('active')));
    return { names, active: active >= 0 ? names[active] : null, tabs };
}

// wait until the list of the active tab has at least minRows rows drawn
async function waitRows(page, minRows) {
    await page.locator(`${ACTIVE} .treeview table.tree:visible`)
        .waitFor({ state: 'visible' });
    await page.waitForFunction(([sel, minRows]) => {
        const rows = document.querySelectorAll(
            `${sel} .treeview table.tree tbody tr:not(.more-row)`);
        const filled = Array.from(rows).filter((tr) => Array.from(
            tr.querySelectorAll('td .cell')).some(
                (c) => c.innerText.trim())).length;
        return filled >= minRows;
    }, [ACTIVE, minRows], { timeout: TIMEOUT });
}

// sao draws the first rows of a list and a "more" row that draws the next
// ones when it is clicked (or scrolled to): draw them all
async function drawAllRows(page) {
    const table = page.locator(`${ACTIVE} .treeview table.tree:visible`);
    for (let i = 0; i < 20; i++) {
        const more = table.locator('tbody tr.more-row button');
        if (!await more.count()) {
            return;
        }
        const before = await table.locator('tbody tr:not(.more-row)')
            .count();
        await more.first().click();
        await page.waitForFunction(([sel, before]) => document
            .querySelectorAll(`${sel} .treeview table.tree `
                + 'tbody tr:not(.more-row)').length > before,
            [ACTIVE, before]);
    }
}

async function collectList(page) {
    await drawAllRows(page);
    const table = page.locator(`${ACTIVE} .treeview table.tree:visible`);
    const headers = (await table.locator('thead th:visible .header label')
        .allInnerTexts()).map((s) => s.trim()).filter(Boolean);
    // the shown cells of each row, by the shown columns
    const rows = await table.locator('tbody tr:not(.more-row)').evaluateAll(
        (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'))
            .filter((td) => td.getClientRects().length
                && td.querySelector('.cell'))
            .map((td) => td.querySelector('.cell').innerText.trim())));
    return { headers, rows: rows.filter((r) => r.some(Boolean)) };
}

// after a click on a filter tab sao reloads the list: rows of the previous
// tab may still be drawn, then the body is emptied and drawn again; collect
// until the list has its rows and two readings in a row agree
async function collectStableList(page, minRows) {
    const deadline = Date.now() + TIMEOUT;
    let previous = null;
    for (;;) {
        const current = await collectList(page);
        const same = previous
            && JSON.stringify(previous) === JSON.stringify(current);
        if (same && current.rows.length >= minRows) {
            return current;
        }
        if (Date.now() > deadline) {
            throw new Error(`the list did not settle with ${minRows} rows `
                + `(last: ${current.rows.length})`);
        }
        previous = current;
        await page.waitForTimeout(300);
    }
}

async function listStep(page, step, result) {
    await waitRows(page, step.tab ? 0 : (step.minRows || 0));
    let domains = await tabDomains(page);
    result.tab_domains = domains.names;
    result.default_tab_domain = domains.active;
    if (step.tab && domains.active !== step.tab) {
        const index = domains.names.indexOf(step.tab);
        if (index < 0) {
            throw new Error(`no filter "${step.tab}" in `
                + `${domains.names.join(' | ')}`);
        }
        await domains.tabs.nth(index).click();
        await page.waitForFunction(([sel, index]) => {
            const li = document.querySelectorAll(
                `${sel} .tab-domain .nav-tabs > li`)[index];
            return li && li.classList.contains('active');
        }, [ACTIVE, index]);
        domains = await tabDomains(page);
    }
    result.active_tab_domain = domains.active;
    await waitRows(page, step.minRows || 0);
    Object.assign(result, await collectStableList(page, step.minRows || 0));
    // sao's own strings of the search bar: the "Filters" button and the
    // "Search" placeholder (null when the window has no search bar)
    const bar = page.locator(`${ACTIVE} .filter-box .input-group`).first();
    if (await bar.count()) {
        // its text, not innerText: the theme shows it in capitals
        result.filters_button = (await bar.locator('.input-group-btn button')
            .first().textContent()).trim();
        result.search_placeholder = await bar.locator('input.form-control')
            .first().getAttribute('placeholder');
    }
    log(`list "${result.tab_title}" (${result.active_tab_domain}): `
        + `${result.rows.length} rows, columns ${result.headers.join(' | ')}`);
}

async function graphStep(page, step, result) {
    const svg = page.locator(`${ACTIVE} .graph svg`).first();
    await svg.waitFor({ state: 'visible' });
    // billboard.js draws the line as a <path> of the line chart, its
    // points as circles, once the records are read
    await page.waitForFunction((sel) => {
        const paths = document.querySelectorAll(
            `${sel} .graph svg .bb-chart-lines path.bb-line`);
        return Array.from(paths).some(
            (p) => (p.getAttribute('d') || '').length > 20);
    }, ACTIVE, { timeout: TIMEOUT });
    result.graph = await page.locator(`${ACTIVE} .graph svg`).first()
        .evaluate((el) => {
            const box = el.getBoundingClientRect();
            return {
                width: Math.round(box.width),
                height: Math.round(box.height),
                lines: el.querySelectorAll('.bb-chart-lines path.bb-line')
                    .length,
                points: el.querySelectorAll('.bb-chart-lines circle')
                    .length,
                line_path_length: Math.max(0, ...Array.from(
                    el.querySelectorAll('.bb-chart-lines path.bb-line'))
                    .map((p) => (p.getAttribute('d') || '').length)),
                legend: Array.from(el.querySelectorAll('.bb-legend-item'))
                    .map((g) => g.textContent.trim()).filter(Boolean),
                x_ticks: el.querySelectorAll('.bb-axis-x .tick').length,
            };
        });
    const domains = await tabDomains(page);
    result.tab_domains = domains.names;
    result.active_tab_domain = domains.active;
    log(`graph "${result.tab_title}": ${result.graph.lines} line(s), `
        + `${result.graph.points} points, legend `
        + `${result.graph.legend.join(' | ')}`);
}

// the value the form of the active tab shows for the field name
async function formValue(page, name) {
    return page.locator(ACTIVE).evaluate((pane, name) => {
        const el = pane.querySelector(
            `.form [name="${name}"]:is(input, textarea, select)`);
        if (!el) {
            return null;
        }
        if (el.tagName === 'SELECT') {
            return el.selectedIndex >= 0
                ? el.options[el.selectedIndex].text.trim() : '';
        }
        return el.value.trim();
    }, name);
}

async function recordStep(page, step, result) {
    await waitRows(page, step.minRows || 1);
    Object.assign(result, await collectStableList(page, step.minRows || 1));
    const domains = await tabDomains(page);
    result.tab_domains = domains.names;
    log(`list "${result.tab_title}": ${result.rows.length} rows, columns `
        + `${result.headers.join(' | ')}`);
    result.screenshot_list = await screenshot(page,
        `${result.prefix}-list.png`);
    const table = page.locator(`${ACTIVE} .treeview table.tree:visible`);
    // a double-click on a cell that is no link (a link opens its record)
    await table.locator('tbody tr').first().locator('td:has(> .cell):visible')
        .filter({ hasNot: page.locator('a') }).first().dblclick();
    const field = page.locator(
        `${ACTIVE} .form [name="${step.field}"]:is(input, textarea)`);
    await field.waitFor({ state: 'visible' });
    result.forms = [];
    const next = page.locator(`${ACTIVE} button#next`);
    for (let n = 0; n < (step.maxRecords || 20); n++) {
        // the record is read when the person (its name) is shown
        await page.waitForFunction(
            (sel) => {
                const el = document.querySelector(
                    `${sel} .form input[name="person"]`);
                return el && el.value.trim();
            }, ACTIVE);
        const form = { person: await formValue(page, 'person') };
        for (const name of step.fields) {
            form[name] = await formValue(page, name);
        }
        result.forms.push(form);
        if (form[step.field]) {
            break;
        }
        if (await next.isDisabled()) {
            break;
        }
        await next.click();
        await page.waitForFunction(([sel, person]) => {
            const el = document.querySelector(
                `${sel} .form input[name="person"]`);
            return el && el.value.trim() && el.value.trim() !== person;
        }, [ACTIVE, form.person]);
    }
    // the form's labels, as shown
    result.form_labels = (await page.locator(
        `${ACTIVE} .form label:visible`).allInnerTexts())
        .map((s) => s.trim().replace(/:$/, '')).filter(Boolean);
    result.form_separators = (await page.locator(
        `${ACTIVE} .form .form-separator label:visible`).allInnerTexts())
        .map((s) => s.trim()).filter(Boolean);
    const last = result.forms[result.forms.length - 1];
    log(`form of ${last.person}: ${step.field} = ${last[step.field]}`);
}

async function runStep(page, step, result) {
    if (step.kind === 'absent') {
        const index = await unfold(page, step.path);
        result.children = await childrenOf(page, index);
        result.menu = (await menuRows(page)).filter((r) => r.visible)
            .map((r) => r.text);
        log(`under ${step.path.join(' › ')}: `
            + result.children.join(' | '));
        return;
    }
    await openMenu(page, step.path);
    result.tab_title = await tabTitle(page);
    if (step.kind === 'list') {
        await listStep(page, step, result);
    } else if (step.kind === 'graph') {
        await graphStep(page, step, result);
    } else if (step.kind === 'record') {
        await recordStep(page, step, result);
    } else {
        throw new Error(`unknown step kind ${step.kind}`);
    }
}

// -- a session: one user ---------------------------------------------------

async function login(page, session) {
    log(`open ${cfg.url} for ${session.login}`);
    await page.goto(cfg.url, { waitUntil: 'load' });
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
    await loginInput.fill(session.login);
    await page.locator('.login-dialog button[type=submit]').click();
    const password = page.locator('input#ask-dialog-entry[type=password]');
    await password.waitFor({ state: 'visible' });
    await password.fill(session.password);
    await page.locator('.ask-dialog .modal-footer .btn-primary').click();
    await page.locator('#menu tbody tr').first()
        .waitFor({ state: 'visible' });
    await page.waitForFunction(
        () => document.querySelector('#user-preferences > a'));
}

async function runSession(browser, session) {
    const result = report.sessions[session.name] = {
        login: session.login, steps: {}, rpc_errors: [], http_errors: [],
        console_errors: [],
    };
    const context = await browser.newContext({
        viewport: { width: 1366, height: 800 },
        locale: 'en-US',
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
    const page = await context.newPage();
    page.on('console', (msg) => {
        if (msg.type() === 'error') {
            result.console_errors.push(msg.text());
        }
    });
    // a script error of the page ends the step at once: sao would wait
    // forever for the window it could not draw
    let stepFailed = null;
    page.on('pageerror', (err) => {
        result.console_errors.push(String(err));
        if (stepFailed) {
            const error = new Error(`error in the page: ${err}`);
            error.pageError = true;
            stepFailed(error);
        }
    });
    page.on('response', (response) => {
        const reading = checkResponse(response, result);
        pending.add(reading);
        reading.finally(() => pending.delete(reading));
    });
    let n = 0;
    try {
        await login(page, session);
        result.locale = await page.evaluate(() => Sao.i18n.getLocale());
        result.html_lang = await page.evaluate(
            () => document.documentElement.lang);
        // sao's own string "Action", the global search's placeholder
        result.global_search_placeholder = await page.locator(
            '#global-search-entry').getAttribute('placeholder');
        result.user_status = (await page.locator(
            '#user-preferences > a.dropdown-toggle').innerText()).trim();
        result.menu = (await menuRows(page)).filter((r) => r.visible)
            .map((r) => r.text);
        log(`${session.login} logged in (${result.user_status}), locale `
            + `${result.locale}, menu: ${result.menu.join(' | ')}`);
        for (const step of session.steps) {
            n += 1;
            const prefix = `${session.prefix}-${n}-${step.key}`;
            const stepResult = result.steps[step.key] = {
                path: step.path, kind: step.kind, prefix,
            };
            log(`${session.login}: ${step.kind} ${step.path.join(' › ')}`);
            const errorsBefore = [result.console_errors.length,
                result.rpc_errors.length];
            try {
                await Promise.race([
                    runStep(page, step, stepResult),
                    new Promise((resolve, reject) => {
                        stepFailed = reject;
                    }),
                ]);
                stepFailed = null;
                stepResult.screenshot = await screenshot(
                    page, `${prefix}.png`);
                stepResult.ok = true;
            } catch (err) {
                // the next windows are still tried: the report tells
                // every one that fails
                stepFailed = null;
                stepResult.ok = false;
                // the stack of a page error is the test's, not the page's
                stepResult.error = err && err.pageError ? err.message
                    : String(err && err.stack || err);
                log(`${session.login}: ${step.key} failed: `
                    + String(err && err.message || err).split('\n')[0]);
                stepResult.screenshot_failure = await screenshot(
                    page, `${prefix}-failure.png`).catch(() => null);
                stepResult.page_text = (await page.locator('#tabcontent')
                    .innerText({ timeout: 2000 }).catch(() => ''))
                    .slice(0, 1500);
                await page.keyboard.press('Escape').catch(() => {});
            }
            await Promise.allSettled([...pending]);
            stepResult.console_errors = result.console_errors.slice(
                errorsBefore[0]);
            stepResult.rpc_errors = result.rpc_errors.slice(errorsBefore[1]);
        }
        await Promise.allSettled([...pending]);
        result.ok = Object.values(result.steps).every((r) => r.ok);
    } catch (err) {
        result.ok = false;
        result.error = String(err && err.stack || err);
        try {
            result.screenshot_failure = await screenshot(
                page, `${session.prefix}-failure.png`);
            result.page_text = (await page.locator('body').innerText())
                .slice(0, 3000);
        } catch (e) {
            // the page is gone
        }
    } finally {
        await context.close();
    }
    return result.ok;
}

async function checkResponse(response, result) {
    if (response.status() >= 400) {
        result.http_errors.push(`${response.status()} `
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
            result.rpc_errors.push({
                url: response.url(), method: body.method,
                error: JSON.stringify(data.error).slice(0, 500),
            });
        }
    } catch (e) {
        // not JSON
    }
}

async function main() {
    fs.mkdirSync(cfg.outDir, { recursive: true });
    const browser = await chromium.launch({
        executablePath: cfg.chromium || '/usr/bin/chromium',
        headless: true,
        args: [
            '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
            '--no-first-run', '--disable-background-networking',
            '--disable-component-update', '--disable-sync',
        ],
        timeout: TIMEOUT,
    });
    let ok = true;
    try {
        for (const session of cfg.sessions) {
            ok = await runSession(browser, session) && ok;
        }
    } finally {
        await browser.close();
    }
    report.ok = ok;
    process.stdout.write(JSON.stringify(report) + '\n');
    process.exit(report.ok ? 0 : 1);
}

main().catch((err) => {
    report.ok = false;
    report.error = String(err && err.stack || err);
    process.stdout.write(JSON.stringify(report) + '\n');
    process.exit(1);
});
