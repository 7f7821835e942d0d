/**
 * Compare picker: type a car, pick a variant, and the compare URL gains it (up to 4). Without this script
 * the page offers a plain form with a variant slug field and links from search results.
 */
const MAX_COMPARED = 4;
const DEBOUNCE_MS = 200;

interface VariantHit {
  slug: string;
  title: string;
}

function enhance(form: HTMLFormElement): void {
  const input = form.querySelector<HTMLInputElement>('input[name="add"]');
  const current = (form.dataset.current ?? '').split(',').filter(Boolean);
  if (!input || current.length >= MAX_COMPARED) return;
  const list = document.createElement('ul');
  list.className = 'suggest';
  list.id = 'compare-suggest';
  list.setAttribute('role', 'listbox');
  list.hidden = true;
  input.after(list);
  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-controls', list.id);
  input.setAttribute('aria-expanded', 'false');
  input.autocomplete = 'off';
  let timer = 0;

  const go = (slug: string) => {
    const variants = [...current.filter((s) => s !== slug), slug].slice(0, MAX_COMPARED);
    location.href = `/compare?variants=${variants.join(',')}`;
  };
  const show = (hits: VariantHit[]) => {
    list.replaceChildren(
      ...hits.map((hit) => {
        const item = document.createElement('li');
        item.setAttribute('role', 'option');
        item.tabIndex = -1;
        item.textContent = hit.title;
        item.addEventListener('mousedown', (event) => {
          event.preventDefault();
          go(hit.slug);
        });
        item.addEventListener('keydown', (event) => {
          if (event.key === 'Enter') go(hit.slug);
        });
        return item;
      }),
    );
    list.hidden = hits.length === 0;
    input.setAttribute('aria-expanded', String(!list.hidden));
  };

  input.addEventListener('input', () => {
    clearTimeout(timer);
    const q = input.value.trim();
    if (q.length < 2) return show([]);
    timer = window.setTimeout(async () => {
      try {
        const response = await fetch(`/api/search?type=variant&limit=8&q=${encodeURIComponent(q)}`);
        if (response.ok) show(((await response.json()) as { data: VariantHit[] }).data);
      } catch {
        show([]);
      }
    }, DEBOUNCE_MS);
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown') (list.firstElementChild as HTMLElement | null)?.focus();
  });
}

document.querySelectorAll<HTMLFormElement>('form[data-compare-picker]').forEach(enhance);
