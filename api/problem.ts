// RFC 9457 problem details: every error the API returns has this shape and
// Content-Type application/problem+json.

export interface FieldError {
  field: string;
  message: string;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

const TITLES: Record<string, string> = {
  'validation-error': 'Request is not valid',
  'not-found': 'Resource not found',
  'method-not-allowed': 'Method not allowed',
  conflict: 'Request conflicts with the current state',
  'service-unavailable': 'A dependency is unavailable',
  'payment-declined': 'The payment was declined',
  forbidden: 'Not allowed',
  'payload-too-large': 'Request body is too large',
  'internal-error': 'Internal server error',
  'usage-too-late': "The usage's period is closed",
  'usage-limit': 'More usage than one period bills',
  'quote-expired': 'The quote is no longer open',
};

/** An error that already knows its HTTP answer. */
export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly slug: keyof typeof TITLES | string,
    detail: string,
    readonly extensions: Partial<ProblemBody> = {},
  ) {
    super(detail);
  }

  toBody(instance?: string): ProblemBody {
    return {
      type: `/problems/${this.slug}`,
      title: TITLES[this.slug] ?? this.slug,
      status: this.status,
      detail: this.message,
      ...(instance ? { instance } : {}),
      ...this.extensions,
    };
  }
}

export const notFound = (detail: string) => new ProblemError(404, 'not-found', detail);
export const conflict = (detail: string, extensions?: Partial<ProblemBody>) => new ProblemError(409, 'conflict', detail, extensions);
export const invalid = (errors: FieldError[]) =>
  new ProblemError(400, 'validation-error', errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors });
