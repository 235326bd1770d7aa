// The answer form's one enhancement: each question is saved as soon as it changes, and the line
// under it says when («Sparat 2026-11-26 14:03 av …»). Without this script the form's Spara
// buttons post as usual; nothing here is needed to answer.
//
// A question's saves go out one after another, each carrying the version the previous one
// returned. A conflict (someone else saved meanwhile) stops the automatic saves of that question:
// its Spara button then posts the form, and the server shows both texts to choose between.
// While saves are on their way the form carries `data-saving`.
'use strict';

for (const form of document.querySelectorAll('form.answer-form')) {
  const state = form.querySelector('.save-state');
  const section = form.closest('section');
  let queue = Promise.resolve();
  let stopped = false;

  const show = (text, failed) => {
    state.textContent = text;
    state.classList.toggle('field-error', failed);
  };

  const save = async () => {
    if (stopped) return;
    show('Sparar …', false);
    try {
      const response = await fetch(form.action, {
        method: 'POST',
        body: new URLSearchParams(new FormData(form)),
        headers: { Accept: 'application/json' },
        credentials: 'same-origin',
      });
      const reply = await response.json();
      if (response.ok) {
        for (const version of section.querySelectorAll('input[name=version]')) {
          version.value = reply.version;
        }
        for (const field of form.querySelectorAll('[aria-invalid]')) {
          field.removeAttribute('aria-invalid');
        }
        show(reply.saved, false);
      } else {
        if (response.status === 409) stopped = true;
        if (reply.field) {
          for (const field of form.querySelectorAll(`[name=${reply.field}]`)) {
            field.setAttribute('aria-invalid', 'true');
          }
        }
        show(reply.message, true);
      }
    } catch {
      show('Frågan kunde inte sparas automatiskt. Tryck på Spara.', true);
    }
  };

  let waiting = 0;
  const enqueue = () => {
    waiting += 1;
    form.dataset.saving = 'ja';
    queue = queue.then(save).finally(() => {
      waiting -= 1;
      if (waiting === 0) delete form.dataset.saving;
    });
  };

  form.addEventListener('change', enqueue);
  form.addEventListener('submit', (event) => {
    if (stopped) return;
    event.preventDefault();
    enqueue();
  });
}
