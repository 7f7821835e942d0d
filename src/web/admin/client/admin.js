/* global document, window, fetch, XMLHttpRequest, URLSearchParams, location, setInterval, clearInterval */
/**
 * The admin pages' script (bundled by esbuild at start, served hashed; the CSP allows no inline script).
 * The pages work without it; it adds: keeping the session alive (the access cookie lasts 15 minutes; the
 * refresh cookie is sent only to /api/admin/auth, so only a script on our origin can trade it for a new
 * one), a silent refresh on the login page before asking for the password again, a sign-out that also
 * revokes the session on the server, an image preview, bulk import with upload progress and a row report,
 * and a confirmation before deleting. No token is ever readable here: the cookies are httpOnly.
 */

/** Refresh well before the 15-minute access token runs out; jittered so several tabs rarely collide. */
const REFRESH_EVERY_MS = 10 * 60 * 1000;
const REFRESH_JITTER_MS = 60 * 1000;

const refresh = () => fetch('/api/admin/auth/refresh', { method: 'POST', credentials: 'same-origin' }).then((r) => r.ok, () => false);

function keepAlive() {
  if (!document.querySelector('form[data-logout]')) return;
  const timer = setInterval(() => {
    refresh().then((ok) => {
      if (!ok) clearInterval(timer);
    });
  }, REFRESH_EVERY_MS + Math.floor(Math.random() * REFRESH_JITTER_MS));
}

/** Sent here because the session ran out: try the refresh cookie first, and go back if it still works. */
function silentSignIn() {
  const form = document.querySelector('form[data-login]');
  const params = new URLSearchParams(location.search);
  if (!form || !params.has('next')) return;
  refresh().then((ok) => {
    if (ok) location.replace(form.elements.namedItem('next').value);
  });
}

function signOut() {
  const form = document.querySelector('form[data-logout]');
  if (!form) return;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const done = () => location.assign('/admin/login?signedOut=1');
    fetch('/api/admin/auth/logout', { method: 'POST', credentials: 'same-origin' }).then(done, () => form.submit());
  });
}

function confirmDeletes() {
  for (const form of document.querySelectorAll('form[data-confirm]')) {
    form.addEventListener('submit', (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  }
}

function previews() {
  for (const input of document.querySelectorAll('input[type=file][data-preview]')) {
    const img = document.getElementById(input.dataset.preview);
    input.addEventListener('change', () => {
      const file = input.files && input.files[0];
      if (img.src) URL.revokeObjectURL(img.src);
      if (!file || !file.type.startsWith('image/')) {
        img.hidden = true;
        return;
      }
      img.src = URL.createObjectURL(file);
      img.hidden = false;
    });
  }
}

const IMPORT_TYPES = { csv: 'text/csv', ndjson: 'application/x-ndjson', jsonl: 'application/x-ndjson', json: 'application/json' };

function showImportResult(status, body) {
  const result = document.getElementById('import-result');
  const table = document.getElementById('import-errors');
  const rows = table.querySelector('tbody');
  rows.replaceChildren();
  table.hidden = true;
  if (status === 200) {
    const d = body.data;
    result.className = 'notice';
    result.textContent = `${d.dryRun ? 'Dry run: nothing written. ' : ''}${d.rows} rows: ${d.inserted} new, ${d.updated} updated (${d.ms} ms).`;
    return;
  }
  const error = (body && body.error) || { message: `The import failed (${status}).` };
  result.className = 'alert';
  result.textContent = `${error.message} Nothing was written.`;
  for (const detail of error.details || []) {
    const tr = document.createElement('tr');
    for (const text of [detail.row === undefined ? '' : String(detail.row), detail.field || '', detail.message]) {
      const td = document.createElement('td');
      td.textContent = text;
      tr.append(td);
    }
    rows.append(tr);
  }
  table.hidden = rows.children.length === 0;
}

function bulkImport() {
  const form = document.querySelector('form[data-import]');
  if (!form) return;
  const progress = document.getElementById('import-progress');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const file = form.elements.namedItem('file').files[0];
    if (!file) return;
    const extension = file.name.split('.').pop().toLowerCase();
    const query = new URLSearchParams({ entity: form.elements.namedItem('entity').value, dryRun: String(form.elements.namedItem('dryRun').checked) });
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/admin/import?${query}`);
    xhr.setRequestHeader('content-type', IMPORT_TYPES[extension] || file.type || 'text/csv');
    xhr.upload.addEventListener('progress', (e) => {
      if (e.lengthComputable) progress.value = Math.round((e.loaded / e.total) * 100);
    });
    xhr.addEventListener('load', () => {
      let body = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      showImportResult(xhr.status, body);
    });
    xhr.addEventListener('error', () => showImportResult(0, null));
    document.getElementById('import-result').textContent = 'Uploading and checking every row…';
    progress.value = 0;
    xhr.send(file);
  });
}

document.addEventListener('DOMContentLoaded', () => {
  keepAlive();
  silentSignIn();
  signOut();
  confirmDeletes();
  previews();
  bulkImport();
});
