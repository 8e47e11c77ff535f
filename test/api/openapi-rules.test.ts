// The rules the routers check in refinements, stated by the OpenAPI document too: a request the
// document allows is one the router's schema accepts. Each case is judged by the published JSON
// Schema (ajv) and by the zod schema the router parses with, and both must give the expected verdict.
import { buildOpenApiDocument } from '../../api/openapi/document';
import { ENDPOINTS } from '../../api/openapi/endpoints';
import { postalAddress } from '../../api/schemas/billing-profile';
import { compact, VAT_ID_PATTERN } from '../../api/schemas/typed-identifiers';
import { DocumentedApi } from '../support/openapi-documented';

const api = new DocumentedApi(buildOpenApiDocument());

type Json = Record<string, unknown>;
/** A body, and whether the API accepts it. */
type Case = [what: string, body: unknown, accepted: boolean];

function bodySchema(operationId: string): Json {
  const body = api.byId(operationId).operation.requestBody as { content: Record<string, { schema: Json }> };
  return body.content['application/json']!.schema;
}

const property = (schema: Json, name: string) => (schema.properties as Record<string, Json>)[name]!;

/** The schema of a dotted field; a list on the way is stepped into (`subscriptions.customer`: each item's customer). */
const field = (schema: Json, path: string) => path.split('.').reduce((node, name) => property((node.items as Json | undefined) ?? node, name), schema);

/** [what, by the document, by the router's schema] for each case. */
function verdicts(operationId: string, cases: Case[]): Array<[string, boolean, boolean]> {
  const parser = ENDPOINTS.find((e) => e.operationId === operationId)!.body!;
  return cases.map(([what, body]) => [what, api.requestBodyErrors(api.byId(operationId), body).length === 0, parser.safeParse(body).success]);
}

const expected = (cases: Case[]) => cases.map(([what, , accepted]): [string, boolean, boolean] => [what, accepted, accepted]);

function expectAgreement(operationId: string, cases: Case[]): void {
  expect(verdicts(operationId, cases)).toEqual(expected(cases));
}

test('no allOf of conditionals: Swagger UI merges an allOf into one schema, and would show one if/then for several', () => {
  const found: string[] = [];
  const walk = (node: unknown, at: string): void => {
    if (Array.isArray(node)) return node.forEach((item, index) => walk(item, `${at}/${index}`));
    if (node === null || typeof node !== 'object') return;
    const { allOf } = node as { allOf?: Json[] };
    if (allOf?.some((part) => 'if' in part)) found.push(at);
    for (const [key, value] of Object.entries(node)) walk(value, `${at}/${key}`);
  };
  walk(api.document, '#');
  expect(found).toEqual([]);
});

describe('lists whose items may not repeat', () => {
  test('POST /api-keys: scopes are uniqueItems', () => {
    expect(property(bodySchema('createApiKey'), 'scopes').uniqueItems).toBe(true);
    expectAgreement('createApiKey', [
      ['distinct scopes', { name: 'CRM', scopes: ['read', 'write'] }, true],
      ['a repeated scope', { name: 'CRM', scopes: ['write', 'read', 'read'] }, false],
    ]);
  });

  test('POST /webhooks: events are uniqueItems', () => {
    expect(property(bodySchema('createWebhookEndpoint'), 'events').uniqueItems).toBe(true);
    const url = 'https://crm.example.com/hooks';
    expectAgreement('createWebhookEndpoint', [
      ['distinct events', { url, events: ['invoice.paid', 'quote.sent'] }, true],
      ['no events (all)', { url }, true],
      ['a repeated event', { url, events: ['quote.sent', 'invoice.paid', 'quote.sent'] }, false],
    ]);
  });
});

describe('URLs', () => {
  test('POST /webhooks: the url is http(s), in any case, with a host (pattern beside format: uri)', () => {
    expectAgreement(
      'createWebhookEndpoint',
      (
        [
          ['https://crm.example.com/hooks', true],
          ['HTTP://crm.example.com/hooks', true],
          ['ftp://crm.example.com/hooks', false],
          ['mailto:hooks@example.com', false],
          ['http:crm.example.com', false],
          ['HtTp://', false],
          ['https://?x', false],
        ] as Array<[string, boolean]>
      ).map(([url, accepted]): Case => [url, { url }, accepted]),
    );
  });
});

