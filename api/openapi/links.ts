// OpenAPI links (3.1 §4.8.20) from each create to what can be done with what it made: POST
// /subscriptions answers the id that POST /subscriptions/{id}/cancel, …/plan, …/pause take. They
// tell a reader (and a client generator, or a fuzzer's stateful phase) which answer feeds which
// request; derived from the paths, so a new operation under a created resource is linked too.
import type { Endpoint } from './endpoint';
import type { JsonSchema } from './json-schemas';

export type Links = Record<string, { operationId: string; parameters: Record<string, string>; description: string }>;

const segments = (path: string) => path.split('/').filter(Boolean);
const isParam = (segment: string) => segment.startsWith(':');

/** The top-level properties of an answer's schema, through one `$ref` to a component. */
function propertiesOf(schema: JsonSchema | undefined, components: Record<string, JsonSchema>): string[] {
  const ref = typeof schema?.$ref === 'string' ? schema.$ref.split('/').pop() : undefined;
  const resolved = ref ? components[ref] : schema;
  return Object.keys((resolved?.properties as Record<string, unknown> | undefined) ?? {});
}

/**
 * The links of `creator`'s answer whose schema is `answer`: every operation under the created
 * resource's path (`/subscriptions/:id/…`) whose only path parameter the answer carries.
 */
export function linksFrom(creator: Endpoint, answer: JsonSchema | undefined, endpoints: readonly Endpoint[], components: Record<string, JsonSchema>): Links | undefined {
  const base = segments(creator.path);
  if (creator.method !== 'post' || base.some(isParam)) return undefined;
  const carried = new Set(propertiesOf(answer, components));
  const links: Links = {};
  for (const target of endpoints) {
    const path = segments(target.path);
    const params = path.filter(isParam).map((segment) => segment.slice(1));
    if (params.length !== 1 || path.length <= base.length || !isParam(path[base.length]!)) continue;
    if (!base.every((segment, i) => segment === path[i]) || !carried.has(params[0]!)) continue;
    links[target.operationId] = {
      operationId: target.operationId,
      parameters: { [params[0]!]: `$response.body#/${params[0]!}` },
      description: `The ${params[0]} in this answer is the {${params[0]}} of ${target.method.toUpperCase()} ${target.path.replace(/:(\w+)/g, '{$1}')}`,
    };
  }
  return Object.keys(links).length > 0 ? links : undefined;
}
