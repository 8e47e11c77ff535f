// Quotes (api/services/quotes.ts): drafts sales edit, send to the customer with a link, and accept
// on the customer's behalf; the customer accepts on the link's page (portal/routes/quotes.ts).
import { Router } from 'express';
import type { ApiDeps } from '../deps';
import { acceptQuoteBody, createQuoteBody, listQuotesQuery, quoteParams, updateQuoteBody } from '../schemas/quotes';
import { acceptQuote, cancelQuote, createQuote, getQuote, listQuotes, sendQuote, updateQuote } from '../services/quotes';

export function quotesRouter(deps: ApiDeps): Router {
  const router = Router();
  const idOf = (params: unknown) => quoteParams.parse(params).id;

  router.post('/', async (req, res) => {
    const quote = await createQuote(deps, createQuoteBody.parse(req.body));
    res.status(201).location(`/quotes/${quote.id}`).json(quote);
  });

  router.get('/', async (req, res) => {
    res.json(await listQuotes(deps, listQuotesQuery.parse(req.query)));
  });

  router.get('/:id', async (req, res) => {
    res.json(await getQuote(deps, idOf(req.params)));
  });

  router.patch('/:id', async (req, res) => {
    const id = idOf(req.params);
    res.json(await updateQuote(deps, id, updateQuoteBody.parse(req.body)));
  });

  router.post('/:id/send', async (req, res) => {
    res.json(await sendQuote(deps, idOf(req.params)));
  });

  router.post('/:id/accept', async (req, res) => {
    const id = idOf(req.params);
    const { created, ...accepted } = await acceptQuote(deps, id, acceptQuoteBody.parse(req.body ?? {}));
    res
      .status(created ? 201 : 200)
      .location(`/subscriptions/${accepted.subscription.id}`)
      .json(accepted);
  });

  router.post('/:id/cancel', async (req, res) => {
    res.json(await cancelQuote(deps, idOf(req.params)));
  });

  return router;
}