describe('PATCH bodies that must change something', () => {
  const examples: Record<string, Json> = {
    updateProduct: { description: 'For teams of 10 to 100' },
    updatePlan: { trialDays: 30 },
    updateAddOn: { name: 'Extra seat' },
    updateCoupon: { maxRedemptions: 1000 },
  };

  test.each(Object.entries(examples))('%s: an empty body is refused, minProperties: 1', (operationId, edit) => {
    expect(bodySchema(operationId).minProperties).toBe(1);
    expectAgreement(operationId, [
      ['one field', edit, true],
      ['no field', {}, false],
    ]);
  });
});

describe('country codes', () => {
  const LETTERS = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'];
  const address = (country: string) => ({ lines: ['Havnegata 12'], postalCode: '7010', city: 'Trondheim', country });
  const countryFields: Array<[string, string]> = [
    ['setDeliveryAddress', 'address.country'],
    ['setBillingProfile', 'address.country'],
    ['createSubscription', 'customer.billingProfile.address.country'],
    ['importSubscriptions', 'subscriptions.customer.billingProfile.address.country'],
  ];

  test.each(countryFields)('%s: %s is an enum of exactly the codes the API accepts', (operationId, path) => {
    const accepted = LETTERS.flatMap((a) => LETTERS.map((b) => a + b)).filter((code) => postalAddress.safeParse(address(code)).success);
    expect(accepted).toEqual(expect.arrayContaining(['NO', 'SE', 'DE', 'GB', 'XK']));
    expect(field(bodySchema(operationId), path)).toMatchObject({ type: 'string', enum: accepted });
  });

  test('PUT /subscriptions/{id}/delivery-address: an empty, lowercase or unassigned code is refused by both', () => {
    expectAgreement(
      'setDeliveryAddress',
      ['NO', 'XK', '', 'no', 'NOR', 'XX', 'UK', 'EU'].map((country): Case => [country || '(empty)', { address: address(country) }, ['NO', 'XK'].includes(country)]),
    );
  });
});

describe('organisation numbers and VAT ids, as typed (compact() drops separators and upper-cases)', () => {
  const business = (country: string, ids: Json) => ({ legalName: 'Fjord Analyse AS', kind: 'business', ...ids, address: { lines: ['Storgatan 1'], postalCode: '111 22', city: 'Oslo', country } });

  test('PUT /customers/{id}/billing-profile: vatId has a pattern for its two-letter prefix', () => {
    expect(field(bodySchema('setBillingProfile'), 'vatId').anyOf).toContainEqual(expect.objectContaining({ type: 'string', pattern: VAT_ID_PATTERN }));
    const vatIds: Array<[string, string, boolean]> = [
      ['SE556036079301', 'SE', true],
      ['se 5560 3607 9301', 'SE', true],
      ['EL-123.456.789', 'GR', true],
      ['ſe556036079301', 'SE', true],
      ['ıT12345678901', 'IT', true],
      ['ﬁ12345678', 'FI', true],
      ['Eß1234567X', 'ES', true],
      ['', 'SE', false],
      ['   ', 'SE', false],
      ['556036079301', 'SE', false],
      ['5E556036079301', 'SE', false],
      ['S', 'SE', false],
    ];
    expectAgreement(
      'setBillingProfile',
      vatIds.map(([vatId, country, accepted]): Case => [vatId || '(empty)', business(country, { vatId }), accepted]),
    );
  });

  test('the VAT id pattern allows every character compact() turns into capital letters, in either place of the prefix', () => {
    const pattern = new RegExp(VAT_ID_PATTERN, 'u');
    const letters: string[] = [];
    for (let point = 0; point <= 0x10ffff; point += 1) {
      if (point >= 0xd800 && point <= 0xdfff) continue;
      const character = String.fromCodePoint(point);
      if (/^[A-Z]+$/.test(compact(character))) letters.push(character);
    }
    expect(letters.length).toBeGreaterThan(52);
    expect(letters.filter((letter) => !pattern.test(`${letter}A`) || !pattern.test(`A${letter}`))).toEqual([]);
  });

  test('PUT /customers/{id}/billing-profile: organizationNumber has a pattern for its nine digits', () => {
    expect(field(bodySchema('setBillingProfile'), 'organizationNumber').anyOf).toContainEqual(expect.objectContaining({ type: 'string', pattern: expect.any(String) }));
    const numbers: Array<[string, boolean]> = [
      ['974760673', true],
      ['974 760 673', true],
      ['974.760.673', true],
      ['', false],
      ['97476067', false],
      ['NO974760673MVA', false],
    ];
    expectAgreement(
      'setBillingProfile',
      numbers.map(([organizationNumber, accepted]): Case => [organizationNumber || '(empty)', business('NO', { organizationNumber }), accepted]),
    );
  });
});

