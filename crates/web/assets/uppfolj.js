// The answer form's one enhancement: each question is saved as soon as it changes (a comment a
// moment after typing stops), and the line under it says when («Sparat 2026-11-26 14:03 av …»).
// Without this script the form's Spara buttons post as usual; nothing here is needed to answer.
//
// A question's saves go out one after another, each carrying the version the previous one
// returned. A conflict (someone else saved meanwhile) stops the automatic saves of that question:
// its Spara button then posts the form, and the server shows both texts to choose between.
// While saves are on their way the form carries `data-saving`.
//
// Text is never lost: until the server has a comment, it is kept in the browser's storage under
// the question's address, and put back when the form is opened again (after a new login, say),
// for the person to save; leaving the page with unsaved text asks first. When the session has
// ended, the line under the question says so and how to go on.
//
// After each save the question's status (answered, needs attention: a required comment missing)
// is shown at the question, and the progress line at the top is kept current.
'use strict';

const TYPING_PAUSE_MS = 1500;
const kept = (form) => `uppfolj-osparat:${new URL(form.action).pathname}`;
const storage = (() => {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
})();
let unsaved = 0;

// The progress line: answered of all, and how many need attention.
const progress = document.getElementById('framsteg');
const counts = progress
  ? {
      answered: Number(progress.dataset.answered),
      total: Number(progress.dataset.total),
      attention: Number(progress.dataset.attention),
    }
  : null;
const statusChanged = (from, to) => {
  if (!counts || from === to) return;
  if (from === 'obesvarad') counts.answered += 1;
  if (to === 'obesvarad') counts.answered -= 1;
  if (from === 'atgarda') counts.attention -= 1;
  if (to === 'atgarda') counts.attention += 1;
  let text = `${counts.answered} av ${counts.total} frågor besvarade`;
  if (counts.attention > 0) text += `, ${counts.attention} behöver åtgärdas`;
  progress.textContent = text;
};

for (const form of document.querySelectorAll('form.answer-form')) {
  const state = form.querySelector('.save-state');
  const section = form.closest('section');
  const comment = form.querySelector('textarea[name=kommentar]');
  let queue = Promise.resolve();
  let stopped = false;
  let dirty = false;
  let typing = null;

  const show = (text, failed) => {
    state.textContent = text;
    state.classList.toggle('field-error', failed);
  };
  const markDirty = (now) => {
    if (now === dirty) return;
    dirty = now;
    unsaved += now ? 1 : -1;
  };
  const keep = () => {
    if (comment && storage) storage.setItem(kept(form), comment.value);
  };
  const forget = () => {
    if (storage) storage.removeItem(kept(form));
  };

  // Text written but not saved last time, put back for the person to save.
  const earlier = storage && comment ? storage.getItem(kept(form)) : null;
  if (earlier !== null && earlier !== comment.value) {
    comment.value = earlier;
    markDirty(true);
    show('Din osparade text från förra gången är tillbaka. Tryck på Spara för att spara den.', true);
  } else if (earlier !== null) {
    forget();
  }

  const save = async () => {
    if (stopped) return;
    const sent = comment ? comment.value : null;
    show('Sparar …', false);
    try {
      const response = await fetch(form.action, {
        method: 'POST',
        body: new URLSearchParams(new FormData(form)),
        headers: { Accept: 'application/json' },
        credentials: 'same-origin',
        redirect: 'manual',
      });
      if (response.type === 'opaqueredirect') throw new Error('redirected');
      const reply = await response.json();
      if (response.ok) {
        for (const version of section.querySelectorAll('input[name=version]')) {
          version.value = reply.version;
        }
        for (const field of form.querySelectorAll('[aria-invalid]')) {
          field.removeAttribute('aria-invalid');
        }
        if (!comment || comment.value === sent) {
          forget();
          markDirty(false);
        }
        if (reply.status) {
          statusChanged(section.dataset.status, reply.status);
          section.dataset.status = reply.status;
        }
        const attention = section.querySelector('.attention');
        if (attention) {
          attention.textContent = reply.attention || '';
          attention.hidden = !reply.attention;
        }
        show(reply.saved, false);
      } else {
        if (response.status === 409 || response.status === 401) stopped = true;
        if (reply.field) {
          for (const field of form.querySelectorAll(`[name=${reply.field}]`)) {
            field.setAttribute('aria-invalid', 'true');
          }
        }
        show(reply.message, true);
      }
    } catch {
      show('Frågan kunde inte sparas automatiskt. Texten finns kvar; tryck på Spara.', true);
    }
  };

  let waiting = 0;
  const enqueue = () => {
    clearTimeout(typing);
    waiting += 1;
    form.dataset.saving = 'ja';
    queue = queue.then(save).finally(() => {
      waiting -= 1;
      if (waiting === 0) delete form.dataset.saving;
    });
  };

  form.addEventListener('input', (event) => {
    markDirty(true);
    keep();
    if (event.target === comment && !stopped) {
      clearTimeout(typing);
      typing = setTimeout(enqueue, TYPING_PAUSE_MS);
    }
  });
  form.addEventListener('change', enqueue);
  form.addEventListener('submit', (event) => {
    // «Ta över» posts to its own address: last year's answer replaces what is in the form.
    if (event.submitter && event.submitter.hasAttribute('formaction')) {
      forget();
      markDirty(false);
      return;
    }
    if (stopped) {
      // A plain post leaves the page: the text stays kept until the server has it.
      markDirty(false);
      return;
    }
    event.preventDefault();
    enqueue();
  });
}

// Leaving with text the server does not have asks first (the browser words the question).
window.addEventListener('beforeunload', (event) => {
  if (unsaved > 0) event.preventDefault();
});
