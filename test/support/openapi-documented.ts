// Checks requests and answers against the OpenAPI document the API serves, with a JSON Schema
// 2020-12 validator (ajv): what is checked is the published document, not the zod it came from.
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

type Json = Record<string, unknown>;

export interface DocumentedOperation {
  method: string;
  /** OpenAPI syntax: `/subscriptions/{id}`. */
  path: string;
  operation: Json;
}

const pointer = (...segments: string[]) => segments.map((s) => s.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

export class DocumentedApi {
  private readonly ajv = new Ajv2020({ strict: false, validateSchema: false, allErrors: true });
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(readonly document: { paths: Record<string, Record<string, Json>> }) {
    addFormats(this.ajv);
    this.ajv.addSchema(document, 'openapi.json');
  }

  operations(): DocumentedOperation[] {
    return Object.entries(this.document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ method, path, operation })));
  }

  byId(operationId: string): DocumentedOperation {
    const found = this.operations().find((o) => o.operation.operationId === operationId);
    if (!found) throw new Error(`no operation ${operationId} in the document`);
    return found;
  }

  /** The operation a request reaches: literal segments win over parameters, as in the routers. */
  operationFor(method: string, path: string): DocumentedOperation | undefined {
    const matches = this.operations().filter(
      (o) => o.method === method.toLowerCase() && new RegExp(`^${o.path.replace(/\{\w+\}/g, '[^/]+')}$`).test(path),
    );
    return matches.sort((a, b) => b.path.replace(/\{\w+\}/g, '').length - a.path.replace(/\{\w+\}/g, '').length)[0];
  }

  private validator(path: string): ValidateFunction {
    let validate = this.compiled.get(path);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `openapi.json#/${path}` });
      this.compiled.set(path, validate);
    }
    return validate;
  }

  /** Errors of `body` against the documented request body, or [] when it is valid. */
  requestBodyErrors(o: DocumentedOperation, body: unknown): string[] {
    const validate = this.validator(pointer('paths', o.path, o.method, 'requestBody', 'content', 'application/json', 'schema'));
    return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '(body)'} ${e.message}`);
  }

  /** Errors of `value` against the documented schema of a path or query parameter, or [] when it is valid. */
  parameterErrors(o: DocumentedOperation, name: string, value: unknown): string[] {
    const index = (o.operation.parameters as Array<{ name?: string }> | undefined)?.findIndex((parameter) => parameter.name === name) ?? -1;
    if (index < 0) throw new Error(`${o.method.toUpperCase()} ${o.path} has no parameter ${name}`);
    const validate = this.validator(pointer('paths', o.path, o.method, 'parameters', String(index), 'schema'));
    return validate(value) ? [] : (validate.errors ?? []).map((e) => `${name} ${e.message}`);
  }

  /** What is wrong with an answer, by the document: an undocumented status or content type, or a body off its schema. */
  answerErrors(o: DocumentedOperation, status: number, contentType: string | undefined, body: unknown): string[] {
    const responses = o.operation.responses as Record<string, { content?: Record<string, unknown> }>;
    const response = responses[String(status)];
    if (!response) return [`status ${status} is not documented for ${o.method.toUpperCase()} ${o.path}`];
    const media = Object.keys(response.content ?? {}).find((type) => contentType?.startsWith(type.split(';')[0]!));
    if (!media) return [`content type ${contentType} is not documented for ${status}`];
    if (!/json/.test(media)) return [];
    const validate = this.validator(pointer('paths', o.path, o.method, 'responses', String(status), 'content', media, 'schema'));
    return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '(body)'} ${e.message} ${JSON.stringify(e.params)}`);
  }
}