describe('what a coupon takes off', () => {
  const coupon = (fields: Json) => ({ code: 'SPRING25', name: 'Spring', duration: 'once', ...fields });

  test('POST /coupons: a percentage, or an amount with its currency (oneOf); durationPeriods with repeating only (if/then/else)', () => {
    const schema = bodySchema('createCoupon');
    expect(schema.oneOf).toEqual([
      expect.objectContaining({ required: ['percentOff'] }),
      expect.objectContaining({ required: ['amountOffCents', 'currency'] }),
    ]);
    expect(schema).toMatchObject({ if: { properties: { duration: { const: 'repeating' } } }, then: { required: ['durationPeriods'] } });
    expectAgreement('createCoupon', [
      ['a percentage', coupon({ percentOff: 25 }), true],
      ['an amount in a currency', coupon({ amountOffCents: 500, currency: 'EUR' }), true],
      ['neither', coupon({}), false],
      ['both', coupon({ percentOff: 25, amountOffCents: 500, currency: 'EUR' }), false],
      ['an amount without currency', coupon({ amountOffCents: 500 }), false],
      ['a percentage with a currency', coupon({ percentOff: 25, currency: 'EUR' }), false],
      ['a currency alone', coupon({ currency: 'EUR' }), false],
      ['repeating for 3 periods', coupon({ percentOff: 25, duration: 'repeating', durationPeriods: 3 }), true],
      ['repeating without periods', coupon({ percentOff: 25, duration: 'repeating' }), false],
      ['forever with periods', coupon({ percentOff: 25, duration: 'forever', durationPeriods: 3 }), false],
    ]);
  });
});

describe('one field or another', () => {
  const quote = (customer: Json) => ({ customer, plan: 'pro-monthly', expiresAt: '2031-01-31T00:00:00Z' });
  const customers: Array<[string, Json, boolean]> = [
    ['an existing customer', { id: 'cus_ada' }, true],
    ['a new customer', { email: 'ada@example.com', name: 'Ada Lovelace' }, true],
    ['both', { id: 'cus_ada', email: 'ada@example.com' }, false],
    ['a name alone', { name: 'Ada Lovelace' }, false],
  ];

  test.each([
    ['createQuote', quote],
    ['updateQuote', (customer: Json) => ({ customer })],
  ])('%s: the customer is an id or an email (oneOf)', (operationId, body) => {
    expect(field(bodySchema(operationId), 'customer').oneOf).toEqual([expect.objectContaining({ required: ['id'] }), expect.objectContaining({ required: ['email'] })]);
    expectAgreement(
      operationId,
      customers.map(([what, customer, accepted]): Case => [what, body(customer), accepted]),
    );
  });

  test('POST /plans/{code}/migrations: toPlan, toVersion or both (anyOf)', () => {
    expect(bodySchema('startPlanMigration').anyOf).toEqual([{ required: ['toPlan'] }, { required: ['toVersion'] }]);
    expectAgreement('startPlanMigration', [
      ['a plan', { toPlan: 'pro-monthly' }, true],
      ['a price version', { toVersion: 2 }, true],
      ['both', { toPlan: 'pro-monthly', toVersion: 2 }, true],
      ['neither', { excludeSubscriptionIds: ['sub_vip'] }, false],
    ]);
  });
});

