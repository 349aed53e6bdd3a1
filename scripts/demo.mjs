// `npm run demo`: seeds a realistic multi-street, multi-month history through the
// public HTTP APIs of a running platform (`npm start` in another terminal), as a
// department system importing its records would: every request carries the time
// it happened (X-Gridline-Time, accepted because `npm start` runs the services
// with GRIDLINE_SIMULATED_CLOCK=true) and an Idempotency-Key, so a second run with
// the same seed and shape adds nothing.
//
//   npm run demo -- [--months 6] [--from 2026-01] [--streets 4] [--seed 7] [--quiet]
//
// Each street gets a few issues a month; vending cases bring the street's
// recurring vendors through the 721 progression (reminder, warning, penalty, now
// and then a major decision with legal review, an appeal); the DRC raises risk
// warnings and funds vending zones; SWC triages, coordinates, verifies, records
// the residents' ratings and closes what is done.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { DEV_AUDIENCE, DEV_ISSUER, devKeys } from './dev-keys.mjs';
import { root } from './lib.mjs';

const { values: args } = parseArgs({
  options: {
    months: { type: 'string', default: '6' },
    from: { type: 'string', default: '2026-01' },
    streets: { type: 'string', default: '4' },
    seed: { type: 'string', default: '7' },
    quiet: { type: 'boolean', default: false },
    'base-port': { type: 'string', default: '3000' },
  },
});
const base = Number(args['base-port']);
const URLS = {
  gateway: `http://127.0.0.1:${base}`,
  swc: `http://127.0.0.1:${base + 1}`,
  drc: `http://127.0.0.1:${base + 2}`,
  street: `http://127.0.0.1:${base + 3}`,
};
const STREETS = [
  { street: 'Xinjiekou', community: 'Zhaodengyu', grids: ['G-0312', 'G-0315'] },
  { street: 'Shichahai', community: 'Yandai', grids: ['G-0201', 'G-0207'] },
  { street: 'Jinrongjie', community: 'Fengsheng', grids: ['G-0410', 'G-0418'] },
  { street: 'Zhanlanlu', community: 'Baiwanzhuang', grids: ['G-0505', 'G-0509'] },
  { street: 'Desheng', community: 'Liupukang', grids: ['G-0603', 'G-0611'] },
  { street: 'Xichang', community: 'Changchun', grids: ['G-0702', 'G-0706'] },
].slice(0, Number(args.streets));
const CATEGORIES = [
  { category: 'street-vending', weight: 4, severities: ['low', 'medium', 'medium', 'high'] },
  { category: 'illegal-parking', weight: 3, severities: ['low', 'low', 'medium'] },
  { category: 'littering', weight: 2, severities: ['low', 'low', 'medium'] },
  { category: 'noise', weight: 2, severities: ['low', 'medium'] },
  { category: 'road-damage', weight: 1, severities: ['medium', 'high'] },
  { category: 'gas-leak', weight: 0.3, severities: ['critical'] },
];
const RISK_OF = { low: 'blue', medium: 'yellow', high: 'orange', critical: 'red' };
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// A seeded generator: the same seed gives the same history (and the same keys).
let state = Number(args.seed) >>> 0 || 1;
function random() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
}
const pick = (list) => list[Math.floor(random() * list.length)];
const chance = (p) => random() < p;
const between = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1));
const weighted = (list) => {
  let r = random() * list.reduce((s, x) => s + x.weight, 0);
  for (const item of list) if ((r -= item.weight) < 0) return item;
  return list[0];
};

// ---------------------------------------------------------------------------
// HTTP, tokens and waiting for reactions

const dist = (lib) => path.join(root, 'dist', 'libs', lib, 'src', 'index.js');
if (!existsSync(dist('platform'))) {
  console.error('dist/ is missing: start the platform with `npm start` first.');
  process.exit(2);
}
const { signDevToken } = await import(pathToFileURL(dist('platform')).href);
// The clone's development key, unless another signing key is given (the tests do).
const signingKey = process.env.GRIDLINE_SIGNING_KEY_FILE
  ? readFileSync(process.env.GRIDLINE_SIGNING_KEY_FILE, 'utf8')
  : devKeys().privateKeyPem;
const issuer = process.env.JWT_ISSUER ?? DEV_ISSUER;
const audience = process.env.JWT_AUDIENCE ?? DEV_AUDIENCE;
async function principal(sub, agency, roles) {
  // `service`: a department system importing history may set X-Gridline-Time.
  const token = await signDevToken(
    signingKey,
    { sub, agency, roles: [...roles, 'service'] },
    { issuer, audience, expiresIn: '2h' },
  );
  return { sub, agency, token };
}

