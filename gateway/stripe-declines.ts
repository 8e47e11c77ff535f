// Which Stripe declines dunning retries (soft) and which wait for another card (hard), after
// Stripe's decline code guidance (docs.stripe.com/declines/codes): a code whose next step is "try
// again" is soft; one whose next step is "the customer must use another card or call the issuer
// about this card" is hard. Card networks fine merchants who keep retrying the latter.
import type { DeclineType } from '../domain/payments';

/** The card is gone, blocked, wrong or unfit for this payment: retrying the same card cannot succeed. */
export const HARD_DECLINE_CODES: ReadonlySet<string> = new Set([
  'stolen_card',
  'lost_card',
  'pickup_card',
  'restricted_card',
  'fraudulent',
  'merchant_blacklist',
  'security_violation',
  'expired_card',
  'incorrect_number',
  'invalid_number',
  'incorrect_cvc',
  'invalid_cvc',
  'invalid_expiry_month',
  'invalid_expiry_year',
  'invalid_account',
  'new_account_information_available',
  'card_not_supported',
  'currency_not_supported',
  'transaction_not_allowed',
  'not_permitted',
  'service_not_allowed',
  'do_not_try_again',
  'revocation_of_all_authorizations',
  'revocation_of_authorization',
  'stop_payment_order',
  'testmode_decline',
]);

/**
 * The issuer's own advice, when it gives one, outranks the code: `do_not_try_again` and
 * `confirm_card_data` (the card's details must change first) are hard, `try_again_later` soft.
 */
const ADVICE: Record<string, DeclineType> = {
  do_not_try_again: 'hard',
  confirm_card_data: 'hard',
  try_again_later: 'soft',
};

export interface StripeDeclineFields {
  /** `card_declined`, or the error itself (`expired_card`, `authentication_required`, `incorrect_cvc`…). */
  code?: string | null;
  /** The issuer's reason when `code` is `card_declined` (`insufficient_funds`, `stolen_card`…). */
  decline_code?: string | null;
  advice_code?: string | null;
  message?: string | null;
}

/**
 * A Stripe card error or `last_payment_error` in the engine's words. Unknown codes are soft, like
 * `generic_decline` and `do_not_honor`, whose guidance is a retry or a call to the issuer.
 * `authentication_required` is soft: the customer can authenticate, and the next attempt may pass.
 */
export function stripeDecline(error: StripeDeclineFields): { declineCode: string; declineType: DeclineType; message: string } {
  const declineCode = error.decline_code || error.code || 'card_declined';
  const advised = error.advice_code ? ADVICE[error.advice_code] : undefined;
  return {
    declineCode,
    declineType: advised ?? (HARD_DECLINE_CODES.has(declineCode) ? 'hard' : 'soft'),
    message: error.message ?? 'The card was declined.',
  };
}
