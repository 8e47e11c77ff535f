// Malformed requests for every endpoint of the API (listed from api/routes/*), as fast-check
// arbitraries. Every non-GET request is built to be rejected: a body with one field of the wrong
// type or out of range, a required field missing, an unknown field, no object at all, bytes that
// are not JSON, a body over the limit; or an id that is malformed or names nothing. Valid bodies
// are only ever sent to ids that do not exist, so no request may change anything.
import fc from 'fast-check';
import { ADD_ON_CATALOGUE } from '../../domain/add-ons';
import { COUPON_CATALOGUE } from '../../domain/discounts';
import { PLAN_CATALOGUE, PRODUCT_CATALOGUE } from '../../domain/plans';

export type Body = { kind: 'json'; value: unknown } | { kind: 'raw'; text: string; contentType: string };

export interface HostileRequest {
  /** The endpoint as written in its router, to show coverage. */
  endpoint: string;
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  query?: string;
  body?: Body;
  idempotencyKey?: string;
  /** `admin`: the harness's key; `none`: no Authorization at all; otherwise the header sent. */
  auth: 'admin' | 'none' | { header: string };
}

/** The existing subscription that malformed commands are aimed at. */
export const TARGET = 'hostile_target';

const INJECTIONS = [
  "' OR '1'='1",
  '1; DROP TABLE "Subscription"; --',
  '../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '<script>alert(1)</script>',
  '${jndi:ldap://127.0.0.1/a}',
  "{{constructor.constructor('return process')()}}",
  '__proto__',
  'constructor',
  '\u0000',
  '%00',
  '😀🔥',
  '\u202egnp.exe',
  'ＳＵＢ＿１',
  'null',
  'undefined',
  '-1',
  '1e309',
  ' ',
  '',
  'a'.repeat(300),
];

const text = fc.oneof(
  fc.constantFrom(...INJECTIONS),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
);

function encodeSegment(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return '%ED%A0%80'; // a lone surrogate: UTF-8 that does not decode
  }
}

const unknownSubscriptionId = fc.stringMatching(/^[a-z0-9]{6,12}$/).map((s) => `sub_unknown_${s}`);
/** A path segment: injection, unicode, broken percent-encoding, or a well-formed id of nothing. */
const segment = fc.oneof(text.map(encodeSegment), fc.constantFrom('%', '%E0%A4%A', '%ZZ', '..', '.'), unknownSubscriptionId);

// Arrays are never empty: several fields that take these (addOns, customLines) are lists, where
// [] is valid and was once generated as a "malformed" value.
const notString = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { minLength: 1, maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 2 }),
);
const notNumber = fc.oneof(text, fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 }), fc.constant({}));
const notBoolean = fc.oneof(text, fc.integer(), fc.constant(null), fc.constantFrom('true', 'false', 0, 1));
const badEnum = (values: string[]) => fc.oneof(notString, text.filter((s) => !values.includes(s)));
const badPattern = (pattern: RegExp) => fc.oneof(notString, text.filter((s) => !pattern.test(s)));
/** A redemption limit: null is valid (no limit), so only the rest of badInt is bad. */
const badLimitOf = () => badInt(1, 100_000_000).filter((value) => value !== null);

const badInt = (min: number, max: number) =>
  fc.oneof(
    notNumber,
    fc.integer({ max: min - 1 }),
    fc.integer({ min: max + 1 }),
    fc.integer({ min, max: max - 1 }).map((n) => n + 0.5),
  );
const badNumber = (min: number, max: number) =>
  fc.oneof(notNumber, fc.double({ max: min - 0.001, noNaN: true }), fc.double({ min: max * 1.5 + 1, noNaN: true }));
/** Every code in the seeded catalogue, of every kind, lower case. */
const SEEDED_CODES = new Set([...PRODUCT_CATALOGUE, ...PLAN_CATALOGUE, ...ADD_ON_CATALOGUE, ...COUPON_CATALOGUE].map(({ code }) => code.toLowerCase()));
/** Codes of the wrong type or length, or of nothing in the catalogue. */
export const badCode = fc.oneof(
  notString,
  fc.constant(''),
  fc.string({ minLength: 65, maxLength: 80 }),
  fc.stringMatching(/^[a-z]{3,10}$/).map((s) => `zz-${s}`),
  text.filter((code) => !SEEDED_CODES.has(code.trim().toLowerCase())),
);

type Fields = Record<string, { bad: fc.Arbitrary<unknown>; required?: boolean }>;