let requests = 0;
let keyCounter = 0;
// The keys name the run's shape as well as its seed: the same command again adds
// nothing, another shape (`--months 4 --streets 3`) is another history with keys of its own.
const keyPrefix = `demo-${args.seed}-${args.from}-${args.months}m-${args.streets}s`;
const stats = {
  cases: 0,
  reminders: 0,
  warnings: 0,
  penalties: 0,
  major: 0,
  appeals: 0,
  warningsDrc: 0,
  projects: 0,
  closed: 0,
};

// `options.key`: a key of its own, outside the numbered sequence (whose keys an
// earlier run recorded); `options.accept(status, body)`: a refusal that is fine.
async function call(who, method, url, at, body, options = {}) {
  const key = options.key ?? `${keyPrefix}-${++keyCounter}`;
  const accept = options.accept ?? (() => false);
  for (let attempt = 1; ; attempt++) {
    const response = await fetch(url, {
      method,
      headers: {
        authorization: `Bearer ${who.token}`,
        'x-gridline-time': new Date(at).toISOString(),
        ...(method === 'POST'
          ? { 'content-type': 'application/json', 'idempotency-key': key }
          : {}),
      },
      ...(method === 'POST' ? { body: JSON.stringify(body ?? {}) } : {}),
    });
    requests++;
    const text = await response.text();
    const json = text ? JSON.parse(text) : undefined;
    if (response.status === 409 && attempt < 5) continue; // in flight or contended: retry
    if (response.status >= 300 && accept(response.status, json)) return json;
    if (response.status >= 300)
      throw new Error(`${method} ${url} → ${response.status}: ${text.slice(0, 300)}`);
    return json;
  }
}
const post = (who, url, at, body) => call(who, 'POST', url, at, body);

