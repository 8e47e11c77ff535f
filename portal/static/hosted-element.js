// Mounts Stripe's Payment Element in the manage page's payment-method form (portal/views/manage.eta)
// and confirms its SetupIntent when the customer presses Save. A file of its own, not inline: the
// page's Content-Security-Policy runs no inline script. Everything it needs is on the form's data
// attributes. Stripe then sends the browser to the return URL, whose route asks Stripe what was saved.
(function () {
  'use strict';
  var form = document.getElementById('hosted-element');
  if (!form) return;
  var error = document.getElementById('hosted-element-error');
  var button = form.querySelector('button[type="submit"]');
  var data = form.dataset;

  function say(message) {
    error.textContent = message;
    error.hidden = false;
  }

  // js.stripe.com blocked or unreachable: the form cannot work, and the customer is told so.
  if (typeof Stripe !== 'function') {
    say(data.unavailable);
    button.hidden = true;
    return;
  }
  var stripe = Stripe(data.publishableKey, { locale: data.locale });
  var elements = stripe.elements({ clientSecret: data.clientSecret });
  var element = elements.create('payment');
  element.on('ready', function () {
    button.disabled = false;
  });
  element.mount('#hosted-element-mount');

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    button.disabled = true;
    error.hidden = true;
    stripe.confirmSetup({ elements: elements, confirmParams: { return_url: data.returnUrl } }).then(function (result) {
      // Only reached when nothing was saved (a declined card, an incomplete field): on success
      // Stripe has already sent the browser to the return URL.
      say(result.error ? result.error.message : data.unavailable);
      button.disabled = false;
    });
  });
})();
