// zod schemas to JSON Schema 2020-12 (the dialect of OpenAPI 3.1), with zod's own converter. Named
// schemas become components that others reference; every other schema is inlined where it is used.
// The converter cannot see inside a refine: a schema states its refinements in JSON Schema keywords
// with `.meta()`, which the converter merges (api/schemas/refinements.ts has the common ones).
import { z } from 'zod';
import { EMPTY_MEANS_UNSET } from '../schemas/refinements';

export type JsonSchema = Record<string, unknown>;

const PREFIX = '#/components/schemas/';

/** The placeholder id of a schema that has no component name. */
const anonymous = (index: number) => `_${index}`;

function refOf(node: unknown): string | undefined {
  const ref = (node as { $ref?: unknown } | null)?.$ref;
  return typeof ref === 'string' && ref.startsWith(PREFIX) ? ref.slice(PREFIX.length) : undefined;
}

/** Replaces references to anonymous schemas by the schemas themselves, everywhere in `node`. */
function inlineAnonymous(node: unknown, defs: Record<string, JsonSchema>): unknown {
  if (Array.isArray(node)) return node.map((item) => inlineAnonymous(item, defs));
  if (node === null || typeof node !== 'object') return node;
  const ref = refOf(node);
  if (ref?.startsWith('_')) return inlineAnonymous(defs[ref], defs);
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, inlineAnonymous(value, defs)]));
}

interface DateTimeDef {
  format?: string;
  offset?: boolean;
  local?: boolean;
  precision?: number | null;
}

/**
 * zod writes its whole date-time regex next to `format`, most of which the format says for readers.
 * What the format does not say is what zod refuses beyond RFC 3339: a lowercase `t` or `z`, a time
 * without seconds, and an offset where only `Z` is taken; this short pattern says it. Other options
 * (local times, a fixed precision) keep zod's own regex.
 */
function dateTimeShape({ offset, local, precision }: DateTimeDef): string | undefined {
  if (local || typeof precision === 'number') return undefined;
  return `^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\\.[0-9]+)?${offset ? '(?:Z|[+-][0-9]{2}:[0-9]{2})' : 'Z'}$`;
}

/** `schema` or the empty string, in place (the converter's hook may only change the node it is given). */
function orEmpty(jsonSchema: JsonSchema): void {
  if (!jsonSchema[EMPTY_MEANS_UNSET]) return;
  const { [EMPTY_MEANS_UNSET]: _flag, ...schema } = jsonSchema;
  delete jsonSchema[EMPTY_MEANS_UNSET];
  const takesEmpty = schema.type === 'string' && !['pattern', 'enum', 'const', 'minLength', 'format'].some((rule) => rule in schema);
  if (takesEmpty) return;
  for (const key of Object.keys(jsonSchema)) delete jsonSchema[key];
  jsonSchema.anyOf = [schema, { type: 'string', const: '', description: 'empty: as if not given' }];
}

export interface ConvertedSchemas {
  /** Named schemas, for `components.schemas`. */
  components: Record<string, JsonSchema>;
  /** The JSON Schema to put where `schema` is used: a `$ref` for a named one. */
  of(schema: z.ZodType): JsonSchema;
}

/**
 * Converts `schemas` in one pass, so that a named schema used inside another is a `$ref`.
 * `io: 'input'` describes what a request may send (defaults make fields optional, coercions and
 * preprocessing show the accepted type); `'output'` describes what an answer contains.
 */
export function convertSchemas(io: 'input' | 'output', schemas: Iterable<z.ZodType>, names: ReadonlyMap<z.ZodType, string> = new Map()): ConvertedSchemas {
  const registry = z.registry<{ id: string }>();
  const ids = new Map<z.ZodType, string>();
  for (const schema of [...names.keys(), ...schemas]) {
    if (ids.has(schema)) continue;
    const id = names.get(schema) ?? anonymous(ids.size);
    ids.set(schema, id);
    registry.add(schema, { id });
  }
  const { schemas: converted } = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    io,
    uri: (id) => `${PREFIX}${id}`,
    override: ({ zodSchema, jsonSchema }) => {
      orEmpty(jsonSchema);
      const def = zodSchema._zod.def as DateTimeDef;
      if (jsonSchema.format !== 'date-time' || def.format !== 'datetime') return;
      const shape = dateTimeShape(def);
      if (shape) jsonSchema.pattern = shape;
    },
  });
  const defs: Record<string, JsonSchema> = {};
  for (const [id, { $schema: _dialect, $id: _id, ...schema }] of Object.entries(converted)) defs[id] = schema;
  const components: Record<string, JsonSchema> = {};
  for (const [id, schema] of Object.entries(defs)) if (!id.startsWith('_')) components[id] = inlineAnonymous(schema, defs) as JsonSchema;
  return {
    components,
    of(schema) {
      const id = ids.get(schema);
      if (id === undefined) throw new Error('convertSchemas: this schema was not given for conversion');
      return id.startsWith('_') ? (inlineAnonymous(defs[id], defs) as JsonSchema) : { $ref: `${PREFIX}${id}` };
    },
  };
}
