import { ServiceError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { z } from 'zod';
import { toProblem } from '../../api/errors';

describe('toProblem maps failures to the status a client can act on', () => {
  test('an update whose long poll ran out on an overloaded server is a 503 to retry, not a 500', () => {
    expect(toProblem(new WorkflowUpdateRPCTimeoutOrCancelledError('Timeout waiting for update response')).status).toBe(503);
  });

  test('Temporal unreachable (gRPC UNAVAILABLE) is a 503', () => {
    const unreachable = Object.assign(new Error('connect ECONNREFUSED'), { code: 14 });
    expect(toProblem(new ServiceError('unavailable', { cause: unreachable })).status).toBe(503);
  });

  test('a validation error is a 400 naming the field', () => {
    const parsed = z.object({ plan: z.string() }).safeParse({ plan: 7 });
    const problem = toProblem(parsed.error);
    expect(problem.status).toBe(400);
    expect(problem.toBody('/x')).toMatchObject({ errors: [{ field: 'plan' }] });
  });

  test('text the database cannot store (a NUL character) is a 400, not a 500', () => {
    // As @prisma/adapter-pg raised it for a NUL that reached PostgreSQL, bare and wrapped by Prisma.
    const refused = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), {
      name: 'DriverAdapterError',
      cause: { originalCode: '22021', kind: 'postgres', code: '22021', message: 'invalid byte sequence for encoding "UTF8": 0x00' },
    });
    for (const error of [refused, Object.assign(new Error('Invalid invocation'), { meta: { driverAdapterError: refused } })]) {
      const problem = toProblem(error);
      expect(problem.status).toBe(400);
      expect(problem.toBody('/x')).toMatchObject({ errors: [{ field: '(request)', message: expect.stringContaining('NUL') }] });
    }
  });

  test('anything unknown is a 500 that reveals nothing of the error', () => {
    const problem = toProblem(new Error('secret internals'));
    expect(problem.status).toBe(500);
    expect(JSON.stringify(problem.toBody('/x'))).not.toContain('secret internals');
  });
});