const json = (value: unknown): Body => ({ kind: 'json', value });
const withoutField = (base: Record<string, unknown>, field: string) => Object.fromEntries(Object.entries(base).filter(([k]) => k !== field));

/** Bodies that are not JSON objects the API could accept, whatever the endpoint. */
const brokenBody: fc.Arbitrary<Body> = fc.oneof(
  fc.oneof(fc.array(fc.jsonValue(), { maxLength: 3 }), fc.string(), fc.integer(), fc.constant(null)).map(json),
  fc.constantFrom('{"a":', '{', '[1,2', '{"a":1}}', 'nul', '{"a":NaN}', "{'a':1}", '\u0000', '{"a":"\\ud800"}').map((t) => ({ kind: 'raw' as const, text: t, contentType: 'application/json' })),
  fc.integer({ min: 101_000, max: 300_000 }).map((n) => ({ kind: 'raw' as const, text: JSON.stringify({ pad: 'x'.repeat(n) }), contentType: 'application/json' })),
  text.map((t) => ({ kind: 'raw' as const, text: `when=now&${t}`, contentType: 'application/x-www-form-urlencoded' })),
  fc.constant({ kind: 'raw' as const, text: '{"when":"now"}', contentType: 'text/plain' }),
  fc.constant({ kind: 'raw' as const, text: '{}', contentType: 'application/json; charset=latin1' }),
);

/** One thing wrong with an otherwise valid body. */
function malformed(base: Record<string, unknown>, fields: Fields): fc.Arbitrary<Body> {
  const names = Object.keys(fields);
  const required = names.filter((name) => fields[name]!.required);
  const variants: Array<fc.Arbitrary<Body>> = [
    fc.tuple(fc.string({ minLength: 1, maxLength: 20 }).filter((k) => !names.includes(k)), fc.jsonValue()).map(([k, v]) => json({ ...base, [k]: v })),
    brokenBody,
  ];
  if (names.length > 0) variants.push(fc.constantFrom(...names).chain((name) => fields[name]!.bad.map((v) => json({ ...base, [name]: v }))));
  if (required.length > 0) variants.push(fc.constantFrom(...required).map((name) => json(withoutField(base, name))));
  return fc.oneof(...variants);
}

/** Malformed bodies to the existing subscription; any body to ids that are malformed or unknown. */
function command(endpoint: string, suffix: string, base: Record<string, unknown>, fields: Fields): fc.Arbitrary<HostileRequest> {
  const bad = malformed(base, fields);
  return fc
    .oneof(fc.tuple(fc.constant(TARGET), bad), fc.tuple(segment, fc.oneof(bad, fc.constant(json(base)))))
    .map(([id, body]) => ({ endpoint, method: 'post' as const, path: `/subscriptions/${id}${suffix}`, body, auth: 'admin' as const }));
}

const timing = ['now', 'period_end'];
const cursor = fc.oneof(
  text,
  fc.constantFrom({ at: '2024-02-30T00:00:00Z', id: 'x' }, { at: '0000-01-01T00:00:00Z', id: 'x' }, { at: 'yesterday', id: 'x' }, { at: 1, id: null }, []).map((c) =>
    Buffer.from(JSON.stringify(c)).toString('base64url'),
  ),
  fc.constantFrom('e30', '!!!', 'bnVsbA'),
);
const queryValue = fc.oneof(text, cursor, fc.constantFrom('-1', '0', '101', '1e309', 'NaN', '2.5', '2024-13-45', 'active', 'pending', 'OFR-x-0001'));

/** A query string of known parameter names and junk ones, with hostile values and repeats. */
function query(names: string[]): fc.Arbitrary<string> {
  return fc
    .array(fc.tuple(fc.oneof(fc.constantFrom(...names, 'x', '__proto__', 'a[b]', 'limit[]'), text), queryValue), { minLength: 1, maxLength: 4 })
    .map((pairs) => {
      try {
        return new URLSearchParams(pairs).toString();
      } catch {
        return 'x=%ZZ';
      }
    });
}

function read(endpoint: string, path: fc.Arbitrary<string>, names: string[] = []): fc.Arbitrary<HostileRequest> {
  return fc.tuple(path, fc.option(query([...names, 'cursor', 'limit']))).map(([p, q]) => ({
    endpoint,
    method: 'get' as const,
    path: p,
    ...(q === null ? {} : { query: q }),
    auth: 'admin' as const,
  }));
}

