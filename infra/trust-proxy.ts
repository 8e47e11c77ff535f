// TRUST_PROXY: whose X-Forwarded-For Express believes when it works out req.ip, the address the
// throttles count. Not behind a proxy (the default, "false"), the header is ignored: a client
// that sends one cannot pick the address it is counted under. Behind proxies, give how many hops
// to trust ("1" for one load balancer) or their addresses ("loopback", "10.0.0.0/8,172.16.0.0/12").
// "true" is refused: it trusts every hop, so the left-most, client-written address would win.
import { z } from 'zod';

/** The values Express's `trust proxy` setting takes that are safe here. */
export type TrustProxy = false | number | string[];

export const trustProxySetting = z
  .string()
  .trim()
  .default('false')
  .refine((value) => value.toLowerCase() !== 'true', {
    message: 'true would trust any X-Forwarded-For a client sends; give the number of proxies (e.g. 1) or their addresses',
  })
  .transform((value): TrustProxy => {
    if (value === '' || value.toLowerCase() === 'false') return false;
    if (/^\d+$/.test(value)) return Number(value);
    return value.split(',').map((entry) => entry.trim()).filter((entry) => entry.length > 0);
  });
