// The OpenAPI 3.1 document, built from the endpoint declarations (api/openapi/endpoints): request
// schemas are the routers' own zod schemas, the scope comes from api/auth-policy.ts, the shared
// error answers from api/openapi/errors.ts.
import type { z } from 'zod';
import { version } from '../../package.json';
import { requiredAccess, type Access } from '../auth-policy';
import { problem } from '../schemas/responses/problem';
import { HEADERS, idempotencyKeyParameter, SCHEMA_NAMES, SECURITY_SCHEMES } from './components';
import { idempotent, TAGS, type Answer, type Endpoint, type HeaderName } from './endpoint';
import { ENDPOINTS } from './endpoints';
import { errorAnswers } from './errors';
import { convertSchemas, type ConvertedSchemas, type JsonSchema } from './json-schemas';
import { linksFrom } from './links';

export type OpenApiDocument = Record<string, unknown> & { openapi: string; paths: Record<string, Record<string, Operation>> };
type Operation = Record<string, unknown>;

const DESCRIPTION = `Subscription lifecycle engine on Temporal: renewals, dunning, proration, emails and upsell offers.

**Authentication**: \`Authorization: Bearer <API key>\`; each operation names the scope it needs. Health, metrics and these docs need none; a payment gateway's webhooks are authenticated by their signature.

**Errors** are RFC 9457 problem details (\`application/problem+json\`): \`type\`, \`title\`, \`status\`, \`detail\`, and for 400 \`errors\` naming each field. A path no route has is a 404 problem; a method no operation of the path has is a 405 problem (\`/problems/method-not-allowed\`) whose \`Allow\` header lists the methods it has, and \`OPTIONS\` on the path answers 204 with that header (both answered after authentication, as a 404 is).

**Audit**: every POST, PUT, PATCH and DELETE by a known caller, refused ones included, is recorded in an append-only log (\`GET /audit-events\`).

**Retries**: send \`Idempotency-Key\` on POST and retry with the same key; the request takes effect once.

**Rate limits**: per client address before authentication (\`RATE_LIMIT_PER_ADDRESS_PER_MINUTE\`, default 12000), per API key after it (\`RATE_LIMIT_PER_MINUTE\`, default 6000), and at most \`FAILED_AUTH_LIMIT\` wrong secrets for one API key from one address (default 10 in 15 minutes; a missing or unknown key is always 401 and never counted); over any, 429 with \`Retry-After\`. Answers to requests with a key carry \`RateLimit-Limit\` and \`RateLimit-Remaining\`.

**Pagination**: lists with \`nextCursor\` take \`cursor\` and \`limit\`; pass \`nextCursor\` back as \`cursor\` until it is null.`;

/** Express `:name` segments to OpenAPI `{name}`. */
export function openApiPath(path: string): string {
  return path.replace(/:(\w+)/g, '{$1}');
}

/** The access the policy gives this endpoint, asked with a concrete path as a request would have. */
export function accessOf(endpoint: Endpoint): Access {
  const concrete = endpoint.path.replace(/:(\w+)/g, (_match, name: string) => endpoint.paramExamples?.[name] ?? name);
  return requiredAccess(endpoint.method, concrete);
}

function security(access: Access): { security: Array<Record<string, string[]>>; note: string } {
  if (access.kind === 'public') return { security: [], note: 'No API key needed.' };
  if (access.kind === 'link') return { security: [{ apiKey: ['write'] }, { offerLink: [] }], note: 'Scope: `write`, or the link token.' };
  if (access.kind === 'signed') return { security: [], note: 'No API key: the signature header authenticates the request.' };
  if (access.kind === 'portal') return { security: [], note: "No API key: a customer portal page, behind the portal's own session or signed link." };
  return { security: [{ apiKey: [access.scope] }], note: `Scope: \`${access.scope}\`.` };
}

function headers(names: HeaderName[] | undefined): Record<string, unknown> | undefined {
  if (!names || names.length === 0) return undefined;
  return Object.fromEntries(names.map((name) => [HEADERS[name].name, { $ref: `#/components/headers/${name}` }]));
}

/** Sets `description` on the (possibly nested, dotted) field of an object schema; false when there is no such field. */
/** `path` names object properties; a list on the way is stepped into (`subscriptions.id`: each item's id). */
function describeField(schema: JsonSchema, path: string, description: string): boolean {
  let node: JsonSchema | undefined = schema;
  for (const name of path.split('.')) {
    const container: JsonSchema | undefined = (node?.items as JsonSchema | undefined) ?? node;
    node = (container?.properties as Record<string, JsonSchema> | undefined)?.[name];
  }
  if (node) node.description = description;
  return node !== undefined;
}