describe('add-ons by kind, and their metered pricing', () => {
  const tiers = [{ upTo: 1000, unitAmount: { EUR: '0' } }, { upTo: null, unitAmount: { EUR: '0.2' } }];
  const pricing = (fields: Json = {}) => ({ model: 'graduated', aggregation: 'sum', includedUnits: 0, tiers, ...fields });
  const addOn = (fields: Json) => ({ code: 'api-calls', name: 'API calls', ...fields });
  const metered = (fields: Json = {}) => addOn({ kind: 'metered', metric: 'api_calls', pricing: pricing(), ...fields });

  test('POST /add-ons: what each kind needs and may not have (oneOf, by kind)', () => {
    expect((bodySchema('createAddOn').oneOf as Json[]).map((kind) => field(kind, 'kind').const)).toEqual(['recurring', 'one_time', 'metered']);
    expectAgreement('createAddOn', [
      ['recurring with prices', addOn({ kind: 'recurring', prices: { EUR: 1500 } }), true],
      ['recurring without prices', addOn({ kind: 'recurring' }), false],
      ['recurring with pricing', addOn({ kind: 'recurring', prices: { EUR: 1500 }, pricing: pricing() }), false],
      ['recurring, shipped', addOn({ kind: 'recurring', prices: { EUR: 1500 }, shipsEachPeriod: true }), true],
      ['one-time, shipped', addOn({ kind: 'one_time', prices: { EUR: 1500 }, shipsEachPeriod: true }), false],
      ['one-time with a metric', addOn({ kind: 'one_time', prices: { EUR: 1500 }, metric: 'seats' }), false],
      ['metered', metered(), true],
      ['metered without metric', metered({ metric: undefined }), false],
      ['metered without pricing', metered({ pricing: undefined }), false],
      ['metered with prices', metered({ prices: { EUR: 1500 } }), false],
      ['metered, shipped', metered({ shipsEachPeriod: true }), false],
    ]);
  });

  test('POST /add-ons: metered pricing needs the property it counts, one tier for per_unit, one open-ended tier', () => {
    expectAgreement('createAddOn', [
      ['unique_count of a property', metered({ pricing: pricing({ aggregation: 'unique_count', property: 'user' }) }), true],
      ['unique_count of nothing', metered({ pricing: pricing({ aggregation: 'unique_count' }) }), false],
      ['per_unit, one tier', metered({ pricing: pricing({ model: 'per_unit', tiers: [{ upTo: null, unitAmount: { EUR: '1' } }] }) }), true],
      ['per_unit, two tiers', metered({ pricing: pricing({ model: 'per_unit' }) }), false],
      ['no open-ended tier', metered({ pricing: pricing({ tiers: [{ upTo: 1000, unitAmount: { EUR: '1' } }] }) }), false],
      ['two open-ended tiers', metered({ pricing: pricing({ tiers: [tiers[1], tiers[1]] }) }), false],
    ]);
  });

  test('POST /add-ons: custom-<number> is not an add-on code (not: pattern)', () => {
    expect(property(bodySchema('createAddOn'), 'code').not).toEqual({ pattern: expect.any(String) });
    expectAgreement('createAddOn', [
      ['custom-7', addOn({ code: 'custom-7', kind: 'recurring', prices: { EUR: 1500 } }), false],
      ['custom-seats', addOn({ code: 'custom-seats', kind: 'recurring', prices: { EUR: 1500 } }), true],
    ]);
  });

  const many = (count: number, value: unknown) => Object.fromEntries(Array.from({ length: count }, (_, index) => [`m${index}`, value]));
  const currencies = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, index) => [`C${String.fromCharCode(65 + Math.floor(index / 26))}${String.fromCharCode(65 + (index % 26))}`, 100]));

  test('record sizes: quotas at most 50 metrics, an add-on price in 1 to 50 currencies, usage at most 20 properties', () => {
    expect(property(bodySchema('updatePlan'), 'quotas').maxProperties).toBe(50);
    expect(property(bodySchema('updateAddOn'), 'prices')).toMatchObject({ minProperties: 1, maxProperties: 50 });
    expect(field(bodySchema('recordUsage'), 'properties').maxProperties).toBe(20);
    expectAgreement('updatePlan', [
      ['50 metrics', { quotas: many(50, 1) }, true],
      ['51 metrics', { quotas: many(51, 1) }, false],
    ]);
    expectAgreement('updateAddOn', [
      ['50 currencies', { prices: currencies(50) }, true],
      ['51 currencies', { prices: currencies(51) }, false],
      ['no currency', { prices: {} }, false],
    ]);
    expectAgreement('recordUsage', [
      ['20 properties', { metric: 'api_calls', quantity: 1, properties: many(20, 'x') }, true],
      ['21 properties', { metric: 'api_calls', quantity: 1, properties: many(21, 'x') }, false],
    ]);
  });
});