const offerId = fc.oneof(segment, fc.integer({ min: 0, max: 9999 }).map((n) => `OFR-${TARGET}-${String(n).padStart(4, '0')}`));
const offerAction = (action: 'accept' | 'decline') =>
  fc
    .tuple(
      fc.oneof(fc.constant(TARGET), segment),
      offerId,
      fc.oneof(malformed({}, { token: { bad: fc.oneof(notString, fc.string({ minLength: 201, maxLength: 220 })) } })),
      fc.option(fc.constantFrom('99999999999999.forged', 'x.y', '', '1.2.3', `${'9'.repeat(400)}.a`)),
      fc.boolean(),
    )
    .map(([id, offer, body, token, keyless]) => ({
      endpoint: `POST /subscriptions/:id/offers/:offerId/${action}`,
      method: 'post' as const,
      path: `/subscriptions/${id}/offers/${offer}/${action}`,
      // With a key, a forged token is refused by the route; without one, the link must carry it.
      ...(token === null ? {} : { query: `token=${encodeURIComponent(token)}` }),
      body,
      auth: keyless ? ('none' as const) : ('admin' as const),
    }));

const VALID_RULE = {
  description: 'hostile',
  enabled: true,
  priority: 1,
  when: [{ fact: 'paidRenewals', atLeast: 1 }],
  offer: { target: { kind: 'annual' }, percentOff: 10, discountPeriods: 1, expiresInDays: 7 },
  cooldownDays: 1,
};

/**
 * Longer than `max` even once trimmed: the API trims text before it counts (a 201-character name
 * that is 199 spaces and "! " is the valid name "!", and was once generated as a malformed one).
 */
const overLong = (max: number) => fc.string({ minLength: max + 1, maxLength: max + 10 }).filter((value) => value.trim().length > max);
const badText = (max: number) => fc.oneof(notString, fc.constant('   '), overLong(max));
const badPrices = fc.oneof(notString, fc.constant({}), fc.constant({ eur: 100 }), fc.constant({ EUR: -1 }), fc.constant({ EUR: 1.5 }));

export function decodedSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * Path segments that name no entry of a catalogue. fast-check's strings favour slices of words such
 * as `__proto__`, so a random segment can be `pro`, a seeded product: archiving it would succeed.
 */
export function codesOfNothing(): fc.Arbitrary<string> {
  return fc
    .oneof(segment, fc.stringMatching(/^[a-z]{3,10}$/).map((s) => `zz-${s}`))
    .filter((code) => !SEEDED_CODES.has(decodedSegment(code).trim().toLowerCase()));
}

/** A catalogue kind's admin endpoints: malformed bodies to create and to edit an existing entry, and anything to codes of nothing. */
function catalogueAdmin(
  kind: string,
  existing: string,
  create: { base: Record<string, unknown>; fields: Fields },
  update: { base: Record<string, unknown>; fields: Fields },
  filters: string[],
): Array<fc.Arbitrary<HostileRequest>> {
  const nothing = codesOfNothing();
  const action = (name: 'archive' | 'unarchive') =>
    nothing.map((code) => ({ endpoint: `POST /${kind}/:code/${name}`, method: 'post' as const, path: `/${kind}/${code}/${name}`, auth: 'admin' as const }));
  return [
    read(`GET /${kind}`, fc.constant(`/${kind}`), ['status', 'q', ...filters]),
    read(`GET /${kind}/:code`, fc.oneof(fc.constant(existing), segment).map((code) => `/${kind}/${code}`)),
    malformed(create.base, create.fields).map((body) => ({ endpoint: `POST /${kind}`, method: 'post' as const, path: `/${kind}`, body, auth: 'admin' as const })),
    fc
      .oneof(fc.tuple(fc.constant(existing), malformed(update.base, update.fields)), fc.tuple(nothing, fc.constant(json(update.base))))
      .map(([code, body]) => ({ endpoint: `PATCH /${kind}/:code`, method: 'patch' as const, path: `/${kind}/${code}`, body, auth: 'admin' as const })),
    action('archive'),
    action('unarchive'),
  ];
}