function parameters(endpoint: Endpoint, requests: ConvertedSchemas): unknown[] {
  const fromObject = (where: 'path' | 'query', schema: z.ZodObject | undefined) => {
    if (!schema) return [];
    const examples = where === 'path' ? endpoint.paramExamples : endpoint.queryExample;
    const json = requests.of(schema);
    const required = new Set((json.required as string[] | undefined) ?? []);
    return Object.entries((json.properties as Record<string, JsonSchema> | undefined) ?? {}).map(([name, property]) => ({
      name,
      in: where,
      required: where === 'path' || required.has(name),
      schema: property,
      ...(where === 'query' && endpoint.fields?.[name] ? { description: endpoint.fields[name] } : {}),
      ...(examples?.[name] !== undefined ? { example: examples[name] } : {}),
    }));
  };
  const inPath = [...endpoint.path.matchAll(/:(\w+)/g)].map((match) => match[1]);
  const declared = Object.keys(endpoint.params?.shape ?? {});
  if (inPath.join() !== declared.join()) throw new Error(`${endpoint.operationId}: path parameters ${inPath.join()} but params schema ${declared.join()}`);
  const signature = endpoint.inbound?.signatureHeader;
  return [
    ...fromObject('path', endpoint.params),
    ...fromObject('query', endpoint.query),
    ...(signature ? [{ name: signature.name, in: 'header', required: true, description: signature.description, schema: { type: 'string', minLength: 1 }, example: signature.example }] : []),
    ...(endpoint.requestHeaders ?? []).map(({ name, description, example }) => ({ name, in: 'header', required: false, description, schema: { type: 'string' }, example })),
    ...(idempotent(endpoint) ? [idempotencyKeyParameter(endpoint.operationId)] : []),
  ];
}

function requestBody(endpoint: Endpoint, requests: ConvertedSchemas): Record<string, unknown> | undefined {
  const schema = endpoint.body ? structuredClone(requests.of(endpoint.body)) : {};
  const queryFields = new Set(Object.keys(endpoint.query?.shape ?? {}));
  for (const [path, description] of Object.entries(endpoint.fields ?? {})) {
    // A described field that exists nowhere is a declaration error, not something to publish.
    if (!describeField(schema, path, description) && !queryFields.has(path)) throw new Error(`${endpoint.operationId}: field "${path}" is described but not in the query or body`);
  }
  if (endpoint.inbound) {
    return { required: true, content: { 'application/json': { schema: requests.of(endpoint.inbound.body), example: endpoint.inbound.example } } };
  }
  if (!endpoint.body) return undefined;
  return {
    required: !endpoint.optionalBody,
    content: { 'application/json': { schema, ...(endpoint.example !== undefined ? { example: endpoint.example } : {}) } },
  };
}

function success(answer: Answer, endpoint: Endpoint, answers: ConvertedSchemas, endpoints: readonly Endpoint[]): Record<string, unknown> {
  const described = headers([...(answer.headers ?? []), ...(idempotent(endpoint) ? (['IdempotentReplayed'] as const) : [])]);
  const schema = answer.schema ? answers.of(answer.schema) : undefined;
  const links = answer.status < 300 ? linksFrom(endpoint, schema, endpoints, answers.components) : undefined;
  return {
    description: answer.description,
    ...(described ? { headers: described } : {}),
    ...(schema ? { content: { [answer.contentType ?? 'application/json']: { schema } } } : {}),
    ...(links ? { links } : {}),
  };
}

function operation(endpoint: Endpoint, requests: ConvertedSchemas, answers: ConvertedSchemas, endpoints: readonly Endpoint[]): Operation {
  const access = accessOf(endpoint);
  const { security: requirement, note } = security(access);
  const responses: Record<string, unknown> = {};
  for (const answer of endpoint.answers) responses[String(answer.status)] = success(answer, endpoint, answers, endpoints);
  for (const error of errorAnswers(endpoint, access)) {
    const described = headers(error.headers);
    responses[String(error.status)] = {
      description: error.description,
      ...(described ? { headers: described } : {}),
      content: { 'application/problem+json': { schema: answers.of(problem) } },
    };
  }
  const params = parameters(endpoint, requests);
  const body = requestBody(endpoint, requests);
  return {
    operationId: endpoint.operationId,
    tags: [TAGS[endpoint.tag].name],
    summary: endpoint.summary,
    description: [endpoint.description, note].filter(Boolean).join('\n\n'),
    security: requirement,
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(body ? { requestBody: body } : {}),
    responses: Object.fromEntries(Object.entries(responses).sort(([a], [b]) => Number(a) - Number(b))),
  };
}

export function buildOpenApiDocument(endpoints: readonly Endpoint[] = ENDPOINTS): OpenApiDocument {
  const requests = convertSchemas(
    'input',
    endpoints.flatMap((e) => [e.params, e.query, e.body, e.inbound?.body].filter((schema): schema is z.ZodType => schema !== undefined)),
  );
  const answers = convertSchemas('output', [problem, ...endpoints.flatMap((e) => e.answers.flatMap((a) => (a.schema ? [a.schema] : [])))], SCHEMA_NAMES);
  const paths: Record<string, Record<string, Operation>> = {};
  for (const endpoint of endpoints) {
    const path = (paths[openApiPath(endpoint.path)] ??= {});
    if (path[endpoint.method]) throw new Error(`${endpoint.method.toUpperCase()} ${endpoint.path} is declared twice`);
    path[endpoint.method] = operation(endpoint, requests, answers, endpoints);
  }
  return {
    openapi: '3.1.1',
    info: { title: 'Subscription engine API', version, description: DESCRIPTION, license: { name: 'MIT', identifier: 'MIT' } },
    servers: [{ url: '/', description: 'This server' }],
    tags: Object.values(TAGS),
    paths,
    components: {
      schemas: answers.components,
      headers: Object.fromEntries(Object.entries(HEADERS).map(([key, { name: _name, ...header }]) => [key, header])),
      securitySchemes: SECURITY_SCHEMES,
    },
  };
}