describe('offer rules and their moment', () => {
  const rule = (moment: string | undefined, target: Json, fields: Json = {}) => ({
    description: 'A rule',
    enabled: true,
    priority: 10,
    ...(moment ? { moment } : {}),
    when: [{ usage: 'seats', atLeastRatio: 0.8, forPeriods: 2 }],
    offer: { target, percentOff: 20, discountPeriods: 3, expiresInDays: 14 },
    cooldownDays: 90,
    ...fields,
  });
  const leaving = { when: [{ fact: 'cancelReason', in: ['too_expensive'] }] };

  test('PUT /offer-rules/{id}: a retention target at the cancel moment only, and a discount to stay (if/then/else)', () => {
    expect(bodySchema('putOfferRule')).toMatchObject({ if: { properties: { moment: { const: 'cancel' } } } });
    expectAgreement('putOfferRule', [
      ['upsell at renewal', rule(undefined, { kind: 'next_tier' }), true],
      ['upsell at cancel', rule('cancel', { kind: 'next_tier' }), false],
      ['retention at cancel', rule('cancel', { kind: 'lower_tier' }, leaving), true],
      ['retention at renewal', rule('renewal', { kind: 'lower_tier' }), false],
      ['a cancel reason at renewal', rule('renewal', { kind: 'annual' }, leaving), false],
      ['stay with a discount', rule('cancel', { kind: 'current_plan' }), true],
      ['stay without a discount', rule('cancel', { kind: 'current_plan' }, { offer: { target: { kind: 'current_plan' }, percentOff: 0, discountPeriods: 3, expiresInDays: 14 } }), false],
    ]);
  });
});

describe('billing profiles by kind', () => {
  const profile = (kind: string, country: string, ids: Json = {}) => ({ legalName: 'Fjord Analyse AS', kind, ...ids, address: { lines: ['Havnegata 12'], postalCode: '7010', city: 'Trondheim', country } });

  test('PUT /customers/{id}/billing-profile: a consumer has no identifiers, a Norwegian business its organisation number (if/then)', () => {
    expect(bodySchema('setBillingProfile')).toMatchObject({ if: { properties: { kind: { const: 'consumer' } } } });
    expectAgreement('setBillingProfile', [
      ['a consumer', profile('consumer', 'NO'), true],
      ['a consumer, identifiers null', profile('consumer', 'NO', { organizationNumber: null, vatId: null }), true],
      ['a consumer with an organisation number', profile('consumer', 'NO', { organizationNumber: '974760673' }), false],
      ['a consumer with a VAT id', profile('consumer', 'SE', { vatId: 'SE556036079301' }), false],
      ['a Norwegian business', profile('business', 'NO', { organizationNumber: '974760673' }), true],
      ['a Norwegian business without its number', profile('business', 'NO'), false],
      ['a Norwegian business, number null', profile('business', 'NO', { organizationNumber: null }), false],
      ['a Swedish business without a number', profile('business', 'SE'), true],
    ]);
  });
});