const CATALOGUE_ADMIN = [
  ...catalogueAdmin(
    'products',
    'pro',
    { base: { code: 'hostile-product', name: 'Hostile' }, fields: { code: { required: true, bad: badPattern(/^[A-Za-z0-9_-]{1,64}$/) }, name: { required: true, bad: badText(200) }, description: { bad: fc.oneof(notString, fc.string({ minLength: 2001, maxLength: 2010 })) } } },
    { base: { name: 'Pro' }, fields: { name: { bad: badText(200) } } },
    [],
  ),
  ...catalogueAdmin(
    'plans',
    'pro-monthly',
    {
      base: { code: 'hostile-plan', name: 'Hostile', product: 'pro', tier: 9, interval: { unit: 'month', count: 1 }, amountCents: 100, currency: 'EUR' },
      fields: {
        code: { required: true, bad: badPattern(/^[A-Za-z0-9_-]{1,64}$/) },
        name: { required: true, bad: badText(200) },
        trialDays: { bad: badInt(0, 365) },
        taxInclusive: { bad: notBoolean },
        product: { required: true, bad: badCode },
        tier: { required: true, bad: badInt(0, 1000) },
        interval: { required: true, bad: fc.oneof(notString, fc.constant({ unit: 'second', count: 1 }), fc.constant({ unit: 'month', count: 0 })) },
        amountCents: { required: true, bad: badInt(0, 100_000_000) },
        currency: { required: true, bad: badPattern(/^[A-Z]{3}$/) },
        quotas: { bad: fc.oneof(notString.filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)), fc.constant({ 'Seats!': 1 }), fc.constant({ seats: -1 })) },
        taxCategory: { bad: badEnum(['standard', 'reduced_middle', 'reduced_low', 'exempt']) },
      },
    },
    {
      base: { name: 'Pro monthly' },
      fields: { name: { bad: badText(200) }, amountCents: { bad: fc.integer({ min: 0, max: 10_000 }) }, currency: { bad: fc.constant('NOK') }, trialDays: { bad: badInt(0, 365) } },
    },
    ['product', 'currency'],
  ),
  ...catalogueAdmin(
    'add-ons',
    'extra-seat',
    {
      base: { code: 'hostile-addon', name: 'Hostile', kind: 'recurring', prices: { EUR: 100 } },
      fields: {
        code: { required: true, bad: badPattern(/^[A-Za-z0-9_-]{1,64}$/) },
        name: { required: true, bad: badText(200) },
        kind: { required: true, bad: badEnum(['recurring', 'one_time', 'metered']) },
        prices: { required: true, bad: badPrices },
        metric: { bad: fc.oneof(fc.integer(), fc.constantFrom('Seats!', '', 'a'.repeat(40))) },
        unitsPerQuantity: { bad: badInt(0, 1_000_000) },
        taxCategory: { bad: badEnum(['standard', 'reduced_middle', 'reduced_low', 'exempt']) },
        taxInclusive: { bad: notBoolean },
      },
    },
    { base: { name: 'Extra seat' }, fields: { prices: { bad: badPrices }, kind: { bad: fc.constant('one_time') } } },
    ['kind'],
  ),
  ...catalogueAdmin(
    'coupons',
    'WELCOME20',
    {
      base: { code: 'HOSTILE', name: 'Hostile', percentOff: 10, duration: 'once' },
      fields: {
        code: { required: true, bad: badPattern(/^[A-Za-z0-9_-]{1,64}$/) },
        name: { required: true, bad: badText(200) },
        percentOff: { bad: badInt(1, 100) },
        amountOffCents: { bad: fc.oneof(notNumber, fc.integer({ min: 1, max: 1000 })) },
        currency: { bad: fc.oneof(notString, fc.constant('EUR')) },
        durationPeriods: { bad: fc.oneof(notNumber, fc.integer({ min: 1, max: 12 })) },
        duration: { required: true, bad: badEnum(['once', 'repeating', 'forever']) },
        maxRedemptions: { bad: badLimitOf() },
        redeemBy: { bad: fc.oneof(fc.integer(), fc.constantFrom('tomorrow', '2024-02-30T00:00:00Z')) },
        appliesToPlans: { bad: fc.oneof(fc.constant('pro-monthly'), fc.constant([1]), fc.constant(['bad code'])) },
      },
    },
    { base: { name: 'Welcome' }, fields: { percentOff: { bad: fc.integer({ min: 1, max: 100 }) }, maxRedemptions: { bad: badLimitOf() } } },
    ['currency'],
  ),
];

const QUOTE_DRAFT = { customer: { email: 'hostile@example.com' }, plan: 'basic-monthly', expiresAt: '2031-01-31T00:00:00Z' };

