import { stripeDecline } from '../../gateway/stripe-declines';

test.each([
  [{ code: 'card_declined', decline_code: 'insufficient_funds' }, 'insufficient_funds', 'soft'],
  [{ code: 'card_declined', decline_code: 'generic_decline' }, 'generic_decline', 'soft'],
  [{ code: 'card_declined', decline_code: 'do_not_honor' }, 'do_not_honor', 'soft'],
  [{ code: 'card_declined', decline_code: 'stolen_card' }, 'stolen_card', 'hard'],
  [{ code: 'card_declined', decline_code: 'fraudulent' }, 'fraudulent', 'hard'],
  [{ code: 'expired_card' }, 'expired_card', 'hard'],
  [{ code: 'incorrect_number' }, 'incorrect_number', 'hard'],
  [{ code: 'authentication_required', decline_code: 'authentication_required' }, 'authentication_required', 'soft'],
  [{ code: 'processing_error' }, 'processing_error', 'soft'],
  [{ code: 'card_declined', decline_code: 'a_code_stripe_adds_later' }, 'a_code_stripe_adds_later', 'soft'],
])('%o is %s, %s', (error, declineCode, declineType) => {
  expect(stripeDecline({ ...error, message: 'Your card was declined.' })).toEqual({ declineCode, declineType, message: 'Your card was declined.' });
});

test("the issuer's advice outranks the code: do_not_try_again makes a generic decline hard, try_again_later keeps funds soft", () => {
  expect(stripeDecline({ code: 'card_declined', decline_code: 'generic_decline', advice_code: 'do_not_try_again' })).toMatchObject({ declineType: 'hard' });
  expect(stripeDecline({ code: 'card_declined', decline_code: 'do_not_honor', advice_code: 'confirm_card_data' })).toMatchObject({ declineType: 'hard' });
  expect(stripeDecline({ code: 'card_declined', decline_code: 'insufficient_funds', advice_code: 'try_again_later' })).toMatchObject({ declineType: 'soft' });
});

test('the client sets an absent decline code to an empty string: the error code stands in', () => {
  expect(stripeDecline({ code: 'expired_card', decline_code: '', message: 'Your card has expired.' })).toEqual({ declineCode: 'expired_card', declineType: 'hard', message: 'Your card has expired.' });
});