describe('query parameters', () => {
  /** A query parameter's value, and whether the API accepts it. */
  type QueryCase = [name: string, value: string, accepted: boolean];

  /** Each case judged by the document's parameter schema and by the router's query schema: both must say `accepted`. */
  function expectQueryAgreement(operationId: string, cases: QueryCase[]): void {
    const query = ENDPOINTS.find((e) => e.operationId === operationId)!.query!;
    const verdicts = cases.map(([name, value]) => [name, value, api.parameterErrors(api.byId(operationId), name, value).length === 0, query.safeParse({ [name]: value }).success]);
    expect(verdicts).toEqual(cases.map(([name, value, accepted]) => [name, value, accepted, accepted]));
  }

  test.each(['listProducts', 'listPlans', 'listAddOns', 'listCoupons'])('%s: q is plain text, no control character, %% or \\ (pattern)', (operationId) => {
    const plain = ['Pro', 'Team plan', 'Büro', '🚀 launch', 'a\u007fb'];
    const refused = ['50%', 'a\\b', 'a\tb', '\u0000', '\u001f'];
    expectQueryAgreement(operationId, [...plain.map((q): QueryCase => ['q', q, true]), ...refused.map((q): QueryCase => ['q', q, false])]);
  });

  test('GET /subscriptions: an empty filter is documented as no filter, as the API takes it; other values still follow the rule', () => {
    expectQueryAgreement('listSubscriptions', [
      ['status', '', true],
      ['status', 'active', true],
      ['status', 'nope', false],
      ['plan', '', true],
      ['plan', 'pro monthly', false],
      ['customer', '', true],
      ['limit', '', true],
      ['limit', '0', false],
    ]);
  });

  test('GET /reports/dunning: an empty months is documented as the default, as the API takes it', () => {
    expectQueryAgreement('getDunningReport', [
      ['months', '', true],
      ['months', '0', false],
      ['months', '37', false],
    ]);
  });
});

describe('timestamps', () => {
  const utcOnly: Array<[string, boolean]> = [
    ['2027-06-01T00:00:00Z', true],
    ['2027-06-01T00:00:00.125Z', true],
    ['2027-06-01T00:00:00+02:00', false],
    ['2027-06-01t00:00:00z', false],
    ['2027-06-01T00:00Z', false],
    ['2027-06-01 00:00:00Z', false],
  ];

  test('PATCH /coupons/{code}: redeemBy is a UTC date-time with seconds, written as zod takes it (pattern beside format)', () => {
    expectAgreement(
      'updateCoupon',
      utcOnly.map(([redeemBy, accepted]): Case => [redeemBy, { redeemBy }, accepted]),
    );
  });

  test('POST /subscriptions/{id}/usage: occurredAt may carry an offset, in the form zod takes', () => {
    const withOffset: Array<[string, boolean]> = [
      ['2027-06-01T00:00:00Z', true],
      ['2027-06-01T00:00:00+02:00', true],
      ['2027-06-01T00:00:00.5-05:30', true],
      ['2027-06-01T00:00:00+0200', false],
      ['2027-06-01t00:00:00z', false],
      ['2027-06-01T00:00+02:00', false],
    ];
    expectAgreement(
      'recordUsage',
      withOffset.map(([occurredAt, accepted]): Case => [occurredAt, { metric: 'api_calls', quantity: 1, occurredAt }, accepted]),
    );
  });
});

test('every integer a request may carry fits an int4 column (2^31 - 1), but units of metered pricing (JSON) and Stripe\'s own event times', () => {
  const unbounded: string[] = [];
  const components = (buildOpenApiDocument().components as { schemas: Record<string, Json> }).schemas;
  const walk = (node: unknown, at: string, seen: Set<unknown>): void => {
    if (node === null || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    const schema = node as Json;
    if (typeof schema.$ref === 'string') return walk(components[schema.$ref.split('/').pop()!], at, seen);
    const integer = schema.type === 'integer' || (Array.isArray(schema.type) && schema.type.includes('integer'));
    if (integer && !(typeof schema.maximum === 'number' && schema.maximum <= 2_147_483_647)) unbounded.push(at);
    for (const [key, value] of Object.entries(schema)) walk(value, `${at}/${key}`, seen);
  };
  for (const [path, operations] of Object.entries(api.document.paths as Record<string, Record<string, Json>>)) {
    for (const [method, operation] of Object.entries(operations)) {
      const where = `${method.toUpperCase()} ${path}`;
      for (const parameter of (operation.parameters as Json[] | undefined) ?? []) walk(parameter.schema, `${where} ${String(parameter.name)}`, new Set());
      walk((operation.requestBody as { content?: Record<string, { schema: Json }> } | undefined)?.content?.['application/json']?.schema, `${where} body`, new Set());
    }
  }
  const allowed = /(pricing\/properties\/(includedUnits|tiers\/items\/properties\/upTo)|^POST \/webhooks\/stripe body\/properties\/created)/;
  expect(unbounded.filter((at) => !allowed.test(at))).toEqual([]);
});