const QUOTE_FIELDS: Fields = {
  customer: {
    required: true,
    bad: fc.oneof(notString, fc.constantFrom({}, { id: 'cus_nobody' }, { email: 'a@' }, { email: 'ok@example.com', id: 'cus_x' }, { email: 'ok@example.com', extra: 1 })),
  },
  plan: { required: true, bad: badCode },
  expiresAt: { required: true, bad: fc.oneof(notString, fc.constantFrom('tomorrow', '2020-01-01T00:00:00Z', '2031-13-01T00:00:00Z')) },
  addOns: { bad: fc.oneof(notString, fc.constant([{ code: 'extra-seat', quantity: 0 }]), fc.constant([{ code: 'gold-seat', quantity: 1 }]), fc.constant([{ code: 'api-calls', quantity: 2 }])) },
  customLines: {
    bad: fc.oneof(notString, fc.constant([{ description: '', unitAmountCents: 1, quantity: 1 }]), fc.constant([{ description: 'x', unitAmountCents: -1, quantity: 1 }]), fc.constant([{ description: 'x', unitAmountCents: 1.5, quantity: 1 }])),
  },
  coupon: { bad: fc.oneof(badCode, fc.constant('NOPE')) },
  paymentMethod: { bad: badPattern(/^pm_[A-Za-z0-9_]{1,100}$/) },
  language: { bad: badEnum(['en', 'nb']) },
};

/** Malformed or unknown quote ids, and a well-formed id of no quote. */
const quoteId = fc.oneof(segment, fc.constant(`quo_${'0'.repeat(20)}`));

function quoteAction(action: 'send' | 'accept' | 'cancel'): fc.Arbitrary<HostileRequest> {
  return fc
    .tuple(quoteId, fc.option(fc.oneof(brokenBody, fc.constant(json({ paymentMethod: 'pm_card_visa' })))))
    .map(([id, body]) => ({ endpoint: `POST /quotes/:id/${action}`, method: 'post' as const, path: `/quotes/${id}/${action}`, ...(body === null ? {} : { body }), auth: 'admin' as const }));
}

