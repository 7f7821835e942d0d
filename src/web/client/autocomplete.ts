/**
 * Search suggestions as you type (an ARIA combobox) from /api/search?mode=autocomplete. Without this
 * script the search box is a plain GET form to /search.
 */
const DEBOUNCE_MS = 150;
const MIN_CHARS = 2;

interface Hit {
  type: string;
  slug: string;
  title: string;
}

const hrefFor = (hit: Hit) => (hit.type === 'brand' ? `/brands/${hit.slug}` : hit.type === 'model' ? `/cars/${hit.slug}` : `/variants/${hit.slug}`);

function enhance(input: HTMLInputElement, index: number): void {
  const list = document.createElement('ul');
  list.id = `suggest-${index}`;
  list.className = 'suggest';
  list.setAttribute('role', 'listbox');
  list.hidden = true;
  input.after(list);
  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-controls', list.id);
  input.setAttribute('aria-expanded', 'false');
  input.autocomplete = 'off';
  let hits: Hit[] = [];
  let active = -1;
  let timer = 0;
  let controller: AbortController | null = null;

  const close = () => {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  };
  const draw = () => {
    list.replaceChildren(
      ...hits.map((hit, i) => {
        const item = document.createElement('li');
        item.id = `${list.id}-${i}`;
        item.setAttribute('role', 'option');
        item.setAttribute('aria-selected', String(i === active));
        item.textContent = hit.title;
        item.addEventListener('mousedown', (event) => {
          event.preventDefault();
          location.href = hrefFor(hit);
        });
        return item;
      }),
    );
    list.hidden = hits.length === 0;
    input.setAttribute('aria-expanded', String(!list.hidden));
    if (active >= 0) input.setAttribute('aria-activedescendant', `${list.id}-${active}`);
  };
  const fetchHits = async (q: string) => {
    controller?.abort();
    controller = new AbortController();
    try {
      const response = await fetch(`/api/search?mode=autocomplete&limit=8&q=${encodeURIComponent(q)}`, { signal: controller.signal });
      if (!response.ok) return;
      hits = ((await response.json()) as { data: Hit[] }).data;
      active = -1;
      draw();
    } catch {
      // Aborted by a newer keystroke, or offline: the form still submits to /search.
    }
  };

  input.addEventListener('input', () => {
    clearTimeout(timer);
    const q = input.value.trim();
    if (q.length < MIN_CHARS) {
      hits = [];
      close();
      return;
    }
    timer = window.setTimeout(() => void fetchHits(q), DEBOUNCE_MS);
  });
  input.addEventListener('keydown', (event) => {
    if (list.hidden) return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      active = (active + step + hits.length) % hits.length;
      draw();
    } else if (event.key === 'Enter' && active >= 0) {
      const hit = hits[active];
      if (hit === undefined) return;
      event.preventDefault();
      location.href = hrefFor(hit);
    } else if (event.key === 'Escape') {
      close();
    }
  });
  input.addEventListener('blur', close);
}

document.querySelectorAll<HTMLInputElement>('input[data-autocomplete]').forEach(enhance);
