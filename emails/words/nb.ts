// The customer emails' sentences in Norwegian bokmål, as ./en.ts says them.
import type { IntervalUnit } from '../../domain/calendar';
import type { CardName, EmailWords } from './index';

const card = ({ brand, last4 }: CardName) => (last4 ? `${brand ? `${brand}-kortet` : 'kortet'} ditt som slutter på ${last4}` : 'betalingsmåten din');
const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** "per måned", "hver 3. måned" (år and sekund are neuter: "hvert 2. år"). */
const UNITS: Record<IntervalUnit, { one: string; every: 'hver' | 'hvert' }> = {
  second: { one: 'sekund', every: 'hvert' },
  day: { one: 'dag', every: 'hver' },
  week: { one: 'uke', every: 'hver' },
  month: { one: 'måned', every: 'hver' },
  year: { one: 'år', every: 'hvert' },
};

export const nb: EmailWords = {
  greeting: 'Hei',
  subscriptionFooter: (id) => `Abonnement ${id}`,
  linkUnavailable: '(lenken er ikke tilgjengelig)',
  interval: (unit, count) => (count === 1 ? `per ${UNITS[unit].one}` : `${UNITS[unit].every} ${count}. ${UNITS[unit].one}`),
  welcome: {
    subject: (plan) => `Velkommen til ${plan}`,
    setUp: (plan, price, interval) => `Abonnementet ditt på ${plan} er klart: ${price} ${interval}.`,
    trialUntil: (date) => `Prøveperioden din varer til ${date}, og du blir ikke belastet før da.`,
    paid: 'Den første betalingen gikk gjennom. Takk!',
  },
  receipt: {
    subject: (invoice) => `Kvittering for faktura ${invoice}`,
    received: (amount, date) => `Vi mottok betalingen din på ${amount} den ${date}.`,
    totalExcludingVat: 'Sum eks. mva.',
    vatOf: (percent, base) => `Mva. ${percent} av ${base}`,
    totalPaid: 'Totalt betalt',
  },
  paymentFailed: {
    subject: (invoice) => `Betalingen for faktura ${invoice} mislyktes`,
    declined: (amount, invoice, attempt, reason) => `Vi klarte ikke å belaste ${amount} for faktura ${invoice} (forsøk ${attempt}): ${reason}`,
    retryOn: (dateTime) => `Vi prøver igjen ${dateTime}. Oppdater betalingsmåten din før det, så unngår du at betalingen mislykkes igjen.`,
    noRetry: 'Oppdater betalingsmåten din, så belaster vi den så snart du har gjort det.',
    deadline: (dateTime, consequence) =>
      `Er fakturaen fortsatt ikke betalt ${dateTime}, ${
        {
          cancel: 'blir abonnementet ditt avsluttet.',
          unpaid: 'blir abonnementet ditt stanset.',
          expire: 'starter ikke abonnementet ditt.',
        }[consequence]
      }`,
    updateHere: (link) => `Oppdater betalingsmåten din her: ${link}`,
  },
  paymentActionRequired: {
    subject: (invoice) => `Bekreft betalingen for faktura ${invoice}`,
    confirm: (amount, invoice) => `Banken din ber deg bekrefte betalingen på ${amount} for faktura ${invoice}.`,
    confirmHere: (link) => `Bekreft den her: ${link}`,
    confirmInBankApp: 'Banken din ber deg bekrefte den i appen sin, eller du kan betale med en annen betalingsmåte.',
    expires: (dateTime) => `Er den ikke bekreftet innen ${dateTime}, blir betalingen avbrutt, og vi prøver igjen som ved en mislykket betaling.`,
  },
  paymentMethodUpdate: {
    subject: { expiring: 'Kortet ditt utløper snart', detached: 'Betalingsmåten din er fjernet' },
    expiring: (name, month) => `${capitalized(card(name))} utløper ved utgangen av ${month ?? 'denne måneden'}.`,
    detached: (name) => `${capitalized(card(name))} er fjernet og kan ikke lenger belastes.`,
    updateBefore: (date, amount, plan, interval) =>
      `Oppdater betalingsmåten din før ${date}, da ${amount} for ${plan} (${interval}) forfaller, så abonnementet ditt fortsetter uten avbrudd.`,
    update: (plan) => `Oppdater betalingsmåten din, så abonnementet ditt på ${plan} fortsetter uten avbrudd.`,
    updateHere: (link) => `Oppdater den her: ${link}`,
  },
  finalNotice: {
    subject: (invoice) => `Siste varsel: faktura ${invoice} er ikke betalt`,
    notCollected: (amount, invoice) => `Vi har ikke klart å belaste ${amount} for faktura ${invoice}.`,
    finalAttempt: (dateTime, consequence) =>
      `Vi gjør et siste forsøk ${dateTime}. Mislykkes det, blir abonnementet ditt ${
        consequence === 'cancel' ? 'avsluttet' : 'stanset til du oppdaterer betalingsmåten din'
      }.`,
    updateHere: (link) => `Oppdater betalingsmåten din her: ${link}`,
  },
  trialEnding: {
    subject: 'Prøveperioden din slutter snart',
    endsOn: (plan, date) => `Prøveperioden din for ${plan} slutter ${date}.`,
    charge: (amount) => `Da belaster vi betalingsmåten din ${amount}. Du trenger ikke gjøre noe hvis du vil fortsette.`,
  },
  planChanged: {
    subject: (plan) => `Planen din er nå ${plan}`,
    changed: (from, to, date) => `Abonnementet ditt ble endret fra ${from} til ${to} ${date}.`,
    repricedSubject: (plan) => `Prisen på ${plan} er endret`,
    repriced: (plan, date) => `Prisen på abonnementet ditt, ${plan}, ble endret ${date}.`,
    price: (amount, interval) => `Den nye prisen er ${amount} ${interval}.`,
    prorated: (invoice) => `Prisforskjellen for resten av perioden ble fakturert på faktura ${invoice}.`,
  },
  canceled: {
    subject: 'Abonnementet ditt er avsluttet',
    requested: (date) => `Abonnementet ditt ble sagt opp slik du ba om, og ble avsluttet ${date}.`,
    nonPayment: (date) => `Abonnementet ditt ble avsluttet ${date} fordi vi ikke fikk belastet betalingen.`,
    paymentNotCompleted: 'Abonnementet ditt ble ikke startet fordi den første betalingen ikke ble fullført.',
    refunded: (amount) => `Vi har betalt tilbake ${amount} for tiden du ikke har brukt.`,
    subscribeAgain: 'Du kan tegne abonnement igjen når som helst.',
  },
  creditRefunded: {
    subject: 'Kreditten din er betalt tilbake',
    refunded: (amount) => `Vi har betalt tilbake ${amount} til kortet ditt: kreditten som sto igjen på abonnementet ditt da det ble avsluttet.`,
  },
  unpaid: {
    subject: 'Abonnementet ditt er stanset',
    suspended: (amount, invoice) => `Vi fikk ikke belastet ${amount} for faktura ${invoice}, så abonnementet ditt er stanset.`,
    reactivate: 'Legg inn en ny betalingsmåte for å aktivere det igjen.',
  },
  paused: {
    subject: 'Abonnementet ditt er satt på pause',
    until: (date) => `Abonnementet ditt er satt på pause til ${date}.`,
    untilResumed: 'Abonnementet ditt er satt på pause til du gjenopptar det.',
    credit: (amount) => `Den ubrukte delen av inneværende periode, ${amount}, blir trukket fra neste faktura.`,
  },
  resumed: {
    subject: 'Abonnementet ditt er aktivt igjen',
    resumed: (date) => `Velkommen tilbake! Abonnementet ditt er gjenopptatt, og inneværende periode varer til ${date}.`,
  },
  offer: {
    subject: (plan, percent) => (percent ? `Et tilbud til deg: ${plan} med ${percent} rabatt` : `Et tilbud til deg: bytt til ${plan}`),
    price: (from, to, price, interval, discount) =>
      `Du har ${from}. ${to} koster ${price} ${interval}` +
      (discount
        ? `, og for deg blir det ${discount.percent} billigere ${discount.periods === 1 ? 'neste faktureringsperiode' : `de neste ${discount.periods} faktureringsperiodene`}.`
        : '.'),
    acceptHere: (link) => `Ta imot tilbudet her: ${link}`,
    openUntil: (date) => `Tilbudet gjelder til ${date}.`,
  },
  portalSignIn: {
    subject: (portal) => `Logg inn på ${portal}`,
    asked: (portal) => `Noen, forhåpentligvis du, ba om å logge inn på ${portal} med denne e-postadressen.`,
    signInHere: (link) => `Logg inn her: ${link}`,
    validOnce: (minutes) =>
      `Lenken kan brukes én gang, innen ${minutes} minutter. Ba du ikke om den, kan du se bort fra denne e-posten: ingen kan logge inn uten lenken.`,
  },
  quote: {
    subject: (plan) => `Ditt tilbud på ${plan}`,
    offered: (plan, firstInvoice) => `Her er tilbudet vi har laget til deg: ${plan}, med en første faktura på ${firstInvoice}.`,
    reviewHere: (link) => `Se alle linjene og godta tilbudet her: ${link}`,
    openUntil: (date) => `Tilbudet gjelder til ${date}.`,
  },
};