export const ENDPOINTS: Array<fc.Arbitrary<HostileRequest>> = [
  read('GET /healthz', fc.constant('/healthz')),
  read('GET /metrics', fc.constant('/metrics')),
  ...CATALOGUE_ADMIN,
  read('GET /offer-rules', fc.constant('/offer-rules')),
  read('GET /reports/upsell', fc.constant('/reports/upsell')),
  read('GET /subscriptions', fc.constant('/subscriptions'), ['status', 'plan', 'customer']),
  read('GET /subscriptions/:id', segment.map((id) => `/subscriptions/${id}`)),
  read('GET /subscriptions/:id/invoices', fc.oneof(fc.constant(TARGET), segment).map((id) => `/subscriptions/${id}/invoices`)),
  read('GET /subscriptions/:id/timeline', segment.map((id) => `/subscriptions/${id}/timeline`)),
  read('GET /subscriptions/:id/usage', segment.map((id) => `/subscriptions/${id}/usage`)),
  read('GET /subscriptions/:id/deliveries', segment.map((id) => `/subscriptions/${id}/deliveries`)),
  read('GET /subscriptions/:id/plan-change/preview', fc.oneof(fc.constant(TARGET), segment).map((id) => `/subscriptions/${id}/plan-change/preview`), ['plan', 'when']),
  read(
    'GET /subscriptions/:id/add-ons/:code/preview',
    fc.tuple(fc.oneof(fc.constant(TARGET), segment), fc.oneof(fc.constant('extra-seat'), segment)).map(([id, code]) => `/subscriptions/${id}/add-ons/${code}/preview`),
    ['quantity'],
  ),
  read('GET /customers/:id', segment.map((id) => `/customers/${id}`)),
  read('GET /customers/:id/entitlements', segment.map((id) => `/customers/${id}/entitlements`)),
  read('GET /invoices/:id', segment.map((id) => `/invoices/${id}`)),
  read('GET /plans/migrations/:id', fc.oneof(segment, fc.constant('pmg_0123456789abcdef')).map((id) => `/plans/migrations/${id}`), ['outcome']),
  read('GET /webhooks', fc.constant('/webhooks')),
  read('GET /webhooks/:id', segment.map((id) => `/webhooks/${id}`)),
  read('GET /webhooks/events/:eventId', segment.map((id) => `/webhooks/events/${id}`)),
  read('GET /webhooks/:id/deliveries', fc.oneof(segment, fc.constant(`we_${'0'.repeat(24)}`)).map((id) => `/webhooks/${id}/deliveries`), ['status']),
  read('GET /api-keys', fc.constant('/api-keys')),
  read('GET /audit-events', fc.constant('/audit-events'), ['subscriptionId', 'actor', 'from', 'to']),

  fc
    .tuple(
      malformed(
        { customer: { email: 'hostile@example.com', name: 'Hostile' }, plan: 'basic-monthly', paymentMethod: 'pm_card_visa' },
        {
          id: { bad: badPattern(/^[A-Za-z0-9_-]{1,64}$/) },
          customer: {
            required: true,
            bad: fc.oneof(
              notString,
              badPattern(/@/).map((email) => ({ email })),
              fc.constantFrom({ email: 'a@' }, { email: `${'x'.repeat(250)}@example.com` }, { email: 'ok@example.com', name: '' }, { email: 'ok@example.com', id: '../x' }, { email: 'ok@example.com', extra: 1 }),
            ),
          },
          plan: { required: true, bad: badCode },
          paymentMethod: { required: true, bad: badPattern(/^pm_[A-Za-z0-9_]{1,100}$/) },
          trialDays: { bad: badInt(0, 730) },
          timeZone: { bad: fc.oneof(notString, fc.constantFrom('Mars/Olympus_Mons', 'UTC+25', '../../etc/localtime', '', 'x'.repeat(65))) },
        },
      ),
      fc.option(fc.stringMatching(/^[!-~]{1,40}$/)),
    )
    .map(([body, key]) => ({ endpoint: 'POST /subscriptions', method: 'post' as const, path: '/subscriptions', body, auth: 'admin' as const, ...(key === null ? {} : { idempotencyKey: key }) })),
  malformed(QUOTE_DRAFT, QUOTE_FIELDS).map((body) => ({ endpoint: 'POST /quotes', method: 'post' as const, path: '/quotes', body, auth: 'admin' as const })),
  read('GET /quotes', fc.constant('/quotes'), ['status', 'customer']),
  read('GET /quotes/:id', quoteId.map((id) => `/quotes/${id}`)),
  fc
    .tuple(quoteId, fc.oneof(malformed({}, { addOns: QUOTE_FIELDS.addOns!, expiresAt: QUOTE_FIELDS.expiresAt!, paymentMethod: QUOTE_FIELDS.paymentMethod! }), fc.constant(json({}))))
    .map(([id, body]) => ({ endpoint: 'PATCH /quotes/:id', method: 'patch' as const, path: `/quotes/${id}`, body, auth: 'admin' as const })),
  quoteAction('send'),
  quoteAction('accept'),
  quoteAction('cancel'),
  command('POST /subscriptions/:id/plan', '/plan', { plan: 'pro-monthly' }, { plan: { required: true, bad: badCode }, when: { bad: badEnum(timing) } }),
  command('POST /subscriptions/:id/cancel', '/cancel', {}, { when: { bad: badEnum(timing) }, refund: { bad: badEnum(['none', 'prorated']) } }),
  command('POST /subscriptions/:id/uncancel', '/uncancel', {}, {}),
  command('POST /subscriptions/:id/pause', '/pause', {}, { when: { bad: badEnum(timing) }, periods: { bad: badInt(1, 24) } }),
  command('POST /subscriptions/:id/resume', '/resume', {}, { billingAnchor: { bad: badEnum(['now', 'keep']) } }),
  command('POST /subscriptions/:id/payment-method', '/payment-method', { paymentMethod: 'pm_card_visa' }, { paymentMethod: { required: true, bad: badPattern(/^pm_[A-Za-z0-9_]{1,100}$/) } }),
  command('POST /subscriptions/:id/usage', '/usage', { metric: 'seats', quantity: 1 }, {
    metric: { required: true, bad: badPattern(/^[a-z][a-z0-9_]{0,31}$/) },
    quantity: { required: true, bad: badNumber(0, 1e12) },
    mode: { bad: badEnum(['set', 'increment']) },
    eventId: { bad: fc.oneof(notString, fc.constant(''), fc.string({ minLength: 129, maxLength: 140 })) },
    occurredAt: { bad: fc.oneof(notString, fc.constantFrom('', 'yesterday', '2026-13-01T00:00:00Z', '2026-05-01')) },
    properties: { bad: fc.oneof(fc.constant('u_42'), fc.constant([1]), fc.constant({ 'not a key': 1 }), fc.constant({ user: { nested: true } }), fc.constant({ user: null })) },
  }),
  command('POST /subscriptions/:id/add-ons', '/add-ons', { code: 'extra-seat', quantity: 1 }, { code: { required: true, bad: badCode }, quantity: { required: true, bad: badInt(0, 1000) } }),
  command('POST /subscriptions/:id/coupon', '/coupon', { code: 'WELCOME20' }, { code: { required: true, bad: badCode } }),
  offerAction('accept'),
  offerAction('decline'),
  segment.map((id) => ({ endpoint: 'DELETE /subscriptions/:id/plan-change', method: 'delete' as const, path: `/subscriptions/${id}/plan-change`, auth: 'admin' as const })),
  segment.map((id) => ({ endpoint: 'DELETE /subscriptions/:id/coupon', method: 'delete' as const, path: `/subscriptions/${id}/coupon`, auth: 'admin' as const })),
  fc
    .oneof(fc.tuple(fc.constant(TARGET), fc.oneof(segment, fc.stringMatching(/^[a-z]{3,10}$/).map((s) => `zz-${s}`))), fc.tuple(segment, fc.constant('extra-seat')))
    .map(([id, code]) => ({ endpoint: 'DELETE /subscriptions/:id/add-ons/:code', method: 'delete' as const, path: `/subscriptions/${id}/add-ons/${code}`, auth: 'admin' as const })),
  fc
    .oneof(
      fc.tuple(fc.constant(TARGET), malformed({ grandfathered: true }, { grandfathered: { required: true, bad: notBoolean } })),
      fc.tuple(segment, fc.constant(json({ grandfathered: true }))),
    )
    .map(([id, body]) => ({ endpoint: 'PUT /subscriptions/:id/grandfathered', method: 'put' as const, path: `/subscriptions/${id}/grandfathered`, body, auth: 'admin' as const })),
  fc
    .oneof(
      fc.tuple(
        fc.constant(TARGET),
        malformed(
          { address: { lines: ['Storgata 1'], postalCode: '0155', city: 'Oslo', country: 'NO' } },
          {
            address: {
              required: true,
              bad: fc.oneof(notString, fc.constantFrom({}, { lines: [], postalCode: '0155', city: 'Oslo', country: 'NO' }, { lines: ['x'], postalCode: '0155', city: 'Oslo', country: 'XX' })),
            },
          },
        ),
      ),
      fc.tuple(segment, fc.constant(json({ address: { lines: ['Storgata 1'], postalCode: '0155', city: 'Oslo', country: 'NO' } }))),
    )
    .map(([id, body]) => ({ endpoint: 'PUT /subscriptions/:id/delivery-address', method: 'put' as const, path: `/subscriptions/${id}/delivery-address`, body, auth: 'admin' as const })),
  fc
    .tuple(fc.oneof(fc.constant(TARGET), segment), segment)
    .map(([id, deliveryId]) => ({ endpoint: 'POST /subscriptions/:id/deliveries/:deliveryId/skip', method: 'post' as const, path: `/subscriptions/${id}/deliveries/${deliveryId}/skip`, auth: 'admin' as const })),
  fc
    .tuple(
      fc.oneof(segment, fc.constantFrom('hostile-rule', 'seats-next-tier')),
      malformed(VALID_RULE, {
        description: { required: true, bad: fc.oneof(notString, fc.constant(''), overLong(500)) },
        enabled: { required: true, bad: notBoolean },
        priority: { required: true, bad: badInt(-1000, 1000) },
        when: { required: true, bad: fc.oneof(notString, fc.constant([]), fc.constant([{ usage: 'Seats!', atLeastRatio: 0.8, forPeriods: 2 }]), fc.constant([{ fact: 'tier', atLeast: '1' }])) },
        offer: {
          required: true,
          bad: fc.oneof(notString, fc.constantFrom(-10, 101, 50.5).map((percentOff) => ({ ...VALID_RULE.offer, percentOff })), fc.constant({ ...VALID_RULE.offer, target: { kind: 'moon' } })),
        },
        cooldownDays: { required: true, bad: badInt(0, 365) },
      }),
    )
    .map(([id, body]) => ({ endpoint: 'PUT /offer-rules/:id', method: 'put' as const, path: `/offer-rules/${id}`, body, auth: 'admin' as const })),
  fc
    .oneof(
      fc.tuple(
        fc.constant('basic-monthly'),
        malformed(
          { toPlan: 'pro-monthly' },
          {
            toPlan: { required: true, bad: fc.oneof(badCode, fc.constantFrom('basic-monthly', 'pro-monthly-nok')) },
            excludeGrandfathered: { bad: notBoolean },
            excludeSubscriptionIds: { bad: fc.oneof(notString.filter((v) => !Array.isArray(v)), fc.array(fc.oneof(text.filter((s) => !/^[A-Za-z0-9_-]{1,64}$/.test(s)), fc.integer()), { minLength: 1, maxLength: 3 })) },
          },
        ),
      ),
      fc.tuple(fc.oneof(segment, fc.stringMatching(/^[a-z]{3,10}$/).map((s) => `zz-${s}`)), fc.constant(json({ toPlan: 'pro-monthly' }))),
    )
    .map(([code, body]) => ({ endpoint: 'POST /plans/:code/migrations', method: 'post' as const, path: `/plans/${code}/migrations`, body, auth: 'admin' as const })),
  malformed(
    { url: 'https://example.com/hook', events: [] },
    {
      url: { required: true, bad: fc.oneof(notString, fc.constantFrom('javascript:alert(1)', 'ftp://example.com/x', 'not a url', `https://${'a'.repeat(2100)}.example`, '')) },
      events: { bad: fc.oneof(notString.filter((v) => !Array.isArray(v)), fc.constant(['no.such.event']), fc.constant(['invoice.paid', 'invoice.paid'])) },
      description: { bad: badText(200) },
    },
  ).map((body) => ({ endpoint: 'POST /webhooks', method: 'post' as const, path: '/webhooks', body, auth: 'admin' as const })),
  fc
    .oneof(segment, fc.constant(`we_${'0'.repeat(24)}`))
    .map((id) => ({ endpoint: 'DELETE /webhooks/:id', method: 'delete' as const, path: `/webhooks/${id}`, auth: 'admin' as const })),
  malformed(
    { name: 'hostile', scopes: ['read'] },
    {
      name: { required: true, bad: badText(200) },
      scopes: { required: true, bad: fc.oneof(notString.filter((v) => !Array.isArray(v)), fc.constantFrom([], ['root'], ['read', 'read'], [1], ['read', 'write', 'admin', 'read'])) },
      expiresAt: { bad: fc.oneof(notString, text, fc.constantFrom('2000-01-01T00:00:00Z', '2031-02-30T00:00:00Z', 'tomorrow')) },
    },
  ).map((body) => ({ endpoint: 'POST /api-keys', method: 'post' as const, path: '/api-keys', body, auth: 'admin' as const })),
  fc
    .oneof(segment, fc.constant(`key_${'0'.repeat(16)}`))
    .map((id) => ({ endpoint: 'DELETE /api-keys/:id', method: 'delete' as const, path: `/api-keys/${id}`, auth: 'admin' as const })),
  fc
    .oneof(
      fc.tuple(fc.constant(`key_${'0'.repeat(16)}`), malformed({ overlapSeconds: 60 }, { overlapSeconds: { bad: badInt(0, 7 * 86_400) } })),
      fc.tuple(segment, fc.constant(json({ overlapSeconds: 60 }))),
    )
    .map(([id, body]) => ({ endpoint: 'POST /api-keys/:id/rotate', method: 'post' as const, path: `/api-keys/${id}/rotate`, body, auth: 'admin' as const })),
  // No endpoint exists here: ids malformed or unknown, with malformed bodies or a valid one.
  fc
    .tuple(
      fc.oneof(segment, fc.constant(`we_${'0'.repeat(24)}`)),
      fc.oneof(malformed({ overlapHours: 24 }, { overlapHours: { bad: badInt(0, 168) } }), fc.constant(json({ overlapHours: 0 }))),
    )
    .map(([id, body]) => ({ endpoint: 'POST /webhooks/:id/rotate-secret', method: 'post' as const, path: `/webhooks/${id}/rotate-secret`, body, auth: 'admin' as const })),
];