async function waitFor(what, probe, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
async function getOk(who, url) {
  const response = await fetch(url, { headers: { authorization: `Bearer ${who.token}` } });
  return response.status === 200 ? response.json() : undefined;
}

// ---------------------------------------------------------------------------
// The cast

const coordinator = await principal('coord-li', 'swc', ['coordinator']);
const drcAnalyst = await principal('drc-analyst-zhou', 'drc', ['analyst']);
const drcCoordinator = await principal('drc-coord-sun', 'drc', ['coordinator']);
const drcOfficer = await principal('drc-officer-qian', 'drc', ['officer']);
const streetAdmin = await principal('street-admin-he', 'street', ['admin']);
const reviewer = await principal('reviewer-gao', 'street', ['legal-reviewer']);
const perStreet = await Promise.all(
  STREETS.map(async (s, i) => ({
    ...s,
    worker: await principal(`worker-${i + 1}7`, 'street', ['grid-worker']),
    officer: await principal(`officer-${i + 1}5`, 'street', ['officer']),
    credentialNumber: `ZF-1101${i}5-00${i + 4}2`,
    vendors: [], // recurring vendors: { subjectId, steps }
  })),
);

async function healthy() {
  for (const [name, url] of Object.entries(URLS)) {
    const ok = await fetch(`${url}/health/ready`)
      .then((r) => r.ok)
      .catch(() => false);
    if (!ok) {
      console.error(`${name} is not ready at ${url}: start the platform with \`npm start\` first.`);
      process.exit(2);
    }
  }
}

// ---------------------------------------------------------------------------
// One governance matter

const photo = (at, place) => ({
  kind: 'photo',
  sha256: [...Array(32)].map(() => between(0, 255).toString(16).padStart(2, '0')).join(''),
  description: 'stall and goods on the pavement',
  capturedAt: new Date(at).toISOString(),
  place,
});

async function enforce(s, caseId, place, when) {
  // Serve first: a vendor is reminded, then warned, and penalised only the third time.
  let vendor = s.vendors.find((v) => v.steps < 3 && chance(0.7));
  if (!vendor) {
    const { subjectId } = await post(s.officer, `${URLS.street}/api/subjects`, when, {
      caseId,
      kind: 'person',
      name: `${pick(['Wang', 'Li', 'Zhang', 'Liu', 'Chen', 'Zhao'])} ${pick(['Wei', 'Fang', 'Min', 'Jing', 'Lei', 'Qiang'])}`,
      identifier: `1101${between(10, 99)}19${between(60, 99)}${between(1000, 9999)}${between(1000, 9999)}`,
      contact: `+86 13${between(0, 9)} ${between(1000, 9999)} ${between(1000, 9999)}`,
    });
    vendor = { subjectId, steps: 0, lastAt: 0 };
    s.vendors.push(vendor);
  }
  // A vendor's steps follow each other in time, whatever the order of the cases.
  const t = Math.max(when, vendor.lastAt + DAY);
  vendor.lastAt = t;
  const step = { subjectId: vendor.subjectId, category: 'street-vending', caseId, place };
  if (vendor.steps === 0) {
    await post(s.worker, `${URLS.street}/api/enforcement/reminders`, t, {
      ...step,
      explanation: 'Explained the rules; the market square has free pitches',
    });
    stats.reminders++;
  } else if (vendor.steps === 1) {
    await post(s.officer, `${URLS.street}/api/enforcement/warnings`, t, {
      ...step,
      explanation: 'Second time: warned that a fine follows',
      evidence: [photo(t, place)],
    });
    stats.warnings++;
  } else {
    const major = chance(0.25);
    const { decisionId } = await post(s.officer, `${URLS.street}/api/enforcement/penalties`, t, {
      subjectId: vendor.subjectId,
      category: 'street-vending',
      caseId,
      facts: 'Third time vending on the pavement after a reminder and a warning',
      legalBasis: 'City appearance and environmental sanitation regulations, art. 17',
      evidence: [photo(t, place)],
      penalty: major
        ? { circumstance: 'aggravated', amountYuan: between(11, 20) * 1000 }
        : { circumstance: 'repeat', amountYuan: between(2, 15) * 100 },
    });
    const decision = `${URLS.street}/api/decisions/${decisionId}`;
    let at = t + 2 * HOUR;
    if (major) {
      await post(s.officer, `${decision}/review-requests`, at);
      at += DAY;
      await post(reviewer, `${decision}/approve`, at, {
        note: 'Facts and amount within the standard',
      });
      stats.major++;
    }
    await post(s.officer, `${decision}/issue`, (at += HOUR));
    await post(s.officer, `${decision}/publish`, (at += HOUR));
    stats.penalties++;
    if (chance(0.3)) {
      await post(s.officer, `${decision}/appeals`, (at += 5 * DAY), {
        appellant: pick(['subject', 'representative']),
        grounds: 'The vendor says there was nowhere else to sell',
      });
      const outcome = pick(['upheld', 'upheld', 'upheld', 'revoked']);
      await post(s.officer, `${decision}/appeal-outcome`, (at += 20 * DAY), {
        outcome,
        reasons:
          outcome === 'upheld' ? 'Facts proven; amount within the range' : 'Identity not proven',
      });
      stats.appeals++;
    }
  }
  vendor.steps++;
}

async function matter(s, t) {
  const { category, severities } = weighted(CATEGORIES);
  const severity = pick(severities);
  const grid = pick(s.grids);
  const place = {
    street: s.street,
    community: s.community,
    grid,
    description: pick([
      'school gate',
      'metro exit B',
      'market lane',
      'hospital side gate',
      'bus stop',
    ]),
  };
  const { issueId, caseId } = await post(s.worker, `${URLS.street}/api/issues`, t, {
    category,
    severity,
    location: place,
    description: `${category.replace('-', ' ')} reported by the grid worker on patrol`,
  });
  stats.cases++;
  await post(
    s.worker,
    `${URLS.street}/api/issues/${issueId}/acknowledge`,
    t + between(1, 6) * HOUR,
  );
  await waitFor('the SWC case', () => getOk(coordinator, `${URLS.swc}/api/cases/${caseId}`));

  let at = t + between(1, 5) * HOUR;
  const coHandlers = category === 'street-vending' && chance(0.5) ? ['drc'] : [];
  await post(coordinator, `${URLS.swc}/api/cases/${caseId}/triage`, at, {
    riskLevel: RISK_OF[severity],
    category,
    leadAgency: 'street',
    coHandlers,
  });
  const view = await getOk(coordinator, `${URLS.swc}/api/cases/${caseId}`);
  const ids = Object.entries(view.assignments);
  const streetAssignment = ids.find(([, a]) => a.agency === 'street')?.[0];
  const drcAssignment = ids.find(([, a]) => a.agency === 'drc')?.[0];
  await waitFor('the street inbox', () =>
    getOk(s.officer, `${URLS.street}/api/assignments/${streetAssignment}`),
  );
  await post(
    s.officer,
    `${URLS.street}/api/assignments/${streetAssignment}/accept`,
    (at += between(1, 8) * HOUR),
  );
  if (drcAssignment) {
    await waitFor('the DRC inbox', () =>
      getOk(drcCoordinator, `${URLS.drc}/api/assignments/${drcAssignment}`),
    );
    if (chance(0.7)) {
      await post(
        drcCoordinator,
        `${URLS.drc}/api/assignments/${drcAssignment}/accept`,
        at + 3 * HOUR,
      );
      const { projectId } = await post(drcOfficer, `${URLS.drc}/api/projects`, at + DAY, {
        caseId,
        title: `Designated vending zone near ${place.description}, ${s.street}`,
        description: 'Stalls on a nearby square, free for the first year',
        budget: between(5, 20) * 10_000,
        location: { ...place, description: 'nearby square' },
      });
      const project = `${URLS.drc}/api/projects/${projectId}`;
      await post(drcCoordinator, `${project}/approve`, at + 3 * DAY);
      const { budget } = await getOk(drcCoordinator, project).then((p) => ({
        budget: p.approvedBudget ?? p.budget,
      }));
      await post(drcCoordinator, `${project}/fundings`, at + 5 * DAY, { amount: budget });
      await post(drcOfficer, `${project}/complete`, at + 12 * DAY, {
        outcome: 'Zone open; vendors offered stalls',
      });
      await post(
        drcCoordinator,
        `${URLS.drc}/api/assignments/${drcAssignment}/complete`,
        at + 13 * DAY,
        {
          outcome: 'Vending zone funded and open',
        },
      );
      stats.projects++;
    } else
      await post(
        drcCoordinator,
        `${URLS.drc}/api/assignments/${drcAssignment}/decline`,
        at + 4 * HOUR,
        {
          reason: 'No livelihood angle in this case',
        },
      );
  }
  if (category === 'street-vending') await enforce(s, caseId, place, at + between(2, 20) * HOUR);
  await post(
    s.officer,
    `${URLS.street}/api/assignments/${streetAssignment}/progress`,
    (at += DAY),
    {
      note: 'Visited; explained the rules to those involved',
    },
  );
  // Most are done within the deadline; some run late (and get escalated).
  const late = chance(0.15);
  const done = at + (late ? between(4, 9) : between(0, 2)) * DAY;
  await post(s.officer, `${URLS.street}/api/assignments/${streetAssignment}/complete`, done, {
    outcome: 'Resolved on site',
  });
  await post(s.worker, `${URLS.street}/api/issues/${issueId}/resolve`, done + HOUR, {
    outcome: category === 'street-vending' ? 'enforcement-started' : 'remedied',
    summary: 'Checked on the next patrol',
  });
  return { caseId, done: Math.max(done, drcAssignment ? at + 14 * DAY : done) };
}

async function closeCase(caseId, at) {
  await waitFor('the handoffs', async () => {
    const view = await getOk(coordinator, `${URLS.swc}/api/cases/${caseId}`);
    return Object.values(view.assignments).every((a) => !['pending', 'accepted'].includes(a.status))
      ? view
      : undefined;
  });
  await post(coordinator, `${URLS.swc}/api/cases/${caseId}/verification`, at, {
    note: 'Verified on the next patrol',
  });
  await post(coordinator, `${URLS.swc}/api/cases/${caseId}/feedback`, at + DAY, {
    satisfaction: pick([3, 4, 4, 5, 5, 5]),
    channel: pick(['phone', 'visit', 'online']),
  });
  await post(coordinator, `${URLS.swc}/api/cases/${caseId}/close`, at + DAY + HOUR);
  stats.closed++;
}

// ---------------------------------------------------------------------------

await healthy();
const started = Date.now();
const [year, month] = args.from.split('-').map(Number);
const months = Number(args.months);
const first = Date.UTC(year, month - 1, 1);
const end = Date.UTC(year, month - 1 + months, 1);
// The officers' enforcement credentials first: without one valid at the time
// of each act, warnings and penalties are refused. Valid over any period the demo
// may seed; a number already granted by an earlier run (another seed) is kept.
// The console's officers signing in at Keycloak (scripts/accounts.mjs) get one too.
const officers = [
  ...perStreet.map((s) => ({ id: s.officer.sub, number: s.credentialNumber, street: s.street })),
  { id: 'street-officer', number: 'ZF-110100-0001', street: STREETS[0].street },
  { id: 'street-officer-2', number: 'ZF-110100-0002', street: STREETS[0].street },
];
for (const o of officers)
  await call(
    streetAdmin,
    'POST',
    `${URLS.street}/api/credentials`,
    first - 2 * DAY,
    {
      officerId: o.id,
      credentialNumber: o.number,
      issuingBody: `${o.street} Street Office, comprehensive administrative enforcement team`,
      validFrom: '2020-01-01T00:00:00.000Z',
      validTo: '2036-01-01T00:00:00.000Z',
    },
    {
      key: `demo-credential-${o.number}`,
      accept: (status, json) => status === 422 && json?.error === 'credential-already-granted',
    },
  );
await post(streetAdmin, `${URLS.street}/api/discretion-standards/street-vending`, first - DAY, {
  ranges: [
    { circumstance: 'first-offence', minYuan: 50, maxYuan: 200 },
    { circumstance: 'repeat', minYuan: 200, maxYuan: 2000 },
    { circumstance: 'aggravated', minYuan: 5000, maxYuan: 30000 },
  ],
  legalBasis: 'City appearance and environmental sanitation regulations, art. 17',
});

const toClose = [];
for (let m = 0; m < months; m++) {
  const monthStart = Date.UTC(year, month - 1 + m, 1);
  // DRC: a price anomaly before the spring festival, a tourism surge before the May holiday.
  const calendarMonth = new Date(monthStart).getUTCMonth() + 1;
  if (calendarMonth === 2 || calendarMonth === 4) {
    const s = perStreet[calendarMonth === 2 ? 0 : Math.min(1, perStreet.length - 1)];
    const t = monthStart + between(3, 10) * DAY + 9 * HOUR;
    const { caseId, warningId } = await post(drcAnalyst, `${URLS.drc}/api/warnings`, t, {
      kind: calendarMonth === 2 ? 'price-anomaly' : 'tourism-surge',
      level: calendarMonth === 2 ? 'yellow' : 'orange',
      area: { street: s.street },
      description:
        calendarMonth === 2
          ? 'Vegetable prices 40% above the seasonal baseline'
          : 'Holiday visitors expected at three times the usual count',
    });
    stats.warningsDrc++;
    await waitFor('the prevention case', () =>
      getOk(coordinator, `${URLS.swc}/api/cases/${caseId}`),
    );
    await post(coordinator, `${URLS.swc}/api/cases/${caseId}/triage`, t + 2 * HOUR, {
      riskLevel: calendarMonth === 2 ? 'yellow' : 'orange',
      category: calendarMonth === 2 ? 'price-anomaly' : 'tourism-surge',
      leadAgency: 'street',
      coHandlers: ['drc'],
    });
    await post(drcAnalyst, `${URLS.drc}/api/warnings/${warningId}/lift`, t + 20 * DAY, {
      reason: 'Figures back to normal',
    });
  }
  for (const s of perStreet) {
    const times = Array.from(
      { length: between(3, 5) },
      () => monthStart + between(0, 26) * DAY + between(8, 18) * HOUR,
    ).sort((a, b) => a - b);
    for (const t of times) {
      const { caseId, done } = await matter(s, t);
      if (done + 2 * DAY < end && chance(0.9))
        toClose.push({ caseId, at: done + between(1, 3) * DAY });
    }
    if (!args.quiet)
      console.log(
        `  ${new Date(monthStart).toISOString().slice(0, 7)} ${s.street.padEnd(10)} ${stats.cases} cases so far`,
      );
  }
}
for (const { caseId, at } of toClose) await closeCase(caseId, at);

const seconds = (Date.now() - started) / 1000;
console.log(
  `✔ demo seeded ${months} months × ${perStreet.length} streets: ${stats.cases} cases (${stats.closed} closed), ` +
    `${stats.reminders} reminders, ${stats.warnings} warnings, ${stats.penalties} penalties (${stats.major} major, ${stats.appeals} appealed), ` +
    `${stats.warningsDrc} DRC warnings, ${stats.projects} livelihood projects — ${requests} requests in ${seconds.toFixed(1)} s`,
);
console.log(
  `  open a case timeline: ${URLS.gateway}/api/cases/<caseId>/timeline (token: npm run token -- --sub coord-li --agency swc --roles coordinator)`,
);