/** Requests to one endpoint, sometimes sent without a key, with a bad key or with an Idempotency-Key. */
export function withHostileHeaders(endpoint: fc.Arbitrary<HostileRequest>): fc.Arbitrary<HostileRequest> {
  const auth = fc.oneof(
    { weight: 17, arbitrary: fc.constant('keep' as const) },
    { weight: 2, arbitrary: fc.constant('none' as const) },
    {
      weight: 1,
      arbitrary: fc
        .oneof(
          fc.constantFrom('Bearer', 'Basic YWRtaW46YWRtaW4=', `Bearer sek_000000000000_${'A'.repeat(43)}`, 'Bearer sek_', 'bearer  x y'),
          fc.stringMatching(/^[ -~]{0,80}$/).map((s) => `Bearer ${s}`),
        )
        .map((header) => ({ header })),
    },
  );
  const idempotencyKey = fc.oneof(
    { weight: 7, arbitrary: fc.constant(null) },
    { weight: 3, arbitrary: fc.oneof(fc.stringMatching(/^[!-~]{1,64}$/), fc.constantFrom('k'.repeat(256), 'has space', '')) },
  );
  return fc.tuple(endpoint, auth, idempotencyKey).map(([request, how, key]) => ({
    ...request,
    ...(how === 'keep' ? {} : { auth: how }),
    ...(key === null || request.idempotencyKey !== undefined ? {} : { idempotencyKey: key }),
  }));
}
